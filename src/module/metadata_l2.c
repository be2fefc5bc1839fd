/* metadata_l2.c: the per-L2-VM VCPU classes of TD partitioning, reached
 * through TDG.VP.RD/WR: VMCS_n (36/44/52; field code = VMCS encoding) and
 * MSR_BITMAPS_n (37/45/53; field code = 64-bit word index), and the L2
 * VMCS store behind them (tdx-abi.md 6.3, 6.6; docs/metadata-fields.md
 * 2.3-2.4, 4.3). The VCPU table (metadata_vp.c) has one delegating row per
 * class and VM; the engine (metadata.c) has already checked the ID's
 * reserved bits and that VM n exists (row .vm = n), so an ID of a VM above
 * NUM_L2_VMS is FIELD_ID_INCORRECT before we get here. */
#include <stdatomic.h>
#include <string.h>

#include "metadata.h"

#define ALL 0xFFFFFFFFFFFFFFFFull
#define A16 0xFFFFull
#define A32 0xFFFFFFFFull
#define NUL 0xFFFFFFFFFFFFFFFFull	/* NULL_PA, the initial value of pointer fields */

/* Field-specific write handling (docs/metadata-fields.md 2.4 "S" notes). */
enum chk {
	CHK_NONE = 0,
	CHK_VAPIC,	/* 0x2012: private GPA; sets L2_VAPIC_GPA[vm] (not the VMCS) */
	CHK_PRIV_GPA,	/* CR3, PDPTEs, HLAT pointer: value must be a private GPA */
	CHK_EPTP,	/* only bit 7 (SSS) writable, and only with XFAM.CET_S */
	CHK_DEBUGCTL,	/* bits 7:6 = 01 only for a DEBUG TD */
};

struct l2_field {
	uint16_t enc;	/* first encoding; element i is enc + 2i */
	uint8_t n;	/* fields covered */
	uint8_t chk;
	uint64_t rd;	/* L1 read mask (l1_vmm_rd_mask) */
	uint64_t wr;	/* L1 write mask (l1_vmm_wr_mask) */
	uint64_t init;	/* initial value (td_vmcs_init.c; UNCONFIRMED ones marked) */
};

/* The L2 VMCS table in the module's order: the 112 L1-accessible entries
 * of docs/metadata-fields.md 2.4 plus the entries L1 may not touch (rd =
 * wr = 0: they exist, so NOT_READABLE / NOT_WRITABLE, not FIELD_ID_INCORRECT). */
