/* metadata_hidden.c: two classes a guest can name but never read or write,
 * whose field IDs the module checks by rules of their own before it finds
 * the guest masks 0 (then NOT_READABLE / NOT_WRITABLE):
 *  - the TD VMCS (VCPU context, class 0; MOD td_vmcs_fields_lookup.c and
 *    metadata_vp.c md_vp_get_element): a code must be a field of the table,
 *    never the "high" half (odd code) of a 64-bit field;
 *  - CPUID_VALUES (TD context, class 20; MOD tdr_tdcs_fields_lookup.c and
 *    metadata_td.c md_td_get_element): the field code encodes a CPUID leaf
 *    and subleaf (tdx_api_defs.h cpuid_field_code); bits 23:17 must be 0
 *    and the leaf/subleaf must be one of the module's virtualized CPUID
 *    entries (cpuid_configurations.c cpuid_lookup; helpers.c
 *    get_cpuid_lookup_entry matches any subleaf of a leaf without subleaves).
 * Neither class has a readable field, so neither is on the next-field chain. */
#include "metadata.h"

/* ---- TD VMCS ---------------------------------------------------------------- */

/* The module's TD VMCS table: first field code and element count; every
 * entry steps by 2 (INC_SIZE). */
static const struct { uint16_t code, num; } td_vmcs[] = {
	{ 0x0000, 1 },	/* VPID */
	{ 0x0002, 1 },	/* Posted-interrupt notification vector */
	{ 0x0004, 1 },	/* EPTP index */
	{ 0x0006, 1 },	/* HLAT prefix size */
	{ 0x0800, 1 },	/* Guest ES selector */
	{ 0x0802, 1 },	/* Guest CS selector */
	{ 0x0804, 1 },	/* Guest SS selector */
	{ 0x0806, 1 },	/* Guest DS selector */
	{ 0x0808, 1 },	/* Guest FS selector */
	{ 0x080A, 1 },	/* Guest GS selector */
	{ 0x080C, 1 },	/* Guest LDTR selector */
	{ 0x080E, 1 },	/* Guest TR selector */
	{ 0x0810, 1 },	/* Guest Interrupt Status */
	{ 0x0812, 1 },	/* PML Index */
	{ 0x0814, 1 },	/* Guest UINV */
	{ 0x2000, 2 },	/* I/O-Bitmap Address n */
	{ 0x2004, 1 },	/* MSR-Bitmap Address */
	{ 0x2006, 1 },	/* VM-exit MSR-store address */
	{ 0x2008, 1 },	/* VM-exit MSR-load address */
	{ 0x200A, 1 },	/* VM-entry MSR-load address */
	{ 0x200C, 1 },	/* Executive-VMCS Pointer */
	{ 0x200E, 1 },	/* PML address */
	{ 0x2010, 1 },	/* Time-Stamp Counter Offset */
	{ 0x2012, 1 },	/* Virtual-APIC address */
	{ 0x2014, 1 },	/* APIC-access address */
	{ 0x2016, 1 },	/* Posted-interrupt descriptor address */
	{ 0x2018, 1 },	/* VM-Function Controls */
	{ 0x201A, 1 },	/* EPTP */
	{ 0x201C, 4 },	/* EOI-exit bitmap n */
	{ 0x2024, 1 },	/* EPTP-list address */
	{ 0x2026, 1 },	/* VMREAD-bitmap address */
	{ 0x2028, 1 },	/* VMWRITE-bitmap address */
	{ 0x202A, 1 },	/* Virtualization-exception information address */
	{ 0x202C, 1 },	/* XSS-Exiting Bitmap */
	{ 0x202E, 1 },	/* ENCLS-Exiting Bitmap */
	{ 0x2032, 1 },	/* Time-Stamp Counter Multiplier */
	{ 0x2034, 1 },	/* Tertiary Processor-Based VM-Exection Controls */
	{ 0x2036, 1 },	/* ENCLV-Exiting Bitmap */
	{ 0x2038, 1 },	/* low PASID directory address */
	{ 0x203A, 1 },	/* high PASID directory address */
	{ 0x203C, 1 },	/* Shared EPTP */
	{ 0x203E, 1 },	/* PCONFIG-Exiting Bitmap */
	{ 0x2040, 1 },	/* HLAT pointer */
	{ 0x204A, 1 },	/* IA32_SPEC_CTRL mask */
	{ 0x204C, 1 },	/* IA32_SPEC_CTRL shadow */
	{ 0x2400, 1 },	/* Guest-physical Address */
	{ 0x2800, 1 },	/* VMCS Link Pointer */
	{ 0x2802, 1 },	/* IA32_DEBUGCTL */
	{ 0x2804, 1 },	/* IA32_PAT */
	{ 0x2806, 1 },	/* IA32_EFER */
	{ 0x2808, 1 },	/* IA32_PERF_GLOBAL_CTRL */
	{ 0x280A, 4 },	/* PDPTEn */
	{ 0x2814, 1 },	/* IA32_RTIT_CTL */
	{ 0x2816, 1 },	/* IA32_LBR_CTL */
	{ 0x2818, 1 },	/* IA32_GUEST_PKRS */
	{ 0x4000, 1 },	/* Pin-Based VM-Exection Controls */
	{ 0x4002, 1 },	/* Primary Processor-Based VM-Exection Controls */
	{ 0x4004, 1 },	/* Exception Bitmap */
	{ 0x4006, 1 },	/* Page-fault error-code mask */
	{ 0x4008, 1 },	/* Page-fault error-code match */
	{ 0x400A, 1 },	/* CR3-Target Count */
	{ 0x400C, 1 },	/* VM-Exit Controls */
	{ 0x400E, 1 },	/* VM-exit MSR-store count */
	{ 0x4010, 1 },	/* VM-exit MSR-load count */
	{ 0x4012, 1 },	/* VM-Entry Controls */
	{ 0x4014, 1 },	/* VM-entry MSR-load count */
	{ 0x4016, 1 },	/* VM-entry interruption information */
	{ 0x4018, 1 },	/* VM-entry exception error code */
	{ 0x401A, 1 },	/* VM-entry instruction length */
	{ 0x401C, 1 },	/* TPR threshold */
	{ 0x401E, 1 },	/* Secondary Processor-Based VM-Exection Controls */
	{ 0x4020, 1 },	/* PLE_GAP */
	{ 0x4022, 1 },	/* PLE_Window */
	{ 0x4024, 1 },	/* Instruction Timeout Control */
	{ 0x4026, 1 },	/* TD HKID */
	{ 0x4400, 1 },	/* VM-instruction error */
	{ 0x4402, 1 },	/* Exit reason */
	{ 0x4404, 1 },	/* VM-exit interruption information */
	{ 0x4406, 1 },	/* VM-exit interruption error code */
	{ 0x4408, 1 },	/* IDT-vectoring information */
	{ 0x440A, 1 },	/* IDT-vectoring error code */
	{ 0x440C, 1 },	/* VM-exit instruction length */
	{ 0x440E, 1 },	/* VM-exit instruction information */
	{ 0x4800, 1 },	/* Guest ES limit */
	{ 0x4802, 1 },	/* Guest CS limit */
	{ 0x4804, 1 },	/* Guest SS limit */
	{ 0x4806, 1 },	/* Guest DS limit */
	{ 0x4808, 1 },	/* Guest FS limit */
	{ 0x480A, 1 },	/* Guest GS limit */
	{ 0x480C, 1 },	/* Guest LDTR limit */
	{ 0x480E, 1 },	/* Guest TR limit */
	{ 0x4810, 1 },	/* Guest GDTR limit */
	{ 0x4812, 1 },	/* Guest IDTR limit */
	{ 0x4814, 1 },	/* Guest ES access rights */
	{ 0x4816, 1 },	/* Guest CS access rights */
	{ 0x4818, 1 },	/* Guest SS access rights */
	{ 0x481A, 1 },	/* Guest DS access rights */
	{ 0x481C, 1 },	/* Guest FS access rights */
	{ 0x481E, 1 },	/* Guest GS access rights */
	{ 0x4820, 1 },	/* Guest LDTR access rights */
	{ 0x4822, 1 },	/* Guest TR access rights */
	{ 0x4824, 1 },	/* Interruptibility State */
	{ 0x4826, 1 },	/* Activity State */
	{ 0x4828, 1 },	/* Guest SMBASE */
	{ 0x482A, 1 },	/* IA32_SYSENTER_CS */
	{ 0x482E, 1 },	/* VMX-Preemption Timer Value */
	{ 0x6000, 1 },	/* CR0 Guest/Host Mask */
	{ 0x6002, 1 },	/* CR4 Guest/Host Mask */
	{ 0x6004, 1 },	/* CR0 Read Shadow */
	{ 0x6006, 1 },	/* CR4 Read Shadow */
	{ 0x6008, 4 },	/* CR3-Target Values */
	{ 0x6400, 1 },	/* Exit qualification */
	{ 0x6402, 1 },	/* I/O RCX */
	{ 0x6404, 1 },	/* I/O RSI */
	{ 0x6406, 1 },	/* I/O RDI */
	{ 0x6408, 1 },	/* I/O RIP */
	{ 0x640A, 1 },	/* Guest-Linear Address */
	{ 0x6800, 1 },	/* Guest CR0 */
	{ 0x6802, 1 },	/* Guest CR3 */
	{ 0x6804, 1 },	/* Guest CR4 */
	{ 0x6806, 1 },	/* Guest ES base */
	{ 0x6808, 1 },	/* Guest CS base */
	{ 0x680A, 1 },	/* Guest SS base */
	{ 0x680C, 1 },	/* Guest DS base */
	{ 0x680E, 1 },	/* Guest FS base */
	{ 0x6810, 1 },	/* Guest GS base */
	{ 0x6812, 1 },	/* Guest LDTR base */
	{ 0x6814, 1 },	/* Guest TR base */
	{ 0x6816, 1 },	/* Guest GDTR base */
	{ 0x6818, 1 },	/* Guest IDTR base */
	{ 0x681A, 1 },	/* Guest DR7 */
	{ 0x681C, 1 },	/* Guest RSP */
	{ 0x681E, 1 },	/* Guest RIP */
	{ 0x6820, 1 },	/* Guest RFLAGS */
	{ 0x6822, 1 },	/* Pending Debug Exceptions */
	{ 0x6824, 1 },	/* IA32_SYSENTER_ESP */
	{ 0x6826, 1 },	/* IA32_SYSENTER_EIP */
	{ 0x6828, 1 },	/* GUEST_IA32_S_CET */
	{ 0x682A, 1 },	/* GUEST_SSP */
	{ 0x682C, 1 },	/* GUEST_IA32_INTERRUPT_SSP_TABLE_ADDR */
	{ 0x6C08, 1 },	/* Host GS Base */
	{ 0x6C14, 1 },	/* Host RSP */
	{ 0x6C16, 1 },	/* Host RIP */
	{ 0x6C1A, 1 },	/* HOST_SSP */
};

