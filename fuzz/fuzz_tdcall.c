/* fuzz_tdcall.c: random TDCALLs into the module model, in direct mode
 * (tdx_tdcall with the built-in host) and at module level
 * (tdx_module_tdcall + tdx_module_resume, this file playing the host).
 *
 * Covers: src/module/dispatch.c src/module/run.c src/module/mem.c src/module/mem_host.c src/module/gpa_access.c src/module/measure.c src/module/report.c src/module/ve.c src/module/metadata.c src/module/metadata_td.c src/module/metadata_vp.c src/module/metadata_sys.c src/module/tdg_vp_vmcall.c src/module/tdg_vp_info.c src/module/tdg_mr_rtmr_extend.c src/module/tdg_vp_veinfo_get.c src/module/tdg_mr_report.c src/module/tdg_vp_cpuidve_set.c src/module/tdg_mem_page_accept.c src/module/tdg_vm_rd_wr.c src/module/tdg_vp_rd_wr.c src/module/tdg_sys_rd.c src/module/tdg_mr_verifyreport.c src/module/tdg_sys_rdall.c src/module/tdg_servtd_rd_wr.c
 *
 * Input (fuzz_input.h: host answers come from the back): byte 0 picks the
 * TD configuration, then up to 16 calls, each
 *   mode (bit 0 module level, bits 1+ VCPU, bit 4 interrupt pending;
 *   bits 7:5 = 7: a #VE event instead (reason, qualification, GPA), or
 *   with bit 0 a window fault (window byte, GPA),
 *   6: no struct tdx_inject, 5: maybe a VCPU that does not exist),
 *   leaf (1 byte < 200: leaf byte % 28; else a version or raw RAX),
 *   u16 mask: bit i (1..15) = GPR i has a value, bit 0 = RIP and RFLAGS
 *   follow; GPRs not in the mask are 0 (a leaf reads few),
 *   then per GPR a "kind" byte and its bytes, making most values plausible
 *   (known field IDs, GPAs inside TD memory, GPAs used before) so that
 *   deep paths are reached; the rest stay random (fuzz/gen_corpus.c
 *   writes the seeds).
 *
 * Invariants (abort on violation), tdx-abi.md 1.3 and 2:
 *  - DONE: RIP advanced by exactly 4 (TDX_TDCALL_LEN), also after a
 *    trap-like TD exit (TDVMCALL, the cross-TD trap of TDG.SERVTD.*);
 *  - REEXECUTE / INJECT: RIP unchanged; REEXECUTE also leaves RAX as is;
 *  - every status the model returns (RAX on DONE, RAX of a TD exit) is a
 *    code tdx_status_name knows.
 *  - the windows of configurations 1 and 2 (kept here) show a page
 *    exactly (PROTECT) or at most (FAULT) when its state allows it, and
 *    none after a reset.
 * Every input starts on a TD in its creation state (one TD per
 * configuration, tdx_td_reset between inputs: a crash reproduces from its
 * input alone); a TD the host gave up on (TD_DEAD) is reset too. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tdxkit/abi.h"
#include "tdxkit/module.h"
#include "tdxkit/names.h"
#include "fuzz_input.h"

/* The harness gets no coverage feedback: its branches only say how an
 * input was decoded, and each is a feature libFuzzer would track on every
 * run. What counts is the model's code. */
#pragma clang attribute push(__attribute__((no_sanitize("coverage"))), apply_to = function)

#define MEM_SIZE (8ull << 20)	/* 4 regions of 2 MiB: small state arrays to reset */
#define MAX_CALLS 16
#define MAX_EXITS 8	/* module-level host: exits handled per TDCALL */

/* ---- input: calls from the front, host answers from the back --------- */
static struct fz_in in;	/* the current input, also read by the host callbacks */