#define F(e, r, w) { (e), 1, CHK_NONE, (r), (w), 0 }
#define FI(e, r, w, i) { (e), 1, CHK_NONE, (r), (w), (i) }
#define FN(e, n, r, w, i) { (e), (n), CHK_NONE, (r), (w), (i) }
#define FC(e, n, r, w, c, i) { (e), (n), (c), (r), (w), (i) }
static const struct l2_field l2_vmcs[] = {
	/* 16-bit */
	F(0x0000, 0, 0),			/* VPID */
	FI(0x0002, A16, 0, 0xFFFF),		/* posted-interrupt notification vector */
	F(0x0004, 0, 0),			/* EPTP index */
	F(0x0006, A16, A16),			/* HLAT prefix size */
	F(0x0800, A16, A16), F(0x0802, A16, A16), F(0x0804, A16, A16), F(0x0806, A16, A16),
	F(0x0808, A16, A16), F(0x080A, A16, A16), F(0x080C, A16, A16), F(0x080E, A16, A16),
	F(0x0810, A16, A16),			/* guest interrupt status */
	F(0x0812, 0, 0),			/* PML index */
	F(0x0814, A16, A16),			/* guest UINV */
	/* 64-bit */
	FN(0x2000, 2, ALL, 0, NUL),		/* I/O bitmaps A, B */
	F(0x2004, 0, 0),			/* MSR-bitmap address */
	FN(0x2006, 3, 0, 0, 0),			/* exit MSR store/load, entry MSR load addresses */
	F(0x200C, 0, 0),			/* executive-VMCS pointer */
	F(0x200E, 0, 0),			/* PML address */
	F(0x2010, 0, 0),			/* TSC offset */
	FC(0x2012, 1, ALL, 0xFFFFFFFFFFFFF000ull, CHK_VAPIC, NUL),	/* virtual-APIC address */
	F(0x2014, 0, 0),			/* APIC-access address */
	FI(0x2016, ALL, 0, NUL),		/* posted-interrupt descriptor address */
	F(0x2018, ALL, 0),			/* VM-function controls */
	/* EPTP: the read mask hides the L2 SEPT root HPA; 0x5E = WB, 4-level, A/D (UNCONFIRMED) */
	FC(0x201A, 1, 0xFFF0000000000FFFull, 0x80, CHK_EPTP, 0x000000001234505Eull),
	FN(0x201C, 4, ALL, ALL, 0),		/* EOI-exit bitmaps 0..3 */
	F(0x2024, 0, 0),			/* EPTP-list address */
	FN(0x2026, 2, 0, 0, 0),			/* VMREAD/VMWRITE bitmaps */
	F(0x202A, ALL, 0),			/* #VE information address */
	F(0x202C, ALL, ALL),			/* XSS-exiting bitmap */
	F(0x202E, ALL, 0),			/* ENCLS-exiting bitmap */
	F(0x2032, 0, 0),			/* TSC multiplier */
	F(0x2034, ALL, 0xE),			/* tertiary processor-based controls */
	F(0x2036, ALL, 0),			/* ENCLV-exiting bitmap */
	FN(0x2038, 2, 0, 0, 0),			/* PASID directories */
	F(0x203C, 0, 0),			/* shared EPTP: host only (6.6) */
	F(0x203E, 0, 0),			/* PCONFIG-exiting bitmap */
	FC(0x2040, 1, ALL, 0xFFFFFFFFFF018ull, CHK_PRIV_GPA, 0),	/* HLAT pointer */
	FN(0x204A, 2, 0, 0, 0),			/* IA32_SPEC_CTRL mask, shadow */
	F(0x2400, ALL, ALL),			/* guest-physical address */
	FI(0x2800, 0, 0, NUL),			/* VMCS link pointer */
	FC(0x2802, 1, 0xFFFFFFFFFFFFDFFFull, 0xFFC7, CHK_DEBUGCTL, 0),	/* IA32_DEBUGCTL */
	FI(0x2804, ALL, ALL, 0x0007040600070406ull),	/* IA32_PAT */
	FI(0x2806, ALL, 0x501, 0x901),		/* IA32_EFER */
	FI(0x2808, ALL, ALL, 0xFF),		/* IA32_PERF_GLOBAL_CTRL */
	FC(0x280A, 4, ALL, ALL, CHK_PRIV_GPA, NUL),	/* PDPTE0..3 */
	F(0x2814, ALL, ALL),			/* IA32_RTIT_CTL */
	F(0x2816, ALL, ALL),			/* IA32_LBR_CTL */
	F(0x2818, ALL, ALL),			/* IA32_PKRS */
	/* 32-bit; execution-control initial values are UNCONFIRMED plausible constants */
	FI(0x4000, A32, 0, 0x00000029),		/* pin-based: ext-int, NMI exiting, virtual NMIs */
	FI(0x4002, A32, 0x48D99A04, 0x91000080),	/* primary: secondary, MSR bitmaps, uncond. I/O, HLT */
	FI(0x4004, A32, 0xFFFBFFFF, 1u << 18),	/* exception bitmap: #MC always */
	F(0x4006, A32, A32), F(0x4008, A32, A32), F(0x400A, A32, A32),
	FI(0x400C, A32, 0, 0x00300200),		/* VM-exit controls */
	FN(0x400E, 2, 0, 0, 0),			/* exit MSR store/load counts */
	FI(0x4012, A32, 0x200, 0x0000C200),	/* VM-entry controls: IA-32e guest writable */
	F(0x4014, 0, 0),			/* entry MSR load count */
	F(0x4016, A32, A32), F(0x4018, A32, A32), F(0x401A, A32, A32), F(0x401C, A32, A32),
	FI(0x401E, A32, 0x0C513E0C, 0x000003A2),	/* secondary: EPT, VPID, UG, APIC virt. */
	F(0x4020, A32, A32), F(0x4022, A32, A32),	/* PLE gap, window */
	F(0x4024, A32, 0),			/* instruction timeout control */
	F(0x4026, 0, 0),			/* TD HKID */
	F(0x4400, A32, A32),			/* VM-instruction error */
	F(0x4402, A32, A32), F(0x4404, A32, A32), F(0x4406, A32, A32), F(0x4408, A32, A32),
	F(0x440A, A32, A32), F(0x440C, A32, A32), F(0x440E, A32, A32),
	FI(0x4800, A32, A32, A32), FI(0x4802, A32, A32, A32), FI(0x4804, A32, A32, A32),
	FI(0x4806, A32, A32, A32), FI(0x4808, A32, A32, A32), FI(0x480A, A32, A32, A32),
	FI(0x480C, A32, A32, 0xFFFF), FI(0x480E, A32, A32, 0xFFFF),	/* LDTR, TR limits */
	FI(0x4810, A32, A32, 0xFFFF), FI(0x4812, A32, A32, 0xFFFF),	/* GDTR, IDTR limits */
	FI(0x4814, A32, A32, 0xC093), FI(0x4816, A32, A32, 0xC09B), FI(0x4818, A32, A32, 0xC093),
	FI(0x481A, A32, A32, 0xC093), FI(0x481C, A32, A32, 0xC093), FI(0x481E, A32, A32, 0xC093),
	FI(0x4820, A32, A32, 0x10082), FI(0x4822, A32, A32, 0x8B),	/* LDTR, TR access rights */
	F(0x4824, A32, A32),			/* interruptibility state */
	F(0x4826, A32, 0),			/* activity state */
	F(0x4828, 0, 0),			/* SMBASE */
	F(0x482A, A32, A32),			/* IA32_SYSENTER_CS */
	F(0x482E, 0, 0),			/* VMX-preemption timer value */
	/* natural width */
	FI(0x6000, ALL, ALL, NUL), FI(0x6002, ALL, ALL, NUL),	/* CR0/CR4 guest/host masks (L1 shadows) */
	F(0x6004, ALL, ALL), F(0x6006, ALL, ALL),		/* CR0/CR4 read shadows */
	FN(0x6008, 4, ALL, ALL, 0),		/* CR3-target values */
	F(0x6400, ALL, ALL), F(0x6402, ALL, ALL), F(0x6404, ALL, ALL), F(0x6406, ALL, ALL),
	F(0x6408, ALL, ALL), F(0x640A, ALL, ALL),
	FI(0x6800, ALL, 0x8005001F, 0x21),	/* guest CR0 = PE | NE (6.6) */
	FC(0x6802, 1, ALL, ALL, CHK_PRIV_GPA, 0),	/* guest CR3 */
	FI(0x6804, ALL, 0x3FF1FBF, 0x2040),	/* guest CR4 = MCE | VMXE (6.6) */
	F(0x6806, ALL, ALL), F(0x6808, ALL, ALL), F(0x680A, ALL, ALL), F(0x680C, ALL, ALL),
	F(0x680E, ALL, ALL), F(0x6810, ALL, ALL), F(0x6812, ALL, ALL), F(0x6814, ALL, ALL),
	F(0x6816, ALL, ALL), F(0x6818, ALL, ALL),
	FI(0x681A, ALL, ALL, 0x400),		/* DR7 */
	F(0x681C, ALL, ALL),			/* RSP */
	FI(0x681E, ALL, ALL, 0xFFFFFFF0),	/* RIP */
	FI(0x6820, ALL, ALL, 0x2),		/* RFLAGS */
	F(0x6822, ALL, ALL), F(0x6824, ALL, ALL), F(0x6826, ALL, ALL), F(0x6828, ALL, ALL),
	F(0x682A, ALL, ALL), F(0x682C, ALL, ALL),
	F(0x6C08, 0, 0), F(0x6C14, 0, 0), F(0x6C16, 0, 0), F(0x6C1A, 0, 0),	/* host state */
};
#define NR_L2_VMCS (sizeof(l2_vmcs) / sizeof(l2_vmcs[0]))

