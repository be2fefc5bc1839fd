/* test_measure.c: TDG.MR.RTMR.EXTEND, TDG.MR.REPORT, TDG.MR.VERIFYREPORT
 * and the TDREPORT_STRUCT layout (tdx-abi.md sections 1.5 and 9), in
 * direct mode. Expected hashes are computed here with OpenSSL directly. */
#include <stddef.h>
#include <string.h>

#include <openssl/evp.h>

#include "testutil.h"
#include "test_hooks.h"

#define BUF 0x10000ull		/* accepted private pages used by the tests */
#define DATA (BUF + 0x400)	/* 64-aligned operand inside them */
#define REPORT (BUF + 0x1000)	/* 1024-aligned report buffer */
#define UNACCEPTED 0x200000ull	/* never accepted */

static const uint64_t OI_RAX = TDX_OPERAND_INVALID | TDX_OPND_RAX;
static const uint64_t OI_RCX = TDX_OPERAND_INVALID | TDX_OPND_RCX;
static const uint64_t OI_RDX = TDX_OPERAND_INVALID | TDX_OPND_RDX;
static const uint64_t OI_R8 = TDX_OPERAND_INVALID | TDX_OPND_R8;

static void sha384(const void *p, size_t n, uint8_t out[48])
{
	unsigned int len = 0;
	assert_true(EVP_Digest(p, n, out, &len, EVP_sha384(), NULL));
	ASSERT_EQ(len, 48);
}

static uint8_t *gmem(struct tdx_td *td, uint64_t gpa, uint64_t len)
{
	uint8_t *p = tdx_td_gpa_ptr(td, gpa, len);
	assert_non_null(p);
	return p;
}

/* A TD with BUF..BUF+8K accepted. */
static struct tdx_td *td_ready(const struct tdx_td_config *cfg)
{
	struct tdx_td *td = tu_td_new(cfg);
	tu_accept(td, BUF, 0x2000);
	return td;
}

static uint64_t do_report(struct tdx_td *td, uint64_t rep, uint64_t data, uint64_t r8)
{
	return tu_leaf(td, TDG_MR_REPORT, rep, data, r8, 0, NULL);
}

/* ---- pure parts: report building and the MAC --------------------------- */

static void test_build_and_mac(void **state)
{
	struct tdx_td_config cfg;
	_Alignas(64) struct tdx_report rep;
	uint8_t rd[64], h[48];

	tdx_td_config_init(&cfg);
	cfg.xfam = tdx_xfam_from_host();	/* whatever this CPU allows */
	memset(cfg.mrtd, 0x11, 48);
	memset(cfg.mrconfigid, 0x22, 48);
	memset(cfg.mrowner, 0x33, 48);
	memset(cfg.mrownerconfig, 0x44, 48);
	struct tdx_td *td = tu_td_new(&cfg);
	for (unsigned i = 0; i < 64; i++)
		rd[i] = (uint8_t)(i * 3 + 1);
	assert_int_equal(tdx_test_report_build(td, rd, &rep), 0);

	const uint8_t *b = (const uint8_t *)&rep;
	ASSERT_EQ(b[0], 0x81);
	ASSERT_EQ(b[1] | b[2] | b[3], 0);
	assert_memory_equal(b + 128, rd, 64);
	assert_memory_equal(b + 528, cfg.mrtd, 48);
	assert_memory_equal(b + 576, cfg.mrconfigid, 48);
	assert_memory_equal(b + 624, cfg.mrowner, 48);
	assert_memory_equal(b + 672, cfg.mrownerconfig, 48);
	sha384(b + 256, 239, h);
	assert_memory_equal(b + 32, h, 48);
	sha384(b + 512, 512, h);
	assert_memory_equal(b + 80, h, 48);
	/* TEE_TCB_INFO: VALID 0x301FF, a non-zero model MRSEAM, 0 signer. */
	ASSERT_EQ(rep.tee_tcb_info.valid, 0x301FF);
	uint8_t zero[48] = { 0 };
	assert_memory_not_equal(b + 280, zero, 48);
	assert_memory_equal(b + 328, zero, 48);
	assert_memory_equal(b + 912, zero, 48);	/* SERVTD_HASH */

	/* The MAC is HMAC-SHA-256(key, bytes 0..223), checked independently. */
	unsigned char mac[32];
	size_t maclen = 0;
	uint8_t key[32], cpusvn[16];
	tdx_test_mr_secrets(td, key, cpusvn);
	assert_non_null(EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, 32,
				  b, 224, mac, sizeof(mac), &maclen));
	assert_memory_equal(b + 224, mac, 32);

	ASSERT_STATUS(tdx_report_verify_mac(td, &rep.mac), TDX_SUCCESS);
	rep.mac.reserved1[5] ^= 1;	/* reserved bytes are MACed too */
	ASSERT_STATUS(tdx_report_verify_mac(td, &rep.mac), TDX_INVALID_REPORTMACSTRUCT);
	rep.mac.reserved1[5] ^= 1;
	rep.mac.mac[31] ^= 0x80;
	ASSERT_STATUS(tdx_report_verify_mac(td, &rep.mac), TDX_INVALID_REPORTMACSTRUCT);
	tdx_td_destroy(td);
}

