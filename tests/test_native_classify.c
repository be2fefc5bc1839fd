/* test_native_classify.c: what the trap engine makes of a fault signal,
 * for both CPU vendors on whichever machine runs the test: synthetic
 * siginfo and ucontext of an AMD #UD (SIGILL, ILL_ILLOPN) and of an Intel
 * #GP(0) (SIGSEGV, SI_KERNEL, trap 13, si_addr NULL), as tdx-abi.md 1.1
 * records them, pointing at instruction bytes in a buffer; and the probe,
 * checked against the vendor /proc/cpuinfo names. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "testutil.h"
#include "tdxkit/trap.h"

enum vendor { AMD, INTEL };

/* The fault each vendor's CPU raises for TDCALL (and Intel's for every #GP). */
static void make_fault(enum vendor v, int gp, const void *rip, siginfo_t *si, ucontext_t *uc)
{
	memset(si, 0, sizeof(*si));
	memset(uc, 0, sizeof(*uc));
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)rip;
	if (v == AMD && !gp) {
		si->si_signo = SIGILL;
		si->si_code = ILL_ILLOPN;
		si->si_addr = (void *)rip;
		uc->uc_mcontext.gregs[REG_TRAPNO] = 6;
	} else {
		si->si_signo = SIGSEGV;
		si->si_code = SI_KERNEL;
		si->si_addr = NULL;
		uc->uc_mcontext.gregs[REG_TRAPNO] = 13;
		uc->uc_mcontext.gregs[REG_ERR] = 0;
	}
}

static enum tdx_trap_kind classify(enum vendor v, int gp, const uint8_t *bytes, size_t n)
{
	static uint8_t code[32];
	siginfo_t si;
	ucontext_t uc;

	memset(code, 0x90, sizeof(code));	/* NOPs after the instruction */
	memcpy(code, bytes, n);
	make_fault(v, gp, code, &si, &uc);
	return tdx_trap_classify(si.si_signo, &si, &uc);
}

static const uint8_t TDCALL[] = { 0x66, 0x0F, 0x01, 0xCC };

static void test_tdcall_both_vendors(void **state)
{
	/* AMD: #UD; Intel: #GP(0). Same instruction, same answer. */
	ASSERT_EQ(classify(AMD, 0, TDCALL, 4), TDX_TRAP_TDCALL);
	ASSERT_EQ(classify(INTEL, 1, TDCALL, 4), TDX_TRAP_TDCALL);
	/* SEAMCALL (66 0F 01 CF) faults the same way but is not ours. */
	static const uint8_t seamcall[] = { 0x66, 0x0F, 0x01, 0xCF };
	ASSERT_EQ(classify(AMD, 0, seamcall, 4), TDX_TRAP_OTHER);
	ASSERT_EQ(classify(INTEL, 1, seamcall, 4), TDX_TRAP_OTHER);
}

static void test_gp_instructions(void **state)
{
	/* User-mode #GP on both vendors; a #VE in a TD (tdx-abi.md 4.1). */
	static const struct { uint8_t b[4]; size_t n; enum tdx_trap_kind k; } cases[] = {
		{ { 0xE6, 0x80 }, 2, TDX_TRAP_VE_INSN },	/* out $0x80, %al */
		{ { 0xEC }, 1, TDX_TRAP_VE_INSN },		/* in (%dx), %al */
		{ { 0x66, 0xEF }, 2, TDX_TRAP_VE_INSN },	/* out %ax, (%dx) */
		{ { 0xF3, 0x6E }, 2, TDX_TRAP_VE_INSN },	/* rep outsb */
		{ { 0xF4 }, 1, TDX_TRAP_VE_INSN },		/* hlt */
		{ { 0x0F, 0x32 }, 2, TDX_TRAP_VE_INSN },	/* rdmsr */
		{ { 0x0F, 0x30 }, 2, TDX_TRAP_VE_INSN },	/* wrmsr */
		{ { 0x0F, 0xA2 }, 2, TDX_TRAP_CPUID },		/* cpuid, under CPUID faulting */
		{ { 0x0F, 0x01, 0xF8 }, 3, TDX_TRAP_OTHER },	/* swapgs: #GP, not a TD #VE */
		{ { 0x0F, 0x0B }, 2, TDX_TRAP_OTHER },		/* ud2 */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("case %zu\n", i);
		ASSERT_EQ(classify(INTEL, 1, cases[i].b, cases[i].n), cases[i].k);
		ASSERT_EQ(classify(AMD, 1, cases[i].b, cases[i].n), cases[i].k);	/* #GP is #GP */
	}
	/* A #UD at those bytes is not theirs: only TDCALL is taken from a #UD. */
	ASSERT_EQ(classify(AMD, 0, (const uint8_t[]){ 0x0F, 0xA2 }, 2), TDX_TRAP_OTHER);
	ASSERT_EQ(classify(AMD, 0, (const uint8_t[]){ 0xF4 }, 1), TDX_TRAP_OTHER);
	ASSERT_EQ(classify(AMD, 0, (const uint8_t[]){ 0x0F, 0x0B }, 2), TDX_TRAP_OTHER);
}

