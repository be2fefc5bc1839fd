/* kvm.c: present requests in the shape of the Linux KVM uAPI so that
 * user-space handlers written for KVM TDX can be reused, and turn the
 * completed kvm_run exit back into TDVMCALL outputs. Numbers and layouts:
 * <linux/kvm.h> and <linux/kvm_para.h>, plus what host.h adds for TDX
 * (KVM_EXIT_TDX 40, KVM_SYSTEM_EVENT_TDX_FATAL 7, kvm_run.tdx);
 * tdx-abi.md 3.5, 3.8, 3.11. */
#include <stddef.h>
#include <string.h>

#include <linux/kvm_para.h>

#include "host_int.h"

/* IO data lives where KVM puts it, in the page after struct kvm_run. */
_Static_assert(TDX_HOST_KVM_IO_OFFSET >= sizeof(struct kvm_run), "IO page after kvm_run");

static const uint8_t *io_data(const struct kvm_run *run, size_t run_size)
{
	uint64_t off = run->io.data_offset;
	uint64_t len = (uint64_t)run->io.size * run->io.count;

	if (off > run_size || len > run_size - off)
		return NULL;
	return (const uint8_t *)run + off;
}

uint8_t *tdx_host_kvm_io_data(struct kvm_run *run, size_t run_size)
{
	return (uint8_t *)io_data(run, run_size);
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n && i < 8; i++)	/* both targets are 8 bytes */
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n && i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* KVM hands MapGPA to user space 512 pages at a time (3.5). */
static uint64_t map_gpa_chunk_pages(const struct tdx_host_req *req)
{
	uint64_t pages = req->map_gpa.size / TDX_PAGE_SIZE_4K;
	return pages < TDX_HOST_KVM_MAP_GPA_MAX_PAGES ? pages : TDX_HOST_KVM_MAP_GPA_MAX_PAGES;
}

/* KVM_SYSTEM_EVENT_TDX_FATAL data[]: x86 GPR order, RAX = the TDH.VP.ENTER
 * status (77 for a TDVMCALL), RSP/RBP = 0 (KVM tdx_report_fatal_error). */
static void fatal_event(const struct tdx_host_exit *e, struct kvm_run *run)
{
	run->exit_reason = KVM_EXIT_SYSTEM_EVENT;
	run->system_event.type = KVM_SYSTEM_EVENT_TDX_FATAL;
	run->system_event.ndata = 16;
	for (unsigned i = 0; i < TDX_NR_GPRS; i++)
		run->system_event.data[i] = e->gpr[i];
	run->system_event.data[TDX_GPR_RAX] = TDX_EXIT_TDCALL;
	run->system_event.data[TDX_GPR_RCX] = e->qual;
	run->system_event.data[TDX_GPR_RSP] = 0;
	run->system_event.data[TDX_GPR_RBP] = 0;
}

static struct tdx_host_kvm_tdx *tdx_exit(struct kvm_run *run, uint64_t nr, uint64_t ret)
{
	struct tdx_host_kvm_tdx *t = tdx_host_kvm_tdx(run);

	run->exit_reason = KVM_EXIT_TDX;
	t->nr = nr;
	t->unknown.ret = ret;
	return t;
}

int tdx_host_kvm_from_req(const struct tdx_host_config *cfg, const struct tdx_host_exit *e,
			  const struct tdx_host_req *req, struct kvm_run *run, size_t run_size)
{
	struct tdx_host_kvm_tdx *t;

	if (run_size < TDX_HOST_KVM_RUN_SIZE)
		return -1;
	/* Only what KVM writes on an exit: the fields user space sets stay. */
	run->exit_reason = 0;
	memset(run->padding, 0, sizeof(run->padding));
	switch (req->kind) {
	case TDX_HOST_IO:
		run->exit_reason = KVM_EXIT_IO;
		run->io.direction = req->io.direction;	/* GHCI 0 = IN = KVM_EXIT_IO_IN */
		run->io.size = req->io.size;
		run->io.port = req->io.port;
		run->io.count = 1;
		run->io.data_offset = TDX_HOST_KVM_IO_OFFSET;
		memset((uint8_t *)run + TDX_HOST_KVM_IO_OFFSET, 0, 8);
		if (req->io.direction == TDX_HOST_DIR_WRITE)
			put_le((uint8_t *)run + TDX_HOST_KVM_IO_OFFSET, req->io.data, req->io.size);
		return 0;
	case TDX_HOST_MMIO:
		/* KVM strips the shared bit before device emulation (3.4). */
		run->exit_reason = KVM_EXIT_MMIO;
		run->mmio.phys_addr = req->mmio.addr;
		run->mmio.len = req->mmio.size;
		run->mmio.is_write = req->mmio.direction == TDX_HOST_DIR_WRITE;
		if (run->mmio.is_write)
			put_le(run->mmio.data, req->mmio.data, req->mmio.size);
		return 0;
	case TDX_HOST_MAP_GPA:
		run->exit_reason = KVM_EXIT_HYPERCALL;
		run->hypercall.nr = KVM_HC_MAP_GPA_RANGE;
		run->hypercall.args[0] = req->map_gpa.addr;
		run->hypercall.args[1] = map_gpa_chunk_pages(req);
		run->hypercall.args[2] = req->map_gpa.to_shared ? KVM_MAP_GPA_RANGE_DECRYPTED
								 : KVM_MAP_GPA_RANGE_ENCRYPTED;
		run->hypercall.longmode = 1;	/* flags bit 0 (LONG_MODE) in newer uAPIs */
		return 0;
	case TDX_HOST_VENDOR:
		/* KVM forwards only KVM_HC_MAP_GPA_RANGE (args R11..R13) to user space. */
		if (req->vendor.nr != KVM_HC_MAP_GPA_RANGE)
			return -1;
		run->exit_reason = KVM_EXIT_HYPERCALL;
		run->hypercall.nr = req->vendor.nr;
		for (unsigned i = 0; i < 3; i++)
			run->hypercall.args[i] = req->vendor.args[i];
		run->hypercall.longmode = 1;	/* flags bit 0 (LONG_MODE) in newer uAPIs */
		return 0;
	case TDX_HOST_REPORT_FATAL_ERROR:
		fatal_event(e, run);
		return 0;
	case TDX_HOST_GET_QUOTE:
		/* ret preset: user space that ignores the exit leaves it unsupported. */
		t = tdx_exit(run, req->subfn, TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED);
		t->get_quote.gpa = req->quote.addr;
		t->get_quote.size = req->quote.size;
		return 0;
	case TDX_HOST_GET_TD_VM_CALL_INFO:
		if (req->info.leaf != 1)	/* leaf 0 is answered in the kernel (3.6) */
			return -1;
		t = tdx_exit(run, req->subfn, TDVMCALL_STATUS_SUCCESS);	/* r11..r14 preset 0 */
		t->get_tdvmcall_info.leaf = req->info.leaf;
		return 0;
	case TDX_HOST_SETUP_EVENT_NOTIFY:
		t = tdx_exit(run, req->subfn, TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED);
		t->setup_event_notify.vector = req->notify.vector;
		return 0;
	default:
		return -1;	/* in-kernel (CPUID, HLT, MSR) or unknown to KVM */
	}
}