/* Width of the field in bits, from encoding bits 14:13 (natural = 64). */
static uint64_t width_mask(uint32_t enc)
{
	switch (VMCS_WIDTH(enc)) {
	case VMCS_W16: return A16;
	case VMCS_W32: return A32;
	default: return ALL;
	}
}

/* ELEMENT_SIZE_CODE of the module's table ID: 16-bit 1, 32-bit 2, 64-bit
 * and natural 3 (6.6). On input the size code is ignored (6.1). */
static unsigned size_code(uint32_t enc)
{
	switch (VMCS_WIDTH(enc)) {
	case VMCS_W16: return TDX_FIELD_16;
	case VMCS_W32: return TDX_FIELD_32;
	default: return TDX_FIELD_64;
	}
}

static uint64_t table_id(unsigned cls, uint32_t enc)
{
	return TDX_FIELD_ID(TDX_CTX_VCPU, cls, size_code(enc), enc) | TDX_FIELD_INC_SIZE;
}

/* Entry holding encoding `enc`; NULL for a "high" access or no entry. */
static const struct l2_field *find(uint32_t enc, size_t *idx)
{
	if (enc & 1)
		return NULL;	/* high half of a 64-bit field (2.4) */
	for (size_t i = 0; i < NR_L2_VMCS; i++) {
		const struct l2_field *e = &l2_vmcs[i];
		if (enc >= e->enc && enc < e->enc + 2u * e->n) {
			if (idx)
				*idx = i;
			return e;
		}
	}
	return NULL;
}

