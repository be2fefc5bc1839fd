/* test_l1.c: libtdxkit-l1 (the paravisor library) over the direct
 * transport, against a TD with two L2 VMs (VTL0 = VM 1, VTL1 = VM 2):
 * run-page layout, fresh-VTL defaults, VMCS access by width, MSR bitmaps,
 * L2_CTLS, INVGLA, vAPIC registration, accept/attributes over ranges, the
 * ioctl-like transport, the failure policy, and TDG.VP.ENTER through a fake
 * L2 engine (exit info, guest-state write-back, private-register switch,
 * the RBP clobber, FX state). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "tdxkit/l2engine.h"
#include "test_hooks.h"
#include "tdxkit/direct.h"
#include "tdxkit/guest.h"
#include "tdxkit/l1.h"

#define SZ_4K TDX_PAGE_SIZE_4K
#define SZ_2M TDX_PAGE_SIZE_2M
#define SZ_1M 0x100000ull

#define RUN_GPA   0x10000ull
#define VAPIC0    0x11000ull
#define VAPIC1    0x12000ull
#define LIST_GPA  0x13000ull
#define SHARED(td, gpa) ((gpa) | tdx_td_shared_bit(td))

/* ---- panic hook: longjmp back into the test -------------------------------- */

void tdx_guest_panic(const char *why, uint64_t leaf, uint64_t status)
{
	tu_panic(why, leaf, status);	/* back into TU_EXPECT_PANIC (testutil.h) */
}

/* ---- fake L2 engine: returns a chosen exit, records what it was given ------ */

struct fake {
	struct tdx_l2_exit exit;	/* the exit to report */
	uint64_t set_gpr[16];		/* written into the L2 GPRs when set_mask bit set */
	uint32_t set_mask;
	uint64_t advance_rip;
	/* seen at the last run */
	unsigned runs, vm, invd;
	uint64_t gpr[16], rip, rflags, ssp, tsc_deadline, l2_ctls, vapic_gpa;
	uint8_t rvi, svi;
};

static int fake_run(void *ctx, struct tdx_l2_run *run)
{
	struct fake *f = ctx;

	f->runs++;
	f->vm = run->vm;
	f->invd = run->invd;
	memcpy(f->gpr, run->gpr, sizeof(f->gpr));
	f->rip = run->rip;
	f->rflags = run->rflags;
	f->ssp = run->ssp;
	f->rvi = run->rvi;
	f->svi = run->svi;
	f->tsc_deadline = run->tsc_deadline;
	f->l2_ctls = run->l2_ctls;
	f->vapic_gpa = run->vapic_gpa;
	for (unsigned i = 0; i < 16; i++)
		if (f->set_mask & (1u << i))
			run->gpr[i] = f->set_gpr[i];
	run->rip += f->advance_rip;
	run->exit = f->exit;
	return 0;
}

static const struct tdx_l2_engine_ops fake_ops = { .name = "fake", .run = fake_run };

/* ---- fixture ------------------------------------------------------------------ */

struct fx {
	struct tdx_td *td;
	struct tdx_l1_vp vp;
	struct fake fake;
	unsigned ncalls;	/* TDCALLs completed by the model (trace) */
	/* recording transport */
	unsigned nrec;
	struct { uint64_t leaf, rcx, st; } rec[4096];
};

static void trace(void *ctx, unsigned vcpu, const struct tdx_regs *in, const struct tdx_regs *out,
		  enum tdx_tdcall_outcome o)
{
	((struct fx *)ctx)->ncalls++;
}

static uint64_t recording(void *ctx, const struct tdx_l1_tdcall_in *in, struct tdx_l1_tdcall_out *out)
{
	struct fx *f = ctx;
	uint64_t st = tdx_l1_tdcall_mshv(NULL, in, out);

	if (f->nrec < sizeof(f->rec) / sizeof(f->rec[0])) {
		f->rec[f->nrec].leaf = in->leaf;
		f->rec[f->nrec].rcx = in->rcx;
		f->rec[f->nrec].st = st;
		f->nrec++;
	}
	return st;
}