static uint64_t td_vmcs_check(uint64_t id)
{
	uint32_t code = TDX_FIELD_CODE(id);

	for (size_t i = 0; i < sizeof(td_vmcs) / sizeof(td_vmcs[0]); i++)
		if (code >= td_vmcs[i].code && code < td_vmcs[i].code + 2u * td_vmcs[i].num)
			/* An odd offset is the high half: MOD rejects the access type. */
			return (code - td_vmcs[i].code) & 1 ? TDX_METADATA_FIELD_ID_INCORRECT : TDX_SUCCESS;
	return TDX_METADATA_FIELD_ID_INCORRECT;
}

/* ---- CPUID_VALUES --------------------------------------------------------------- */

#define NA 0xFFFFFFFFu	/* CPUID_SUBLEAF_NA: the leaf has no subleaves */

static const struct { uint32_t leaf, subleaf; } cpuid_lookup[] = {
	{ 0x0, NA }, { 0x1, NA }, { 0x3, NA }, { 0x4, 0 }, { 0x4, 1 }, { 0x4, 2 },
	{ 0x4, 3 }, { 0x4, 4 }, { 0x5, NA }, { 0x6, NA }, { 0x7, 0 }, { 0x7, 1 },
	{ 0x7, 2 }, { 0x8, NA }, { 0xA, NA }, { 0xD, 0 }, { 0xD, 1 }, { 0xD, 2 },
	{ 0xD, 3 }, { 0xD, 4 }, { 0xD, 5 }, { 0xD, 6 }, { 0xD, 7 }, { 0xD, 8 },
	{ 0xD, 9 }, { 0xD, 10 }, { 0xD, 11 }, { 0xD, 12 }, { 0xD, 13 }, { 0xD, 14 },
	{ 0xD, 15 }, { 0xD, 16 }, { 0xD, 17 }, { 0xD, 18 }, { 0xE, NA }, { 0x11, NA },
	{ 0x12, NA }, { 0x13, NA }, { 0x14, 0 }, { 0x14, 1 }, { 0x15, NA }, { 0x19, NA },
	{ 0x1C, NA }, { 0x1D, 0 }, { 0x1D, 1 }, { 0x1E, NA }, { 0x1F, 0 }, { 0x1F, 1 },
	{ 0x1F, 2 }, { 0x1F, 3 }, { 0x1F, 4 }, { 0x1F, 5 }, { 0x20, NA }, { 0x21, 0 },
	{ 0x22, NA }, { 0x23, 0 }, { 0x23, 1 }, { 0x23, 2 }, { 0x23, 3 }, { 0x80000000, NA },
	{ 0x80000001, NA }, { 0x80000006, NA }, { 0x80000007, NA }, { 0x80000008, NA },
};