/* ---- the store ------------------------------------------------------- */

uint64_t tdx_l2_vmcs_get(const struct tdx_l2_vm *s, uint32_t enc)
{
	if (enc & 1 || ((enc >> 1) & 0x1FF) >= 64 || enc > 0x7FFF)
		return 0;
	return s->vmcs[TDX_L2_VMCS_SLOT(enc)];
}

void tdx_l2_vmcs_set(struct tdx_l2_vm *s, uint32_t enc, uint64_t v)
{
	if (enc & 1 || ((enc >> 1) & 0x1FF) >= 64 || enc > 0x7FFF)
		return;
	s->vmcs[TDX_L2_VMCS_SLOT(enc)] = v & width_mask(enc);
}

/* Initial state (docs/metadata-fields.md 2.1, 2.4): VMCS template, MSR
 * bitmaps all ones (TDH.VP.ADDCX fills the pages with 1s: intercept all),
 * L2_VAPIC_GPA = NULL_PA. */
static void l2_vm_init(struct tdx_l2_vm *s)
{
	memset(s, 0, sizeof(*s));
	for (size_t k = 0; k < NR_L2_VMCS; k++)
		for (unsigned e = 0; e < l2_vmcs[k].n; e++)
			tdx_l2_vmcs_set(s, l2_vmcs[k].enc + 2 * e, l2_vmcs[k].init);
	memset(s->msr_bitmap, 0xFF, sizeof(s->msr_bitmap));
	s->vapic_gpa = TDX_NULL_PA;
	s->guest_state_gpa = TDX_NULL_PA;
}

/* Done on each VM's first use, so that td.c stays unaware and a TD reset
 * just forgets which VMs were set up: by copying one VM built once (every
 * input of a fuzzer starts here). The first builder claims the copy;
 * whoever finds it under construction (another thread, or a signal
 * handler that interrupted the builder) builds its own: no waiting on the
 * trap path. */
__attribute__((noinline, cold)) static void l2_vm_first_use(struct tdx_l2_vcpu *l2, unsigned i)
{
	static struct tdx_l2_vm initial;
	static _Atomic int state;	/* 0 none, 1 being built, 2 built */
	int st = atomic_load_explicit(&state, memory_order_acquire);

	if (st == 0 && atomic_compare_exchange_strong(&state, &st, 1)) {
		l2_vm_init(&initial);
		atomic_store_explicit(&state, 2, memory_order_release);
		st = 2;
	}
	if (st == 2)
		memcpy(&l2->vm[i], &initial, sizeof(initial));
	else
		l2_vm_init(&l2->vm[i]);
	l2->inited |= 1u << i;
}