static int setup(void **state)
{
	struct tdx_td_config cfg;
	struct fx *f = calloc(1, sizeof(*f));

	tdx_td_config_init(&cfg);
	cfg.mem_size = 64ull << 20;
	cfg.num_l2_vms = 2;
	f->td = tu_td_new(&cfg);
	tdx_direct_attach(f->td, 0);
	tdx_direct_set_fault_handler(NULL, NULL);
	tu_accept(f->td, RUN_GPA, 4 * SZ_4K);	/* run page, two vAPIC pages, INVGLA list */
	struct tdx_l1_run_page *run = tdx_td_gpa_ptr(f->td, RUN_GPA, SZ_4K);
	assert_non_null(run);
	ASSERT_STATUS(tdx_l1_vp_init(&f->vp, run, RUN_GPA, TDX_L1_RETURN), TDX_SUCCESS);
	tdx_td_set_l2_engine(f->td, &fake_ops, &f->fake);
	tdx_td_set_trace(f->td, trace, f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tdx_direct_attach(NULL, 0);
	tdx_td_destroy(f->td);
	free(f);
	return 0;
}

/* VM vm of VCPU 0 as the module keeps it (a snapshot; test_hooks.h). */
static struct tdx_test_l2_vm l2vm(struct fx *f, unsigned vm)
{
	struct tdx_test_l2_vm s;
	assert_int_equal(tdx_test_l2_vm(f->td, 0, vm, &s), 0);
	return s;
}

static struct tdx_test_vcpu vcpu0(struct fx *f)
{
	struct tdx_test_vcpu v;
	assert_int_equal(tdx_test_vcpu(f->td, 0, &v), 0);
	return v;
}

/* ---- layout -------------------------------------------------------------------- */

static void test_layout_offsets(void **state)
{
	(void)state;
	/* The _Static_asserts in l1.h are the real check; these document them. */
	ASSERT_EQ(offsetof(struct tdx_l1_vp_context, exit_info), 0);
	ASSERT_EQ(offsetof(struct tdx_l1_vp_context, vp_state), 136);
	ASSERT_EQ(offsetof(struct tdx_l1_vp_context, entry_rcx), 232);
	ASSERT_EQ(offsetof(struct tdx_l1_vp_context, gpr_list), 240);
	ASSERT_EQ(offsetof(struct tdx_l1_vp_context, l2_tsc_deadline), 400);
	ASSERT_EQ(offsetof(struct tdx_l1_vp_context, fx_state), 496);
	ASSERT_EQ(sizeof(struct tdx_l1_vp_context), 1024);
	ASSERT_EQ(offsetof(struct tdx_l1_exit_info, r13), 80);
	ASSERT_EQ(offsetof(struct tdx_l1_vp_state, cr2), 40);
	ASSERT_EQ(offsetof(struct tdx_l1_vp_state, flags), 56);
	ASSERT_EQ(offsetof(struct tdx_l1_run_page, context), 272);
	ASSERT_EQ(offsetof(struct tdx_l1_run_page, context.gpr_list) % 256, 0);
	ASSERT_EQ(offsetof(struct tdx_l1_run_page, vtl_ret_actions), 1296);
	ASSERT_EQ(offsetof(struct tdx_l1_run_page, proxy_irr), 1552);
	ASSERT_EQ(offsetof(struct tdx_l1_run_page, target_vtl), 1584);
	ASSERT_EQ(sizeof(struct tdx_l1_run_page), 4096);
	ASSERT_EQ(sizeof(struct tdx_l1_mshv_tdcall), 56);
	ASSERT_EQ(offsetof(struct tdx_l1_mshv_tdcall, r11_out), 48);
	ASSERT_EQ(TDX_L1_MSHV_VTL_TDCALL, (3u << 30) | (56u << 16) | (0xB8u << 8) | 0x32u);
}

/* ---- fresh VTL defaults -------------------------------------------------------- */

static void test_fresh_vtl_defaults(void **state)
{
	struct fx *f = *state;
	struct tdx_l1_vp_context *c = tdx_l1_context(&f->vp);
	struct tdx_l1_private_regs r;

	for (unsigned vtl = 0; vtl < TDX_L1_NR_VTLS; vtl++) {
		ASSERT_STATUS(tdx_l1_get_private_regs(&f->vp, vtl, &r), TDX_SUCCESS);
		ASSERT_EQ(r.rflags, 0x2);
		ASSERT_EQ(r.rip, 0);
		ASSERT_EQ(r.rsp, 0);
		ASSERT_EQ(r.msr_lstar, 0);
		ASSERT_EQ(r.entry_flags, ((uint64_t)(vtl + 1) << 52) | TDX_L1_INVD_INVEPT);
	}
	/* VTL0's are in the page. */
	ASSERT_EQ(f->vp.loaded_vtl, TDX_L1_VTL0);
	ASSERT_EQ(c->entry_rcx, (1ull << 52) | 1);
	ASSERT_EQ(c->gpr_list.rflags, 0x2);
	ASSERT_EQ(c->fx_state.fcw, 0x37F);
	ASSERT_EQ(c->fx_state.mxcsr, 0x1F80);
	ASSERT_EQ(c->l2_tsc_deadline.update_deadline, 0);
	ASSERT_STATUS(tdx_l1_get_private_regs(&f->vp, 2, &r), TDX_L1_STATUS(TDX_L1_E_VTL));
	/* Misaligned run page / GPA. */
	struct tdx_l1_vp vp;
	ASSERT_STATUS(tdx_l1_vp_init(&vp, (void *)((uint8_t *)f->vp.run + 16), RUN_GPA, TDX_L1_RETURN),
		      TDX_L1_STATUS(TDX_L1_E_ALIGN));
	ASSERT_STATUS(tdx_l1_vp_init(&vp, f->vp.run, RUN_GPA + 256, TDX_L1_RETURN),
		      TDX_L1_STATUS(TDX_L1_E_ALIGN));
	/* Flush requests keep the stronger one. */
	ASSERT_STATUS(tdx_l1_request_flush(&f->vp, TDX_L1_VTL1, TDX_L1_INVD_INVVPID), TDX_SUCCESS);
	ASSERT_EQ(f->vp.saved[1].entry_flags & 3, TDX_L1_INVD_INVEPT);
	c->entry_rcx &= ~3ull;
	ASSERT_STATUS(tdx_l1_request_flush(&f->vp, TDX_L1_VTL0, TDX_L1_INVD_INVVPID_NONGLOBAL), TDX_SUCCESS);
	ASSERT_STATUS(tdx_l1_request_flush(&f->vp, TDX_L1_VTL0, TDX_L1_INVD_INVVPID), TDX_SUCCESS);
	ASSERT_EQ(c->entry_rcx, (1ull << 52) | TDX_L1_INVD_INVVPID);
}

/* ---- VMCS by width ------------------------------------------------------------- */

static void test_vmcs_rw_by_width(void **state)
{
	struct fx *f = *state;
	uint16_t o16, v16;
	uint32_t o32, v32;
	uint64_t o64, v64;

	/* 16-bit: guest ES selector (0x0800). */
	ASSERT_STATUS(tdx_l1_write_vmcs16(&f->vp, TDX_L1_VTL0, 0x0800, 0xFFFF, 0x1234, &o16), TDX_SUCCESS);
	ASSERT_EQ(o16, 0);
	ASSERT_STATUS(tdx_l1_write_vmcs16(&f->vp, TDX_L1_VTL0, 0x0800, 0x00FF, 0xABCD, &o16), TDX_SUCCESS);
	ASSERT_EQ(o16, 0x1234);
	ASSERT_STATUS(tdx_l1_read_vmcs16(&f->vp, TDX_L1_VTL0, 0x0800, &v16), TDX_SUCCESS);
	ASSERT_EQ(v16, 0x12CD);
	/* 32-bit: guest ES limit (0x4800, initial 0xFFFFFFFF). */
	ASSERT_STATUS(tdx_l1_write_vmcs32(&f->vp, TDX_L1_VTL1, 0x4800, 0xFFFF0000, 0x00120000, &o32), TDX_SUCCESS);
	ASSERT_EQ(o32, 0xFFFFFFFF);
	ASSERT_STATUS(tdx_l1_read_vmcs32(&f->vp, TDX_L1_VTL1, 0x4800, &v32), TDX_SUCCESS);
	ASSERT_EQ(v32, 0x0012FFFF);
	/* The other VTL is another VMCS. */
	ASSERT_STATUS(tdx_l1_read_vmcs32(&f->vp, TDX_L1_VTL0, 0x4800, &v32), TDX_SUCCESS);
	ASSERT_EQ(v32, 0xFFFFFFFF);
	/* 64-bit (guest PAT 0x2804) and natural width (exit qualification 0x6400). */
	ASSERT_STATUS(tdx_l1_write_vmcs64(&f->vp, TDX_L1_VTL1, 0x2804, ~0ull, 0x0606060606060606ull, &o64), TDX_SUCCESS);
	ASSERT_EQ(o64, 0x0007040600070406ull);
	ASSERT_STATUS(tdx_l1_write_vmcs64(&f->vp, TDX_L1_VTL1, 0x6400, 0xF0F0, 0xFFFF, &o64), TDX_SUCCESS);
	ASSERT_STATUS(tdx_l1_read_vmcs64(&f->vp, TDX_L1_VTL1, 0x6400, &v64), TDX_SUCCESS);
	ASSERT_EQ(v64, 0xF0F0);
	ASSERT_EQ(tdx_test_l2_vmcs(f->td, 0, 2, 0x2804), 0x0606060606060606ull);
	ASSERT_EQ(tdx_l1_vmcs_field_id(TDX_L1_VTL0, 0x681E), 0x242000030000681Eull);	/* 6.6 example */
}

static void test_vmcs_wrong_width(void **state)
{
	struct fx *f = *state;
	uint16_t v16 = 7;
	uint32_t v32 = 7;
	uint64_t v64 = 7;
	const uint64_t E = TDX_L1_STATUS(TDX_L1_E_FIELD_WIDTH);

	f->ncalls = 0;
	ASSERT_STATUS(tdx_l1_read_vmcs16(&f->vp, TDX_L1_VTL0, 0x4800, &v16), E);	/* 32-bit */
	ASSERT_STATUS(tdx_l1_read_vmcs32(&f->vp, TDX_L1_VTL0, 0x681E, &v32), E);	/* natural */
	ASSERT_STATUS(tdx_l1_read_vmcs64(&f->vp, TDX_L1_VTL0, 0x0800, &v64), E);	/* 16-bit */
	ASSERT_STATUS(tdx_l1_write_vmcs16(&f->vp, TDX_L1_VTL0, 0x2804, ~0, 1, NULL), E);
	ASSERT_STATUS(tdx_l1_write_vmcs32(&f->vp, TDX_L1_VTL0, 0x6400, ~0u, 1, NULL), E);
	ASSERT_STATUS(tdx_l1_write_vmcs64(&f->vp, TDX_L1_VTL0, 0x4002, ~0ull, 1, NULL), E);
	ASSERT_STATUS(tdx_l1_read_vmcs64(&f->vp, 2, 0x681E, &v64), TDX_L1_STATUS(TDX_L1_E_VTL));
	ASSERT_EQ(v16, 7);
	ASSERT_EQ(v32, 7);
	ASSERT_EQ(v64, 7);
	ASSERT_EQ(f->ncalls, 0);
	assert_non_null(strstr(tdx_l1_strerror(E), "width"));
	/* Even under TDX_L1_PANIC a refusal is returned, not fatal. */
	f->vp.policy = TDX_L1_PANIC;
	ASSERT_STATUS(tdx_l1_read_vmcs16(&f->vp, TDX_L1_VTL0, 0x4800, &v16), E);
}

/* ---- MSR bitmap ---------------------------------------------------------------- */

static uint64_t bitmap_word(unsigned vm, unsigned w)
{
	uint64_t v = 0;
	ASSERT_STATUS(tdx_vp_rd(TDX_FIELD_ID(TDX_CTX_VCPU, TDX_VP_CLASS_MSR_BITMAPS(vm), TDX_FIELD_64, w),
				&v, NULL), TDX_SUCCESS);
	return v;
}

static void test_msr_bitmap_boundaries(void **state)
{
	struct fx *f = *state;
	static const struct { uint32_t msr; unsigned word, bit; } t[] = {
		{ 0x00000000, 0x00, 0 }, { 0x00001FFF, 0x7F, 63 },
		{ 0xC0000000, 0x80, 0 }, { 0xC0001FFF, 0xFF, 63 },
	};

	for (unsigned i = 0; i < 4; i++)
		for (unsigned wr = 0; wr < 2; wr++)
			for (unsigned vtl = 0; vtl < 2; vtl++) {
				unsigned w = t[i].word + (wr ? 0x100 : 0), vm = vtl + 1;
				unsigned pw, pb;
				ASSERT_STATUS(tdx_l1_msr_bitmap_pos(t[i].msr, wr, &pw, &pb), TDX_SUCCESS);
				ASSERT_EQ(pw, w);
				ASSERT_EQ(pb, t[i].bit);
				ASSERT_EQ(bitmap_word(vm, w), ~0ull);	/* default: intercept all */
				ASSERT_STATUS(tdx_l1_set_msr_intercept(&f->vp, vtl, t[i].msr, wr, false), TDX_SUCCESS);
				ASSERT_EQ(bitmap_word(vm, w), ~(1ull << t[i].bit));
				/* The other VM, and the other direction, are untouched. */
				ASSERT_EQ(bitmap_word(3 - vm, w), vtl ? ~(1ull << t[i].bit) : ~0ull);
				ASSERT_EQ(bitmap_word(vm, w ^ 0x100), wr ? ~(1ull << t[i].bit) : ~0ull);
				ASSERT_STATUS(tdx_l1_set_msr_intercept(&f->vp, vtl, t[i].msr, wr, true), TDX_SUCCESS);
				ASSERT_EQ(bitmap_word(vm, w), ~0ull);
				ASSERT_STATUS(tdx_l1_set_msr_intercept(&f->vp, vtl, t[i].msr, wr, false), TDX_SUCCESS);
			}
}

static void test_msr_out_of_range(void **state)
{
	struct fx *f = *state;
	static const uint32_t bad[] = { 0x2000, 0xBFFFFFFF, 0xC0002000, 0xFFFFFFFF, 0x40000000 };
	const uint64_t E = TDX_L1_STATUS(TDX_L1_E_MSR_RANGE);

	f->vp.policy = TDX_L1_PANIC;	/* an error, not an abort */
	f->ncalls = 0;
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_STATUS(tdx_l1_msr_bitmap_pos(bad[i], false, NULL, NULL), E);
		ASSERT_STATUS(tdx_l1_set_msr_intercept(&f->vp, TDX_L1_VTL0, bad[i], false, false), E);
		ASSERT_STATUS(tdx_l1_set_msr_intercept(&f->vp, TDX_L1_VTL1, bad[i], true, true), E);
	}
	ASSERT_STATUS(tdx_l1_write_msr_bitmap(&f->vp, TDX_L1_VTL0, 512, ~0ull, 0, NULL),
		      TDX_L1_STATUS(TDX_L1_E_BITMAP_WORD));
	ASSERT_EQ(f->ncalls, 0);
}

