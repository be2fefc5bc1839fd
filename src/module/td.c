/* td.c: creating, resetting and destroying a TD from a configuration. */
#include <cpuid.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "td.h"
#include "window.h"

void tdx_td_config_init(struct tdx_td_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mem_size = 1ull << 30;
	cfg->gpaw = 48;
	/* Linux refuses to run without SEPT_VE_DISABLE unless DEBUG (5.1). */
	cfg->attributes = TDX_ATTR_SEPT_VE_DISABLE;
	cfg->xfam = 0x3;	/* x87 | SSE, the architectural minimum */
	cfg->num_vcpus = 1;
	cfg->sept_policy = TDX_SEPT_POLICY_2M;
}

static int config_check(const struct tdx_td_config *cfg, char *err, size_t errlen);

/* TDH.MNG.INIT's TD_PARAMS rules as module 1.5.01 applies them (MOD
 * tdh_mng_init.c read_and_set_td_configurations, helpers.c
 * verify_td_attributes / check_xfam / verify_td_config_flags, constants from
 * td_control_structures.h and tdh_sys_init.c). */
#define ATTRIBUTES_FIXED0 (TDX_ATTR_DEBUG | TDX_ATTR_SEPT_VE_DISABLE | TDX_ATTR_MIGRATABLE | \
			   TDX_ATTR_PKS | TDX_ATTR_PERFMON)	/* bits that may be 1 */
#define CONFIG_FLAGS_FIXED0 (TDX_CONFIG_FLAGS_GPAW | TDX_CONFIG_FLAGS_FLEXIBLE_PENDING_VE | \
			     TDX_CONFIG_FLAGS_NO_RBP_MOD)
#define XFAM_FIXED0 0x0006DBE7ull	/* TDX_XFAM_FIXED0: bits that may be 1 */
#define XFAM_FIXED1 0x00000003ull	/* x87 and SSE must be 1 */
#define XFAM_AVX (1ull << 2)
#define XFAM_AVX512 (7ull << 5)		/* k-mask, ZMM_Hi256, Hi16_ZMM */
#define XFAM_CET (3ull << 11)		/* CET_U, CET_S */
#define XFAM_AMX (3ull << 17)		/* XTILECFG, XTILEDATA */

/* The modelled platform's XCR0 and IA32_XSS supported masks: this CPU's
 * (CPUID leaf 0xD subleaves 0 and 1), as TDH.SYS.INIT reads them. */
static uint64_t xstate_supported(void)
{
	unsigned a, b, c, d;
	uint64_t m = 0;

	__cpuid(0, a, b, c, d);
	if (a < 0xD)
		return XFAM_FIXED1;
	__cpuid_count(0xD, 0, a, b, c, d);
	m = a | (uint64_t)d << 32;
	__cpuid_count(0xD, 1, a, b, c, d);
	m |= c | (uint64_t)d << 32;
	return m | XFAM_FIXED1;
}

uint64_t tdx_xfam_from_host(void)
{
	unsigned a, b, c, d;

	/* A host offers the TD what its own XCR0 enables and the module allows
	 * (KVM: the XFAM it passes in TD_PARAMS is XCR0-derived). XGETBV needs
	 * CPUID.1:ECX.OSXSAVE. */
	__cpuid(1, a, b, c, d);
	if (!(c & (1u << 27)))
		return XFAM_FIXED1;
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (((uint64_t)hi << 32 | lo) & XFAM_FIXED0) | XFAM_FIXED1;
}

static int xfam_ok(uint64_t x, uint64_t supported, char *err, size_t errlen)
{
	uint64_t bad = x & ~(XFAM_FIXED0 & supported);

	if (bad)
		return snprintf(err, errlen, "XFAM 0x%llx: bits 0x%llx are not allowed (module XFAM_FIXED0 "
				"0x%llx, this CPU's XCR0|XSS 0x%llx)", (unsigned long long)x,
				(unsigned long long)bad, XFAM_FIXED0, (unsigned long long)supported), 0;
	if ((x & XFAM_FIXED1) != XFAM_FIXED1)
		return snprintf(err, errlen, "XFAM 0x%llx: x87 and SSE (bits 0, 1) must be set",
				(unsigned long long)x), 0;
	if (((x & XFAM_AVX512) && !(x & XFAM_AVX)) ||
	    ((x & XFAM_AVX512) && (x & XFAM_AVX512) != XFAM_AVX512))
		return snprintf(err, errlen, "XFAM 0x%llx: AVX-512 bits 7:5 must be all set or all clear, "
				"and need AVX (bit 2)", (unsigned long long)x), 0;
	if ((x & XFAM_CET) && (x & XFAM_CET) != XFAM_CET)
		return snprintf(err, errlen, "XFAM 0x%llx: CET_U and CET_S (bits 11, 12) go together",
				(unsigned long long)x), 0;
	if ((x & XFAM_AMX) && (x & XFAM_AMX) != XFAM_AMX)
		return snprintf(err, errlen, "XFAM 0x%llx: AMX XTILECFG and XTILEDATA (bits 17, 18) "
				"go together", (unsigned long long)x), 0;
	return 1;
}