static void test_keys_differ_per_td(void **state)
{
	struct tdx_td *a = tu_td_new(NULL), *b = tu_td_new(NULL);
	_Alignas(64) struct tdx_report rep;
	uint8_t rd[64] = { 7 };

	uint8_t ka[32], kb[32], sa[16], sb[16];
	tdx_test_mr_secrets(a, ka, sa);
	tdx_test_mr_secrets(b, kb, sb);
	assert_memory_not_equal(ka, kb, 32);
	assert_int_equal(tdx_test_report_build(a, rd, &rep), 0);
	ASSERT_STATUS(tdx_report_verify_mac(a, &rep.mac), TDX_SUCCESS);
	ASSERT_STATUS(tdx_report_verify_mac(b, &rep.mac), TDX_INVALID_REPORTMACSTRUCT);
	tdx_td_destroy(a);
	tdx_td_destroy(b);
}

/* ---- TDG.MR.RTMR.EXTEND ---------------------------------------------------- */

static void test_rtmr_extend_kat(void **state)
{
	struct tdx_td *td = td_ready(NULL);
	uint8_t buf[96], expect[48], got[48], zero[48] = { 0 };
	uint8_t *d = gmem(td, DATA, 48);

	/* First extend of RTMR[2]: SHA-384(48 zero bytes || d1). */
	for (unsigned i = 0; i < 48; i++)
		d[i] = (uint8_t)(0xA0 + i);
	memset(buf, 0, 48);
	memcpy(buf + 48, d, 48);
	sha384(buf, 96, expect);
	ASSERT_STATUS(tu_leaf(td, TDG_MR_RTMR_EXTEND, DATA, 2, 0, 0, NULL), TDX_SUCCESS);
	assert_int_equal(tdx_td_rtmr(td, 2, got), 0);
	assert_memory_equal(got, expect, 48);

	/* Second extend chains on the first. */
	for (unsigned i = 0; i < 48; i++)
		d[i] = (uint8_t)(i * 7);
	memcpy(buf, expect, 48);
	memcpy(buf + 48, d, 48);
	sha384(buf, 96, expect);
	ASSERT_STATUS(tu_leaf(td, TDG_MR_RTMR_EXTEND, DATA, 2, 0, 0, NULL), TDX_SUCCESS);
	assert_int_equal(tdx_td_rtmr(td, 2, got), 0);
	assert_memory_equal(got, expect, 48);

	/* The other RTMRs are untouched. */
	for (unsigned i = 0; i < 4; i++) {
		if (i == 2)
			continue;
		assert_int_equal(tdx_td_rtmr(td, i, got), 0);
		assert_memory_equal(got, zero, 48);
	}
	assert_int_equal(tdx_td_rtmr(td, 4, got), -1);

	/* The report carries RTMR[2] at 720 + 2 * 48. */
	ASSERT_STATUS(do_report(td, REPORT, DATA, 0), TDX_SUCCESS);
	assert_memory_equal(gmem(td, REPORT, 1024) + 720 + 96, expect, 48);
	tdx_td_destroy(td);
}