static void test_msr_bitmap_raw_word(void **state)
{
	struct fx *f = *state;
	uint64_t old = 0;

	ASSERT_STATUS(tdx_l1_write_msr_bitmap(&f->vp, TDX_L1_VTL1, 0x105, 0x00FF00FF00FF00FFull,
					      0x1200340056007800ull, &old), TDX_SUCCESS);
	ASSERT_EQ(old, ~0ull);
	ASSERT_EQ(bitmap_word(2, 0x105), 0xFF00FF00FF00FF00ull);
	ASSERT_STATUS(tdx_l1_write_msr_bitmap(&f->vp, TDX_L1_VTL1, 0x105, ~0ull, 0x5A, &old), TDX_SUCCESS);
	ASSERT_EQ(old, 0xFF00FF00FF00FF00ull);
	ASSERT_EQ(l2vm(f, 2).msr_bitmap[0x105], 0x5A);
	ASSERT_EQ(l2vm(f, 1).msr_bitmap[0x105], ~0ull);
}

/* ---- L2_CTLS, INVGLA, vAPIC ---------------------------------------------------- */

static void test_l2_ctls(void **state)
{
	struct fx *f = *state;
	uint64_t old = 7, v = 0;

	ASSERT_STATUS(tdx_l1_set_l2_ctls(&f->vp, TDX_L1_VTL0, TDX_L1_L2_CTLS_ENABLE_SHARED_EPTP |
					 TDX_L1_L2_CTLS_ENABLE_TDVMCALL, &old), TDX_SUCCESS);
	ASSERT_EQ(old, 0);
	ASSERT_STATUS(tdx_vp_rd(TDX_FIELD_VP_L2_CTLS(1), &v, NULL), TDX_SUCCESS);
	ASSERT_EQ(v, 3);
	ASSERT_STATUS(tdx_l1_get_l2_ctls(&f->vp, TDX_L1_VTL1, &v), TDX_SUCCESS);
	ASSERT_EQ(v, 0);
	ASSERT_STATUS(tdx_l1_set_l2_ctls(&f->vp, TDX_L1_VTL1, TDX_L1_L2_CTLS_ENABLE_SHARED_EPTP, &old), TDX_SUCCESS);
	ASSERT_EQ(vcpu0(f).l2_ctls[2], 1);
	ASSERT_EQ(vcpu0(f).l2_ctls[1], 3);
}

