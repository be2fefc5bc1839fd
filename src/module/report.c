/* report.c: building TDREPORT_STRUCT (section 9.2) and the REPORTMACSTRUCT
 * MAC that TDG.MR.REPORT writes and TDG.MR.VERIFYREPORT checks (9.4). */
#include <stddef.h>
#include <string.h>

#include <nettle/hmac.h>
#include <nettle/memops.h>

#include "td.h"

/* The MAC covers REPORTMACSTRUCT bytes 0..223, everything before the MAC. */
#define MAC_INPUT_LEN offsetof(struct tdx_report_mac, mac)
_Static_assert(offsetof(struct tdx_report_mac, mac) == 224, "MAC at offset 224");
_Static_assert(offsetof(struct tdx_report, td_info) == 512, "TDINFO at offset 512");

/*
 * The real MAC is computed by the CPU (SEAMREPORT) with a platform-internal
 * key and algorithm that software cannot reproduce. The model's choice:
 * HMAC-SHA-256 with the TD's secret key (td->mr.mac_key) over bytes 0..223.
 */
int tdx_report_mac_compute(const struct tdx_td *td, const struct tdx_report_mac *m,
			   uint8_t out[32])
{
	struct hmac_sha256_ctx ctx;	/* Nettle: no allocation (measure.c) */

	hmac_sha256_set_key(&ctx, sizeof(td->mr.mac_key), td->mr.mac_key);
	hmac_sha256_update(&ctx, MAC_INPUT_LEN, (const uint8_t *)m);
	hmac_sha256_digest(&ctx, 32, out);
	explicit_bzero(&ctx, sizeof(ctx));	/* it holds the key */
	return 0;
}

int tdx_report_build(const struct tdx_td *td, const uint8_t reportdata[TDX_REPORTDATA_SIZE],
		     struct tdx_report *rep)
{
	const struct tdx_td_config *cfg = &td->cfg;
	/* Both parts sit at naturally aligned offsets (0, 512) of the packed
	 * struct, so plain pointers to them are fine. */
	struct tdx_td_info *ti = (struct tdx_td_info *)((uint8_t *)rep +
							 offsetof(struct tdx_report, td_info));
	struct tdx_report_mac *m = (struct tdx_report_mac *)rep;

	memset(rep, 0, sizeof(*rep));

	/* TDINFO: the TD's identity from its configuration and RTMRs. No
	 * service TDs are bound in the model, so SERVTD_HASH stays 0 and
	 * REPORTTYPE.VERSION is 0 (9.1). */
	ti->attributes = cfg->attributes;
	ti->xfam = cfg->xfam;
	memcpy(ti->mrtd, cfg->mrtd, sizeof(ti->mrtd));
	memcpy(ti->mrconfigid, cfg->mrconfigid, sizeof(ti->mrconfigid));
	memcpy(ti->mrowner, cfg->mrowner, sizeof(ti->mrowner));
	memcpy(ti->mrownerconfig, cfg->mrownerconfig, sizeof(ti->mrownerconfig));
	memcpy(ti->rtmr, td->mr.rtmr, sizeof(ti->rtmr));

	memcpy(&rep->tee_tcb_info, &td->mr.tee_tcb_info, sizeof(rep->tee_tcb_info));

	m->report_type[0] = TDX_REPORT_TYPE_TDX;	/* SUBTYPE, VERSION, reserved: 0 */
	memcpy(m->cpusvn, td->mr.cpusvn, sizeof(m->cpusvn));
	memcpy(m->tee_tcb_info_hash, td->mr.tee_tcb_info_hash, sizeof(m->tee_tcb_info_hash));
	if (tdx_sha384(ti, sizeof(*ti), NULL, 0, m->tee_info_hash))
		return -1;
	memcpy(m->reportdata, reportdata, TDX_REPORTDATA_SIZE);
	return tdx_report_mac_compute(td, m, m->mac);
}

uint64_t tdx_report_verify_mac(const struct tdx_td *td, const struct tdx_report_mac *m)
{
	uint8_t mac[32];

	/* CPUSVN first: a report from another TCB level is reported as such
	 * even though its MAC would not match either (9.4). */
	if (!memeql_sec(m->cpusvn, td->mr.cpusvn, sizeof(m->cpusvn)))
		return TDX_INVALID_CPUSVN;
	if (m->report_type[0] != TDX_REPORT_TYPE_TDX)
		return TDX_INVALID_REPORTMACSTRUCT;
	if (tdx_report_mac_compute(td, m, mac))
		return tdx_status_opnd(TDX_OPERAND_BUSY, TDX_OPND_RTMR);
	/* Constant time: the comparison must not tell how many bytes match. */
	uint64_t st = memeql_sec(mac, m->mac, sizeof(mac)) ? TDX_SUCCESS
							    : TDX_INVALID_REPORTMACSTRUCT;
	explicit_bzero(mac, sizeof(mac));
	return st;
}
