/* c_direct.c: guest code linked with the direct transport against an
 * installed tdxkit (pkg-config tdxkit-guest-direct): each TDCALL is a call
 * into the model. Uses the TDXKIT_ names only, as a unit without
 * TDXKIT_SPEC_NAMES does, and checks what the model did through its
 * public host-side view. */
#include <stdio.h>
#include <string.h>
#include <tdxkit/direct.h>
#include <tdxkit/guest.h>
#include <tdxkit/names.h>

#define CHECK(c) do { if (!(c)) { \
	fprintf(stderr, "c_direct: %s:%d: %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

int main(void)
{
	struct tdx_td_config cfg;
	char err[200], name[80];
	uint64_t at;

	tdx_td_config_init(&cfg);
	cfg.mem_size = 64ull << 20;
	cfg.gpaw = 52;
	cfg.num_vcpus = 2;
	struct tdx_td *td = tdx_td_create(&cfg, err, sizeof(err));
	CHECK(td);
	tdx_direct_attach(td, 1);

	struct tdx_vp_info vi;
	tdx_vp_info(&vi);
	CHECK(vi.gpaw == 52 && vi.shared_bit == 1ull << 51);
	CHECK(vi.num_vcpus == 2 && vi.vcpu_index == 1);

	CHECK(tdx_accept_memory(0x200000, 0x600000, &at) == TDXKIT_SUCCESS && at == 0x600000);
	struct tdx_page_state st;
	CHECK(tdx_td_page_state(td, 0x300000, &st) == 0);
	CHECK(st.sept == TDXKIT_SEPT_PRESENT && st.level == TDXKIT_PAGE_2M);
	uint64_t s = tdx_mem_page_accept(0x200000, TDXKIT_PAGE_2M);
	CHECK(TDXKIT_STATUS_CODE(s) == TDXKIT_PAGE_ALREADY_ACCEPTED);
	tdx_format_status(s, name, sizeof(name));
	CHECK(strstr(name, "TDX_PAGE_ALREADY_ACCEPTED") != NULL);

	/* A TDREPORT whose REPORTDATA is ours and whose MAC the TD verifies. */
	uint8_t *mem = tdx_td_gpa_ptr(td, 0x200000, 0x2000);
	CHECK(mem);
	memset(mem + 0x400, 0x5A, TDXKIT_REPORTDATA_SIZE);
	CHECK(tdx_mr_report(0x201000, 0x200400) == TDXKIT_SUCCESS);
	const struct tdx_report *rep = (const struct tdx_report *)(mem + 0x1000);
	CHECK(rep->mac.report_type[0] == TDXKIT_REPORT_TYPE_TDX);
	CHECK(memcmp(rep->mac.reportdata, mem + 0x400, TDXKIT_REPORTDATA_SIZE) == 0);
	CHECK(tdx_mr_verifyreport(0x201000) == TDXKIT_SUCCESS);
	CHECK(tdx_report_verify_mac(td, &rep->mac) == TDXKIT_SUCCESS);

	tdx_direct_attach(NULL, 0);
	tdx_td_destroy(td);
	printf("c_direct: ok\n");
	return 0;
}