static void test_not_from_the_cpu(void **state)
{
	static uint8_t code[16];	/* the classifier fetches up to 15 instruction bytes */
	siginfo_t si;
	ucontext_t uc;

	memcpy(code, TDCALL, 4);
	/* kill(2) and sigqueue(3) of SIGILL/SIGSEGV at a TDCALL: not a fault. */
	static const int codes[] = { SI_USER, SI_QUEUE, SI_TKILL };
	for (size_t i = 0; i < 3; i++) {
		make_fault(AMD, 0, code, &si, &uc);
		si.si_code = codes[i];
		ASSERT_EQ(tdx_trap_classify(SIGILL, &si, &uc), TDX_TRAP_OTHER);
		make_fault(INTEL, 1, code, &si, &uc);
		si.si_code = codes[i];
		ASSERT_EQ(tdx_trap_classify(SIGSEGV, &si, &uc), TDX_TRAP_OTHER);
	}
	/* A page fault (SEGV_MAPERR, trap 14) and an SI_KERNEL fault that is not
	 * a #GP are not the instruction's #GP. */
	make_fault(INTEL, 1, code, &si, &uc);
	si.si_code = SEGV_MAPERR;
	uc.uc_mcontext.gregs[REG_TRAPNO] = 14;
	ASSERT_EQ(tdx_trap_classify(SIGSEGV, &si, &uc), TDX_TRAP_OTHER);
	make_fault(INTEL, 1, code, &si, &uc);
	uc.uc_mcontext.gregs[REG_TRAPNO] = 12;	/* #SS */
	ASSERT_EQ(tdx_trap_classify(SIGSEGV, &si, &uc), TDX_TRAP_OTHER);
	/* The other illegal-instruction codes are not #UD of an opcode. */
	make_fault(AMD, 0, code, &si, &uc);
	si.si_code = ILL_PRVOPC;
	ASSERT_EQ(tdx_trap_classify(SIGILL, &si, &uc), TDX_TRAP_OTHER);
	/* SIGBUS is never an instruction trap. */
	make_fault(AMD, 0, code, &si, &uc);
	ASSERT_EQ(tdx_trap_classify(SIGBUS, &si, &uc), TDX_TRAP_OTHER);
}