/* Every access to an L2 VM's state comes here: the first-use set-up stays
 * out of line so that this is a test and an address. */
struct tdx_l2_vm *tdx_l2_vm(struct tdx_vcpu *v, unsigned vm)
{
	if (!(v->l2.inited >> (vm - 1) & 1))
		l2_vm_first_use(&v->l2, vm - 1);
	return &v->l2.vm[vm - 1];
}

/* ---- VMCS_n ---------------------------------------------------------- */

uint64_t tdx_md_l2_get(struct tdx_call *c, const struct tdx_md_field *f, unsigned elem)
{
	(void)c, (void)f, (void)elem;
	return 0;
}

/* Value L1 reads (before the read mask): the virtual-APIC address reads
 * L2_VAPIC_GPA[vm] (2.4 special read). CR0/CR4 read through the base L2
 * masks, which the model keeps at 0 (UNCONFIRMED values; the write masks
 * already pin PE/NE/MCE/VMXE). */
static uint64_t vmcs_value(struct tdx_l2_vm *s, uint32_t enc)
{
	if (enc == VMCS_VIRTUAL_APIC_ADDR)
		return s->vapic_gpa;
	return tdx_l2_vmcs_get(s, enc);
}

static int private_gpa(const struct tdx_td *td, uint64_t gpa)
{
	return tdx_gpa_valid(td, gpa) && !(gpa & td->shared_bit);
}

static uint64_t vmcs_read(struct tdx_call *c, const struct tdx_md_field *f, uint64_t id,
			  uint64_t *value)
{
	uint32_t enc = TDX_FIELD_CODE(id);
	const struct l2_field *e = find(enc, NULL);

	if (!e)
		return TDX_METADATA_FIELD_ID_INCORRECT;
	if (!e->rd)
		return TDX_METADATA_FIELD_NOT_READABLE;
	*value = vmcs_value(tdx_l2_vm(c->vcpu, f->vm), enc) & e->rd;
	return TDX_SUCCESS;
}

static uint64_t vmcs_write(struct tdx_call *c, const struct tdx_md_field *f, uint64_t id,
			   uint64_t value, uint64_t mask, uint64_t *old)
{
	uint32_t enc = TDX_FIELD_CODE(id);
	const struct l2_field *e = find(enc, NULL);
	struct tdx_l2_vm *s;

	if (!e)
		return TDX_METADATA_FIELD_ID_INCORRECT;
	uint64_t eff = e->wr & mask;
	if (!eff)
		return TDX_METADATA_FIELD_NOT_WRITABLE;
	s = tdx_l2_vm(c->vcpu, f->vm);
	uint64_t raw = vmcs_value(s, enc), cur = raw;
	/* GPA fields still at NULL_PA merge from (NULL_PA & write mask) (2.3). */
	if ((e->chk == CHK_VAPIC || e->chk == CHK_PRIV_GPA) && (cur >> 63))
		cur &= e->wr;
	if ((value ^ cur) & mask & ~e->wr)
		return TDX_METADATA_FIELD_VALUE_NOT_VALID;
	uint64_t nv = (cur & ~eff) | (value & eff);

	switch (e->chk) {
	case CHK_VAPIC:
	case CHK_PRIV_GPA:
		/* attribute "GPA + private": shared bit clear, below 2^GPAW */
		if (!private_gpa(c->td, nv))
			return TDX_METADATA_FIELD_VALUE_NOT_VALID;
		break;
	case CHK_EPTP:
		if ((nv & 0x80) && !(c->td->cfg.xfam & (1ull << 12)))	/* XFAM.CET_S */
			return TDX_METADATA_FIELD_VALUE_NOT_VALID;
		break;
	case CHK_DEBUGCTL:
		if (((nv >> 6) & 3) == 1 && !(c->td->cfg.attributes & TDX_ATTR_DEBUG))
			return TDX_METADATA_FIELD_VALUE_NOT_VALID;
		break;
	default:
		break;
	}
	if (e->chk == CHK_VAPIC)
		s->vapic_gpa = nv;	/* L2_VAPIC_GPA[vm]; the VMCS gets the HPA later */
	else
		tdx_l2_vmcs_set(s, enc, nv);
	*old = raw & e->rd;
	return TDX_SUCCESS;
}