static void test_rtmr_extend_errors(void **state)
{
	struct tdx_td *td = td_ready(NULL);
	uint64_t sb = tdx_td_shared_bit(td);
	uint8_t zero[48] = { 0 }, got[48];

	ASSERT_STATUS(tu_leaf(td, TDG_MR_RTMR_EXTEND, DATA + 32, 0, 0, 0, NULL), OI_RCX);
	ASSERT_STATUS(tu_leaf(td, TDG_MR_RTMR_EXTEND, DATA + 1, 0, 0, 0, NULL), OI_RCX);
	ASSERT_STATUS(tu_leaf(td, TDG_MR_RTMR_EXTEND, DATA | sb, 0, 0, 0, NULL), OI_RCX);
	ASSERT_STATUS(tu_leaf(td, TDG_MR_RTMR_EXTEND, 1ull << 48, 0, 0, 0, NULL), OI_RCX);
	ASSERT_STATUS(tu_leaf(td, TDG_MR_RTMR_EXTEND, DATA, 4, 0, 0, NULL), OI_RDX);
	ASSERT_STATUS(tu_leaf(td, TDG_MR_RTMR_EXTEND, DATA, ~0ull, 0, 0, NULL), OI_RDX);
	/* RCX is checked before RDX. */
	ASSERT_STATUS(tu_leaf(td, TDG_MR_RTMR_EXTEND, DATA + 8, 9, 0, 0, NULL), OI_RCX);
	ASSERT_STATUS(tu_leaf(td, TDG_MR_RTMR_EXTEND, DATA | sb, 9, 0, 0, NULL), OI_RCX);
	/* Version 1 does not exist. */
	ASSERT_STATUS(tu_leaf(td, TDG_MR_RTMR_EXTEND | (1ull << 16), DATA, 0, 0, 0, NULL), OI_RAX);
	/* MOD tdg_mr_rtmr_extend.c walks and reads the buffer before it looks
	 * at the index: a bad index with an unaccepted buffer leaves through
	 * the walk (here the EPT-violation TD exit of a PENDING page), not
	 * with OPERAND_INVALID | RDX. */
	{
		struct tdx_regs x;
		struct tdx_td_exit e;
		memset(&x, 0, sizeof(x));
		x.rax = TDG_MR_RTMR_EXTEND;
		x.rcx = UNACCEPTED;
		x.rdx = 9;
		x.rip = 0x1000;
		assert_int_equal(tdx_module_tdcall(td, 0, &x, &e, NULL), TDX_OUTCOME_TD_EXIT);
		ASSERT_EQ(e.status, TDX_EXIT_EPT_VIOLATION);
		ASSERT_EQ(e.gpa, UNACCEPTED);
		ASSERT_EQ(e.exit_qual, TDX_EPT_QUAL_READ);	/* TDX_RANGE_RO walk */
		ASSERT_EQ(x.rdx, 9);
	}
	/* Contention on the RTMR lock. */
	assert_true(tdx_test_rtmr_hold(td, 1));
	ASSERT_STATUS(tu_leaf(td, TDG_MR_RTMR_EXTEND, DATA, 0, 0, 0, NULL),
		      TDX_OPERAND_BUSY | TDX_OPND_RTMR);
	/* The index comes before the lock. */
	ASSERT_STATUS(tu_leaf(td, TDG_MR_RTMR_EXTEND, DATA, 4, 0, 0, NULL), OI_RDX);
	ASSERT_STATUS(do_report(td, REPORT, DATA, 0), TDX_OPERAND_BUSY | TDX_OPND_RTMR);
	tdx_test_rtmr_hold(td, 0);
	/* No failed call changed any RTMR. */
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(tdx_td_rtmr(td, i, got), 0);
		assert_memory_equal(got, zero, 48);
	}
	tdx_td_destroy(td);
}

/* ---- TDG.MR.REPORT ------------------------------------------------------------ */