#define U8() ((uint8_t)fz_take(&in, 1))
#define U16() ((uint16_t)fz_take(&in, 2))
#define U32() ((uint32_t)fz_take(&in, 4))
#define U64() fz_take(&in, 8)
#define H8() ((uint8_t)fz_back(&in, 1))	/* host side */
#define H64() fz_back(&in, 8)

/* ---- TD configurations ----------------------------------------------- */
enum { NR_TDS = 3 };
static struct tdx_td *tds[NR_TDS];

static int host_tdvmcall(void *ctx, struct tdx_td *td, unsigned vcpu, struct tdx_td_exit *e);
static int host_td_exit(void *ctx, struct tdx_td *td, unsigned vcpu, struct tdx_td_exit *e);

/* ---- windows kept here -------------------------------------------------- */
/* Configurations 1 (FAULT) and 2 (PROTECT) keep their windows in this
 * process, as the isolated engine does for its child
 * (tdx_td_set_window_ops): one bit per page and window says mapped (FAULT)
 * or touchable (PROTECT). No system call per state change, and what the
 * model asks of the windows is checked page by page (window_check).
 * Configuration 0 keeps the kernel's windows (userfaultfd). */
#define PAGES (MEM_SIZE / TDX_PAGE_SIZE_4K)
struct win_model {
	uint8_t on[2][PAGES / 8];
};
static struct win_model wins[NR_TDS];

static int win_set(struct win_model *wm, int w, uint64_t off, uint64_t len, int on)
{
	if (w < 0 || w > 1 || off % TDX_PAGE_SIZE_4K || len % TDX_PAGE_SIZE_4K ||
	    off > MEM_SIZE || len > MEM_SIZE - off) {
		fprintf(stderr, "fuzz_tdcall: window %d update at 0x%llx +0x%llx is not whole pages inside TD memory\n",
			w, (unsigned long long)off, (unsigned long long)len);
		abort();
	}
	for (uint64_t p = off / TDX_PAGE_SIZE_4K; p < (off + len) / TDX_PAGE_SIZE_4K; p++)
		if (on)
			wm->on[w][p / 8] |= (uint8_t)(1u << (p & 7));
		else
			wm->on[w][p / 8] &= (uint8_t)~(1u << (p & 7));
	return 0;
}

static int win_update(void *ctx, int w, uint64_t off, uint64_t len, int touchable)
{
	return win_set(ctx, w, off, len, touchable);
}

static int win_map(void *ctx, int w, uint64_t off, uint64_t len)
{
	return win_set(ctx, w, off, len, 1);
}

static const struct tdx_window_ops win_ops = { .update = win_update, .map = win_map };

static void config_for(unsigned which, struct tdx_td_config *cfg)
{
	tdx_td_config_init(cfg);
	cfg->mem_size = MEM_SIZE;
	cfg->host.tdvmcall = host_tdvmcall;
	cfg->host.td_exit = host_td_exit;
	switch (which) {
	case 0:	/* the default TD, smaller */
		break;
	case 1:	/* GPAW 52, #VE on pending pages, NO_RBP_MOD, 3 L2 VMs, 4K SEPT */
		cfg->gpaw = 52;
		cfg->num_vcpus = 2;
		cfg->num_l2_vms = 3;
		cfg->attributes = TDX_ATTR_DEBUG;
		cfg->config_flags = TDX_CONFIG_FLAGS_NO_RBP_MOD | TDX_CONFIG_FLAGS_FLEXIBLE_PENDING_VE;
		cfg->sept_policy = TDX_SEPT_POLICY_4K;
		break;
	case 2:	/* one L2 VM, flexible pending #VE */
		cfg->num_l2_vms = 1;
		cfg->config_flags = TDX_CONFIG_FLAGS_FLEXIBLE_PENDING_VE;
		memset(cfg->mrconfigid, 0x5A, sizeof(cfg->mrconfigid));
		break;
	}
}

/* The trace hook (configuration 2) sees every completed TDCALL once, with
 * the inputs as the guest gave them. */