#define CPUID_CODE_RSVD 0xFE0000u	/* bits 23:17; 31:24 fail the single-element check */

static uint64_t cpuid_values_check(uint64_t id)
{
	uint32_t code = TDX_FIELD_CODE(id);
	uint32_t leaf = ((code >> 9) & 0x7F) | ((code >> 16) & 1) << 31;
	uint32_t subleaf = (code >> 8) & 1 ? NA : (code >> 1) & 0x7F;

	if (code & CPUID_CODE_RSVD)
		return TDX_METADATA_FIELD_ID_INCORRECT;
	for (size_t i = 0; i < sizeof(cpuid_lookup) / sizeof(cpuid_lookup[0]); i++)
		if (cpuid_lookup[i].leaf == leaf &&
		    (cpuid_lookup[i].subleaf == NA || cpuid_lookup[i].subleaf == subleaf))
			return TDX_SUCCESS;
	return TDX_METADATA_FIELD_ID_INCORRECT;
}

/* ---- class ops: the ID check, then the zero guest mask ------------------------ */

static uint64_t no_field(const struct tdx_md_field *f)
{
	return TDX_FIELD_ID_NULL;
}

static uint64_t no_next(const struct tdx_md_field *f, uint64_t id)
{
	return TDX_FIELD_ID_NULL;
}

