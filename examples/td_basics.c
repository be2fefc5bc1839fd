/*
 * td_basics.c: a TD program for tdx-run. It executes the real TDCALL
 * instruction through libtdxkit-guest: reads its TD info, accepts memory,
 * extends an RTMR, makes a TDREPORT and has the module verify it.
 *
 *   tdx-run --mem 256M -- ./example-td_basics [REPORT-FILE]
 *
 * TD memory is reached through the private window whose address tdx-run
 * puts in TDXKIT_PRIVATE_BASE (a real TD kernel would use its page tables).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tdxkit/guest.h"

static uint8_t *priv;	/* VA of GPA 0 through the private alias */

static void *gpa_va(uint64_t gpa)
{
	return priv + gpa;
}

static void hex(const char *label, const uint8_t *p, size_t n)
{
	printf("  %-14s", label);
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
	printf("\n");
}

int main(int argc, char **argv)
{
	const char *base = getenv("TDXKIT_PRIVATE_BASE");
	if (!base) {
		fprintf(stderr, "td_basics: TDXKIT_PRIVATE_BASE is not set: run me under tdx-run\n");
		return 2;
	}
	priv = (uint8_t *)(uintptr_t)strtoull(base, NULL, 16);

	struct tdx_vp_info info;
	tdx_vp_info(&info);
	printf("TD info: GPAW %u (shared bit 0x%llx), ATTRIBUTES 0x%llx, VCPU %u of %u\n",
	       info.gpaw, (unsigned long long)info.shared_bit,
	       (unsigned long long)info.attributes, info.vcpu_index, info.num_vcpus);

	/* Accept 4 MiB + 24 KiB: four 4 KiB pages up to the 2 MiB boundary,
	 * two 2 MiB pages, then two 4 KiB pages again. */
	uint64_t start = 0x1FC000, end = 0x602000, stopped;
	uint64_t st = tdx_accept_memory(start, end, &stopped);
	printf("accept [0x%llx, 0x%llx): status 0x%016llx\n", (unsigned long long)start,
	       (unsigned long long)end, (unsigned long long)st);
	if (st)
		return 1;
	uint64_t again = tdx_mem_page_accept(0x200000, TDX_PAGE_2M);
	printf("accepting 0x200000 again at 2 MiB: status 0x%016llx (PAGE_ALREADY_ACCEPTED | level)\n",
	       (unsigned long long)again);

	/* Measure something into RTMR[2], as a boot loader would. */
	uint64_t digest_gpa = 0x1FC000;
	memset(gpa_va(digest_gpa), 0, 48);
	memcpy(gpa_va(digest_gpa), "tdxkit example: measured component", 34);
	tdx_mr_rtmr_extend_or_panic(digest_gpa, 2);

	/* TDREPORT with our own 64 bytes of REPORTDATA. */
	uint64_t report_gpa = 0x1FD000, data_gpa = 0x1FE000;
	memset(gpa_va(data_gpa), 0, 64);
	memcpy(gpa_va(data_gpa), "nonce from a verifier", 21);
	tdx_mr_report_or_panic(report_gpa, data_gpa);
	struct tdx_report *rep = gpa_va(report_gpa);
	printf("TDREPORT: type 0x%02x subtype %u version %u\n", rep->mac.report_type[0],
	       rep->mac.report_type[1], rep->mac.report_type[2]);
	hex("REPORTDATA", rep->mac.reportdata, 24);
	hex("RTMR[2]", rep->td_info.rtmr[2], 24);
	hex("MAC", rep->mac.mac, 32);

	/* The module checks its own MAC; a tampered copy is refused. */
	uint64_t mac_gpa = 0x1FF000;
	memcpy(gpa_va(mac_gpa), &rep->mac, sizeof(rep->mac));
	printf("VERIFYREPORT(genuine): 0x%016llx\n", (unsigned long long)tdx_mr_verifyreport(mac_gpa));
	((uint8_t *)gpa_va(mac_gpa))[128] ^= 1;
	printf("VERIFYREPORT(tampered): 0x%016llx (TDX_INVALID_REPORTMACSTRUCT)\n",
	       (unsigned long long)tdx_mr_verifyreport(mac_gpa));

	/* Metadata: TD-scope fields and the module's feature word. */
	uint64_t v;
	if (tdx_vm_rd(TDX_FIELD_TD_NUM_VCPUS, &v) == TDX_SUCCESS)
		printf("TDG.VM.RD NUM_VCPUS = %llu\n", (unsigned long long)v);
	if (tdx_sys_rd(TDX_FIELD_SYS_TDX_FEATURES0, &v, NULL) == TDX_SUCCESS)
		printf("TDG.SYS.RD TDX_FEATURES0 = 0x%llx\n", (unsigned long long)v);
	st = tdx_vm_wr(TDX_FIELD_TD_ATTRIBUTES, 0, ~0ull, NULL);
	printf("TDG.VM.WR ATTRIBUTES: 0x%016llx (TDX_METADATA_FIELD_NOT_WRITABLE)\n",
	       (unsigned long long)st);

	if (argc > 1) {
		FILE *f = fopen(argv[1], "wb");
		if (!f || fwrite(rep, sizeof(*rep), 1, f) != 1) {
			fprintf(stderr, "td_basics: cannot write %s\n", argv[1]);
			return 1;
		}
		fclose(f);
		printf("TDREPORT written to %s\n", argv[1]);
	}
	return 0;
}