/* What the invariants need of a call's inputs. */
struct call_in {
	uint64_t rax, rip;
};
static struct call_in trace_expect;
static unsigned trace_calls;
static int trace_armed;	/* the fuzzed call is running (not a helper's, such as servtd_handle) */

static void trace(void *ctx, unsigned vcpu, const struct tdx_regs *in, const struct tdx_regs *out,
		  enum tdx_tdcall_outcome o)
{
	if (!trace_armed)
		return;
	if (in->rax != trace_expect.rax || in->rip != trace_expect.rip) {
		fprintf(stderr, "fuzz_tdcall: trace hook saw RAX 0x%llx RIP 0x%llx, not the inputs\n",
			(unsigned long long)in->rax, (unsigned long long)in->rip);
		abort();
	}
	trace_calls++;
}

static struct tdx_td *get_td(unsigned which)
{
	if (!tds[which]) {
		struct tdx_td_config cfg;
		char err[256];

		config_for(which, &cfg);
		tds[which] = tdx_td_create(&cfg, err, sizeof(err));
		if (!tds[which]) {
			fprintf(stderr, "fuzz_tdcall: tdx_td_create(config %u): %s\n", which, err);
			abort();
		}
		if (which == 2)
			tdx_td_set_trace(tds[which], trace, NULL);
		int bad = which ? tdx_td_set_window_ops(tds[which], which == 1 ? TDX_WINDOWS_FAULT :
							TDX_WINDOWS_PROTECT, &win_ops, &wins[which])
				: tdx_td_set_window_mode(tds[which], TDX_WINDOWS_FAULT, err, sizeof(err));
		if (bad) {
			fprintf(stderr, "fuzz_tdcall: windows of config %u: %s\n", which,
				which ? "tdx_td_set_window_ops failed" : err);
			abort();
		}
	}
	return tds[which];
}

/* Back to the creation state: what makes an input reproduce alone. */
static struct tdx_td *fresh_td(unsigned which)
{
	char err[256];
	struct tdx_td *td = get_td(which);

	if (tdx_td_reset(td, err, sizeof(err))) {
		fprintf(stderr, "fuzz_tdcall: tdx_td_reset(config %u): %s\n", which, err);
		abort();
	}
	/* A TD in its creation state lets the guest touch no page. */
	static const struct win_model none;
	if (which && memcmp(&wins[which], &none, sizeof(none))) {
		fprintf(stderr, "fuzz_tdcall: a window of config %u is still open after the reset\n", which);
		abort();
	}
	return td;
}