static void test_report_layout(void **state)
{
	struct tdx_td_config cfg;
	uint8_t h[48];

	tdx_td_config_init(&cfg);
	cfg.attributes |= TDX_ATTR_DEBUG;
	cfg.xfam = tdx_xfam_from_host();
	memset(cfg.mrconfigid, 0x5C, 48);
	struct tdx_td *td = td_ready(&cfg);
	uint8_t *rd = gmem(td, DATA, 64);
	for (unsigned i = 0; i < 64; i++)
		rd[i] = (uint8_t)(0xFF - i);
	uint8_t *d = gmem(td, BUF, 48);
	memset(d, 0xEE, 48);
	ASSERT_STATUS(tu_leaf(td, TDG_MR_RTMR_EXTEND, BUF, 3, 0, 0, NULL), TDX_SUCCESS);
	memset(gmem(td, REPORT, 1024), 0xCC, 1024);	/* every byte must be written */

	struct tdx_regs r;
	memset(&r, 0x77, sizeof(r));
	r.rax = TDG_MR_REPORT;
	r.rcx = REPORT;
	r.rdx = DATA;
	r.r8 = 0;
	r.rip = 0x5000;
	assert_int_equal(tu_tdcall(td, &r), TDX_OUTCOME_DONE);
	ASSERT_STATUS(r.rax, TDX_SUCCESS);
	ASSERT_EQ(r.rip, 0x5004);
	ASSERT_EQ(r.rcx, REPORT);	/* no output registers besides RAX */
	ASSERT_EQ(r.rdx, DATA);
	ASSERT_EQ(r.r9, 0x7777777777777777ull);

	const uint8_t *b = gmem(td, REPORT, 1024);
	uint64_t v;
	ASSERT_EQ(b[0], 0x81);
	ASSERT_EQ(b[1], 0);
	ASSERT_EQ(b[2], 0);
	ASSERT_EQ(b[3], 0);
	for (unsigned i = 4; i < 16; i++)
		ASSERT_EQ(b[i], 0);
	uint8_t mac_key[32], cpusvn[16];
	tdx_test_mr_secrets(td, mac_key, cpusvn);
	assert_memory_equal(b + 16, cpusvn, 16);
	assert_memory_equal(b + 128, rd, 64);
	for (unsigned i = 192; i < 224; i++)
		ASSERT_EQ(b[i], 0);
	memcpy(&v, b + 256, 8);
	ASSERT_EQ(v, 0x301FF);
	for (unsigned i = 495; i < 512; i++)
		ASSERT_EQ(b[i], 0);
	memcpy(&v, b + 512, 8);
	ASSERT_EQ(v, cfg.attributes);
	memcpy(&v, b + 520, 8);
	ASSERT_EQ(v, cfg.xfam);
	assert_memory_equal(b + 576, cfg.mrconfigid, 48);
	uint8_t rt[48];
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(tdx_td_rtmr(td, i, rt), 0);
		assert_memory_equal(b + 720 + 48 * i, rt, 48);
	}
	for (unsigned i = 912; i < 1024; i++)
		ASSERT_EQ(b[i], 0);
	sha384(b + 256, 239, h);
	assert_memory_equal(b + 32, h, 48);
	sha384(b + 512, 512, h);
	assert_memory_equal(b + 80, h, 48);
	tdx_td_destroy(td);
}

static void test_report_shared_buffers(void **state)
{
	struct tdx_td *td = td_ready(NULL);
	uint64_t sb = tdx_td_shared_bit(td);
	const uint64_t shared = 0x40000;

	/* REPORT takes private or shared GPAs for both buffers (9.1). */
	ASSERT_STATUS(tdx_td_set_shared(td, shared, 0x2000, 1), TDX_SUCCESS);
	uint8_t *rd = gmem(td, shared + 0x1040, 64);
	memset(rd, 0x3D, 64);
	ASSERT_STATUS(do_report(td, shared | sb, (shared + 0x1040) | sb, 0), TDX_SUCCESS);
	const uint8_t *b = gmem(td, shared, 1024);
	ASSERT_EQ(b[0], 0x81);
	assert_memory_equal(b + 128, rd, 64);
	tdx_td_destroy(td);
}