static uint64_t vmcs_read(struct tdx_call *c, const struct tdx_md_field *f, uint64_t id, uint64_t *value)
{
	uint64_t st = td_vmcs_check(id);
	return st != TDX_SUCCESS ? st : TDX_METADATA_FIELD_NOT_READABLE;
}

static uint64_t vmcs_write(struct tdx_call *c, const struct tdx_md_field *f, uint64_t id, uint64_t value,
			   uint64_t mask, uint64_t *old)
{
	uint64_t st = td_vmcs_check(id);
	return st != TDX_SUCCESS ? st : TDX_METADATA_FIELD_NOT_WRITABLE;
}

static uint64_t cpuid_read(struct tdx_call *c, const struct tdx_md_field *f, uint64_t id, uint64_t *value)
{
	uint64_t st = cpuid_values_check(id);
	return st != TDX_SUCCESS ? st : TDX_METADATA_FIELD_NOT_READABLE;
}

static uint64_t cpuid_write(struct tdx_call *c, const struct tdx_md_field *f, uint64_t id, uint64_t value,
			    uint64_t mask, uint64_t *old)
{
	uint64_t st = cpuid_values_check(id);
	return st != TDX_SUCCESS ? st : TDX_METADATA_FIELD_NOT_WRITABLE;
}

const struct tdx_md_class_ops tdx_md_td_vmcs_ops = {
	.read = vmcs_read, .write = vmcs_write, .first = no_field, .next = no_next,
};
const struct tdx_md_class_ops tdx_md_cpuid_values_ops = {
	.read = cpuid_read, .write = cpuid_write, .first = no_field, .next = no_next,
};