static void test_invgla_single_and_list(void **state)
{
	struct fx *f = *state;

	ASSERT_STATUS(tdx_l1_invgla(&f->vp, TDX_L1_VTL0, TDX_L1_GLA_ENTRY(0x7000000, 3)), TDX_SUCCESS);
	ASSERT_EQ(l2vm(f, 1).n_invgla, 3);
	ASSERT_EQ(l2vm(f, 1).last_invgla, 0x7002000);
	ASSERT_EQ(l2vm(f, 2).n_invgla, 0);

	uint64_t *list = tdx_td_gpa_ptr(f->td, LIST_GPA, SZ_4K);
	list[5] = TDX_L1_GLA_ENTRY(0x400000, 1);
	list[6] = TDX_L1_GLA_ENTRY(0xFFFF800000000000ull, 2);
	ASSERT_STATUS(tdx_l1_invgla_list(&f->vp, TDX_L1_VTL1, LIST_GPA, 5, 2), TDX_SUCCESS);
	ASSERT_EQ(l2vm(f, 2).n_invgla, 3);
	ASSERT_EQ(l2vm(f, 2).last_invgla, 0xFFFF800000001000ull);
	/* Non-canonical GLA: the module's status, returned. */
	ASSERT_STATUS(tdx_l1_invgla(&f->vp, TDX_L1_VTL1, TDX_L1_GLA_ENTRY(0x0000800000000000ull, 1)),
		      TDX_GLA_NOT_CANONICAL);
	/* Bad list arguments are refused before the TDCALL. */
	ASSERT_STATUS(tdx_l1_invgla_list(&f->vp, TDX_L1_VTL1, LIST_GPA + 8, 0, 1), TDX_L1_STATUS(TDX_L1_E_ALIGN));
	ASSERT_STATUS(tdx_l1_invgla_list(&f->vp, TDX_L1_VTL1, LIST_GPA, 500, 13), TDX_L1_STATUS(TDX_L1_E_ARG));
}

static void test_vapic_registration(void **state)
{
	struct fx *f = *state;
	void *page = tdx_td_gpa_ptr(f->td, VAPIC1, SZ_4K);
	uint64_t v = 0;

	assert_null(tdx_l1_vapic_page(&f->vp, TDX_L1_VTL1));
	ASSERT_EQ(l2vm(f, 2).vapic_gpa, TDX_TEST_NULL_PA);
	ASSERT_STATUS(tdx_l1_register_vapic(&f->vp, TDX_L1_VTL1, page, VAPIC1), TDX_SUCCESS);
	ASSERT_EQ(l2vm(f, 2).vapic_gpa, VAPIC1);
	ASSERT_EQ(l2vm(f, 1).vapic_gpa, TDX_TEST_NULL_PA);
	assert_ptr_equal(tdx_l1_vapic_page(&f->vp, TDX_L1_VTL1), page);
	ASSERT_STATUS(tdx_l1_read_vmcs64(&f->vp, TDX_L1_VTL1, TDX_L1_VMCS_VIRTUAL_APIC_ADDR, &v), TDX_SUCCESS);
	ASSERT_EQ(v, VAPIC1);
	/* A shared GPA is not a valid virtual-APIC page (6.6). */
	ASSERT_STATUS(tdx_l1_register_vapic(&f->vp, TDX_L1_VTL0, page, SHARED(f->td, VAPIC0)),
		      TDX_METADATA_FIELD_VALUE_NOT_VALID);
	assert_null(tdx_l1_vapic_page(&f->vp, TDX_L1_VTL0));
}

/* ---- accept / attributes over ranges ------------------------------------------- */

static void attr_rd(uint64_t gpa, unsigned *level, uint64_t *attr)
{
	struct tdx_tdcall_out o;
	ASSERT_STATUS(tdx_tdcall_raw_ret(TDG_MEM_PAGE_ATTR_RD, gpa, 0, 0, 0, &o), TDX_SUCCESS);
	*level = TDX_PAGE_INFO_LEVEL(o.rcx);
	*attr = o.rdx;
}

#define W1(a) ((uint64_t)(a) << 16)
#define W2(a) ((uint64_t)(a) << 32)

static void expect_attr(uint64_t gpa, unsigned level, uint64_t words12)
{
	unsigned l;
	uint64_t a;
	attr_rd(gpa, &l, &a);
	if (l != level || (a & ~0xFFFFull) != words12)
		fail_msg("GPA 0x%llx: level %u attr 0x%016llx, expected level %u attr words 0x%016llx",
			 (unsigned long long)gpa, l, (unsigned long long)a, level,
			 (unsigned long long)words12);
}

static void test_accept_with_attrs_mixed(void **state)
{
	struct fx *f = *state;
	const uint64_t start = 6 * SZ_1M - 2 * SZ_4K, end = 8 * SZ_1M + 2 * SZ_4K;
	struct tdx_l1_page_attrs a = {
		.attr = TDX_L1_ATTR_WORD(TDX_L1_VTL0, TDX_L1_ATTR_VALID | TDX_L1_ATTR_RWX) |
			TDX_L1_ATTR_WORD(TDX_L1_VTL1, TDX_L1_ATTR_VALID | TDX_L1_ATTR_R),
		.mask = TDX_L1_ATTR_WORD(TDX_L1_VTL0, TDX_L1_ATTR_RWX) |
			TDX_L1_ATTR_WORD(TDX_L1_VTL1, TDX_L1_ATTR_RWX),
	};
	uint64_t stop = 0;

	tdx_l1_set_transport(&f->vp, recording, f);
	ASSERT_STATUS(tdx_l1_accept_pages(&f->vp, start, end, &a, &stop), TDX_SUCCESS);
	ASSERT_EQ(stop, end);
	const uint64_t want = W1(0x800F) | W2(0x8001);
	expect_attr(start, TDX_PAGE_4K, want);
	expect_attr(start + SZ_4K, TDX_PAGE_4K, want);
	expect_attr(6 * SZ_1M, TDX_PAGE_2M, want);
	expect_attr(7 * SZ_1M + 0x5000, TDX_PAGE_2M, want);
	expect_attr(8 * SZ_1M, TDX_PAGE_4K, want);
	expect_attr(8 * SZ_1M + SZ_4K, TDX_PAGE_4K, want);
	/* Pages next to the range are not accepted. */
	struct tdx_page_state ps;
	assert_int_equal(tdx_td_page_state(f->td, 8 * SZ_1M + 2 * SZ_4K, &ps), 0);
	assert_int_not_equal(ps.sept, TDX_SEPT_PRESENT);
	/* 2 + 1 + 2 accepts, each followed by its ATTR.WR at the same level. */
	ASSERT_EQ(f->nrec, 10);
	ASSERT_EQ(f->rec[4].leaf, TDG_MEM_PAGE_ACCEPT);
	ASSERT_EQ(f->rec[4].rcx, 6 * SZ_1M | TDX_PAGE_2M);
	ASSERT_EQ(f->rec[5].leaf, TDG_MEM_PAGE_ATTR_WR);
	ASSERT_EQ(f->rec[5].rcx, 6 * SZ_1M | TDX_PAGE_2M);

	/* Accepting again: PAGE_ALREADY_ACCEPTED stops the loop. */
	uint64_t st = tdx_l1_accept_pages(&f->vp, start, end, &a, &stop);
	ASSERT_STATUS(TDX_STATUS_CODE(st), TDX_PAGE_ALREADY_ACCEPTED);
	ASSERT_EQ(stop, start);
	/* Misaligned range: refused. */
	ASSERT_STATUS(tdx_l1_accept_pages(&f->vp, start + 1, end, NULL, &stop), TDX_L1_STATUS(TDX_L1_E_ALIGN));
}