/* ---- plausible register values ----------------------------------------- */
static const uint64_t known_fields[] = {
	TDX_FIELD_TD_ATTRIBUTES, TDX_FIELD_TD_XFAM, TDX_FIELD_TD_MAX_VCPUS,
	TDX_FIELD_TD_GPAW, TDX_FIELD_TD_CONFIG_FLAGS, TDX_FIELD_TD_TD_CTLS,
	TDX_FIELD_TD_NUM_VCPUS, TDX_FIELD_TD_NUM_L2_VMS, TDX_FIELD_TD_NOTIFY_ENABLES,
	TDX_FIELD_SYS_TDX_FEATURES0, TDX_FIELD_VP_VCPU_INDEX,
	TDX_FIELD_VP_CPUID_SUPERVISOR_VE, TDX_FIELD_VP_CPUID_USER_VE,
	TDX_FIELD_VP_L2_CTLS(0), TDX_FIELD_VP_L2_CTLS(1), TDX_FIELD_VP_L2_CTLS(3),
	TDX_FIELD_VP_TSC_DEADLINE(1), TDX_FIELD_VP_TSC_DEADLINE(2),
	0x8010000300000020ull,	/* TD_UUID */
	0x111000010000000Cull,	/* TSC_FREQUENCY */
	0x1310000300000000ull,	/* MRTD */
	0x1310000300000040ull,	/* RTMR */
	0x9910000300000080ull,	/* SERVTD_BINDINGS_TABLE */
	0xA120000000000000ull,	/* CPUID_CONTROL */
	0x2520000300000000ull,	/* L2 MSR bitmaps VM1 */
	0x242000030000681Eull,	/* VM1 GUEST_RIP */
	0x0800000200000000ull,	/* VENDOR_ID */
	0x0220000200000000ull,	/* VE_INFO EXIT_REASON */
	0x9120000300000100ull,	/* VCPU_STATE_DETAILS */
	0x0800000100000003ull,	/* MINOR_VERSION: RDALL start IDs */
	0x9000000100000000ull,	/* NUM_CMRS */
	0x9900000300000500ull,	/* CPUID_CONFIG_VALUES (2 elements per field) */
	0x2000000100000001ull,	/* MIN_EXPORT_VERSION */
	0xA200000100000000ull,	/* GUEST_L2_GPA_ATTR_MASK */
	0x9410000300000100ull,	/* CPUID_VALUES leaf 0 */
	0x9410000300000808ull,	/* CPUID_VALUES leaf 4 subleaf 4 */
	0x9410000300020100ull,	/* CPUID_VALUES, reserved code bit 17 */
	0x0024000300006800ull,	/* TD VMCS guest CR0 */
	0x0024000300002002ull,	/* TD VMCS I/O bitmap B */
	TDX_FIELD_ID_NULL,
};
static const uint8_t classes[] = { 0, 1, 2, 8, 10, 16, 17, 19, 20, 24, 25, 32, 33, 36, 37, 44, 52 };

static uint64_t field_id(void)
{
	uint8_t how = U8();
	uint64_t id;

	if (how & 1) {
		id = known_fields[U8() % (sizeof(known_fields) / sizeof(known_fields[0]))];
		id += how >> 5 & 3;	/* neighbours: the next elements */
	} else {
		id = TDX_FIELD_ID(U8() % 3, classes[U8() % sizeof(classes)], U8() & 3, U16() & 0x7FF);
	}
	/* Bits the module ignores or rejects (6.1). */
	if (how & 2)
		id ^= TDX_FIELD_INC_SIZE | TDX_FIELD_WRITE_MASK_VALID;
	if (how & 4)
		id ^= TDX_FIELD_NON_ARCH;
	if ((how & 0x18) == 0x18)
		id |= (uint64_t)U8() << 24;	/* reserved */
	if ((how & 0x18) == 0x10)
		id |= (uint64_t)(U8() & 0xF) << 34;	/* LAST_ELEMENT */
	return id;
}

/* GPAs used earlier in this input: a page accepted by one call is then
 * a REPORT / RTMR buffer of the next. */
static uint64_t recent_gpas[4];

static uint64_t gpa(struct tdx_td *td)
{
	static const uint64_t aligns[] = { 1, 64, 256, 1024, 0x1000, 0x200000, 0x40000000 };
	uint8_t how = U8();
	uint64_t a = aligns[how % 7];
	uint64_t g;

	if (how & 0x08)
		g = recent_gpas[U8() & 3] & TDX_PAGE_INFO_GPA_MASK & ~(a - 1);
	else
		g = (U32() % (MEM_SIZE / a + 1)) * a;	/* one past the end too */
	recent_gpas[how >> 6] = g;

	if (how & 0x10)
		g |= U8() % 4;	/* ACCEPT / ATTR.WR page level bits */
	if (how & 0x20)
		g |= tdx_td_shared_bit(td);
	if ((how & 0xC0) == 0xC0)
		g ^= 1ull << (U8() & 63);
	return g;
}

/* A TDG.SERVTD binding handle: (TDR page | slot) + this TD's TD_UUID[0]
 * (MOD service_td.h), so that both slot checks and the TDR path are hit. */