/* A shared buffer the host has not mapped: the shared-EPT walk fails
 * (MOD helpers.c check_walk_and_map_guest_side_gpa, EPT_WALK_VIOLATION):
 * an EPT-violation TD exit with the shared GPA; the host maps the page and
 * the TDCALL runs again. Both SEPT policies. */
static void report_unmapped_shared(enum tdx_sept_policy pol)
{
	struct tdx_td_config cfg;
	tdx_td_config_init(&cfg);
	cfg.sept_policy = pol;
	struct tdx_td *td = td_ready(&cfg);
	uint64_t sb = tdx_td_shared_bit(td);
	const uint64_t shared = 0x40000;
	struct tdx_regs r;
	struct tdx_td_exit e;

	/* REPORTDATA shared and unmapped: exit for it (read-only walk). */
	memset(&r, 0, sizeof(r));
	r.rax = TDG_MR_REPORT;
	r.rcx = REPORT;
	r.rdx = (shared + 0x40) | sb;
	r.rip = 0x1000;
	assert_int_equal(tdx_module_tdcall(td, 0, &r, &e, NULL), TDX_OUTCOME_TD_EXIT);
	ASSERT_EQ(e.status, TDX_EXIT_EPT_VIOLATION);
	ASSERT_EQ(e.gpa, shared | sb);	/* bits 11:0 cleared (td_other_exits.c) */
	ASSERT_EQ(e.exit_qual, TDX_EPT_QUAL_READ);
	ASSERT_EQ(e.ext_exit_qual, 0);
	ASSERT_EQ(r.rip, 0x1000);
	/* TDREPORT shared and unmapped: the exit comes after the REPORTDATA
	 * walk and the R8 check, for a read-write walk. */
	r.rcx = (shared + 0x1000) | sb;
	r.rdx = DATA;
	assert_int_equal(tdx_module_tdcall(td, 0, &r, &e, NULL), TDX_OUTCOME_TD_EXIT);
	ASSERT_EQ(e.gpa, (shared + 0x1000) | sb);
	ASSERT_EQ(e.exit_qual, TDX_EPT_QUAL_READ | TDX_EPT_QUAL_WRITE);
	r.r8 = 1;
	ASSERT_STATUS(tu_leaf(td, TDG_MR_REPORT, r.rcx, r.rdx, 1, 0, NULL), OI_R8);

	/* Direct mode: the built-in host maps each page shared, the TDCALL
	 * completes and the shared TDREPORT is there. */
	ASSERT_STATUS(do_report(td, (shared + 0x1000) | sb, (shared + 0x40) | sb, 0), TDX_SUCCESS);
	struct tdx_page_state ps;
	assert_int_equal(tdx_td_page_state(td, shared, &ps), 0);
	assert_true(ps.shared);
	assert_int_equal(tdx_td_page_state(td, shared + 0x1000, &ps), 0);
	assert_true(ps.shared);
	const uint8_t *b = gmem(td, shared + 0x1000, 1024);
	ASSERT_EQ(b[0], 0x81);
	/* Beyond TD memory a shared GPA is emulated MMIO: a #VE instead. */
	memset(&r, 0, sizeof(r));
	r.rax = TDG_MR_REPORT;
	r.rcx = REPORT;
	r.rdx = (1ull << 40) | sb;
	struct tdx_inject inj;
	assert_int_equal(tdx_tdcall(td, 0, &r, &inj), TDX_OUTCOME_INJECT);
	ASSERT_EQ(inj.vector, 20);
	tdx_td_destroy(td);
}

static void test_report_unmapped_shared_2m(void **state)
{
	report_unmapped_shared(TDX_SEPT_POLICY_2M);
}

static void test_report_unmapped_shared_4k(void **state)
{
	report_unmapped_shared(TDX_SEPT_POLICY_4K);
}