/* Map the 2 MiB at gpa as 512 PENDING 4 KiB pages (AUG 2 MiB unless the
 * host has mapped it already, then DEMOTE). */
static void host_map_4k(struct tdx_td *td, uint64_t gpa)
{
	struct tdx_page_state ps;

	assert_int_equal(tdx_td_page_state(td, gpa, &ps), 0);
	if (ps.sept == TDX_SEPT_FREE)
		ASSERT_STATUS(tdh_mem_page_aug(td, gpa, TDX_PAGE_2M), TDX_SUCCESS);
	ASSERT_STATUS(tdh_mem_page_demote(td, gpa), TDX_SUCCESS);
	assert_int_equal(tdx_td_page_state(td, gpa + SZ_4K, &ps), 0);
	ASSERT_EQ(ps.level, TDX_PAGE_4K);
	ASSERT_EQ(ps.sept, TDX_SEPT_PENDING);
}

static void test_accept_size_mismatch_fallback(void **state)
{
	struct fx *f = *state;
	const uint64_t r = 10 * SZ_1M;
	struct tdx_l1_page_attrs a = {
		.attr = TDX_L1_ATTR_WORD(TDX_L1_VTL0, TDX_L1_ATTR_VALID | TDX_L1_ATTR_R | TDX_L1_ATTR_W),
		.mask = TDX_L1_ATTR_WORD(TDX_L1_VTL0, TDX_L1_ATTR_RWX),
	};

	/* The host mapped this 2 MiB as 4 KiB pages. */
	host_map_4k(f->td, r);
	tdx_l1_set_transport(&f->vp, recording, f);
	ASSERT_STATUS(tdx_l1_accept_pages(&f->vp, r, r + SZ_2M, &a, NULL), TDX_SUCCESS);
	ASSERT_EQ(f->rec[0].rcx, r | TDX_PAGE_2M);
	ASSERT_STATUS(TDX_STATUS_CODE(f->rec[0].st), TDX_PAGE_SIZE_MISMATCH);
	ASSERT_EQ(f->rec[1].rcx, r | TDX_PAGE_4K);
	ASSERT_EQ(f->nrec, 1 + 2 * 512);
	expect_attr(r, TDX_PAGE_4K, W1(0x8003));
	expect_attr(r + SZ_2M - SZ_4K, TDX_PAGE_4K, W1(0x8003));
}

static void test_set_attrs_range(void **state)
{
	struct fx *f = *state;
	const uint64_t r = 10 * SZ_1M;
	const uint64_t start = 12 * SZ_1M - 2 * SZ_4K, end = 14 * SZ_1M;

	/* [r, r + 2M) split in 4 KiB pages, [r + 2M, r + 4M) one 2 MiB page. */
	host_map_4k(f->td, r);
	ASSERT_STATUS(tdx_l1_accept_pages(&f->vp, r, r + 4 * SZ_1M, NULL, NULL), TDX_SUCCESS);
	expect_attr(start, TDX_PAGE_4K, 0);
	expect_attr(end - SZ_4K, TDX_PAGE_2M, 0);

	struct tdx_l1_page_attrs a = {
		.attr = TDX_L1_ATTR_WORD(TDX_L1_VTL1, TDX_L1_ATTR_VALID | TDX_L1_ATTR_R | TDX_L1_ATTR_XS),
		.mask = TDX_L1_ATTR_WORD(TDX_L1_VTL1, TDX_L1_ATTR_RWX),
	};
	uint64_t stop;
	ASSERT_STATUS(tdx_l1_set_page_attrs(&f->vp, start, end, &a, &stop), TDX_SUCCESS);
	ASSERT_EQ(stop, end);
	expect_attr(start, TDX_PAGE_4K, W2(0x8005));
	expect_attr(start + SZ_4K, TDX_PAGE_4K, W2(0x8005));
	expect_attr(start - SZ_4K, TDX_PAGE_4K, 0);
	expect_attr(12 * SZ_1M + 0x3000, TDX_PAGE_2M, W2(0x8005));
	/* Change only W for VTL1 (R|W), leave VTL0 alone. */
	a.attr = TDX_L1_ATTR_WORD(TDX_L1_VTL1, TDX_L1_ATTR_VALID | TDX_L1_ATTR_W);
	a.mask = TDX_L1_ATTR_WORD(TDX_L1_VTL1, TDX_L1_ATTR_W);
	ASSERT_STATUS(tdx_l1_set_page_attrs(&f->vp, start, end, &a, NULL), TDX_SUCCESS);
	expect_attr(start, TDX_PAGE_4K, W2(0x8007));
	expect_attr(12 * SZ_1M, TDX_PAGE_2M, W2(0x8007));
	/* Illegal attributes (W without R) are the module's error, returned. */
	a.attr = TDX_L1_ATTR_WORD(TDX_L1_VTL0, TDX_L1_ATTR_VALID | TDX_L1_ATTR_W);
	a.mask = TDX_L1_ATTR_WORD(TDX_L1_VTL0, TDX_L1_ATTR_RWX);
	ASSERT_STATUS(tdx_l1_set_page_attrs(&f->vp, start, end, &a, &stop), TDX_PAGE_ATTR_INVALID);
	ASSERT_EQ(stop, start);
	ASSERT_STATUS(tdx_l1_set_page_attrs(&f->vp, start, end, NULL, NULL), TDX_L1_STATUS(TDX_L1_E_ARG));
}

/* ---- the ioctl-like transport ---------------------------------------------------- */

static void test_ioctl_refusals(void **state)
{
	struct fx *f = *state;
	struct tdx_l1_tdcall_out out;

	f->ncalls = 0;
	struct tdx_l1_mshv_tdcall a = { .rax = TDG_VP_VMCALL, .rcx = 0xFC00, .r9 = 9 };
	ASSERT_STATUS(tdx_l1_mshv_tdcall(&a), TDX_L1_STATUS(TDX_L1_E_LEAF));
	ASSERT_EQ(a.rax, TDG_VP_VMCALL);	/* untouched */
	ASSERT_EQ(a.rcx, 0xFC00);
	a.rax = TDG_VP_ENTER;
	ASSERT_STATUS(tdx_l1_mshv_tdcall(&a), TDX_L1_STATUS(TDX_L1_E_LEAF));
	ASSERT_STATUS(tdx_l1_mshv_tdcall(NULL), TDX_L1_STATUS(TDX_L1_E_ARG));

	struct tdx_l1_tdcall_in in = { .leaf = TDG_VP_VMCALL };
	ASSERT_STATUS(tdx_l1_tdcall_mshv(NULL, &in, &out), TDX_L1_STATUS(TDX_L1_E_LEAF));
	ASSERT_STATUS(out.rax, TDX_L1_STATUS(TDX_L1_E_LEAF));
	for (unsigned i = 0; i < 6; i++) {
		struct tdx_l1_tdcall_in b = { .leaf = TDG_VP_INFO };
		uint64_t *regs = &b.r10;
		regs[i] = 1;
		ASSERT_STATUS(tdx_l1_tdcall_mshv(NULL, &b, &out), TDX_L1_STATUS(TDX_L1_E_INPUT_REGS));
		ASSERT_EQ(out.rcx | out.rdx | out.r8 | out.r10 | out.r11, 0);
	}
	ASSERT_EQ(f->ncalls, 0);
	assert_non_null(strstr(tdx_l1_strerror(TDX_L1_STATUS(TDX_L1_E_INPUT_REGS)), "R10"));
	assert_null(tdx_l1_strerror(TDX_OPERAND_INVALID));
}