static uint64_t servtd_handle(struct tdx_td *td)
{
	struct tdx_regs r = { .rax = TDG_VM_RD, .rdx = 0x8010000300000020ull };
	struct tdx_inject inj;

	if (tdx_tdcall(td, 0, &r, &inj) != TDX_OUTCOME_DONE || r.rax)
		return U64();
	return r.r8 + ((uint64_t)U32() << 12) + (U8() & 1 ? U8() % 3 : 0);
}

static uint64_t reg_value(struct tdx_td *td)
{
	uint8_t k = U8();
	if (k >= 0xF8)
		return servtd_handle(td);
	switch (k % 8) {
	case 0: return 0;
	case 1: return U8();
	case 2: return field_id();
	case 3: return gpa(td);
	case 4: return ~0ull;
	case 5: return 0xFFCC;	/* Linux's TDVMCALL expose mask */
	default: return U64();
	}
}

static uint64_t leaf_rax(void)
{
	uint8_t b = U8();

	if (b < 200)
		return b % 28;			/* 0..27: every defined 1.5 leaf and the gaps */
	if (b < 220)
		return TDG_VM_RD | (uint64_t)(U8() & 3) << 16;	/* versions 0..3 */
	if (b < 240)
		return (uint64_t)U8() | (uint64_t)U8() << 16;
	return U64();
}

/* ---- host side ---------------------------------------------------------- */
/* A VMM answering TDVMCALLs with garbage in every register (only exposed
 * ones may reach the guest); rarely it gives up on the TD. */
static int host_tdvmcall(void *ctx, struct tdx_td *td, unsigned vcpu, struct tdx_td_exit *e)
{
	for (unsigned i = 0; i < TDX_NR_GPRS; i++) {
		uint64_t v = H8();
		e->vmm.gpr[i] = v & 0x80 ? H64() : v;	/* small or full garbage */
	}
	uint64_t x = H64();
	for (unsigned i = 0; i < 16; i++)
		e->vmm.xmm[i][0] = e->vmm.xmm[i][1] = x * (i + 3);
	return H8() == 0xEE;
}

static int host_td_exit(void *ctx, struct tdx_td *td, unsigned vcpu, struct tdx_td_exit *e)
{
	return H8() & 1 ? -1 : 0;
}

/* ---- invariants ----------------------------------------------------------- */
static void check_status(const char *what, uint64_t status, uint64_t leaf_rax_in)
{
	/* Codes already found in the table (a few dozen) skip the search. */
	static uint32_t known[256];
	uint32_t code = (uint32_t)(status >> 32), h = (code ^ code >> 16) & 255;

	if (known[h] == code && code)
		return;
	if (tdx_status_name(status)) {
		known[h] = code;
		return;
	}
	fprintf(stderr, "fuzz_tdcall: %s: status 0x%016llx (leaf RAX 0x%llx) is not in the names table\n",
		what, (unsigned long long)status, (unsigned long long)leaf_rax_in);
	abort();
}

static void check_outcome(enum tdx_tdcall_outcome o, const struct call_in *before,
			  const struct tdx_regs *after)
{
	const char *bad = NULL;

	switch (o) {
	case TDX_OUTCOME_DONE:
		if (after->rip != before->rip + TDX_TDCALL_LEN)
			bad = "DONE without RIP += 4";
		else
			check_status("DONE", after->rax, before->rax);
		break;
	case TDX_OUTCOME_REEXECUTE:
		if (after->rip != before->rip)
			bad = "REEXECUTE moved RIP";
		else if (after->rax != before->rax)
			bad = "REEXECUTE changed RAX";
		break;
	case TDX_OUTCOME_INJECT:
		if (after->rip != before->rip)
			bad = "INJECT moved RIP";
		break;
	case TDX_OUTCOME_TD_EXIT:
	case TDX_OUTCOME_TD_DEAD:
		break;
	default:
		bad = "unknown outcome";
	}
	if (bad) {
		fprintf(stderr, "fuzz_tdcall: %s: leaf RAX 0x%llx, RIP 0x%llx -> 0x%llx, RAX out 0x%llx\n",
			bad, (unsigned long long)before->rax, (unsigned long long)before->rip,
			(unsigned long long)after->rip, (unsigned long long)after->rax);
		abort();
	}
}