static void test_report_errors(void **state)
{
	struct tdx_td *td = td_ready(NULL);
	uint8_t *b = gmem(td, REPORT, 1024);

	memset(b, 0xCC, 1024);
	ASSERT_STATUS(do_report(td, REPORT + 512, DATA, 0), OI_RCX);
	ASSERT_STATUS(do_report(td, REPORT + 1, DATA, 0), OI_RCX);
	ASSERT_STATUS(do_report(td, REPORT, DATA + 32, 0), OI_RDX);
	ASSERT_STATUS(do_report(td, REPORT, DATA + 1, 0), OI_RDX);
	ASSERT_STATUS(do_report(td, REPORT, DATA, 1), OI_R8);
	ASSERT_STATUS(do_report(td, REPORT, DATA, ~0ull), OI_R8);
	/* Order: RCX alignment, RDX alignment, REPORTDATA walk, R8, TDREPORT walk. */
	ASSERT_STATUS(do_report(td, REPORT + 64, DATA + 8, 1), OI_RCX);
	ASSERT_STATUS(do_report(td, REPORT, DATA + 8, 1), OI_RDX);
	ASSERT_STATUS(do_report(td, REPORT, 1ull << 48, 1), OI_RDX);	/* walk: beyond GPAW */
	ASSERT_STATUS(do_report(td, 1ull << 48, DATA, 1), OI_R8);
	ASSERT_STATUS(do_report(td, 1ull << 48, DATA, 0), OI_RCX);	/* walk: beyond GPAW */
	/* Nothing was written by the failed calls. */
	for (unsigned i = 0; i < 1024; i++)
		ASSERT_EQ(b[i], 0xCC);
	ASSERT_STATUS(do_report(td, REPORT, DATA, 0), TDX_SUCCESS);
	ASSERT_EQ(b[0], 0x81);
	ASSERT_STATUS(tu_leaf(td, TDG_MR_REPORT | (1ull << 16), REPORT, DATA, 0, 0, NULL), OI_RAX);
	/* The model does not interrupt REPORT (see tdg_mr_report.c). */
	tdx_vcpu_set_interrupt_pending(td, 0, 1);
	ASSERT_STATUS(do_report(td, REPORT, DATA, 0), TDX_SUCCESS);
	tdx_vcpu_set_interrupt_pending(td, 0, 0);
	tdx_td_destroy(td);
}

/* ---- TDG.MR.VERIFYREPORT ------------------------------------------------------ */

static uint64_t do_verify(struct tdx_td *td, uint64_t gpa)
{
	return tu_leaf(td, TDG_MR_VERIFYREPORT, gpa, 0, 0, 0, NULL);
}

static void test_verifyreport(void **state)
{
	struct tdx_td *td = td_ready(NULL);
	uint8_t *b = gmem(td, REPORT, 1024);

	memset(gmem(td, DATA, 64), 0x42, 64);
	ASSERT_STATUS(do_report(td, REPORT, DATA, 0), TDX_SUCCESS);
	ASSERT_STATUS(do_verify(td, REPORT), TDX_SUCCESS);
	/* The MAC struct copied elsewhere (256-aligned) verifies too. */
	memcpy(gmem(td, BUF + 0x100, 256), b, 256);
	ASSERT_STATUS(do_verify(td, BUF + 0x100), TDX_SUCCESS);

	b[128 + 5] ^= 0x10;	/* one bit of REPORTDATA */
	ASSERT_STATUS(do_verify(td, REPORT), TDX_INVALID_REPORTMACSTRUCT);
	b[128 + 5] ^= 0x10;
	b[16] ^= 0x01;	/* CPUSVN */
	ASSERT_STATUS(do_verify(td, REPORT), TDX_INVALID_CPUSVN);
	b[16] ^= 0x01;
	b[40] ^= 0x04;	/* TEE_TCB_INFO_HASH */
	ASSERT_STATUS(do_verify(td, REPORT), TDX_INVALID_REPORTMACSTRUCT);
	b[40] ^= 0x04;
	b[0] = 0x00;	/* REPORTTYPE SGX */
	ASSERT_STATUS(do_verify(td, REPORT), TDX_INVALID_REPORTMACSTRUCT);
	b[0] = 0x81;
	b[230] ^= 0xFF;	/* the MAC itself */
	ASSERT_STATUS(do_verify(td, REPORT), TDX_INVALID_REPORTMACSTRUCT);
	b[230] ^= 0xFF;
	/* Bytes past the 256-byte REPORTMACSTRUCT are not part of it. */
	b[600] ^= 0xFF;
	ASSERT_STATUS(do_verify(td, REPORT), TDX_SUCCESS);
	tdx_td_destroy(td);
}