static uint64_t vmcs_first(const struct tdx_md_field *f)
{
	for (size_t i = 0; i < NR_L2_VMCS; i++)
		if (l2_vmcs[i].rd)
			return table_id(TDX_FIELD_CLASS(f->id), l2_vmcs[i].enc);
	return TDX_FIELD_ID_NULL;
}

/* 4.2/4.3: the next element of the entry keeps the caller's ID (code += 2),
 * then the next L1-readable entry's table ID, then the next row. */
static uint64_t vmcs_next(const struct tdx_md_field *f, uint64_t id)
{
	size_t i;
	uint32_t enc = TDX_FIELD_CODE(id);
	const struct l2_field *e = find(enc, &i);

	if (!e)
		return TDX_FIELD_ID_NULL;
	if ((enc - e->enc) / 2 + 1u < e->n)
		return (id & ~0xFFFFFFull) | (enc + 2);
	for (i++; i < NR_L2_VMCS; i++)
		if (l2_vmcs[i].rd)
			return table_id(TDX_FIELD_CLASS(f->id), l2_vmcs[i].enc);
	return TDX_FIELD_ID_NULL;
}

const struct tdx_md_class_ops tdx_md_l2_vmcs_ops = {
	.read = vmcs_read, .write = vmcs_write, .first = vmcs_first, .next = vmcs_next,
};

/* ---- MSR_BITMAPS_n (6.6, 2.3) ------------------------------------------
 * Word w: 0..0x7F read bitmap for MSRs 0..0x1FFF, 0x80..0xFF read bitmap
 * for 0xC0000000..0xC0001FFF, +0x100 the write bitmaps; bit = MSR & 63,
 * 1 = intercept. Every bit is writable; the value is what L1 reads back
 * (the module's real bitmap also ORs in L1's own intercepts). */
#define MSR_WORDS 512u

static uint64_t msr_read(struct tdx_call *c, const struct tdx_md_field *f, uint64_t id,
			 uint64_t *value)
{
	uint32_t w = TDX_FIELD_CODE(id);

	if (w >= MSR_WORDS)
		return TDX_METADATA_FIELD_ID_INCORRECT;
	*value = tdx_l2_vm(c->vcpu, f->vm)->msr_bitmap[w];
	return TDX_SUCCESS;
}

static uint64_t msr_write(struct tdx_call *c, const struct tdx_md_field *f, uint64_t id,
			  uint64_t value, uint64_t mask, uint64_t *old)
{
	uint32_t w = TDX_FIELD_CODE(id);

	if (w >= MSR_WORDS)
		return TDX_METADATA_FIELD_ID_INCORRECT;
	if (!mask)
		return TDX_METADATA_FIELD_NOT_WRITABLE;
	uint64_t *p = &tdx_l2_vm(c->vcpu, f->vm)->msr_bitmap[w];
	*old = *p;
	*p = (*p & ~mask) | (value & mask);
	return TDX_SUCCESS;
}

static uint64_t msr_first(const struct tdx_md_field *f)
{
	return TDX_FIELD_ID(TDX_CTX_VCPU, TDX_FIELD_CLASS(f->id), TDX_FIELD_64, 0);
}

static uint64_t msr_next(const struct tdx_md_field *f, uint64_t id)
{
	(void)f;
	uint32_t w = TDX_FIELD_CODE(id);
	return w + 1 < MSR_WORDS ? (id & ~0xFFFFFFull) | (w + 1) : TDX_FIELD_ID_NULL;
}

const struct tdx_md_class_ops tdx_md_l2_msr_bitmap_ops = {
	.read = msr_read, .write = msr_write, .first = msr_first, .next = msr_next,
};