int tdx_td_config_check(const struct tdx_td_config *cfg, char *err, size_t errlen)
{
	char dummy[1];
	if (!err) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	/* In tdh_mng_init.c order: ATTRIBUTES, XFAM, MAX_VCPUS, NUM_L2_VMS,
	 * CONFIG_FLAGS; then what the model adds (GPAW, memory, policy). */
	uint64_t a = cfg->attributes;
	if (a & ~ATTRIBUTES_FIXED0)
		return snprintf(err, errlen, "ATTRIBUTES 0x%llx: bits 0x%llx are not supported by module "
				"1.5.01 (allowed: 0x%llx)", (unsigned long long)a,
				(unsigned long long)(a & ~ATTRIBUTES_FIXED0), ATTRIBUTES_FIXED0), -1;
	if ((a & TDX_ATTR_MIGRATABLE) && (a & (TDX_ATTR_DEBUG | TDX_ATTR_PERFMON)))
		return snprintf(err, errlen, "ATTRIBUTES 0x%llx: a MIGRATABLE TD can be neither DEBUG "
				"nor PERFMON", (unsigned long long)a), -1;
	if (!xfam_ok(cfg->xfam, xstate_supported(), err, errlen))
		return -1;
	if (cfg->config_flags & ~CONFIG_FLAGS_FIXED0)
		return snprintf(err, errlen, "CONFIG_FLAGS 0x%llx: bits 0x%llx are reserved",
				(unsigned long long)cfg->config_flags,
				(unsigned long long)(cfg->config_flags & ~CONFIG_FLAGS_FIXED0)), -1;
	return config_check(cfg, err, errlen);
}

static int config_check(const struct tdx_td_config *cfg, char *err, size_t errlen)
{
	if (cfg->gpaw != 48 && cfg->gpaw != 52)
		return snprintf(err, errlen, "GPAW must be 48 or 52, not %u", cfg->gpaw), -1;
	if (cfg->mem_size < TDX_PAGE_SIZE_4K || cfg->mem_size % TDX_PAGE_SIZE_4K)
		return snprintf(err, errlen, "memory size 0x%llx is not a non-zero multiple of 4 KiB",
				(unsigned long long)cfg->mem_size), -1;
	if (cfg->mem_size > (1ull << (cfg->gpaw - 1)))
		return snprintf(err, errlen, "memory size 0x%llx does not fit below the shared bit %u",
				(unsigned long long)cfg->mem_size, cfg->gpaw - 1), -1;
	if (cfg->num_vcpus < 1 || cfg->num_vcpus > TDX_MAX_VCPUS)
		return snprintf(err, errlen, "number of VCPUs must be 1..%d, not %u",
				TDX_MAX_VCPUS, cfg->num_vcpus), -1;
	if (cfg->num_l2_vms > TDX_MAX_L2_VMS)
		return snprintf(err, errlen, "number of L2 VMs must be 0..%d, not %u",
				TDX_MAX_L2_VMS, cfg->num_l2_vms), -1;
	if (cfg->sept_policy != TDX_SEPT_POLICY_2M && cfg->sept_policy != TDX_SEPT_POLICY_4K)
		return snprintf(err, errlen, "unknown SEPT policy %d", (int)cfg->sept_policy), -1;
	return 0;
}

/* The TD-scope fields that change after tdx_td_create, as it sets them. */
static void td_init(struct tdx_td *td)
{
	td->td_ctls = 0;
	/* TD_CTLS.PENDING_VE_DISABLE starts as ATTRIBUTES.SEPT_VE_DISABLE (4.1). */
	if (td->cfg.attributes & TDX_ATTR_SEPT_VE_DISABLE)
		td->td_ctls |= TDX_TD_CTLS_PENDING_VE_DISABLE;
	td->notify_enables = 0;
	atomic_store(&td->dead, 0);
	atomic_store(&td->dying, 0);
	atomic_store(&td->ended, 0);
	td->end_status = 0;
	td->dead_reason[0] = 0;
}

/* A VCPU as created; v is all zeros but maybe its L2 state (reset). */
static void vcpu_init(struct tdx_td *td, unsigned i)
{
	struct tdx_vcpu *v = &td->vcpus[i];

	v->index = i;
	/* ~0 = disabled for existing VMs, 0 for absent ones (docs/metadata-fields.md). */
	for (unsigned vm = 0; vm <= TDX_MAX_L2_VMS; vm++)
		v->tsc_deadline[vm] = vm <= td->cfg.num_l2_vms ? ~0ull : 0;
}

struct tdx_td *tdx_td_create(const struct tdx_td_config *cfg, char *err, size_t errlen)
{
	char dummy[1];
	if (!err) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	if (tdx_td_config_check(cfg, err, errlen))
		return NULL;