/* Module level: this function is the VMM around TDH.VP.ENTER. */
static enum tdx_tdcall_outcome module_level(struct tdx_td *td, unsigned vcpu, struct tdx_regs *r)
{
	const struct tdx_regs start = *r;
	struct tdx_td_exit exit;
	struct tdx_inject inj;
	enum tdx_tdcall_outcome o = TDX_OUTCOME_TD_DEAD;

	for (unsigned n = 0; n < MAX_EXITS; n++) {
		o = tdx_module_tdcall(td, vcpu, r, &exit, &inj);
		if (o != TDX_OUTCOME_TD_EXIT)
			return o;
		check_status("TD exit", exit.status, start.rax);
		uint32_t reason = TDX_EXIT_REASON_BASIC((uint32_t)exit.status);
		if (TDX_STATUS_CODE(exit.status) == TDX_CROSS_TD_TRAP) {
			/* TDG.SERVTD.*: trap-like async exit, RIP past the TDCALL;
			 * the resume completes it (MOD async_tdexit_cross_td). */
			if (r->rip != start.rip + TDX_TDCALL_LEN) {
				fprintf(stderr, "fuzz_tdcall: cross-TD trap without RIP += 4\n");
				abort();
			}
			o = tdx_module_resume(td, vcpu, r, &exit);
			if (o != TDX_OUTCOME_DONE) {
				fprintf(stderr, "fuzz_tdcall: cross-TD trap resume is not DONE\n");
				abort();
			}
			check_status("cross-TD trap", r->rax, start.rax);
			return o;
		}
		if (reason == TDX_EXIT_TDCALL) {
			/* Trap-like (3.1): RIP is already past the TDCALL. */
			if (r->rip != start.rip + TDX_TDCALL_LEN) {
				fprintf(stderr, "fuzz_tdcall: TDVMCALL exit without RIP += 4\n");
				abort();
			}
			host_tdvmcall(NULL, td, vcpu, &exit);
		} else {
			/* Fault-like: nothing moved; maybe map something, then re-enter. */
			if (r->rip != start.rip) {
				fprintf(stderr, "fuzz_tdcall: fault-like exit %u moved RIP\n", reason);
				abort();
			}
			switch (H8() % 6) {
			case 0:
				tdh_mem_page_aug(td, exit.gpa & ~(TDX_PAGE_SIZE_2M - 1), TDX_PAGE_2M);
				break;
			case 1:
				tdh_mem_page_aug(td, exit.gpa, TDX_PAGE_4K);
				break;
			case 2:
				tdx_td_set_shared(td, exit.gpa, TDX_PAGE_SIZE_4K, H8() & 1);
				break;
			case 3:
				tdh_mem_page_demote(td, exit.gpa & ~(TDX_PAGE_SIZE_2M - 1));
				break;
			case 4:
				tdh_mem_page_remove(td, exit.gpa, H8() & 1 ? TDX_PAGE_2M : TDX_PAGE_4K);
				break;
			default:
				break;
			}
		}
		o = tdx_module_resume(td, vcpu, r, &exit);
		if (o != TDX_OUTCOME_REEXECUTE)
			return o;
		if (r->rip != start.rip || r->rax != start.rax) {
			fprintf(stderr, "fuzz_tdcall: resume REEXECUTE changed RIP/RAX\n");
			abort();
		}
	}
	return TDX_OUTCOME_REEXECUTE;	/* the guest would simply run it again */
}

/* A guest action outside a TDCALL (4.1): an instruction #VE or an EPT
 * violation. Invariants: INJECT is #VE (20) with VE_INFO recorded and
 * VALID, or #DF (8) when VALID was still set; nothing else happens. */