static void test_verifyreport_errors(void **state)
{
	struct tdx_td *td = td_ready(NULL);
	uint64_t sb = tdx_td_shared_bit(td);

	ASSERT_STATUS(do_report(td, REPORT, DATA, 0), TDX_SUCCESS);
	ASSERT_STATUS(do_verify(td, REPORT + 128), OI_RCX);
	ASSERT_STATUS(do_verify(td, REPORT + 8), OI_RCX);
	ASSERT_STATUS(do_verify(td, REPORT | sb), OI_RCX);
	ASSERT_STATUS(do_verify(td, 1ull << 48), OI_RCX);
	ASSERT_STATUS(tu_leaf(td, TDG_MR_VERIFYREPORT | (1ull << 16), REPORT, 0, 0, 0, NULL), OI_RAX);
	tdx_td_destroy(td);
}

static void test_verifyreport_other_td(void **state)
{
	struct tdx_td *a = td_ready(NULL), *b = td_ready(NULL);

	ASSERT_STATUS(do_report(a, REPORT, DATA, 0), TDX_SUCCESS);
	memcpy(gmem(b, REPORT, 1024), gmem(a, REPORT, 1024), 1024);
	ASSERT_STATUS(do_verify(a, REPORT), TDX_SUCCESS);
	/* The model gives each TD its own key (see measure.c). */
	ASSERT_STATUS(do_verify(b, REPORT), TDX_INVALID_REPORTMACSTRUCT);
	tdx_td_destroy(a);
	tdx_td_destroy(b);
}

/* ---- PENDING (unaccepted) operands ------------------------------------------ */

static void test_pending_operand_sept_ve_disable(void **state)
{
	/* Default config: SEPT_VE_DISABLE = 1, so a PENDING operand is an
	 * EPT-violation TD exit (type 6); KVM kills the TD for it (8.2). */
	struct tdx_td *td = td_ready(NULL);
	struct tdx_regs r;
	struct tdx_inject inj;

	memset(&r, 0, sizeof(r));
	r.rax = TDG_MR_REPORT;
	r.rcx = UNACCEPTED;
	r.rdx = DATA;
	r.rip = 0x1000;
	assert_int_equal(tdx_tdcall(td, 0, &r, &inj), TDX_OUTCOME_TD_DEAD);
	assert_non_null(tdx_td_dead_reason(td));
	assert_non_null(strstr(tdx_td_dead_reason(td), "before accepting"));
	/* A dead TD runs nothing more. */
	r.rax = TDG_VP_INFO;
	assert_int_equal(tdx_tdcall(td, 0, &r, &inj), TDX_OUTCOME_TD_DEAD);
	tdx_td_destroy(td);
}

static void test_pending_operand_module_exit(void **state)
{
	/* The same at module level: the host sees the EPT violation, with the
	 * GPA of the operand and extended exit qualification type 6. */
	struct tdx_td *td = td_ready(NULL);
	struct tdx_regs r;
	struct tdx_td_exit e;
	struct tdx_inject inj;
	enum tdx_tdcall_outcome o;

	memset(&r, 0, sizeof(r));
	r.rax = TDG_MR_RTMR_EXTEND;
	r.rcx = UNACCEPTED + 0x40;
	r.rdx = 0;
	r.rip = 0x1000;
	/* The first exit may be the host mapping the page (AUG); go on until
	 * the page is PENDING and the module reports that. */
	for (int n = 0; n < 4; n++) {
		o = tdx_module_tdcall(td, 0, &r, &e, &inj);
		assert_int_equal(o, TDX_OUTCOME_TD_EXIT);
		ASSERT_EQ(TDX_EXIT_REASON_BASIC((uint32_t)e.status), TDX_EXIT_EPT_VIOLATION);
		ASSERT_EQ(e.gpa, UNACCEPTED);
		ASSERT_EQ(r.rip, 0x1000);
		if ((e.ext_exit_qual & 0xF) == TDX_EEQ_PENDING_EPT_VIOLATION)
			break;
		char why[200];
		assert_int_equal(tdx_test_host_ept(td, &e, why, sizeof(why)), 0);
		assert_int_equal(tdx_module_resume(td, 0, &r, &e), TDX_OUTCOME_REEXECUTE);
	}
	ASSERT_EQ(e.ext_exit_qual & 0xF, TDX_EEQ_PENDING_EPT_VIOLATION);
	tdx_td_destroy(td);
}

