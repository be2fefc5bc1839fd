/* metadata_td.c: the TD-scope (context 1) table, one row per entry of the
 * module's TDR/TDCS lookup table in its order (docs/metadata-fields.md 1
 * and Appendix A). Rows with zero masks are fields the guest cannot see. */
#include <openssl/rand.h>
#include <string.h>

#include "metadata.h"

#define ALL64 0xFFFFFFFFFFFFFFFFull
#define ALL32 0xFFFFFFFFull
#define ALL16 0xFFFFull
#define ALL8 0xFFull

/* TD_UUID is random per TD (1): made on first use, as td.c knows nothing of it. */
const uint64_t *tdx_td_uuid(struct tdx_td *td)
{
	uint64_t *u = td->td_uuid;

	if (!(u[0] | u[1] | u[2] | u[3]) && RAND_bytes((unsigned char *)u, 4 * sizeof(*u)) != 1) {
		u[0] = (uint64_t)(uintptr_t)td;	/* no entropy: still non-zero and per TD */
		u[1] = ~u[0];
	}
	return u;
}

static uint64_t get_td_uuid(struct tdx_call *c, const struct tdx_md_field *f, unsigned elem)
{
	return tdx_td_uuid(c->td)[elem];
}

/* GPAW is the boolean CONFIG_FLAGS.GPAW (0 = 48-bit, 1 = 52-bit), not 48/52 (1). */
static uint64_t get_gpaw(struct tdx_call *c, const struct tdx_md_field *f, unsigned elem)
{
	return (c->td->cfg.config_flags & TDX_CONFIG_FLAGS_GPAW) ? 1 : 0;
}

/* The model has no TSC virtualization: a fixed 2.5 GHz in 25 MHz units
 * (valid 4..400, section 1). UNCONFIRMED model value. */
#define TDX_MODEL_TSC_FREQUENCY 100

/* 1.1: PENDING_VE_DISABLE may change only with CONFIG_FLAGS.FLEXIBLE_PENDING_VE. */
static uint64_t check_td_ctls(struct tdx_call *c, const struct tdx_md_field *f, unsigned elem,
			      uint64_t old, uint64_t nv)
{
	if (!(c->td->cfg.config_flags & TDX_CONFIG_FLAGS_FLEXIBLE_PENDING_VE) &&
	    ((old ^ nv) & TDX_TD_CTLS_PENDING_VE_DISABLE))
		return TDX_METADATA_FIELD_VALUE_NOT_VALID;
	return TDX_SUCCESS;
}