static void test_ioctl_returned_regs(void **state)
{
	struct fx *f = *state;
	struct tdx_vp_info info;
	struct tdx_tdcall_out raw;

	tdx_vp_info(&info);
	ASSERT_STATUS(tdx_tdcall_raw_ret(TDG_VP_INFO, 0, 0, 0, 0, &raw), TDX_SUCCESS);
	/* TDG.VP.INFO writes RCX, RDX, R8, R9, R10, R11 (5.1): R9 must not come back. */
	struct tdx_l1_mshv_tdcall a = { .rax = TDG_VP_INFO, .r9 = 0x5A5A, .r10_out = 77, .r11_out = 77 };
	ASSERT_STATUS(tdx_l1_mshv_tdcall(&a), TDX_SUCCESS);
	ASSERT_EQ(a.rax, TDX_SUCCESS);
	ASSERT_EQ(a.rcx, raw.rcx);
	ASSERT_EQ(a.rcx & 0x3F, info.gpaw);
	ASSERT_EQ(a.rdx, info.attributes);
	ASSERT_EQ(a.r8, raw.r8);
	ASSERT_EQ(a.r9, 0x5A5A);
	ASSERT_EQ(a.r10_out, raw.r10);
	ASSERT_EQ(a.r11_out, raw.r11);

	/* The Tdcall-style layer: a metadata read, value in R8, next ID in RDX. */
	struct tdx_l1_tdcall_in in = { .leaf = TDG_VP_RD, .rdx = TDX_FIELD_VP_L2_CTLS(1) };
	struct tdx_l1_tdcall_out out;
	ASSERT_STATUS(tdx_l1_tdcall_mshv(NULL, &in, &out), TDX_SUCCESS);
	ASSERT_EQ(out.rax, TDX_SUCCESS);
	ASSERT_EQ(out.r8, 0);
	assert_int_not_equal(out.rdx, 0);
	/* A module error is the status, not a refusal. */
	in.rdx = TDX_FIELD_ID(TDX_CTX_VCPU, TDX_VP_CLASS_VMCS(3), TDX_FIELD_64, 0x681E);	/* no VM 3 */
	uint64_t st = tdx_l1_tdcall_mshv(NULL, &in, &out);
	assert_true(TDX_STATUS_IS_ERROR(st));
	ASSERT_EQ(tdx_l1_error(st), TDX_L1_OK);
	ASSERT_EQ(out.rax, st);
	(void)f;
}

/* ---- failure policy ------------------------------------------------------------ */

static void test_failure_policy(void **state)
{
	struct fx *f = *state;
	uint32_t old = 0x1234;

	/* VM-exit controls (0x400C): readable, not writable by L1. */
	ASSERT_STATUS(tdx_l1_write_vmcs32(&f->vp, TDX_L1_VTL0, 0x400C, ~0u, 0, &old),
		      TDX_METADATA_FIELD_NOT_WRITABLE);
	ASSERT_EQ(old, 0x1234);
	f->vp.policy = TDX_L1_PANIC;
	TU_EXPECT_PANIC(tdx_l1_write_vmcs32(&f->vp, TDX_L1_VTL0, 0x400C, ~0u, 0, &old),
		     TDG_VP_WR, TDX_METADATA_FIELD_NOT_WRITABLE);
	TU_EXPECT_PANIC(tdx_l1_enter(&f->vp, TDX_L1_VTL0), TDG_VP_ENTER,
		     TDX_OPERAND_INVALID | TDX_OPND_L2_VAPIC_GPA);
	/* Success and non-error statuses pass under PANIC. */
	ASSERT_STATUS(tdx_l1_write_vmcs32(&f->vp, TDX_L1_VTL0, 0x4800, ~0u, 5, &old), TDX_SUCCESS);
	f->vp.policy = TDX_L1_RETURN;
	ASSERT_STATUS(tdx_l1_enter(&f->vp, TDX_L1_VTL0), TDX_OPERAND_INVALID | TDX_OPND_L2_VAPIC_GPA);
	ASSERT_EQ(f->fake.runs, 0);
	/* Not entered: the flush request stays. */
	ASSERT_EQ(tdx_l1_context(&f->vp)->entry_rcx & 3, TDX_L1_INVD_INVEPT);
	ASSERT_STATUS(tdx_l1_enter(&f->vp, 2), TDX_L1_STATUS(TDX_L1_E_VTL));
}

/* ---- ENTER --------------------------------------------------------------------- */

static void register_vapics(struct fx *f)
{
	ASSERT_STATUS(tdx_l1_register_vapic(&f->vp, TDX_L1_VTL0, tdx_td_gpa_ptr(f->td, VAPIC0, SZ_4K), VAPIC0),
		      TDX_SUCCESS);
	ASSERT_STATUS(tdx_l1_register_vapic(&f->vp, TDX_L1_VTL1, tdx_td_gpa_ptr(f->td, VAPIC1, SZ_4K), VAPIC1),
		      TDX_SUCCESS);
}