static void test_pending_operand_ve(void **state)
{
	struct tdx_td_config cfg;
	struct tdx_regs r;
	struct tdx_inject inj;

	tdx_td_config_init(&cfg);
	cfg.attributes &= ~TDX_ATTR_SEPT_VE_DISABLE;
	struct tdx_td *td = td_ready(&cfg);

	/* VE info: exit reason 48, the operand's GPA, and the access the walk
	 * asked for: read, plus write for the TDREPORT (TDX_RANGE_RW; MOD
	 * helpers.c check_walk_and_map_guest_side_gpa). */
	const struct { uint64_t leaf, rcx, rdx, gpa, qual; } cases[] = {
		{ TDG_MR_REPORT, UNACCEPTED, DATA, UNACCEPTED, TDX_EPT_QUAL_READ | TDX_EPT_QUAL_WRITE },
		{ TDG_MR_REPORT, REPORT, UNACCEPTED + 0x80, UNACCEPTED + 0x80, TDX_EPT_QUAL_READ },
		{ TDG_MR_RTMR_EXTEND, UNACCEPTED + 0xC0, 1, UNACCEPTED + 0xC0, TDX_EPT_QUAL_READ },
		{ TDG_MR_VERIFYREPORT, UNACCEPTED + 0x300, 0, UNACCEPTED + 0x300, TDX_EPT_QUAL_READ },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&r, 0, sizeof(r));
		r.rax = cases[i].leaf;
		r.rcx = cases[i].rcx;
		r.rdx = cases[i].rdx;
		r.rip = 0x1000;
		memset(&inj, 0, sizeof(inj));
		assert_int_equal(tdx_tdcall(td, 0, &r, &inj), TDX_OUTCOME_INJECT);
		ASSERT_EQ(inj.vector, 20);
		ASSERT_EQ(r.rip, 0x1000);	/* fault-like: not advanced */
		ASSERT_EQ(r.rax, cases[i].leaf);

		struct tdx_regs v;
		ASSERT_STATUS(tu_leaf(td, TDG_VP_VEINFO_GET, 0, 0, 0, 0, &v), TDX_SUCCESS);
		ASSERT_EQ(v.rcx, TDX_EXIT_EPT_VIOLATION);
		ASSERT_EQ(v.r9, cases[i].gpa);
		ASSERT_EQ(v.rdx & (TDX_EPT_QUAL_READ | TDX_EPT_QUAL_WRITE), cases[i].qual);
	}
	/* No RTMR changed on the way. */
	uint8_t zero[48] = { 0 }, got[48];
	assert_int_equal(tdx_td_rtmr(td, 1, got), 0);
	assert_memory_equal(got, zero, 48);
	tdx_td_destroy(td);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_and_mac),
		cmocka_unit_test(test_keys_differ_per_td),
		cmocka_unit_test(test_rtmr_extend_kat),
		cmocka_unit_test(test_rtmr_extend_errors),
		cmocka_unit_test(test_report_layout),
		cmocka_unit_test(test_report_shared_buffers),
		cmocka_unit_test(test_report_unmapped_shared_2m),
		cmocka_unit_test(test_report_unmapped_shared_4k),
		cmocka_unit_test(test_report_errors),
		cmocka_unit_test(test_verifyreport),
		cmocka_unit_test(test_verifyreport_errors),
		cmocka_unit_test(test_verifyreport_other_td),
		cmocka_unit_test(test_pending_operand_sept_ve_disable),
		cmocka_unit_test(test_pending_operand_module_exit),
		cmocka_unit_test(test_pending_operand_ve),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}
