/* test_kvm_run.c: a VMM's own KVM exit handlers, fed by the KVM adapter
 * (tdxkit/host.h tdx_host_kvm_*). The first part of this file is such a
 * handler, written against <linux/kvm.h> alone (it is compiled before any
 * tdxkit header is included, so it cannot use tdxkit's names): a UART, an
 * MMIO register device, KVM_HC_MAP_GPA_RANGE and system events, as a KVM
 * VMM handles them. The second part runs guest code (the direct guest
 * library) whose TDVMCALLs go model -> host library -> adapter -> that
 * handler and back, and checks both ends. */
#include <stdint.h>
#include <string.h>
#include <linux/kvm.h>
#include <linux/kvm_para.h>

/* ---- a VMM's exit handlers (<linux/kvm.h> only) --------------------------- */
#define UART_BASE 0x3F8
#define UART_LSR (UART_BASE + 5)
#define DEV_BASE 0xFEB00000ull

static struct vmm {
	char console[64];
	unsigned console_len;
	uint64_t dev_regs[4];		/* the MMIO device: 4 64-bit registers */
	uint64_t map_gpa, map_pages, map_attrs;	/* last KVM_HC_MAP_GPA_RANGE */
	unsigned map_calls;
	uint32_t event_type, event_ndata;
	uint64_t event_data[16];
	unsigned exits;
} V;

/* Handles one exit in place, as a VMM's loop does after KVM_RUN returns:
 * 0 handled (KVM_RUN again), -1 an exit this VMM does not know. */
static int vmm_handle_exit(struct kvm_run *run)
{
	V.exits++;
	switch (run->exit_reason) {
	case KVM_EXIT_IO: {
		uint8_t *data = (uint8_t *)run + run->io.data_offset;
		if (run->io.direction == KVM_EXIT_IO_OUT && run->io.port == UART_BASE) {
			for (uint32_t i = 0; i < run->io.count; i++)
				if (V.console_len < sizeof(V.console) - 1)
					V.console[V.console_len++] = (char)data[i * run->io.size];
		} else if (run->io.direction == KVM_EXIT_IO_IN) {
			/* LSR: transmitter empty; nothing else answers. */
			memset(data, run->io.port == UART_LSR ? 0x60 : 0xFF,
			       (size_t)run->io.size * run->io.count);
		}
		return 0;
	}
	case KVM_EXIT_MMIO: {
		uint64_t off = run->mmio.phys_addr - DEV_BASE;
		if (run->mmio.phys_addr < DEV_BASE || off + run->mmio.len > sizeof(V.dev_regs))
			return -1;
		if (run->mmio.is_write)
			memcpy((uint8_t *)V.dev_regs + off, run->mmio.data, run->mmio.len);
		else
			memcpy(run->mmio.data, (uint8_t *)V.dev_regs + off, run->mmio.len);
		return 0;
	}
	case KVM_EXIT_HYPERCALL:
		if (run->hypercall.nr != KVM_HC_MAP_GPA_RANGE)
			return -1;
		V.map_gpa = run->hypercall.args[0];
		V.map_pages = run->hypercall.args[1];
		V.map_attrs = run->hypercall.args[2];
		V.map_calls++;
		run->hypercall.ret = 0;
		return 0;
	case KVM_EXIT_SYSTEM_EVENT:
		V.event_type = run->system_event.type;
		V.event_ndata = run->system_event.ndata;
		memcpy(V.event_data, run->system_event.data, sizeof(V.event_data));
		return 0;
	default:
		return -1;
	}
}

/* ---- the TD and the host library around it ----------------------------- */
#include "testutil.h"
#include "tdxkit/direct.h"
#include "tdxkit/ghci.h"
#include "tdxkit/guest.h"
#include "tdxkit/host.h"

#define SB48 (1ull << 47)

/* The vCPU mapping: struct kvm_run, KVM's IO page after it. */
static union { struct kvm_run run; uint8_t bytes[TDX_HOST_KVM_RUN_SIZE]; } vcpu_map;
static unsigned refused;	/* requests KVM would handle in the kernel */

/* The model's TDVMCALL callback as a KVM-based VMM would see TDX exits:
 * decode, present as kvm_run, the VMM's handler, read back, complete. */
static int kvm_tdvmcall(void *ctx, struct tdx_td *td, unsigned vcpu, struct tdx_td_exit *exit)
{
	struct tdx_host_config cfg = { .gpaw = tdx_td_config(td)->gpaw };
	struct tdx_host_exit e = { .qual = exit->exit_qual };
	struct tdx_host_req req;
	struct tdx_host_resp resp;

	memcpy(e.gpr, exit->vmm.gpr, sizeof(e.gpr));
	uint64_t st = tdx_host_decode(&cfg, &e, &req);
	memset(&resp, 0, sizeof(resp));
	resp.status = st;
	if (st == TDVMCALL_STATUS_SUCCESS) {
		if (tdx_host_kvm_from_req(&cfg, &e, &req, &vcpu_map.run, sizeof(vcpu_map)) != 0) {
			refused++;
			resp.status = TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED;
		} else if (vmm_handle_exit(&vcpu_map.run) != 0 ||
			   tdx_host_kvm_to_resp(&cfg, &req, &vcpu_map.run, sizeof(vcpu_map), &resp) != 0) {
			resp.status = TDVMCALL_STATUS_INVALID_OPERAND;
		}
	}
	if (tdx_host_complete(&e, &req, &resp) != 0)
		return 1;
	memcpy(exit->vmm.gpr, e.gpr, sizeof(e.gpr));
	return 0;
}