static void test_enter_exit_info(void **state)
{
	struct fx *f = *state;
	struct tdx_l1_vp_context *c = tdx_l1_context(&f->vp);
	uint64_t *g = tdx_l1_gprs(&f->vp);

	register_vapics(f);
	for (unsigned i = 0; i < 16; i++)
		g[i] = 0x100 + i;
	c->gpr_list.rip = 0xFFF0;
	c->gpr_list.rvi = 0x31;
	/* CPUID exit: the engine emulated nothing, L1 does (7.7). */
	f->fake.exit = (struct tdx_l2_exit){ .reason = TDX_EXIT_CPUID, .qual = 0, .instr_len = 2 };
	f->fake.set_mask = (1u << TDX_GPR_RAX) | (1u << TDX_GPR_RBP) | (1u << TDX_GPR_R15);
	f->fake.set_gpr[TDX_GPR_RAX] = 0x40000000;
	f->fake.set_gpr[TDX_GPR_RBP] = 0xBAD0BAD0BAD0BAD0ull;
	f->fake.set_gpr[TDX_GPR_R15] = 0xF15;

	uint64_t st = tdx_l1_enter(&f->vp, TDX_L1_VTL0);
	ASSERT_STATUS(st, TDX_SUCCESS | TDX_EXIT_CPUID);
	ASSERT_EQ(f->fake.runs, 1);
	ASSERT_EQ(f->fake.vm, 1);
	ASSERT_EQ(f->fake.invd, TDX_L1_INVD_INVEPT);	/* the fresh VTL's pending flush */
	ASSERT_EQ(f->fake.rip, 0xFFF0);
	ASSERT_EQ(f->fake.rflags, 0x2);
	ASSERT_EQ(f->fake.rvi, 0x31);
	ASSERT_EQ(f->fake.gpr[TDX_GPR_RBX], 0x103);
	ASSERT_EQ(f->fake.vapic_gpa, VAPIC0);
	ASSERT_EQ(l2vm(f, 1).n_invept, 1);
	/* exit_info: the raw output registers (7.3). */
	ASSERT_EQ(c->exit_info.rax, st);
	ASSERT_EQ(tdx_l1_exit_reason(&c->exit_info), TDX_EXIT_CPUID);
	ASSERT_EQ(tdx_l1_exit_class(&c->exit_info), TDX_SUCCESS);
	ASSERT_EQ(tdx_l1_exit_instr_len(&c->exit_info), 2);
	ASSERT_EQ(c->exit_info.rsi & 0xFFFF, 0);	/* CS selector of the model's VMCS */
	ASSERT_EQ(c->exit_info.r12, 0);
	/* gpr_list written back by the module. */
	ASSERT_EQ(g[TDX_GPR_RAX], 0x40000000);
	ASSERT_EQ(g[TDX_GPR_RBP], 0xBAD0BAD0BAD0BAD0ull);
	ASSERT_EQ(g[TDX_GPR_R15], 0xF15);
	ASSERT_EQ(g[TDX_GPR_RCX], 0x101);
	/* The flush was done: not requested again. */
	ASSERT_EQ(c->entry_rcx, 1ull << 52);
	tdx_l1_advance_rip(&f->vp);
	ASSERT_EQ(c->gpr_list.rip, 0xFFF2);

	/* Second entry: EPT violation on a private page L1 has but VTL0 has no alias. */
	f->fake.set_mask = 0;
	f->fake.exit = (struct tdx_l2_exit){ .reason = TDX_EXIT_EPT_VIOLATION,
		.qual = TDX_EPT_QUAL_WRITE | TDX_EPT_QUAL_GLA_VALID, .gla = 0x7FFF1000, .gpa = VAPIC0 + 0x10 };
	st = tdx_l1_enter(&f->vp, TDX_L1_VTL0);
	ASSERT_STATUS(st, TDX_EXIT_EPT_VIOLATION);
	ASSERT_EQ(f->fake.invd, 0);
	ASSERT_EQ(f->fake.rip, 0xFFF2);
	ASSERT_EQ(c->exit_info.rcx, TDX_EPT_QUAL_WRITE | TDX_EPT_QUAL_GLA_VALID);
	ASSERT_EQ(c->exit_info.rdx, 0x7FFF1000);
	ASSERT_EQ(c->exit_info.r8, VAPIC0 + 0x10);
	ASSERT_EQ(c->exit_info.r13, 0);
}

static void test_enter_private_regs_switch(void **state)
{
	struct fx *f = *state;
	struct tdx_l1_vp_context *c = tdx_l1_context(&f->vp);
	struct tdx_l1_private_regs r0, r1, got;

	register_vapics(f);
	f->fake.exit = (struct tdx_l2_exit){ .reason = TDX_EXIT_HLT, .instr_len = 1 };
	tdx_l1_private_regs_init(&r0, TDX_L1_VTL0);
	r0.rip = 0x1000; r0.rsp = 0x8000; r0.rflags = 0x202; r0.ssp = 0x5550;
	r0.rvi = 0x20; r0.svi = 0x10; r0.msr_lstar = 0xAAAA0000; r0.msr_star = 0x23;
	r0.msr_kernel_gs_base = 0x11; r0.msr_sfmask = 0x700; r0.msr_xss = 0x100; r0.msr_tsc_aux = 3;
	tdx_l1_private_regs_init(&r1, TDX_L1_VTL1);
	r1.rip = 0x2000; r1.rsp = 0x9000; r1.rflags = 0x46; r1.msr_lstar = 0xBBBB0000; r1.msr_tsc_aux = 7;
	ASSERT_STATUS(tdx_l1_set_private_regs(&f->vp, TDX_L1_VTL0, &r0), TDX_SUCCESS);
	ASSERT_STATUS(tdx_l1_set_private_regs(&f->vp, TDX_L1_VTL1, &r1), TDX_SUCCESS);
	tdx_l1_gprs(&f->vp)[TDX_GPR_R9] = 0x99;	/* shared between VTLs */
	c->vp_state.cr2 = 0xC2C2;

	ASSERT_STATUS(tdx_l1_enter(&f->vp, TDX_L1_VTL1), TDX_EXIT_HLT);
	ASSERT_EQ(f->fake.vm, 2);
	ASSERT_EQ(f->fake.rip, 0x2000);
	ASSERT_EQ(f->fake.gpr[TDX_GPR_RSP], 0x9000);
	ASSERT_EQ(f->fake.rflags, 0x46);
	ASSERT_EQ(f->fake.gpr[TDX_GPR_R9], 0x99);
	ASSERT_EQ(f->vp.loaded_vtl, TDX_L1_VTL1);
	ASSERT_EQ(c->vp_state.msr_lstar, 0xBBBB0000);
	ASSERT_EQ(c->vp_state.msr_tsc_aux, 7);
	ASSERT_EQ(c->vp_state.cr2, 0xC2C2);
	ASSERT_EQ(c->entry_rcx, 2ull << 52);	/* flush done */
	/* VTL0's registers were saved, untouched. */
	ASSERT_STATUS(tdx_l1_get_private_regs(&f->vp, TDX_L1_VTL0, &got), TDX_SUCCESS);
	assert_memory_equal(&got, &r0, sizeof(got));

	/* VTL1 moves on; back to VTL0. */
	tdx_l1_advance_rip(&f->vp);
	ASSERT_STATUS(tdx_l1_enter(&f->vp, TDX_L1_VTL0), TDX_EXIT_HLT);
	ASSERT_EQ(f->fake.vm, 1);
	ASSERT_EQ(f->fake.invd, TDX_L1_INVD_INVEPT);	/* VTL0's own first flush */
	ASSERT_EQ(f->fake.rip, 0x1000);
	ASSERT_EQ(f->fake.gpr[TDX_GPR_RSP], 0x8000);
	ASSERT_EQ(f->fake.rflags, 0x202);
	ASSERT_EQ(f->fake.ssp, 0x5550);
	ASSERT_EQ(f->fake.rvi, 0x20);
	ASSERT_EQ(f->fake.svi, 0x10);
	ASSERT_EQ(c->vp_state.msr_lstar, 0xAAAA0000);
	ASSERT_EQ(c->vp_state.msr_sfmask, 0x700);
	ASSERT_STATUS(tdx_l1_get_private_regs(&f->vp, TDX_L1_VTL1, &got), TDX_SUCCESS);
	ASSERT_EQ(got.rip, 0x2001);
	ASSERT_EQ(got.rsp, 0x9000);
	ASSERT_EQ(got.msr_lstar, 0xBBBB0000);
	ASSERT_EQ(got.entry_flags, 2ull << 52);
}

/* Calls tdx_l1_enter_raw with RBX, RBP, R12-R15 set to known values and
 * stores what they hold afterwards in after[0..5]. */
uint64_t probe_enter(uint64_t rcx, uint64_t gpa, struct tdx_l1_exit_info *exit,
		     struct tdx_l1_fxsave *fx, uint64_t after[6]);
