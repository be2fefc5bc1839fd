// cxx_direct.cc: C++ on the installed libraries through find_package:
// the model (tdxkit::tdxkit), the direct guest library, the default host
// (tdxkit::vmm) serving GHCI calls, the L1 library, the L2 engine, and the
// quote provider. Every result is checked against what the spec says.
#include <cstdio>
#include <cstring>
#include <unistd.h>

#include <tdxkit/direct.h>
#include <tdxkit/ghci.h>
#include <tdxkit/guest.h>
#include <tdxkit/host.h>
#include <tdxkit/l1.h>
#include <tdxkit/l2cpu.h>
#include <tdxkit/l2engine.h>
#include <tdxkit/quote.h>
#include <tdxkit/vmm.h>

#define CHECK(c) do { if (!(c)) { \
	std::fprintf(stderr, "cxx_direct: %s:%d: %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

int main()
{
	int uart[2];
	CHECK(pipe(uart) == 0);
	struct tdx_vmm_config vc;
	tdx_vmm_config_init(&vc);
	vc.uart_fd = uart[1];
	char err[200];
	struct tdx_vmm *vmm = tdx_vmm_new(&vc, err, sizeof(err));
	CHECK(vmm != nullptr);

	struct tdx_td_config cfg;
	tdx_td_config_init(&cfg);
	cfg.mem_size = 32ull << 20;
	cfg.num_l2_vms = 1;
	tdx_vmm_attach(vmm, &cfg);
	struct tdx_td *td = tdx_td_create(&cfg, err, sizeof(err));
	CHECK(td != nullptr);
	tdx_direct_attach(td, 0);

	// GHCI through the default host: the UART and its CPUID leaf.
	for (const char *p = "C++\n"; *p; p++)
		CHECK(tdx_ghci_io_out(TDX_VMM_UART_PORT, 1, static_cast<uint8_t>(*p)) ==
		      TDXKIT_TDVMCALL_STATUS_SUCCESS);
	char got[8] = { 0 };
	CHECK(read(uart[0], got, 4) == 4 && std::strcmp(got, "C++\n") == 0);
	struct tdx_ghci_cpuid c;
	CHECK(tdx_ghci_cpuid(0x40000000, 0, &c) == TDXKIT_TDVMCALL_STATUS_SUCCESS);
	char sig[13] = { 0 };
	std::memcpy(sig, &c.ebx, 4);
	std::memcpy(sig + 4, &c.ecx, 4);
	std::memcpy(sig + 8, &c.edx, 4);
	CHECK(std::strcmp(sig, "tdxkit-model") == 0);
	struct tdx_vmm_counts n;
	tdx_vmm_get_counts(vmm, &n);
	CHECK(n.tdvmcalls == 5);

	// The L2 engine attaches through the module's engine API.
	CHECK(tdx_td_l2_engine(td, nullptr) == nullptr);
	CHECK(tdx_l2cpu_attach(td, err, sizeof(err)) == 0);
	CHECK(tdx_td_l2_engine(td, nullptr) != nullptr);
	struct tdx_l1_private_regs pr;
	tdx_l1_private_regs_init(&pr, TDX_L1_VTL0);
	CHECK(((pr.entry_flags & TDXKIT_VP_ENTER_VM_MASK) >> TDXKIT_VP_ENTER_VM_SHIFT) == 1);

	// A quote of a fresh TDREPORT verifies with the key that signed it.
	CHECK(tdx_accept_memory(0x100000, 0x102000, nullptr) == TDXKIT_SUCCESS);
	CHECK(tdx_mr_report(0x101000, 0x100000) == TDXKIT_SUCCESS);
	struct tdx_quote_key *key = tdx_quote_key_new();
	CHECK(key != nullptr);
	static uint8_t quote[8192];
	size_t qlen = 0;
	CHECK(tdx_quote_build(key, tdx_td_gpa_ptr(td, 0x101000, TDXKIT_REPORT_SIZE),
			      TDXKIT_REPORT_SIZE, quote, sizeof(quote), &qlen) == 0);
	CHECK(tdx_quote_verify(quote, qlen, key, err, sizeof(err)) == 0);
	quote[100] ^= 1;
	CHECK(tdx_quote_verify(quote, qlen, key, err, sizeof(err)) != 0);
	tdx_quote_key_free(key);

	tdx_direct_attach(nullptr, 0);
	tdx_td_destroy(td);
	tdx_vmm_destroy(vmm);
	std::printf("cxx_direct: ok\n");
	return 0;
}