static int to_resp_map_gpa(const struct tdx_host_config *cfg, const struct tdx_host_req *req,
			   const struct kvm_run *run, struct tdx_host_resp *resp)
{
	uint64_t done = run->hypercall.args[1] * TDX_PAGE_SIZE_4K;

	if (run->hypercall.nr != KVM_HC_MAP_GPA_RANGE)
		return -1;
	/* Non-zero ret: INVALID_OPERAND with R11 = the chunk's GPA (3.5). */
	if (run->hypercall.ret != 0) {
		resp->status = TDVMCALL_STATUS_INVALID_OPERAND;
		resp->out[TDX_GPR_R11] = req->map_gpa.gpa;
		return 0;
	}
	/* Converted only the first chunk: RETRY from the next GPA, in the
	 * guest's terms (shared bit as sent), so start <= R11 < end holds. */
	if (done < req->map_gpa.size) {
		resp->status = TDVMCALL_STATUS_RETRY;
		resp->out[TDX_GPR_R11] = req->map_gpa.gpa + done;
		return 0;
	}
	resp->status = TDVMCALL_STATUS_SUCCESS;
	return 0;
}

int tdx_host_kvm_to_resp(const struct tdx_host_config *cfg, const struct tdx_host_req *req,
			 const struct kvm_run *run, size_t run_size, struct tdx_host_resp *resp)
{
	const struct tdx_host_kvm_tdx *t = tdx_host_kvm_tdx_const(run);

	memset(resp, 0, sizeof(*resp));
	switch (req->kind) {
	case TDX_HOST_IO: {
		if (run->exit_reason != KVM_EXIT_IO)
			return -1;
		if (req->io.direction == TDX_HOST_DIR_READ) {
			const uint8_t *p = io_data(run, run_size);
			if (!p || run->io.size != req->io.size)
				return -1;
			resp->out[TDX_GPR_R11] = get_le(p, req->io.size);
		}
		return 0;
	}
	case TDX_HOST_MMIO:
		if (run->exit_reason != KVM_EXIT_MMIO)
			return -1;
		if (req->mmio.direction == TDX_HOST_DIR_READ)
			resp->out[TDX_GPR_R11] = get_le(run->mmio.data, req->mmio.size);
		return 0;
	case TDX_HOST_MAP_GPA:
		if (run->exit_reason != KVM_EXIT_HYPERCALL)
			return -1;
		return to_resp_map_gpa(cfg, req, run, resp);
	case TDX_HOST_VENDOR:
		/* KVM's complete_hypercall_exit for TDX: R10 = hypercall.ret (3.10). */
		if (run->exit_reason != KVM_EXIT_HYPERCALL)
			return -1;
		resp->status = run->hypercall.ret;
		return 0;
	case TDX_HOST_REPORT_FATAL_ERROR:
		return run->exit_reason == KVM_EXIT_SYSTEM_EVENT ? 0 : -1;
	case TDX_HOST_GET_QUOTE:
	case TDX_HOST_SETUP_EVENT_NOTIFY:
	case TDX_HOST_GET_TD_VM_CALL_INFO:
		if (run->exit_reason != KVM_EXIT_TDX || t->nr != req->subfn)
			return -1;
		resp->status = t->unknown.ret;	/* ret is always at offset 16 (3.11) */
		if (req->kind == TDX_HOST_GET_TD_VM_CALL_INFO) {
			resp->out[TDX_GPR_R11] = t->get_tdvmcall_info.r11;
			resp->out[TDX_GPR_R12] = t->get_tdvmcall_info.r12;
			resp->out[TDX_GPR_R13] = t->get_tdvmcall_info.r13;
			resp->out[TDX_GPR_R14] = t->get_tdvmcall_info.r14;
		}
		return 0;
	default:
		return -1;
	}
}