__asm__(
	"	.text\n"
	"	.globl probe_enter\n"
	"	.type probe_enter, @function\n"
	"probe_enter:\n"
	"	push %rbp\n push %rbx\n push %r12\n push %r13\n push %r14\n push %r15\n"
	"	push %r8\n"
	"	movabs $0x1111111111111111, %rbx\n"
	"	movabs $0x2222222222222222, %rbp\n"
	"	movabs $0x3333333333333333, %r12\n"
	"	movabs $0x4444444444444444, %r13\n"
	"	movabs $0x5555555555555555, %r14\n"
	"	movabs $0x6666666666666666, %r15\n"
	"	call tdx_l1_enter_raw@PLT\n"
	"	mov (%rsp), %r8\n"
	"	mov %rbx, 0(%r8)\n mov %rbp, 8(%r8)\n mov %r12, 16(%r8)\n"
	"	mov %r13, 24(%r8)\n mov %r14, 32(%r8)\n mov %r15, 40(%r8)\n"
	"	add $8, %rsp\n"
	"	pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbx\n pop %rbp\n"
	"	ret\n"
	"	.size probe_enter, . - probe_enter\n");

static void test_enter_rbp_clobber(void **state)
{
	struct fx *f = *state;
	struct tdx_l1_vp_context *c = tdx_l1_context(&f->vp);
	uint64_t after[6];
	struct tdx_l1_exit_info ei;

	register_vapics(f);
	/* The L2's RBP and callee-saved GPRs differ from L1's; the module hands
	 * back the L2's RBP and zeroes RBX, R14, R15 (7.3). */
	for (unsigned i = 0; i < 16; i++)
		c->gpr_list.gpr[i] = 0xA000 + i;
	f->fake.exit = (struct tdx_l2_exit){ .reason = TDX_EXIT_IO_INSTRUCTION, .qual = 0x3F80008,
		.instr_len = 1, .intr_info = 0x80000B0E, .intr_err = 4, .idt_vec_info = 0x11,
		.instr_info = 0x22 };
	uint64_t st = probe_enter(1ull << 52, RUN_GPA + 512, &ei, NULL, after);
	ASSERT_STATUS(st, TDX_EXIT_IO_INSTRUCTION);
	ASSERT_EQ(after[0], 0x1111111111111111ull);
	ASSERT_EQ(after[1], 0x2222222222222222ull);
	ASSERT_EQ(after[2], 0x3333333333333333ull);
	ASSERT_EQ(after[3], 0x4444444444444444ull);
	ASSERT_EQ(after[4], 0x5555555555555555ull);
	ASSERT_EQ(after[5], 0x6666666666666666ull);
	ASSERT_EQ(ei.rax, TDX_EXIT_IO_INSTRUCTION);
	ASSERT_EQ(ei.rcx, 0x3F80008);
	ASSERT_EQ(ei.r9, 0x80000B0Eull | (4ull << 32));
	ASSERT_EQ(ei.r10, 0x11);
	ASSERT_EQ(ei.r11, 0x22 | (1ull << 32));
	ASSERT_EQ(ei.r13, 0);
	ASSERT_EQ(f->fake.gpr[TDX_GPR_RBP], 0xA005);
	ASSERT_EQ(c->gpr_list.gpr[TDX_GPR_RBP], 0xA005);
}

static uint32_t get_mxcsr(void)
{
	uint32_t m;
	__asm__ volatile("stmxcsr %0" : "=m"(m));
	return m;
}

static void test_enter_fx_state_and_tsc_deadline(void **state)
{
	struct fx *f = *state;
	struct tdx_l1_fxsave *fx = tdx_l1_fx_state(&f->vp);
	struct tdx_l1_vp_context *c = tdx_l1_context(&f->vp);

	register_vapics(f);
	f->fake.exit = (struct tdx_l2_exit){ .reason = TDX_EXIT_PREEMPTION_TIMER };
	fx->mxcsr = 0x9FC0;	/* FZ | DAZ: not L1's value */
	memset(fx->xmm[3], 0x5C, 16);
	const uint32_t l1_mxcsr = get_mxcsr();
	tdx_l1_set_tsc_deadline(&f->vp, 123456);
	ASSERT_EQ(c->l2_tsc_deadline.update_deadline, 1);
	ASSERT_STATUS(tdx_l1_enter(&f->vp, TDX_L1_VTL1), TDX_EXIT_PREEMPTION_TIMER);
	ASSERT_EQ(get_mxcsr(), l1_mxcsr);	/* L1's SSE state restored */
	ASSERT_EQ(fx->mxcsr, 0x9FC0);		/* L2's saved back */
	for (unsigned i = 0; i < 16; i++)
		ASSERT_EQ(fx->xmm[3][i], 0x5C);
	ASSERT_EQ(fx->fcw, 0x37F);
	ASSERT_EQ(f->fake.tsc_deadline, 123456);
	ASSERT_EQ(vcpu0(f).tsc_deadline[2], 123456);
	ASSERT_EQ(vcpu0(f).tsc_deadline[1], ~0ull);
	ASSERT_EQ(c->l2_tsc_deadline.update_deadline, 0);
	/* Without FX switching the page is not touched. */
	f->vp.flags |= TDX_L1_VP_NO_FX_SWITCH;
	fx->mxcsr = 0x1F80;
	fx->fcw = 0;
	ASSERT_STATUS(tdx_l1_enter(&f->vp, TDX_L1_VTL1), TDX_EXIT_PREEMPTION_TIMER);
	ASSERT_EQ(fx->fcw, 0);
}

static void test_enter_pending_interrupt(void **state)
{
	struct fx *f = *state;

	register_vapics(f);
	tdx_vcpu_set_l1_apic(f->td, 0, 0x50, 0x20);
	ASSERT_STATUS(tdx_l1_enter(&f->vp, TDX_L1_VTL0), TDX_PENDING_INTERRUPT);
	ASSERT_EQ(f->fake.runs, 0);
	assert_false(tdx_l1_exit_entered(TDX_PENDING_INTERRUPT));
	ASSERT_EQ(tdx_l1_context(&f->vp)->entry_rcx & 3, TDX_L1_INVD_INVEPT);	/* still pending */
	/* Not an error: PANIC lets it through. */
	f->vp.policy = TDX_L1_PANIC;
	ASSERT_STATUS(tdx_l1_enter(&f->vp, TDX_L1_VTL0), TDX_PENDING_INTERRUPT);
	tdx_vcpu_set_l1_apic(f->td, 0, 0, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_layout_offsets),
		T(test_fresh_vtl_defaults),
		T(test_vmcs_rw_by_width),
		T(test_vmcs_wrong_width),
		T(test_msr_bitmap_boundaries),
		T(test_msr_out_of_range),
		T(test_msr_bitmap_raw_word),
		T(test_l2_ctls),
		T(test_invgla_single_and_list),
		T(test_vapic_registration),
		T(test_accept_with_attrs_mixed),
		T(test_accept_size_mismatch_fallback),
		T(test_set_attrs_range),
		T(test_ioctl_refusals),
		T(test_ioctl_returned_regs),
		T(test_failure_policy),
		T(test_enter_exit_info),
		T(test_enter_private_regs_switch),
		T(test_enter_rbp_clobber),
		T(test_enter_fx_state_and_tsc_deadline),
		T(test_enter_pending_interrupt),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}
