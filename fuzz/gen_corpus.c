/* gen_corpus.c: writes the seed corpus of every fuzz target, deterministically:
 *   gen_corpus DIR     -> DIR/<target>/<seed>
 * fuzz/corpus/ holds its output (make fuzz-corpus); run-fuzzers.sh checks
 * that it still matches this program. Each section follows the input
 * format its target's header comment documents (fuzz_input.h: calls
 * from the front, answers from the back). The seeds are valid shapes the
 * fuzzers could take long to find: every leaf, every GHCI service, every
 * KVM adapter exit kind, every printer, and the call sequences that reach
 * deep paths (accept, then report into the page; enter an L2 VM, ...). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tdxkit/abi.h"
#include "tdxkit/ghci.h"
#include "tdxkit/host.h"
#include "tdxkit/quote.h"

/* ---- an input being built: front bytes, back bytes (in reading order) ---- */
struct seed {
	uint8_t front[8192], back[2048];
	size_t nf, nb;
};

static const char *outdir, *target;

static void s_init(struct seed *s)
{
	s->nf = s->nb = 0;
}

static void put(struct seed *s, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		s->front[s->nf++] = (uint8_t)(v >> (8 * i));
}

static void putb(struct seed *s, const void *p, size_t n)
{
	memcpy(s->front + s->nf, p, n);
	s->nf += n;
}

/* fz_back reads the last byte first, a value's low byte first. */
static void back(struct seed *s, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		s->back[s->nb++] = (uint8_t)(v >> (8 * i));
}