static void test_page_end(void **state)
{
	/* Three TDCALL bytes at the end of a page, nothing mapped after it:
	 * the classifier must answer without touching the missing page. */
	long pg = sysconf(_SC_PAGESIZE);
	uint8_t *m = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(m != MAP_FAILED);
	assert_int_equal(munmap(m + pg, (size_t)pg), 0);
	uint8_t *rip = m + pg - 3;
	memcpy(rip, TDCALL, 3);
	siginfo_t si;
	ucontext_t uc;
	make_fault(AMD, 0, rip, &si, &uc);
	ASSERT_EQ(tdx_trap_classify(SIGILL, &si, &uc), TDX_TRAP_OTHER);
	make_fault(INTEL, 1, rip, &si, &uc);
	ASSERT_EQ(tdx_trap_classify(SIGSEGV, &si, &uc), TDX_TRAP_OTHER);
	/* With the fourth byte on a mapped next page it is a TDCALL again. */
	uint8_t *again = mmap(m + pg, (size_t)pg, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (again == m + pg) {
		again[0] = 0xCC;
		make_fault(INTEL, 1, rip, &si, &uc);
		ASSERT_EQ(tdx_trap_classify(SIGSEGV, &si, &uc), TDX_TRAP_TDCALL);
		munmap(again, (size_t)pg);
	}
	munmap(m, (size_t)pg);
}

static void test_from_plain_values(void **state)
{
	/* What a tracer sees: no trap number (-1); SI_KERNEL is then #GP. */
	ASSERT_EQ(tdx_trap_classify_bytes(SIGSEGV, SI_KERNEL, -1, TDCALL, 4), TDX_TRAP_TDCALL);
	ASSERT_EQ(tdx_trap_classify_bytes(SIGILL, ILL_ILLOPN, -1, TDCALL, 4), TDX_TRAP_TDCALL);
	ASSERT_EQ(tdx_trap_classify_bytes(SIGSEGV, SI_KERNEL, 14, TDCALL, 4), TDX_TRAP_OTHER);
	ASSERT_EQ(tdx_trap_classify_bytes(SIGSEGV, SI_KERNEL, -1, TDCALL, 3), TDX_TRAP_OTHER);
	ASSERT_EQ(tdx_trap_classify_bytes(SIGSEGV, SI_KERNEL, -1, (const uint8_t[]){ 0xE6, 0x80 }, 2),
		  TDX_TRAP_VE_INSN);
	/* The #VE event of `out $0x80, %al` (E6 80): exit reason 30, size 1,
	 * immediate port 0x80 (SDM table 28-5), length 2. */
	struct tdx_ve_event ev;
	const char *name;
	assert_int_equal(tdx_trap_decode_ve_bytes((const uint8_t[]){ 0xE6, 0x80 }, 2, 0, &ev, &name), 0);
	ASSERT_EQ(ev.exit_reason, 30);
	ASSERT_EQ(ev.exit_qual, 0x800040);
	ASSERT_EQ(ev.instr_len, 2);
	assert_string_equal(name, "OUT");
	/* `in (%dx), %ax` (66 ED): size 2, IN, port from RDX. */
	assert_int_equal(tdx_trap_decode_ve_bytes((const uint8_t[]){ 0x66, 0xED }, 2, 0x3F8, &ev,
						  &name), 0);
	ASSERT_EQ(ev.exit_qual, 0x3F80000 | 0x8 | 0x1);
	/* Which memory accesses write: mov byte [rdi], 1 (C6 07 01) does,
	 * movzx eax, byte [rdi] (0F B6 07) and lea rax, [rdi] (48 8D 07) do not. */
	assert_int_equal(tdx_trap_insn_writes((const uint8_t[]){ 0xC6, 0x07, 0x01 }, 3), 1);
	assert_int_equal(tdx_trap_insn_writes((const uint8_t[]){ 0x0F, 0xB6, 0x07 }, 3), 0);
	assert_int_equal(tdx_trap_insn_writes((const uint8_t[]){ 0x48, 0x8D, 0x07 }, 3), 0);
	assert_int_equal(tdx_trap_insn_writes((const uint8_t[]){ 0xF3, 0xAA }, 2), 1);	/* rep stosb */
}

/* The vendor as the kernel names it, or NULL. */
static const char *cpu_vendor(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];
	const char *v = NULL;

	while (f && !v && fgets(line, sizeof(line), f))
		if (!strncmp(line, "vendor_id", 9) && strchr(line, ':')) {
			snprintf(buf, len, "%s", strchr(line, ':') + 2);
			buf[strcspn(buf, "\n")] = 0;
			v = buf;
		}
	if (f)
		fclose(f);
	return v;
}

static void test_probe_matches_vendor(void **state)
{
	char buf[64];
	const char *v = cpu_vendor(buf, sizeof(buf));
	int sig = tdx_trap_probe_signal();

	if (!v || (strcmp(v, "AuthenticAMD") && strcmp(v, "GenuineIntel")))
		skip();	/* a vendor tdx-abi.md 1.1 says nothing about */
	print_message("vendor %s: TDCALL raises %s\n", v, sigabbrev_np(sig));
	ASSERT_EQ(sig, !strcmp(v, "AuthenticAMD") ? SIGILL : SIGSEGV);
	ASSERT_EQ(tdx_trap_probe_signal(), sig);	/* cached, and the same */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tdcall_both_vendors),
		cmocka_unit_test(test_gp_instructions),
		cmocka_unit_test(test_not_from_the_cpu),
		cmocka_unit_test(test_page_end),
		cmocka_unit_test(test_from_plain_values),
		cmocka_unit_test(test_probe_matches_vendor),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}