static void ve_event(struct tdx_td *td, unsigned vcpu)
{
	static const uint32_t reasons[] = { TDX_EXIT_EPT_VIOLATION, TDX_EXIT_EPT_VIOLATION, 30, 12,
					    TDX_EXIT_RDMSR, TDX_EXIT_WRMSR, TDX_EXIT_CPUID };
	struct tdx_ve_event ev = { 0 }, seen;
	struct tdx_inject inj = { 0 };
	uint8_t k = U8();

	ev.exit_reason = k < 0xF0 ? reasons[k % 7] : (uint32_t)U32();
	ev.exit_qual = U8();
	ev.gpa = reg_value(td);
	ev.gla = ev.gpa;
	ev.instr_len = U8() & 15;
	int was_valid = tdx_vcpu_ve_info(td, vcpu, &seen) == 1;
	enum tdx_tdcall_outcome o = tdx_module_virtualization_exception(td, vcpu, &ev, &inj);
	if (o == TDX_OUTCOME_INJECT) {
		int valid = tdx_vcpu_ve_info(td, vcpu, &seen) == 1;
		if (inj.vector == 8 ? !was_valid : inj.vector != 20 || !valid ||
		    seen.exit_reason != ev.exit_reason || seen.gpa != ev.gpa) {
			fprintf(stderr, "fuzz_tdcall: #VE event: vector %u, VALID %d -> %d\n",
				inj.vector, was_valid, valid);
			abort();
		}
	} else if (o != TDX_OUTCOME_TD_EXIT) {
		fprintf(stderr, "fuzz_tdcall: #VE event: outcome %d\n", (int)o);
		abort();
	}
}

/* Configurations 1 and 2: what the windows show of the page at `gpa`
 * agrees with its state (private: PRESENT; shared: mapped shared), in
 * PROTECT mode exactly, in FAULT mode at most (mapped once touched). */
static void window_check(struct tdx_td *td, unsigned which, uint64_t gpa)
{
	struct tdx_page_state st;

	if (!which || tdx_td_page_state(td, gpa, &st))
		return;
	uint64_t p = (gpa & ~tdx_td_shared_bit(td)) / TDX_PAGE_SIZE_4K;
	for (int w = 0; w < 2; w++) {
		int on = wins[which].on[w][p / 8] >> (p & 7) & 1;
		int may = w ? st.shared : st.sept == TDX_SEPT_PRESENT;
		if (which == 2 ? on != may : on && !may) {
			fprintf(stderr, "fuzz_tdcall: config %u window %d shows page 0x%llx %s, state %d shared %d\n",
				which, w, (unsigned long long)p, on ? "open" : "closed", (int)st.sept, st.shared);
			abort();
		}
	}
}

/* The guest touched a window page (FAULT mode: what the trap engine asks
 * on SIGBUS). Invariant: it is mapped exactly when its state allows the
 * touch (private: PRESENT; shared: mapped shared); PROTECT mode maps none. */