static void mkdir_p(const char *path)
{
	if (mkdir(path, 0755) && errno != EEXIST) {
		fprintf(stderr, "gen_corpus: mkdir %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

static void emit(const struct seed *s, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s/%s", outdir, target, name);
	FILE *f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "gen_corpus: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	fwrite(s->front, 1, s->nf, f);
	for (size_t i = s->nb; i > 0; i--)
		fputc(s->back[i - 1], f);
	if (ferror(f) || fclose(f)) {
		fprintf(stderr, "gen_corpus: writing %s failed\n", path);
		exit(1);
	}
}

static void begin(const char *name)
{
	char path[4096];

	target = name;
	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	mkdir_p(path);
}

/* ==== fuzz_tdcall ========================================================= */
/* One call: mode, leaf byte(s), u16 mask, then per GPR kind 6 + u64
 * (kind 1 + u8 for small values). Registers left 0 are not in the mask. */
struct reg { unsigned gpr; uint64_t v; };

static void tdcall(struct seed *s, uint8_t mode, unsigned leaf, const struct reg *regs, size_t n)
{
	uint16_t mask = 0;

	put(s, mode, 1);
	if (leaf < 28)
		put(s, leaf, 1);
	else	/* TDG.VM.RD version leaf >> 16 (fuzz_tdcall leaf_rax: 200..219) */
		put(s, 200, 1), put(s, leaf >> 16, 1);
	for (size_t i = 0; i < n; i++)
		if (regs[i].v)
			mask |= 1u << regs[i].gpr;
	put(s, mask, 2);
	for (unsigned g = 1; g < TDX_NR_GPRS; g++) {
		if (!(mask >> g & 1))
			continue;
		for (size_t i = 0; i < n; i++) {
			if (regs[i].gpr != g)
				continue;
			if (regs[i].v < 256) {
				put(s, 1, 1);
				put(s, regs[i].v, 1);
			} else {
				put(s, 6, 1);
				put(s, regs[i].v, 8);
			}
			break;
		}
	}
}

#define R(g, v) { TDX_GPR_##g, (uint64_t)(v) }
#define CALL(s, mode, leaf, ...) do {						\
		const struct reg r_[] = { { 0, 0 }, __VA_ARGS__ };		\
		tdcall(s, mode, leaf, r_, sizeof(r_) / sizeof(r_[0]));		\
	} while (0)
#define ACCEPT4K(s, gpa) CALL(s, 0, TDG_MEM_PAGE_ACCEPT, R(RCX, (gpa) | TDX_PAGE_4K))

static void gen_tdcall(void)
{
	struct seed s;
	char name[64];

	begin("fuzz_tdcall");
	/* Every leaf number 0..27 once, no inputs, in each configuration. */
	for (unsigned conf = 0; conf < 3; conf++)
		for (unsigned leaf = 0; leaf < 28; leaf++) {
			s_init(&s);
			put(&s, conf, 1);
			CALL(&s, 0, leaf, R(RCX, 0));
			snprintf(name, sizeof(name), "leaf-%02u-config-%u", leaf, conf);
			emit(&s, name);
		}

	/* Accept, report into the page, verify the report, extend RTMRs. */
	s_init(&s);
	put(&s, 0, 1);
	ACCEPT4K(&s, 0x1000);
	ACCEPT4K(&s, 0x2000);
	CALL(&s, 0, TDG_MR_RTMR_EXTEND, R(RCX, 0x2000), R(RDX, 2));
	CALL(&s, 0, TDG_MR_RTMR_EXTEND, R(RCX, 0x2040), R(RDX, 3));
	CALL(&s, 0, TDG_MR_REPORT, R(RCX, 0x1000), R(RDX, 0x2000), R(R8, 0));
	CALL(&s, 0, TDG_MR_VERIFYREPORT, R(RCX, 0x1000));
	CALL(&s, 0, TDG_MR_RTMR_EXTEND, R(RCX, 0x2000), R(RDX, 0));	/* not extendable */
	CALL(&s, 0, TDG_MR_REPORT, R(RCX, 0x1400), R(RDX, 0x2000), R(R8, 1));	/* subtype */
	CALL(&s, 0, TDG_MR_VERIFYREPORT, R(RCX, 0x1100));	/* not the report */
	emit(&s, "report-verify-rtmr");

	/* The same at module level: EPT violations, the host AUGs (answers 0/1). */
	s_init(&s);
	put(&s, 0, 1);
	CALL(&s, 1, TDG_MR_REPORT, R(RCX, 0x3000), R(RDX, 0x4000));
	CALL(&s, 1, TDG_MEM_PAGE_ACCEPT, R(RCX, 0x3000));
	CALL(&s, 1, TDG_MEM_PAGE_ACCEPT, R(RCX, 0x400000 | TDX_PAGE_2M));
	CALL(&s, 1, TDG_MR_REPORT, R(RCX, 0x3000), R(RDX, 0x400040));
	back(&s, 1, 1);	/* first exit: AUG 4 KiB */
	back(&s, 0, 1);	/* then AUG 2 MiB */
	emit(&s, "module-level-ept-aug");

	/* 2 MiB accept, interrupted then resumed; 4 KiB accept of a 2 MiB
	 * region (demote), accept errors. */
	s_init(&s);
	put(&s, 0, 1);
	CALL(&s, 0x10, TDG_MEM_PAGE_ACCEPT, R(RCX, 0x200000 | TDX_PAGE_2M));
	CALL(&s, 0x11, TDG_MEM_PAGE_ACCEPT, R(RCX, 0x200000 | TDX_PAGE_2M));
	CALL(&s, 0, TDG_MEM_PAGE_ACCEPT, R(RCX, 0x200000 | TDX_PAGE_2M));
	CALL(&s, 0, TDG_MEM_PAGE_ACCEPT, R(RCX, 0x400000 | TDX_PAGE_4K));
	CALL(&s, 0, TDG_MEM_PAGE_ACCEPT, R(RCX, 0x400000 | TDX_PAGE_4K));	/* already */
	CALL(&s, 0, TDG_MEM_PAGE_ACCEPT, R(RCX, 0x600001));		/* bad level */
	CALL(&s, 0, TDG_MEM_PAGE_ACCEPT, R(RCX, 0x10000000));		/* beyond memory */
	emit(&s, "accept-2m-4k");

	/* TDVMCALL: the standard and Linux masks, XMMs, refused masks; the
	 * host answers 0 (success), then gives up on the last one. */
	s_init(&s);
	put(&s, 0, 1);
	CALL(&s, 0, TDG_VP_VMCALL, R(RCX, 0xFC00), R(R11, TDVMCALL_CPUID), R(R12, 1));
	CALL(&s, 1, TDG_VP_VMCALL, R(RCX, 0xFFCC), R(R11, TDVMCALL_IO), R(R12, 1), R(R13, 1),
	     R(R14, 0x3F8), R(R15, 'A'));
	CALL(&s, 0, TDG_VP_VMCALL, R(RCX, 0x3FFFC00), R(R11, TDVMCALL_MAP_GPA));	/* XMMs */
	CALL(&s, 0, TDG_VP_VMCALL, R(RCX, 0xFC01));		/* RAX */
	CALL(&s, 0, TDG_VP_VMCALL, R(RCX, 0x1FC00000000ull));	/* reserved */
	CALL(&s, 0, TDG_VP_VMCALL, R(RCX, 0xFC20));		/* RBP */
	emit(&s, "vmcall");
	for (unsigned i = 0; i < 16 * 1 + 1; i++)
		back(&s, 0, 1);
	back(&s, 0, 7);
	back(&s, 0xEE, 1);
	emit(&s, "vmcall-host-kills");

	/* Metadata: TD fields by VM.RD v0/v1 and VM.WR, VCPU fields, SYS. */
	static const uint64_t td_fields[] = {
		TDX_FIELD_TD_ATTRIBUTES, TDX_FIELD_TD_XFAM, TDX_FIELD_TD_MAX_VCPUS,
		TDX_FIELD_TD_GPAW, TDX_FIELD_TD_CONFIG_FLAGS, TDX_FIELD_TD_TD_CTLS,
		TDX_FIELD_TD_NUM_VCPUS, TDX_FIELD_TD_NUM_L2_VMS, TDX_FIELD_TD_NOTIFY_ENABLES,
		0x8010000300000020ull, 0x111000010000000Cull, 0x1310000300000000ull,
		0x1310000300000040ull, 0x9910000300000080ull, TDX_FIELD_ID_NULL,
	};
	for (unsigned conf = 0; conf < 3; conf++) {
		s_init(&s);
		put(&s, conf, 1);
		for (size_t i = 0; i < sizeof(td_fields) / sizeof(td_fields[0]); i++) {
			CALL(&s, 0, TDG_VM_RD, R(RDX, td_fields[i]));
			CALL(&s, 0, TDG_VM_RD | 1u << 16, R(RDX, td_fields[i]));
		}
		CALL(&s, 0, TDG_VM_WR, R(RDX, TDX_FIELD_TD_NOTIFY_ENABLES), R(R8, 1), R(R9, ~0ull));
		CALL(&s, 0, TDG_VM_WR, R(RDX, TDX_FIELD_TD_TD_CTLS), R(R8, 1), R(R9, 1));
		CALL(&s, 0, TDG_VM_WR, R(RDX, TDX_FIELD_TD_TD_CTLS), R(R8, 0), R(R9, 1));
		CALL(&s, 0, TDG_VM_WR, R(RDX, TDX_FIELD_TD_TD_CTLS), R(R8, 2), R(R9, ~0ull));
		CALL(&s, 0, TDG_VM_WR, R(RDX, TDX_FIELD_TD_ATTRIBUTES), R(R8, 1), R(R9, 1));
		snprintf(name, sizeof(name), "vm-rd-wr-config-%u", conf);
		emit(&s, name);

		s_init(&s);
		put(&s, conf, 1);
		CALL(&s, 0, TDG_VP_RD, R(RDX, TDX_FIELD_ID_NULL));
		CALL(&s, 0, TDG_VP_RD, R(RDX, TDX_FIELD_VP_VCPU_INDEX));
		CALL(&s, 0, TDG_VP_WR, R(RDX, TDX_FIELD_VP_CPUID_SUPERVISOR_VE), R(R8, 1), R(R9, ~0ull));
		CALL(&s, 0, TDG_VP_WR, R(RDX, TDX_FIELD_VP_CPUID_USER_VE), R(R8, 1), R(R9, 1));
		CALL(&s, 0, TDG_VP_WR, R(RDX, TDX_FIELD_VP_L2_CTLS(1)), R(R8, 3), R(R9, ~0ull));
		CALL(&s, 0, TDG_VP_WR, R(RDX, TDX_FIELD_VP_TSC_DEADLINE(1)), R(R8, 1000), R(R9, ~0ull));
		CALL(&s, 0, TDG_VP_RD, R(RDX, TDX_FIELD_VP_TSC_DEADLINE(1)));
		CALL(&s, 0, TDG_VP_WR, R(RDX, 0xA120000000000005ull), R(R8, 3), R(R9, 3));	/* CPUID_CONTROL */
		CALL(&s, 0, TDG_VP_RD, R(RDX, 0xA120000000000005ull));
		CALL(&s, 2, TDG_VP_RD, R(RDX, 0x9120000300000100ull));	/* VCPU 1 */
		CALL(&s, 0, TDG_SYS_RD, R(RDX, TDX_FIELD_ID_NULL));
		CALL(&s, 0, TDG_SYS_RD, R(RDX, TDX_FIELD_SYS_TDX_FEATURES0));
		CALL(&s, 0, TDG_SYS_RD, R(RDX, 0x0800000200000000ull));	/* VENDOR_ID */
		ACCEPT4K(&s, 0x8000);
		CALL(&s, 0, TDG_SYS_RDALL, R(RDX, 0x8000), R(R8, TDX_FIELD_ID_NULL));	/* all */
		CALL(&s, 0, TDG_SYS_RDALL, R(RDX, 0x8000), R(R8, 0x0800000100000003ull));	/* from MINOR */
		CALL(&s, 0, TDG_SYS_RDALL, R(RDX, 0x8000), R(R8, 0x0800000100000005ull));	/* no such */
		CALL(&s, 0, TDG_SYS_RDALL, R(RDX, 0x8004));				/* unaligned */
		CALL(&s, 1, TDG_SYS_RDALL, R(RDX, 0x9000), R(R8, TDX_FIELD_ID_NULL));	/* PENDING */
		/* Chains across classes: the next field after each class's last. */
		CALL(&s, 0, TDG_VP_RD, R(RDX, 0xA12000000000007Full));	/* last CPUID_CONTROL */
		CALL(&s, 0, TDG_VP_RD, R(RDX, TDX_FIELD_VP_TSC_DEADLINE(3)));
		CALL(&s, 0, TDG_VM_RD | 1u << 16, R(RDX, 0x9910000300000080ull + 15));
		CALL(&s, 0, TDG_VM_RD | 1u << 16, R(RDX, 0x1310000300000040ull + 23));	/* last RTMR */
		CALL(&s, 0, TDG_VP_INFO);
		CALL(&s, 0, TDG_VP_CPUIDVE_SET, R(RCX, 3));
		CALL(&s, 0, TDG_VP_CPUIDVE_SET, R(RCX, 4));
		snprintf(name, sizeof(name), "vp-sys-rd-wr-config-%u", conf);
		emit(&s, name);
	}

	/* TDG.SERVTD.RD/WR with binding handles (fuzz_tdcall reg_value kind
	 * >= 0xF8: TD_UUID[0] + TDR page << 12 + slot), slot 0 and 1. */
	for (unsigned conf = 0; conf < 3; conf++) {
		s_init(&s);
		put(&s, conf, 1);
		for (unsigned slot = 0; slot < 2; slot++)
			for (unsigned wr = 0; wr < 2; wr++) {
				put(&s, 0, 1);				/* mode */
				put(&s, wr ? TDG_SERVTD_WR : TDG_SERVTD_RD, 1);
				put(&s, 1u << TDX_GPR_RCX | 1u << TDX_GPR_RDX | 1u << TDX_GPR_R8, 2);
				put(&s, 0xF8, 1);			/* RCX: a handle */
				put(&s, 0x1234, 4);			/* TDR page */
				put(&s, slot ? 1 : 0, 1);
				if (slot)
					put(&s, slot, 1);
				put(&s, 6, 1);				/* RDX: a field */
				put(&s, TDX_FIELD_TD_ATTRIBUTES, 8);
				put(&s, 1, 1);				/* R8 */
				put(&s, 1, 1);
			}
		snprintf(name, sizeof(name), "servtd-config-%u", conf);
		emit(&s, name);
	}

	/* #VE: config 1 (no SEPT_VE_DISABLE) gets one for a PENDING page;
	 * VEINFO.GET reads it, twice. */
	s_init(&s);
	put(&s, 1, 1);
	CALL(&s, 0, TDG_MR_REPORT, R(RCX, 0x5000), R(RDX, 0x5400));
	CALL(&s, 0, TDG_VP_VEINFO_GET);
	CALL(&s, 0, TDG_VP_VEINFO_GET);
	CALL(&s, 0, TDG_MEM_PAGE_ACCEPT, R(RCX, 0x5000));
	CALL(&s, 0, TDG_MR_REPORT, R(RCX, 0x5000), R(RDX, 0x5400));
	emit(&s, "ve-pending-veinfo");

	/* #VE events outside a TDCALL (mode 0xE0): EPT violations on a
	 * PENDING, an accepted and a shared GPA, then instruction #VEs, the
	 * second while VALID is still set (#DF); a VCPU out of range (0xA0)
	 * and a call without struct tdx_inject (0xC0). */
	for (unsigned conf = 0; conf < 3; conf++) {
		static const struct { uint8_t reason; uint64_t gpa; } evs[] = {
			{ 0, 0x7000 }, { 0, 0x1000 }, { 0, 0x7000 | 1ull << 47 }, { 2, 0 }, { 3, 0 },
			{ 4, 0 }, { 5, 0 }, { 6, 0 },
		};
		s_init(&s);
		put(&s, conf, 1);
		ACCEPT4K(&s, 0x1000);
		for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++) {
			put(&s, 0xE0, 1);
			put(&s, evs[i].reason, 1);
			put(&s, 0x81, 1);		/* qualification */
			put(&s, 6, 1);			/* GPA: reg_value kind 6, u64 */
			put(&s, evs[i].gpa, 8);
			put(&s, 2, 1);			/* instruction length */
			if (i == 3)
				CALL(&s, 0, TDG_VP_VEINFO_GET);
		}
		/* Window faults (mode 0xE1): the accepted page, a PENDING one, a
		 * shared one, each in both windows. */
		static const uint64_t wf[] = { 0x1000, 0x7000, 0x600000 };
		CALL(&s, 0, TDG_VP_VMCALL, R(RCX, 0xFC00), R(R11, TDVMCALL_MAP_GPA));
		for (size_t i = 0; i < 3; i++)
			for (unsigned w = 0; w < 2; w++) {
				put(&s, 0xE1, 1);
				put(&s, w, 1);
				put(&s, 4, 1);			/* gpa(): align 4 KiB (aligns[4]) */
				put(&s, wf[i] / 0x1000, 4);	/* page number */
			}
		CALL(&s, 0xA2, TDG_VP_INFO);
		CALL(&s, 0xC0, TDG_VP_INFO);
		CALL(&s, 0xC0, TDG_MR_REPORT, R(RCX, 0x7000), R(RDX, 0x7400));
		snprintf(name, sizeof(name), "ve-events-config-%u", conf);
		emit(&s, name);
	}

	/* Partitioning leaves in configurations 1 and 2 (L2 VMs). */
	for (unsigned conf = 1; conf < 3; conf++) {
		s_init(&s);
		put(&s, conf, 1);
		ACCEPT4K(&s, 0x6000);
		CALL(&s, 0, TDG_MEM_PAGE_ATTR_WR, R(RCX, 0x6000), R(RDX, 0x8007ull << 16), R(R8, 7ull << 16));
		CALL(&s, 0, TDG_MEM_PAGE_ATTR_RD, R(RCX, 0x6000));
		CALL(&s, 0, TDG_VP_INVEPT, R(RCX, 2));
		CALL(&s, 0, TDG_VP_INVGLA, R(RCX, 1ull << 52), R(RDX, 0x7000));
		CALL(&s, 0, TDG_VP_INVGLA, R(RCX, 1ull << 52 | 1), R(RDX, 0x6000 | 2ull << 52));
		CALL(&s, 0, TDG_VP_WR, R(RDX, 0x242000030000681Eull), R(R8, 0x1000), R(R9, ~0ull));
		CALL(&s, 0, TDG_VP_WR, R(RDX, 0x2420000300002012ull), R(R8, 0x7000), R(R9, ~0ull));
		CALL(&s, 0, TDG_VP_ENTER, R(RCX, 1ull << 52), R(RDX, 0x6000));	/* no engine: TD dies */
		CALL(&s, 0, TDG_VP_ENTER, R(RCX, 1ull << 52), R(RDX, 0x6001));
		snprintf(name, sizeof(name), "partition-config-%u", conf);
		emit(&s, name);
	}
}

/* ==== fuzz_partition ======================================================= */
/* Leaves by op & 7 (fuzz_partition.c leaves[]). */
enum { P_ENTER, P_ATTR_WR, P_VP_WR, P_ATTR_RD, P_VP_RD, P_INVEPT, P_INVGLA, P_ACCEPT };

static void step(struct seed *s, uint8_t op, uint64_t rcx, uint64_t rdx, uint64_t r8, uint64_t r9)
{
	put(s, op, 1);
	put(s, rcx, 8);
	put(s, rdx, 8);
	put(s, r8, 8);
	put(s, r9, 8);
}

static uint64_t vmcs(unsigned vm, unsigned size, uint32_t enc)
{
	return TDX_FIELD_ID(TDX_CTX_VCPU, TDX_VP_CLASS_VMCS(vm), size, enc);
}

/* The engine's answer to one run: an exit (fuzz_partition.c fz_run). */
static void l2_exit(struct seed *s, uint8_t op, uint32_t reason, uint64_t qual, uint64_t gpa,
		    uint32_t len)
{
	back(s, op, 1);
	if (op & 1) {		/* a memory access at gpa, 8 bytes */
		back(s, gpa, 4);
		back(s, 8, 1);
	}
	back(s, reason, 1);
	back(s, qual, 2);
	back(s, gpa, 4);
	back(s, 0, 4);		/* interruption info */
	back(s, len, 1);
	back(s, 0, 1);		/* GPR 0 = */
	back(s, 0, 2);
	back(s, 0x681E, 2);	/* vmwrite GUEST_RIP */
	back(s, 0x2000, 8);
	back(s, 0x4402, 2);	/* vmread EXIT_REASON */
}

static void gen_partition(void)
{
	static const struct { uint32_t reason; uint8_t op; uint64_t qual, gpa; } exits[] = {
		{ TDX_EXIT_CPUID, 0, 0, 0 },
		{ TDX_EXIT_HLT, 0, 0, 0 },
		{ 18, 0, 0, 0 },			/* VMCALL */
		{ TDX_EXIT_RDMSR, 0, 0, 0 },
		{ TDX_EXIT_WRMSR, 0, 0, 0 },
		{ 0, 0, 0, 0 },				/* exception or NMI */
		{ 1, 0, 0, 0 },				/* external interrupt */
		{ TDX_EXIT_EPT_VIOLATION, 1, 0x81, 0x8000 },	/* access first */
		{ TDX_EXIT_EPT_VIOLATION, 0x20, 0x2, 0x9000 },	/* shared GPA */
		{ TDX_EXIT_TDCALL, 0, 0, 0 },
		{ 52, 0, 0, 0 },			/* preemption timer */
		{ 33, 0x40, 0, 0 },			/* entry failure */
		{ 30, 0, 0x3F8 << 16, 0 },		/* IO */
		{ 0x4F, 0, 0, 0 },
	};
	struct seed s;
	char name[64];

	begin("fuzz_partition");
	for (unsigned conf = 0; conf < 8; conf++) {
		uint8_t c = (uint8_t)((conf & 3) | (conf & 4 ? 0x80 : 0));
		unsigned nvm = conf & 3;
		s_init(&s);
		put(&s, c, 1);
		put(&s, (conf & 4) ? 5 : 1, 1);		/* setup: accept, vAPIC */
		for (unsigned vm = 1; vm <= (nvm ? nvm : 1); vm++) {
			uint8_t steer = 0x08 | (uint8_t)((vm - 1) << 4);
			step(&s, P_ATTR_WR, 0x8000, 0x800Full << (16 * vm), 0xFull << (16 * vm), 0);
			step(&s, P_ATTR_RD, 0x8000, 0, 0, 0);
			step(&s, P_VP_WR, 0, vmcs(vm, 3, 0x681E), 0x1000, ~0ull);	/* RIP */
			step(&s, P_VP_WR, 0, vmcs(vm, 3, 0x6800), 0x80000031, ~0ull);	/* CR0 */
			step(&s, P_VP_WR, 0, vmcs(vm, 3, 0x6804), 0x2060, ~0ull);	/* CR4 */
			step(&s, P_VP_WR, 0, vmcs(vm, 3, 0x2806), 0xD01, ~0ull);	/* EFER */
			step(&s, P_VP_WR, 0, TDX_FIELD_VP_L2_CTLS(vm), 3, ~0ull);
			step(&s, P_VP_RD, 0, vmcs(vm, 2, 0x4402), 0, 0);
			step(&s, P_VP_RD, 0, TDX_FIELD_ID(2, TDX_VP_CLASS_MSR_BITMAPS(vm), 3, 0), 0, 0);
			step(&s, P_VP_WR, 0, TDX_FIELD_ID(2, TDX_VP_CLASS_MSR_BITMAPS(vm), 3, 0), 0, ~0ull);
			step(&s, P_ENTER | steer, (uint64_t)vm << 52, 0x1000, 0, 0);
			step(&s, P_ENTER | steer, (uint64_t)vm << 52 | 1, 0x1000, 0, 0);	/* INVD 1 */
			step(&s, P_INVEPT, 1ull << vm, 0, 0, 0);
			step(&s, P_INVGLA | steer, (uint64_t)vm << 52, 0x5000, 0, 0);
			step(&s, P_INVGLA | steer, (uint64_t)vm << 52 | 1, 0x2000 | 3ull << 52, 0, 0);
			step(&s, P_ACCEPT, 0x20000, 0, 0, 0);
		}
		for (size_t i = 0; i < sizeof(exits) / sizeof(exits[0]); i++)
			l2_exit(&s, exits[i].op, exits[i].reason, exits[i].qual, exits[i].gpa, 2);
		snprintf(name, sizeof(name), "config-%02x", c);
		emit(&s, name);
	}
	/* One seed per exit kind: ENTER VM 1 (the engine reports it). */
	for (size_t i = 0; i < sizeof(exits) / sizeof(exits[0]); i++) {
		s_init(&s);
		put(&s, 0x83, 1);
		put(&s, 1, 1);
		step(&s, P_ATTR_WR, 0x8000, 0x800Full << 16, 0xFull << 16, 0);
		step(&s, P_VP_WR, 0, TDX_FIELD_VP_L2_CTLS(1), 3, ~0ull);
		step(&s, P_ENTER | 0x08, 1ull << 52, 0x1000, 0, 0);
		step(&s, P_ENTER | 0x08, 1ull << 52, 0x1000, 0, 0);
		l2_exit(&s, exits[i].op, exits[i].reason, exits[i].qual, exits[i].gpa, 2);
		l2_exit(&s, 0, TDX_EXIT_HLT, 0, 0, 1);
		snprintf(name, sizeof(name), "exit-%02x", (unsigned)exits[i].reason);
		emit(&s, name);
	}
}

/* ==== fuzz_host_decode ===================================================== */
/* Service rows in fuzz_host_decode.c `services` order. */
enum {
	H_CPUID, H_HLT, H_IO_IN, H_IO_OUT, H_RDMSR, H_WRMSR, H_MMIO_RD, H_MMIO_WR, H_WBINVD,
	H_PCONFIG, H_INFO, H_MAP_GPA, H_QUOTE, H_FATAL, H_NOTIFY, H_SERVICE, H_MIGTD,
	H_KVM_MAP_GPA, H_KVM_OTHER, H_UNKNOWN, H_NR
};

/* Selector: steered (bits 2:0 != 7), VM 0, GPAW from gw, shaped or not;
 * then the service and its input registers in GPR order (R12 up; RBX,
 * RSI... for ReportFatalError come first by number). */
static void host_seed(struct seed *s, unsigned svc, unsigned gw, int shaped, const uint64_t *in, size_t n)
{
	put(s, (gw << 5) | (shaped ? 0x80 : 0), 1);
	put(s, svc, 1);
	for (size_t i = 0; i < n; i++)
		put(s, in[i], 8);
}

static void gen_host_decode(void)
{
	struct seed s;
	char name[64];
	const uint64_t sb = 1ull << 47;
	static const struct { unsigned svc; const char *name; uint64_t in[12]; size_t n; } valid[] = {
		{ H_CPUID, "cpuid", { 0x40000000, 0, 0, 0 }, 4 },
		{ H_HLT, "hlt", { 1 }, 1 },
		{ H_IO_IN, "io-in", { 1, 0, 0x3F8 }, 3 },
		{ H_IO_OUT, "io-out", { 4, 1, 0x80, 0x12345678 }, 4 },
		{ H_RDMSR, "rdmsr", { 0x1B }, 1 },
		{ H_WRMSR, "wrmsr", { 0x1B, 0xFEE00000 }, 2 },
		{ H_MMIO_RD, "mmio-read", { 4, 0, (1ull << 47) | 0xFEC00000 }, 3 },
		{ H_MMIO_WR, "mmio-write", { 8, 1, (1ull << 47) | 0xFEC00008, 0xAABB }, 4 },
		{ H_WBINVD, "wbinvd", { 0 }, 1 },
		{ H_PCONFIG, "pconfig", { 0 }, 1 },
		{ H_INFO, "info-leaf-0", { 0, 0, 0 }, 3 },
		{ H_INFO, "info-leaf-1", { 1, 0, 0 }, 3 },
		{ H_MAP_GPA, "map-gpa-shared", { (1ull << 47) | 0x100000, 0x200000 }, 2 },
		{ H_MAP_GPA, "map-gpa-private", { 0x100000, 0x1000 }, 2 },
		{ H_QUOTE, "get-quote", { (1ull << 47) | 0x5000, 0x1000 }, 2 },
		/* RDX RBX RSI RDI R8 R9 (message), then R12 R13 R14 R15 */
		{ H_FATAL, "fatal-gpa", { 0x6f6f6f6f6f6f6f6full, 0x4f4f4f4f4f4f4f4full, 0x2121212121212121ull,
					  0x4141414141414141ull, 0x4242424242424242ull, 0x4343434343434343ull,
					  1ull << 63 | 0x1234, 0x5000, 0x4444444444444444ull, 0 }, 10 },
		{ H_NOTIFY, "setup-notify", { 0x40 }, 1 },
		{ H_SERVICE, "service", { (1ull << 47) | 0x7000, (1ull << 47) | 0x8000, 0x30, 0 }, 4 },
		{ H_MIGTD, "migtd", { 1, 2, 3, 4 }, 4 },
		/* vendor: R11 (the first argument) comes after R12..R14 */
		{ H_KVM_MAP_GPA, "kvm-map-gpa-range", { 0x10, 0x10, 0, 0x100000 }, 4 },
		{ H_KVM_OTHER, "kvm-hypercall", { 0, 0, 0, 5 }, 4 },
		{ H_UNKNOWN, "unknown", { 0 }, 0 },
	};

	begin("fuzz_host_decode");
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		/* As given (valid), GPAW 48; and shaped with GPAW 52. */
		s_init(&s);
		host_seed(&s, valid[i].svc, 1, 0, valid[i].in, valid[i].n);
		snprintf(name, sizeof(name), "%s", valid[i].name);
		emit(&s, name);
		s_init(&s);
		host_seed(&s, valid[i].svc, 0, 1, valid[i].in, valid[i].n);
		snprintf(name, sizeof(name), "%s-shaped-gpaw52", valid[i].name);
		emit(&s, name);
	}
	/* Invalid shapes the validator names. */
	static const struct { unsigned svc; const char *name; uint64_t in[4]; size_t n; } bad[] = {
		{ H_IO_IN, "io-bad-size", { 3, 0, 0x3F8 }, 3 },
		{ H_IO_IN, "io-bad-port", { 1, 0, 0x10000 }, 3 },
		{ H_MMIO_RD, "mmio-private", { 4, 0, 0xFEC00000 }, 3 },
		{ H_MMIO_RD, "mmio-cross-page", { 8, 0, (1ull << 47) | 0xFFC }, 3 },
		{ H_MAP_GPA, "map-gpa-unaligned", { 0x100001, 0x1000 }, 2 },
		{ H_MAP_GPA, "map-gpa-straddle", { (1ull << 47) - 0x1000, 0x2000 }, 2 },
		{ H_QUOTE, "quote-private", { 0x5000, 0x1000 }, 2 },
		{ H_NOTIFY, "notify-vector-low", { 5 }, 1 },
		{ H_INFO, "info-leaf-2", { 2 }, 1 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s_init(&s);
		host_seed(&s, bad[i].svc, 1, 0, bad[i].in, bad[i].n);
		emit(&s, bad[i].name);
	}
	/* Raw mode: a mask without R10, an L2 VM index, a garbage GPAW. */
	s_init(&s);
	put(&s, 7, 1);
	put(&s, 0x0800, 2);	/* R11 only */
	put(&s, 1, 1);
	put(&s, TDVMCALL_CPUID, 8);
	emit(&s, "raw-no-r10");
	s_init(&s);
	put(&s, 7 | 3 << 5, 1);
	put(&s, 200, 1);	/* GPAW 200 */
	put(&s, 0xFC00, 2);
	put(&s, 2, 1);
	put(&s, 0, 8);
	put(&s, TDVMCALL_MMIO, 8);
	put(&s, 8, 8);
	put(&s, 1, 8);
	put(&s, sb | 0x1000, 8);
	emit(&s, "raw-l2-gpaw-garbage");
	/* KVM round trip with user space answering: IO IN data, MMIO data,
	 * a changed exit reason (refused). */
	s_init(&s);
	host_seed(&s, H_IO_IN, 1, 0, (const uint64_t[]){ 2, 0, 0x60 }, 3);
	put(&s, 0, 1);	/* status SUCCESS */
	for (int i = 0; i < 6; i++)
		put(&s, 0, 8);
	put(&s, 1, 1);	/* one scribble */
	put(&s, 0x20, 2);
	put(&s, 0x55, 1);
	emit(&s, "kvm-io-in-answered");
	s_init(&s);
	host_seed(&s, H_MMIO_RD, 1, 0, (const uint64_t[]){ 4, 0, sb | 0x2000 }, 3);
	put(&s, 0, 1);
	for (int i = 0; i < 6; i++)
		put(&s, 0, 8);
	put(&s, 0, 1);
	put(&s, 0xEE, 1);	/* change the exit reason */
	put(&s, 2, 1);
	emit(&s, "kvm-mmio-reason-changed");
	/* Completion statuses other than SUCCESS. */
	for (unsigned st = 1; st < 5; st++) {
		s_init(&s);
		host_seed(&s, H_MAP_GPA, 1, 0, (const uint64_t[]){ sb | 0x100000, 0x200000 }, 2);
		put(&s, st, 1);
		put(&s, 0, 8);
		put(&s, sb | 0x101000, 8);	/* R11: where to retry */
		snprintf(name, sizeof(name), "map-gpa-status-%u", st);
		emit(&s, name);
	}
}

/* ==== fuzz_ghci_guest ====================================================== */
static void gen_ghci_guest(void)
{
	struct seed s;

	begin("fuzz_ghci_guest");
	/* One service each (op % 13), host answering zeros (SUCCESS). */
	static const char *names[13] = {
		"cpuid", "hlt", "io-in", "io-out", "rdmsr", "wrmsr", "mmio-read", "mmio-write",
		"map-gpa", "get-quote", "setup-notify", "get-td-vm-call-info", "kvm-hypercall",
	};
	for (unsigned op = 0; op < 13; op++) {
		s_init(&s);
		put(&s, op, 1);
		switch (op) {
		case 0: put(&s, 0x40000000, 4); put(&s, 0, 4); break;
		case 1: put(&s, 1, 1); break;
		case 2: put(&s, 1, 1); put(&s, 0x3F8, 2); break;
		case 3: put(&s, 4, 1); put(&s, 0x80, 2); put(&s, 0x11223344, 4); break;
		case 4: put(&s, 0x1B, 4); break;
		case 5: put(&s, 0x1B, 4); put(&s, 0xFEE00000, 8); break;
		case 6: put(&s, 4, 1); put(&s, (1ull << 47) | 0xFEC00000, 8); break;
		case 7: put(&s, 2, 1); put(&s, (1ull << 47) | 0xFEC00010, 8); put(&s, 0xBEEF, 8); break;
		case 8: put(&s, (1ull << 47) | 0x100000, 8); put(&s, 3, 2); break;
		case 9: put(&s, (1ull << 47) | 0x5000, 8); put(&s, 0x1000, 8); break;
		case 10: put(&s, 0x40, 2); break;
		case 11: put(&s, 1, 1); break;
		case 12: put(&s, 12, 1); put(&s, 0x100000, 8); put(&s, 1, 8); put(&s, 0, 8); put(&s, 0, 8); break;
		}
		emit(&s, names[op]);
	}
	/* The host answers garbage (bit 7: full registers) and real errors. */
	for (unsigned st = 1; st < 6; st++) {
		char name[64];
		s_init(&s);
		put(&s, 0, 1);
		put(&s, 0x40000000, 4);
		put(&s, 0, 4);
		for (int g = 0; g < 14; g++)
			back(&s, 0x80 | g, 1), back(&s, 0x0123456789ABCDEFull * (uint64_t)(g + 1), 8);
		back(&s, st, 1);	/* status index */
		snprintf(name, sizeof(name), "cpuid-host-status-%u", st);
		emit(&s, name);
	}
	/* MapGPA: the host RETRYs part-way, then stalls, then succeeds. */
	s_init(&s);
	put(&s, 8, 1);
	put(&s, 0x100000, 8);
	put(&s, 7, 2);		/* 8 pages */
	for (int call = 0; call < 6; call++) {
		for (int g = 0; g < 14; g++)
			back(&s, 0, 1);
		back(&s, call < 5 ? 1 : 0, 1);	/* RETRY, then SUCCESS */
		back(&s, 0, 1);			/* plausible RETRY address */
		back(&s, call < 3 ? (uint64_t)call + 1 : 3, 1);
	}
	emit(&s, "map-gpa-retry-stall");
	/* Refused locally: bad sizes and vectors, KVM call 0. */
	s_init(&s);
	put(&s, 2, 1); put(&s, 3, 1); put(&s, 0x60, 2);		/* io_in size 3 */
	put(&s, 6, 1); put(&s, 9, 1); put(&s, 0, 8);		/* mmio size 9 */
	put(&s, 10, 1); put(&s, 5, 2);				/* vector 5 */
	put(&s, 12, 1); put(&s, 0, 1);				/* KVM nr 0 */
	emit(&s, "refused-locally");
}

/* ==== fuzz_quote =========================================================== */
/* A quote laid out by hand (quote.h): parses; its signatures are zeros, so
 * it does not verify (the fuzzer's own valid quote covers verification). */
static size_t handmade_quote(uint8_t *q)
{
	static const uint8_t intel[16] = TDX_QUOTE_INTEL_QE_VENDOR_ID;
	static const char pem[] =
		"-----BEGIN CERTIFICATE-----\nTUlJQmZha2VjZXJ0\n-----END CERTIFICATE-----\n";
	size_t off = 0, cert;

	memset(q, 0, 4096);
	q[0] = 4;	/* version */
	q[2] = 2;	/* ECDSA P-256 */
	q[4] = 0x81;	/* TDX */
	memcpy(q + 12, intel, 16);
	for (size_t i = 48; i < TDX_QUOTE_SIGNED_SIZE; i++)
		q[i] = (uint8_t)(i * 7);
	off = TDX_QUOTE_SIG_DATA_OFFSET + 128;	/* signature, key */
	cert = 384 + 64 + 2 + 32 + 6 + sizeof(pem) - 1;
	q[off] = TDX_QUOTE_CERT_QE_REPORT;
	memcpy(q + off + 2, &(uint32_t){ (uint32_t)cert }, 4);
	off += 6 + 384 + 64;
	q[off] = 32;
	off += 2 + 32;
	q[off] = TDX_QUOTE_CERT_PCK_CHAIN;
	memcpy(q + off + 2, &(uint32_t){ (uint32_t)(sizeof(pem) - 1) }, 4);
	memcpy(q + off + 6, pem, sizeof(pem) - 1);
	off += 6 + sizeof(pem) - 1;
	memcpy(q + TDX_QUOTE_SIGNED_SIZE, &(uint32_t){ (uint32_t)(off - TDX_QUOTE_SIG_DATA_OFFSET) }, 4);
	return off;
}

static void gen_quote(void)
{
	struct seed s;
	uint8_t q[4096];
	char name[64];
	/* Offsets of a model quote (test_quote.c: 32 bytes of QE auth data). */
	static const struct { unsigned off; const char *what; } parts[] = {
		{ 0, "version" }, { 2, "key-type" }, { 4, "tee-type" }, { 12, "vendor" },
		{ 28, "user-data" }, { 48 + 136, "mrtd" }, { 632, "sig-len" }, { 636, "signature" },
		{ 700, "att-key" }, { 764, "cert-type" }, { 766, "cert-size" }, { 770, "qe-report" },
		{ 770 + 320, "qe-report-data" }, { 1154, "qe-signature" }, { 1218, "auth-size" },
		{ 1220, "auth-data" }, { 1252, "inner-type" }, { 1254, "inner-size" }, { 1258, "pem" },
	};

	begin("fuzz_quote");
	s_init(&s);
	putb(&s, q, handmade_quote(q));
	emit(&s, "raw-handmade-quote");
	s_init(&s);
	put(&s, 0, 4);		/* the valid quote itself, full length */
	put(&s, 0, 2);
	emit(&s, "valid-unchanged");
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		/* data[0..1] offset, data[2..3] cut (bit 15: keep the length), XOR. */
		s_init(&s);
		put(&s, parts[i].off, 2);
		put(&s, 0x8000, 2);
		put(&s, 0x01, 1);
		snprintf(name, sizeof(name), "flip-%s", parts[i].what);
		emit(&s, name);
	}
	s_init(&s);
	put(&s, 0, 2);
	put(&s, 17, 2);		/* cut 17 bytes off the end */
	emit(&s, "truncated");
	s_init(&s);
	put(&s, 632, 2);
	put(&s, 0x8000, 2);
	put(&s, 0xFFFFFFFF, 4);	/* absurd signature data length */
	emit(&s, "absurd-sig-len");
}

