/* accept.c: tdx_accept_memory(), the range loop over TDG.MEM.PAGE.ACCEPT
 * (tdx-abi.md 8). Policy and its reasons are in tdxkit/guest.h; 8.3 lists
 * what Linux, EDK2, td-shim and OpenVMM do. */
#include "tdxkit/guest.h"

#define SZ_4K TDX_PAGE_SIZE_4K
#define SZ_2M TDX_PAGE_SIZE_2M

/* One page, with OPERAND_BUSY retried: a SEPT entry lock held by the host
 * or another VCPU (8.2). The holder may be descheduled (a host thread, or
 * a model VCPU's thread), so the pauses between tries double, from 1 to
 * 2^16 PAUSEs. Returns the last status as is. */
static uint64_t accept_one(uint64_t gpa, enum tdx_page_level level)
{
	uint64_t st;

	for (unsigned tries = 0;; tries++) {
		st = tdx_mem_page_accept(gpa, level);
		if (TDX_STATUS_CODE(st) != TDX_OPERAND_BUSY || tries >= TDX_ACCEPT_BUSY_RETRIES)
			return st;
		for (unsigned i = 0; i < 1u << (tries < 16 ? tries : 16); i++)
			__asm__ volatile("pause");
	}
}

/* [gpa, end) 4 KiB at a time, end <= the next 2 MiB boundary. Statuses
 * carry the SEPT level in bits 31:0, so compare codes only (2.1). */
static uint64_t accept_4k(uint64_t gpa, uint64_t end, uint64_t *stopped_at)
{
	while (gpa < end) {
		uint64_t st = accept_one(gpa, TDX_PAGE_4K);

		if (TDX_STATUS_CODE(st) == TDX_PAGE_ALREADY_ACCEPTED &&
		    TDX_STATUS_DETAILS_L2(st) >= TDX_PAGE_2M)
			return TDX_SUCCESS;	/* inside an accepted 2 MiB leaf: all of it is */
		if (st != TDX_SUCCESS && TDX_STATUS_CODE(st) != TDX_PAGE_ALREADY_ACCEPTED) {
			*stopped_at = gpa;
			return st;
		}
		gpa += SZ_4K;
	}
	return TDX_SUCCESS;
}

uint64_t tdx_accept_memory(uint64_t start, uint64_t end, uint64_t *stopped_at)
{
	uint64_t dummy, gpa = start;

	if (!stopped_at)
		stopped_at = &dummy;
	*stopped_at = start;
	if ((start | end) & (SZ_4K - 1) || end < start)
		return TDX_OPERAND_INVALID | TDX_OPND_RCX;

	while (gpa < end) {
		uint64_t next = (gpa | (SZ_2M - 1)) + 1;	/* next 2 MiB boundary */
		uint64_t st;

		if (next > end || next < gpa)	/* (next < gpa: wrapped at 2^64) */
			next = end;
		if (!(gpa & (SZ_2M - 1)) && next - gpa == SZ_2M) {
			st = accept_one(gpa, TDX_PAGE_2M);
			if (TDX_STATUS_CODE(st) == TDX_PAGE_ALREADY_ACCEPTED)
				st = TDX_SUCCESS;
			/* The host mapped this 2 MiB as 4 KiB pages (or some of it
			 * was accepted 4 KiB at a time): go page by page. */
			else if (TDX_STATUS_CODE(st) == TDX_PAGE_SIZE_MISMATCH)
				st = accept_4k(gpa, next, stopped_at);
			else if (st != TDX_SUCCESS)
				*stopped_at = gpa;
		} else {
			st = accept_4k(gpa, next, stopped_at);
		}
		if (st != TDX_SUCCESS)
			return st;
		gpa = next;
	}
	*stopped_at = end;
	return TDX_SUCCESS;
}

void tdx_accept_memory_or_panic(uint64_t start, uint64_t end)
{
	uint64_t st = tdx_accept_memory(start, end, NULL);

	if (st != TDX_SUCCESS)
		tdx_guest_panic("tdx_accept_memory", TDG_MEM_PAGE_ACCEPT, st);
}
