// cxx_native.cc: the real TDCALL instruction in C++, with the installed
// in-process trap engine (tdxkit::trap) answering it from the model.
#include <cstdio>

#include <tdxkit/guest.h>
#include <tdxkit/trap.h>

#define CHECK(c) do { if (!(c)) { \
	std::fprintf(stderr, "cxx_native: %s:%d: %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

int main()
{
	struct tdx_td_config cfg;
	char err[200];
	tdx_td_config_init(&cfg);
	cfg.mem_size = 16ull << 20;
	cfg.gpaw = 52;
	struct tdx_td *td = tdx_td_create(&cfg, err, sizeof(err));
	CHECK(td != nullptr);
	CHECK(tdx_trap_install(td, 0, err, sizeof(err)) == 0);
	struct tdx_vp_info vi;
	tdx_vp_info(&vi);	// 66 0F 01 CC, trapped
	CHECK(vi.gpaw == 52 && vi.attributes == TDXKIT_ATTR_SEPT_VE_DISABLE);
	uint64_t status = tdx_mem_page_accept(0x1000, TDXKIT_PAGE_4K);
	CHECK(status == TDXKIT_SUCCESS);
	CHECK(TDXKIT_STATUS_CODE(tdx_mem_page_accept(0x1000, TDXKIT_PAGE_4K)) ==
	      TDXKIT_PAGE_ALREADY_ACCEPTED);
	tdx_trap_uninstall();
	tdx_td_destroy(td);
	std::printf("cxx_native: ok\n");
	return 0;
}