/* ==== fuzz_decode ========================================================== */
static void gen_decode(void)
{
	static const struct { uint64_t v; const char *name; } values[] = {
		{ TDX_SUCCESS, "status-success" },
		{ TDX_OPERAND_INVALID | TDX_OPND_RCX, "status-operand-invalid-rcx" },
		{ 0xC000010000000000ull, "status-class" },
		{ TDX_METADATA_FIELD_ID_INCORRECT, "status-metadata" },
		{ TDX_SUCCESS | TDX_EXIT_EPT_VIOLATION, "status-exit" },
		{ TDX_FIELD_TD_ATTRIBUTES, "field-attributes" },
		{ 0x1310000300000040ull, "field-rtmr" },
		{ 0x242000030000681Eull, "field-l2-vmcs" },
		{ 0xA120000000000005ull, "field-cpuid-control" },
		{ TDX_FIELD_ID_NULL, "field-null" },
		{ 0x80000030ull, "exit-reason-entry-fail" },
		{ TDX_EXIT_TDCALL, "exit-tdcall" },
		{ TDG_VP_ENTER, "leaf-enter" },
		{ TDVMCALL_MAP_GPA, "tdvmcall-map-gpa" },
		{ TDVMCALL_STATUS_RETRY, "tdvmcall-retry" },
	};
	struct seed s;
	uint8_t rep[TDX_REPORT_SIZE];

	begin("fuzz_decode");
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		s_init(&s);
		put(&s, values[i].v, 8);
		put(&s, 7, 1);	/* a 7-byte buffer: truncated output */
		emit(&s, values[i].name);
	}
	/* TDREPORTs, exactly 1024 bytes: TDX type, then a pattern; and version 1. */
	for (int v = 0; v < 2; v++) {
		for (size_t i = 0; i < sizeof(rep); i++)
			rep[i] = (uint8_t)(i * 13 + 7);
		memcpy(rep, "\x81\x00\x00\x00", 4);
		rep[2] = (uint8_t)v;
		rep[9] = 0;	/* also printed padded (data[9] & 3 == 0) */
		s_init(&s);
		putb(&s, rep, sizeof(rep));
		emit(&s, v ? "report-v1" : "report-v0");
	}
	memset(rep, 0, sizeof(rep));
	s_init(&s);
	putb(&s, rep, sizeof(rep));
	emit(&s, "report-zero-sgx");
}