static void window_fault(struct tdx_td *td, unsigned which)
{
	unsigned w = U8() & 1;
	uint64_t off = gpa(td) & ~tdx_td_shared_bit(td);
	struct tdx_page_state st;
	enum tdx_window_fault_result res = tdx_td_window_fault_at(td, (int)w, off);

	if (tdx_td_page_state(td, off, &st)) {
		if (res != TDX_WINDOW_OUTSIDE)
			abort();	/* beyond TD memory */
		return;
	}
	int may = w ? st.shared : st.sept == TDX_SEPT_PRESENT;
	int fault_mode = tdx_td_window_mode(td) == TDX_WINDOWS_FAULT;
	if (res == TDX_WINDOW_BROKEN)
		return;		/* a window update failed: the TD says why */
	if (res != (may && fault_mode ? TDX_WINDOW_MAPPED : TDX_WINDOW_DENIED)) {
		fprintf(stderr, "fuzz_tdcall: window %u fault at 0x%llx: result %d, state %d shared %d\n",
			w, (unsigned long long)off, (int)res, (int)st.sept, st.shared);
		abort();
	}
	window_check(td, which, off);
	if (res == TDX_WINDOW_MAPPED && which == 1 &&
	    !(wins[1].on[w][off / TDX_PAGE_SIZE_4K / 8] >> (off / TDX_PAGE_SIZE_4K & 7) & 1)) {
		fprintf(stderr, "fuzz_tdcall: window %u fault at 0x%llx: MAPPED, but nothing was mapped\n",
			w, (unsigned long long)off);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_init(&in, data, size);
	memset(recent_gpas, 0, sizeof(recent_gpas));
	unsigned which = U8() % NR_TDS;
	struct tdx_td *td = fresh_td(which);
	unsigned nvcpus = tdx_td_config(td)->num_vcpus;

	for (unsigned call = 0; call < MAX_CALLS && in.n; call++) {
		uint8_t mode = U8();
		/* Now and then a VCPU that does not exist (the TD must refuse). */
		unsigned vcpu = (mode >> 1) % (nvcpus + ((mode & 0xE0) == 0xA0));
		struct tdx_regs r;

		if ((mode & 0xE0) == 0xE0) {	/* not a TDCALL: a #VE event or a window fault */
			if (mode & 1)
				window_fault(td, which);
			else
				ve_event(td, vcpu % nvcpus);
			continue;
		}

		r.rax = leaf_rax();	/* every field is set below: no memset of the XMMs */
		uint16_t given = U16();
		for (unsigned i = 1; i < TDX_NR_GPRS; i++)
			r.gpr[i] = given >> i & 1 ? reg_value(td) : 0;
		/* RIP/RFLAGS from the input; XMMs only matter to TDVMCALL, so a
		 * cheap pattern keeps inputs short. */
		r.rip = 0x1000;
		r.rflags = 2;
		if (given & 1) {
			r.rip = (uint64_t)U32() << (U8() & 31);
			r.rflags = U16() | 2;
		}
		for (unsigned i = 0; i < 16; i++)
			r.xmm[i][0] = r.xmm[i][1] = r.rip * (i + 1) ^ r.rcx;
		if (mode & 0x10)
			tdx_vcpu_set_interrupt_pending(td, vcpu, 1);
		const struct call_in before = { r.rax, r.rip };

		enum tdx_tdcall_outcome o;
		trace_expect = before;
		trace_armed = 1;
		unsigned traced = trace_calls;
		if (mode & 1) {
			trace_armed = 0;	/* the module level has no trace hook */
			o = module_level(td, vcpu, &r);
		} else {
			struct tdx_inject inj;
			o = tdx_tdcall(td, vcpu, &r, (mode & 0xE0) == 0xC0 ? NULL : &inj);
			trace_armed = 0;
			/* Configuration 2 traces every TDCALL that got to the module. */
			if (which == 2 && vcpu < nvcpus && trace_calls != traced + 1 &&
			    !(o == TDX_OUTCOME_TD_DEAD && traced == trace_calls)) {
				fprintf(stderr, "fuzz_tdcall: %u trace calls for one TDCALL\n",
					trace_calls - traced);
				abort();
			}
		}
		if (vcpu >= nvcpus) {
			if (o != TDX_OUTCOME_TD_DEAD)
				abort();	/* no such VCPU */
			continue;
		}
		check_outcome(o, &before, &r);
		for (unsigned i = 0, j; i < 4; i++) {	/* the pages this input names, once each */
			for (j = 0; j < i && recent_gpas[j] >> 12 != recent_gpas[i] >> 12; j++)
				;
			if (j == i)
				window_check(td, which, recent_gpas[i]);
		}
		if (mode & 0x10)
			tdx_vcpu_set_interrupt_pending(td, vcpu, 0);
		if (o == TDX_OUTCOME_TD_DEAD)
			td = fresh_td(which);
	}
	return 0;
}

#pragma clang attribute pop