	struct tdx_td *td = calloc(1, sizeof(*td));
	if (!td) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	td->cfg = *cfg;
	/* CONFIG_FLAGS.GPAW mirrors the GPAW choice (5.4). */
	if (cfg->gpaw == 52)
		td->cfg.config_flags |= TDX_CONFIG_FLAGS_GPAW;
	else
		td->cfg.config_flags &= ~TDX_CONFIG_FLAGS_GPAW;
	td->shared_bit = 1ull << (cfg->gpaw - 1);
	td_init(td);
	td->vcpus = calloc(cfg->num_vcpus, sizeof(*td->vcpus));
	if (!td->vcpus) {
		snprintf(err, errlen, "out of memory");
		free(td);
		return NULL;
	}
	for (unsigned i = 0; i < cfg->num_vcpus; i++)
		vcpu_init(td, i);
	tdx_l2_msr_bitmap_init(td);	/* TDCS.MSR_BITMAPS from the TD's configuration */
	if (tdx_mem_init(&td->mem, cfg->mem_size, td->shared_bit, cfg->sept_policy, err, errlen)) {
		free(td->vcpus);
		free(td);
		return NULL;
	}
	if (tdx_measure_init(td, err, errlen)) {
		tdx_mem_fini(&td->mem);
		free(td->vcpus);
		free(td);
		return NULL;
	}
	return td;
}

int tdx_td_reset(struct tdx_td *td, char *err, size_t errlen)
{
	char dummy[1];
	if (!err) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	tdx_l2_alias_reset(td);	/* first: it may start a new memory generation */
	if (tdx_mem_reset(&td->mem, err, errlen))
		return -1;
	td_init(td);
	/* RTMRs back to zeros (9.3); the MAC key, CPUSVN and TD_UUID stay, and
	 * TDCS.MSR_BITMAPS, which only the configuration sets. */
	memset(td->mr.rtmr, 0, sizeof(td->mr.rtmr));
	td->mr.rtmr_lock = 0;
	for (unsigned i = 0; i < td->cfg.num_vcpus; i++) {
		struct tdx_vcpu *v = &td->vcpus[i];
		/* The L2 VM stores (36 KiB) are left as they are: clearing
		 * l2.inited makes each start again from its initial values on
		 * first use (tdx_l2_vm). */
		memset(v, 0, offsetof(struct tdx_vcpu, l2.vm));
		memset(&v->l2.l1_rvi, 0, sizeof(*v) - offsetof(struct tdx_vcpu, l2.l1_rvi));
		vcpu_init(td, i);
	}
	if (td->l2.engine && td->l2.engine->reset)
		td->l2.engine->reset(td->l2.engine_ctx);
	return 0;
}

void tdx_td_destroy(struct tdx_td *td)
{
	if (!td)
		return;
	tdx_td_set_l2_engine(td, NULL, NULL);	/* the engine releases its state */
	tdx_mem_fini(&td->mem);
	/* The MAC key is a secret of the TD; do not leave it in freed memory. */
	memset(&td->mr, 0, sizeof(td->mr));
	free(td->vcpus);
	free(td);
}

const struct tdx_td_config *tdx_td_config(const struct tdx_td *td)
{
	return &td->cfg;
}

uint64_t tdx_td_shared_bit(const struct tdx_td *td)
{
	return td->shared_bit;
}

const char *tdx_td_dead_reason(const struct tdx_td *td)
{
	if (!atomic_load_explicit(&td->dead, memory_order_acquire) && atomic_load(&td->dying))
		return "the TD is dead";	/* another thread is still writing why */
	return td->dead_reason[0] ? td->dead_reason : NULL;	/* last reason, dead or refused */
}

void tdx_td_kill(struct tdx_td *td, const char *fmt, ...)
{
	int no = 0;
	va_list ap;

	if (!atomic_compare_exchange_strong(&td->dying, &no, 1))
		return;		/* the first reason stands */
	va_start(ap, fmt);
	vsnprintf(td->dead_reason, sizeof(td->dead_reason), fmt, ap);
	va_end(ap);
	atomic_store_explicit(&td->dead, 1, memory_order_release);
}

int tdx_td_check_windows(struct tdx_td *td)
{
	char why[sizeof(td->dead_reason)];

	if (!atomic_load_explicit(&td->mem.win_errno, memory_order_relaxed))
		return 0;
	tdx_window_check(&td->mem, why, sizeof(why));
	tdx_td_kill(td, "%s", why);
	return -1;
}

void tdx_td_end(struct tdx_td *td, int status, const char *reason)
{
	int no = 0;

	if (atomic_compare_exchange_strong(&td->ended, &no, -1)) {
		td->end_status = status;
		atomic_store(&td->ended, 1);
	}
	tdx_td_kill(td, "%s", reason && *reason ? reason : "the host ended the TD");
}

int tdx_td_end_status(const struct tdx_td *td, int *status)
{
	if (atomic_load(&td->ended) != 1)
		return 0;
	if (status)
		*status = td->end_status;
	return 1;
}

void tdx_td_set_trace(struct tdx_td *td, tdx_trace_fn fn, void *ctx)
{
	td->trace = fn;
	td->trace_ctx = ctx;
}