static const struct tdx_md_field td_rows[] = {
	/* TDR (classes 0-2): management, keys, TD-preserving. */
	TDX_MD_HIDDEN("FATAL", 0x8010000000000001ull, 1),
	TDX_MD_HIDDEN("NUM_TDCX", 0x8010000200000002ull, 1),
	TDX_MD_HIDDEN("CHLDCNT", 0x8010000300000004ull, 1),
	TDX_MD_HIDDEN("LIFECYCLE_STATE", 0x8010000200000005ull, 1),
	TDX_MD_HIDDEN("TDCX_PA", 0x8010000300000010ull, 9),
	TDX_MD_FN_RO("TD_UUID", 0x8010000300000020ull, 4, ALL64, get_td_uuid),
	TDX_MD_HIDDEN("HKID", 0x8110000100000001ull, 1),
	TDX_MD_HIDDEN("PKG_CONFIG_BITMAP", 0x8110000300000002ull, 1),
	TDX_MD_HIDDEN("HANDOFF_VERSION", 0x8210000100000000ull, 1),
	TDX_MD_HIDDEN("SEAMDB_INDEX", 0x8210000300000001ull, 1),
	TDX_MD_HIDDEN("SEAMDB_NONCE", 0x8210000300000002ull, 4),
	/* TDCS management (16): the model has no late VP.INIT, so NUM_VCPUS =
	 * MAX_VCPUS = the configured count. */
	TDX_MD_TD("NUM_VCPUS", 0x9010000200000001ull, 1, cfg.num_vcpus, 4, ALL32, 0, NULL),
	TDX_MD_HIDDEN("NUM_ASSOC_VCPUS", 0x9010000200000002ull, 1),
	TDX_MD_HIDDEN("OP_STATE", 0x9010000200000004ull, 1),
	TDX_MD_TD("NUM_L2_VMS", 0x9010000100000005ull, 1, cfg.num_l2_vms, 4, ALL16, 0, NULL),
	/* Execution controls (17). */
	TDX_MD_TD("ATTRIBUTES", 0x1110000300000000ull, 1, cfg.attributes, 8, ALL64, 0, NULL),
	TDX_MD_TD("XFAM", 0x1110000300000001ull, 1, cfg.xfam, 8, ALL64, 0, NULL),
	TDX_MD_TD("MAX_VCPUS", 0x1110000200000002ull, 1, cfg.num_vcpus, 4, ALL32, 0, NULL),
	TDX_MD_FN_RO("GPAW", 0x1110000000000003ull, 1, ALL8, get_gpaw),
	TDX_MD_HIDDEN("EPTP", 0x1110000300000004ull, 1),
	TDX_MD_HIDDEN("TSC_OFFSET", 0x111000030000000Aull, 1),
	TDX_MD_HIDDEN("TSC_MULTIPLIER", 0x111000030000000Bull, 1),
	TDX_MD_CONST_RO("TSC_FREQUENCY", 0x111000010000000Cull, 1, ALL16, TDX_MODEL_TSC_FREQUENCY),
	TDX_MD_HIDDEN("VIRTUAL_TSC", 0x111000030000000Dull, 1),
	TDX_MD_HIDDEN("NUM_CPUID_VALUES", 0x911000010000000Eull, 1),
	TDX_MD_HIDDEN("XBUFF_SIZE", 0x911000020000000Full, 1),
	TDX_MD_TD("NOTIFY_ENABLES", 0x9110000300000010ull, 1, notify_enables, 8, 0x1, 0x1, NULL),
	TDX_MD_HIDDEN("HP_LOCK_TIMEOUT", 0x9110000300000011ull, 1),
	TDX_MD_HIDDEN("VM_CTLS", 0x9110000300000012ull, 4),
	TDX_MD_TD("CONFIG_FLAGS", 0x1110000300000016ull, 1, cfg.config_flags, 8, ALL64, 0, NULL),
	TDX_MD_TD("TD_CTLS", 0x1110000300000017ull, 1, td_ctls, 8, ALL64, TDX_TD_CTLS_PENDING_VE_DISABLE,
		  check_td_ctls),
	TDX_MD_HIDDEN("CPUID_VALID", 0x9110000000000080ull, 80),
	TDX_MD_HIDDEN("XBUFF_OFFSETS", 0x9110000200000800ull, 19),
	/* TLB epoch tracking (18). */
	TDX_MD_HIDDEN("TD_EPOCH", 0x9210000300000000ull, 1),
	TDX_MD_HIDDEN("REFCOUNT", 0x9210000100000001ull, 2),
	/* Measurement (19): 48-byte registers as six little-endian qwords. */
	TDX_MD_TD("MRTD", 0x1310000300000000ull, 6, cfg.mrtd, 8, ALL64, 0, NULL),
	TDX_MD_TD("MRCONFIGID", 0x1310000300000010ull, 6, cfg.mrconfigid, 8, ALL64, 0, NULL),
	TDX_MD_TD("MROWNER", 0x1310000300000018ull, 6, cfg.mrowner, 8, ALL64, 0, NULL),
	TDX_MD_TD("MROWNERCONFIG", 0x1310000300000020ull, 6, cfg.mrownerconfig, 8, ALL64, 0, NULL),
	/* RTMR r element i = code 0x40 + 6r + i: the rtmr[4][48] array in order. */
	TDX_MD_TD("RTMR", 0x1310000300000040ull, 24, mr.rtmr, 8, ALL64, 0, NULL),
	/* CPUID values (20): leaf/subleaf-coded field codes, checked as the
	 * module checks them, never guest-readable (metadata_hidden.c). */
	TDX_MD_HIDDEN_CLASS("CPUID_VALUES", 0x9410000300000000ull, 160, tdx_md_cpuid_values_ops),
	/* Virtual MSR values (22). */
	TDX_MD_HIDDEN("VIRTUAL_IA32_ARCH_CAPABILITIES", 0x961000030000010Aull, 1),
	TDX_MD_HIDDEN("VIRTUAL_IA32_VMX_BASIC", 0x9610000300000480ull, 1),
	TDX_MD_HIDDEN("VIRTUAL_IA32_VMX_MISC", 0x9610000300000485ull, 1),
	TDX_MD_HIDDEN("VIRTUAL_IA32_VMX_CR0_FIXED0", 0x9610000300000486ull, 1),
	TDX_MD_HIDDEN("VIRTUAL_IA32_VMX_CR0_FIXED1", 0x9610000300000487ull, 1),
	TDX_MD_HIDDEN("VIRTUAL_IA32_VMX_CR4_FIXED0", 0x9610000300000488ull, 1),
	TDX_MD_HIDDEN("VIRTUAL_IA32_VMX_CR4_FIXED1", 0x9610000300000489ull, 1),
	TDX_MD_HIDDEN("VIRTUAL_IA32_VMX_PROCBASED_CTLS2", 0x961000030000048Bull, 1),
	TDX_MD_HIDDEN("VIRTUAL_IA32_VMX_EPT_VPID_CAP", 0x961000030000048Cull, 1),
	TDX_MD_HIDDEN("VIRTUAL_IA32_VMX_TRUE_PINBASED_CTLS", 0x961000030000048Dull, 1),
	TDX_MD_HIDDEN("VIRTUAL_IA32_VMX_TRUE_PROCBASED_CTLS", 0x961000030000048Eull, 1),
	TDX_MD_HIDDEN("VIRTUAL_IA32_VMX_TRUE_EXIT_CTLS", 0x961000030000048Full, 1),
	TDX_MD_HIDDEN("VIRTUAL_IA32_VMX_TRUE_ENTRY_CTLS", 0x9610000300000490ull, 1),
	TDX_MD_HIDDEN("VIRTUAL_IA32_VMX_VMFUNC", 0x9610000300000491ull, 1),
	TDX_MD_HIDDEN("VIRTUAL_IA32_VMX_PROCBASED_CTLS3", 0x9610000300000492ull, 1),
	TDX_MD_HIDDEN("VIRTUAL_IA32_VMX_EXIT_CTLS2", 0x9610000300000493ull, 1),
	/* Migration (24): only PRE_IMPORT_UUID is guest-readable; 0 without import. */
	TDX_MD_HIDDEN("MIG_DEC_KEY_SET", 0x9810000000000001ull, 1),
	TDX_MD_HIDDEN("EXPORT_COUNT", 0x9810000200000002ull, 1),
	TDX_MD_HIDDEN("IMPORT_COUNT", 0x9810000200000003ull, 1),
	TDX_MD_HIDDEN("MIG_EPOCH", 0x9810000200000004ull, 1),
	TDX_MD_HIDDEN("BW_EPOCH", 0x9810000300000005ull, 1),
	TDX_MD_HIDDEN("TOTAL_MB_COUNT", 0x9810000300000006ull, 1),
	TDX_MD_HIDDEN("MIG_DEC_KEY", 0x9810000300000010ull, 4),
	TDX_MD_HIDDEN("MIG_DEC_WORKING_KEY", 0x9810000300000014ull, 4),
	TDX_MD_HIDDEN("MIG_ENC_KEY", 0x9810000300000018ull, 4),
	TDX_MD_HIDDEN("MIG_ENC_WORKING_KEY", 0x981000030000001Cull, 4),
	TDX_MD_HIDDEN("MIG_VERSION", 0x9810000100000020ull, 1),
	TDX_MD_HIDDEN("MIG_WORKING_VERSION", 0x9810000100000021ull, 1),
	TDX_MD_HIDDEN("DIRTY_COUNT", 0x9810000300000030ull, 1),
	TDX_MD_HIDDEN("MIG_COUNT", 0x9810000300000031ull, 1),
	TDX_MD_HIDDEN("NUM_MIGS", 0x9810000100000032ull, 1),
	TDX_MD_HIDDEN("NUM_MIGRATED_VCPUS", 0x9810000200000034ull, 1),
	TDX_MD_CONST_RO("PRE_IMPORT_UUID", 0x9810000300000040ull, 4, ALL64, 0),
	/* Service TD (25): no binding in the model, so hash, count and table are 0. */
	TDX_MD_CONST_RO("SERVTD_HASH", 0x9910000300000000ull, 6, ALL64, 0),
	TDX_MD_CONST_RO("SERVTD_NUM", 0x9910000100000006ull, 1, ALL16, 0),
	TDX_MD_CONST_RO("SERVTD_BINDINGS_TABLE", 0x9910000300000080ull, 16, ALL64, 0),
	TDX_MD_HIDDEN("MIGSC_LINKS", 0x9A10000300000000ull, 512),
	TDX_MD_HIDDEN("MSR_BITMAPS", 0x2010000300000000ull, 512),
	TDX_MD_HIDDEN("SEPT_ROOT", 0x2110000300000000ull, 512),
	/* Per-L2-VM SEPT roots: trimmed for VMs above NUM_L2_VMS (4.3). */
	{ .name = "L2_SEPT_ROOT_1", .id = 0x2510000300000000ull, .num = 512, .vm = 1 },
	{ .name = "L2_SEPT_ROOT_2", .id = 0x2910000300000000ull, .num = 512, .vm = 2 },
	{ .name = "L2_SEPT_ROOT_3", .id = 0x2D10000300000000ull, .num = 512, .vm = 3 },
};

const struct tdx_md_context tdx_md_td_ctx = {
	.name = "TD", .ctx = TDX_CTX_TD, .rows = td_rows, .nrows = sizeof(td_rows) / sizeof(td_rows[0]),
};