static struct tdx_td *td_new(void)
{
	struct tdx_td_config cfg;

	tdx_td_config_init(&cfg);
	cfg.mem_size = 16ull << 20;
	cfg.host.tdvmcall = kvm_tdvmcall;
	struct tdx_td *td = tu_td_new(&cfg);
	tdx_direct_attach(td, 0);
	memset(&V, 0, sizeof(V));
	refused = 0;
	return td;
}

static void td_done(struct tdx_td *td)
{
	tdx_direct_attach(NULL, 0);
	tdx_td_destroy(td);
}

static void test_uart(void **state)
{
	struct tdx_td *td = td_new();
	uint32_t lsr = 0;

	for (const char *p = "hi KVM"; *p; p++) {
		ASSERT_STATUS(tdx_ghci_io_in(UART_LSR, 1, &lsr), TDVMCALL_STATUS_SUCCESS);
		ASSERT_EQ(lsr, 0x60);	/* the VMM's answer, through KVM's IO page */
		ASSERT_STATUS(tdx_ghci_io_out(UART_BASE, 1, (uint8_t)*p), TDVMCALL_STATUS_SUCCESS);
	}
	assert_string_equal(V.console, "hi KVM");
	ASSERT_STATUS(tdx_ghci_io_in(0x80, 2, &lsr), TDVMCALL_STATUS_SUCCESS);
	ASSERT_EQ(lsr, 0xFFFF);
	ASSERT_EQ(V.exits, 2 * 6 + 1);
	td_done(td);
}

static void test_mmio(void **state)
{
	struct tdx_td *td = td_new();
	uint64_t v = 0;

	/* The guest names the shared GPA; KVM's handler sees it without the
	 * shared bit. */
	ASSERT_STATUS(tdx_ghci_mmio_write(SB48 | (DEV_BASE + 8), 8, 0x1122334455667788ull),
		      TDVMCALL_STATUS_SUCCESS);
	ASSERT_EQ(V.dev_regs[1], 0x1122334455667788ull);
	ASSERT_STATUS(tdx_ghci_mmio_read(SB48 | (DEV_BASE + 10), 2, &v), TDVMCALL_STATUS_SUCCESS);
	ASSERT_EQ(v, 0x5566);
	/* Outside the device: the VMM refuses, the guest gets an error. */
	ASSERT_STATUS(tdx_ghci_mmio_read(SB48 | (DEV_BASE + 0x40), 4, &v),
		      TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_EQ(v, 0);
	td_done(td);
}

static void test_map_gpa(void **state)
{
	struct tdx_td *td = td_new();
	uint64_t done = 0;

	/* 3 MiB to shared: KVM hands out 2 MiB per exit (512 pages), the guest
	 * library retries from R11 until done. */
	ASSERT_STATUS(tdx_ghci_map_gpa(SB48 | 0x400000, 0x300000, &done), TDVMCALL_STATUS_SUCCESS);
	ASSERT_EQ(done, SB48 | 0x700000);
	ASSERT_EQ(V.map_calls, 2);
	ASSERT_EQ(V.map_gpa, 0x600000);		/* the second chunk, no shared bit */
	ASSERT_EQ(V.map_pages, 256);
	ASSERT_EQ(V.map_attrs, KVM_MAP_GPA_RANGE_DECRYPTED);
	/* Back to private. */
	ASSERT_STATUS(tdx_ghci_map_gpa(0x400000, 0x1000, NULL), TDVMCALL_STATUS_SUCCESS);
	ASSERT_EQ(V.map_attrs, KVM_MAP_GPA_RANGE_ENCRYPTED);
	ASSERT_EQ(V.map_pages, 1);
	td_done(td);
}

static void test_fatal_event_and_in_kernel(void **state)
{
	struct tdx_td *td = td_new();
	uint64_t msg[8];

	tdx_ghci_pack_message(msg, "oops");
	ASSERT_STATUS(tdx_tdvmcall_fatal(0x2A, 0, msg), TDX_SUCCESS);	/* the VMM resumed us */
	ASSERT_EQ(V.event_type, KVM_SYSTEM_EVENT_TDX_FATAL);
	ASSERT_EQ(KVM_SYSTEM_EVENT_TDX_FATAL, 7);	/* Linux's value */
	ASSERT_EQ(V.event_ndata, 16);
	ASSERT_EQ(V.event_data[12], 0x2A);		/* R12: the error code */
	ASSERT_EQ(V.event_data[14], 0x73706f6full);	/* R14: "oops" */
	/* CPUID is answered in KVM itself: no user-space exit. */
	struct tdx_ghci_cpuid c;
	unsigned before = V.exits;
	ASSERT_STATUS(tdx_ghci_cpuid(0, 0, &c), TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED);
	ASSERT_EQ(V.exits, before);
	ASSERT_EQ(refused, 1);
	td_done(td);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uart),
		cmocka_unit_test(test_mmio),
		cmocka_unit_test(test_map_gpa),
		cmocka_unit_test(test_fatal_event_and_in_kernel),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}
