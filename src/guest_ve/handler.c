/* handler.c: the default #VE handler (tdxkit/ve.h). It does what a TD
 * kernel's #VE handler does (tdx-abi.md 4.1): read VE_INFO first, then turn
 * the event into the GHCI TDVMCALL for it (3.4), or accept the PENDING page
 * that was touched (8.2). No stdio, no heap: it runs in a signal handler. */
#include "tdxkit/ghci.h"
#include "tdxkit/ve.h"

#define RFLAGS_IF (1ull << 9)

/* One VCPU (ve.h): a plain cache of TDG.VP.INFO's shared bit (5.1). */
static uint64_t shared_bit;

static uint64_t get_shared_bit(void)
{
	if (!shared_bit) {
		struct tdx_vp_info vi;
		tdx_vp_info(&vi);
		shared_bit = vi.shared_bit;
	}
	return shared_bit;
}

int tdx_ve_install_default(void)
{
	if (tdx_ve_register(tdx_ve_default_handler))
		return -1;	/* not in a TD: no TDCALL either */
	(void)get_shared_bit();
	return 0;
}

static void handle_io(struct tdx_ve_frame *f, const struct tdx_ve *ve)
{
	uint64_t q = ve->exit_qual;
	unsigned size = TDX_IO_QUAL_SIZE(q);	/* the layout: tdxkit/abi.h */
	uint16_t port = TDX_IO_QUAL_PORT(q);
	uint64_t st;

	/* String IO would need the guest's RSI/RDI memory and DF; a kernel
	 * unrolls it instead (Linux), so the handler declines. */
	if (q & (TDX_IO_QUAL_STRING | TDX_IO_QUAL_REP)) {
		tdx_ve_unhandled(f, ve, TDX_VE_ERR_STRING_IO, 0);
		return;
	}
	if (q & TDX_IO_QUAL_IN) {
		uint32_t v;
		st = tdx_ghci_io_in(port, size, &v);
		if (st == TDVMCALL_STATUS_SUCCESS)	/* AL/AX merge, EAX zero-extends */
			f->rax = tdx_ghci_merge(f->rax, v, size);
	} else {
		st = tdx_ghci_io_out(port, size, (uint32_t)f->rax);
	}
	if (st != TDVMCALL_STATUS_SUCCESS) {
		tdx_ve_unhandled(f, ve, TDX_VE_ERR_HOST, st);
		return;
	}
	f->rip += ve->instr_len;
}

static void handle_msr(struct tdx_ve_frame *f, const struct tdx_ve *ve, bool write)
{
	uint32_t msr = (uint32_t)f->rcx;
	uint64_t st, v = 0;

	if (write)
		st = tdx_ghci_wrmsr(msr, f->rdx << 32 | (uint32_t)f->rax);
	else
		st = tdx_ghci_rdmsr(msr, &v);
	if (!write && st == TDVMCALL_STATUS_SUCCESS) {	/* 32-bit writes: zero-extended */
		f->rax = (uint32_t)v;
		f->rdx = v >> 32;
	}
	/* A refused MSR is #GP for a kernel (3.4); here: the error path. */
	if (st != TDVMCALL_STATUS_SUCCESS) {
		tdx_ve_unhandled(f, ve, TDX_VE_ERR_HOST, st);
		return;
	}
	f->rip += ve->instr_len;
}

static uint64_t mmio_access(void *ctx, bool write, uint64_t gpa, unsigned size, uint64_t *val)
{
	return write ? tdx_ghci_mmio_write(gpa, size, *val) : tdx_ghci_mmio_read(gpa, size, val);
}

static void handle_mmio(struct tdx_ve_frame *f, const struct tdx_ve *ve)
{
	const uint8_t *ip = (const uint8_t *)(uintptr_t)f->rip;
	/* Read no further than RIP's page unless the instruction needs it:
	 * the CPU fetched it whole, so then the next page is mapped. */
	size_t avail = 4096 - (f->rip & 4095);
	uint64_t st;
	int err;

	if (ve->exit_qual & TDX_EPT_QUAL_FETCH) {
		tdx_ve_unhandled(f, ve, TDX_VE_ERR_FETCH, 0);
		return;
	}
	err = tdx_ve_mmio_emulate(ip, avail, ve->gpa, f, mmio_access, NULL, &st);
	if (err == TDX_VE_ERR_DECODE && avail < 15)
		err = tdx_ve_mmio_emulate(ip, 15, ve->gpa, f, mmio_access, NULL, &st);
	if (err)
		tdx_ve_unhandled(f, ve, (enum tdx_ve_error)err, st);
}

static void handle_pending(struct tdx_ve_frame *f, const struct tdx_ve *ve)
{
	uint64_t st = tdx_mem_page_accept(ve->gpa & ~0xFFFull, TDX_PAGE_4K);

	/* ALREADY_ACCEPTED: someone else accepted it; BUSY: the SEPT entry is
	 * locked. Either way the retried access settles it (8.2). RIP stays. */
	if (st == TDX_SUCCESS || TDX_STATUS_CODE(st) == TDX_PAGE_ALREADY_ACCEPTED ||
	    TDX_STATUS_CODE(st) == TDX_OPERAND_BUSY)
		return;
	tdx_ve_unhandled(f, ve, TDX_VE_ERR_ACCEPT, st);
}

void tdx_ve_default_handler(struct tdx_ve_frame *f)
{
	struct tdx_ve ve;

	/* First: it clears VE_INFO.VALID, without which a nested #VE is a
	 * #DF (4.1). */
	tdx_vp_veinfo_get(&ve);

	switch (TDX_EXIT_REASON_BASIC(ve.exit_reason)) {
	case TDX_EXIT_IO_INSTRUCTION:
		handle_io(f, &ve);
		break;
	case TDX_EXIT_HLT:
		/* In user mode IF is 1; a kernel with interrupts off says so. */
		{
			uint64_t st = tdx_ghci_hlt(!(f->rflags & RFLAGS_IF));
			if (st != TDVMCALL_STATUS_SUCCESS)
				tdx_ve_unhandled(f, &ve, TDX_VE_ERR_HOST, st);
			else
				f->rip += ve.instr_len;
		}
		break;
	case TDX_EXIT_CPUID:
		/* A leaf the module does not answer (4.1): the host's table. */
		{
			struct tdx_ghci_cpuid c;
			uint64_t st = tdx_ghci_cpuid((uint32_t)f->rax, (uint32_t)f->rcx, &c);
			if (st != TDVMCALL_STATUS_SUCCESS) {
				tdx_ve_unhandled(f, &ve, TDX_VE_ERR_HOST, st);
				break;
			}
			f->rax = c.eax;
			f->rbx = c.ebx;
			f->rcx = c.ecx;
			f->rdx = c.edx;
			f->rip += ve.instr_len;
		}
		break;
	case TDX_EXIT_RDMSR:
		handle_msr(f, &ve, false);
		break;
	case TDX_EXIT_WRMSR:
		handle_msr(f, &ve, true);
		break;
	case TDX_EXIT_EPT_VIOLATION:
		if (ve.gpa & get_shared_bit())
			handle_mmio(f, &ve);
		else
			handle_pending(f, &ve);
		break;
	default:
		tdx_ve_unhandled(f, &ve, TDX_VE_ERR_REASON, 0);
		break;
	}
}