/* ==== fuzz_mmio_decode ===================================================== */
static void gen_mmio(void)
{
	static const struct { const char *name; uint8_t len; uint8_t b[12]; } insns[] = {
		{ "mov-store-8", 2, { 0x88, 0x01 } },
		{ "mov-store-16", 3, { 0x66, 0x89, 0x01 } },
		{ "mov-store-32", 2, { 0x89, 0x01 } },
		{ "mov-store-64", 3, { 0x48, 0x89, 0x01 } },
		{ "mov-store-ah", 2, { 0x88, 0x21 } },
		{ "mov-store-r8", 3, { 0x4C, 0x89, 0x01 } },
		{ "mov-load-8", 2, { 0x8A, 0x01 } },
		{ "mov-load-16", 3, { 0x66, 0x8B, 0x01 } },
		{ "mov-load-32", 2, { 0x8B, 0x01 } },
		{ "mov-load-64", 3, { 0x48, 0x8B, 0x01 } },
		{ "mov-load-ah", 2, { 0x8A, 0x21 } },
		{ "mov-imm-8", 3, { 0xC6, 0x01, 0x5A } },
		{ "mov-imm-32", 6, { 0xC7, 0x01, 0x78, 0x56, 0x34, 0x12 } },
		{ "mov-imm-64", 7, { 0x48, 0xC7, 0x01, 0xFF, 0xFF, 0xFF, 0xFF } },
		{ "movzx-8", 3, { 0x0F, 0xB6, 0x01 } },
		{ "movzx-16", 3, { 0x0F, 0xB7, 0x01 } },
		{ "movsx-8-64", 4, { 0x48, 0x0F, 0xBE, 0x01 } },
		{ "movsxd", 3, { 0x48, 0x63, 0x01 } },
		{ "mov-abs-sib", 7, { 0x8B, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00 } },
		{ "mov-moffs", 10, { 0xA1, 0x00, 0x10, 0, 0, 0, 0, 0, 0, 0 } },
		{ "lock-add", 3, { 0xF0, 0x01, 0x01 } },
		{ "movups", 3, { 0x0F, 0x10, 0x01 } },
		{ "mov-sreg", 2, { 0x8C, 0x01 } },
		{ "truncated", 1, { 0x48 } },
	};
	struct seed s;
	char name[64];

	begin("fuzz_mmio_decode");
	for (size_t i = 0; i < sizeof(insns) / sizeof(insns[0]); i++) {
		s_init(&s);
		put(&s, insns[i].len - 1u, 1);
		putb(&s, insns[i].b, insns[i].len);
		emit(&s, insns[i].name);
		/* Again with a device error and a GPA at a page's end. */
		s_init(&s);
		put(&s, insns[i].len - 1u, 1);
		putb(&s, insns[i].b, insns[i].len);
		put(&s, 0xF0, 1);	/* status >= 224: the device fails */
		put(&s, 0, 7);		/* struct padding before the GPA */
		put(&s, 0x800000400FFEull, 8);
		snprintf(name, sizeof(name), "%s-error-page-end", insns[i].name);
		emit(&s, name);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_corpus DIR\n");
		return 2;
	}
	outdir = argv[1];
	mkdir_p(outdir);
	gen_tdcall();
	gen_partition();
	gen_host_decode();
	gen_ghci_guest();
	gen_quote();
	gen_decode();
	gen_mmio();
	return 0;
}
