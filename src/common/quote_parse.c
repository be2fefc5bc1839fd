/* quote_parse.c: bounds-checked parse of a DCAP quote v4 (layout in
 * quote.h), the one parser behind the printer (quote_print.c) and the
 * verifier (src/host/quote_verify.c). Every length in a quote is
 * attacker-controlled: each is checked against what is left of its
 * enclosing region before use, in the form `n > len - off` with off <= len
 * kept as an invariant (the Solo5 HVT_CHECKED_GPA_P idea: no addition that
 * can wrap). Sizes must account for their region exactly, as
 * QuoteStructures.cpp (QVL) requires. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tdxkit/quote.h"

__attribute__((format(printf, 3, 4)))
static int fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* A region of the quote; off <= len always. */
struct rd {
	const uint8_t *p;
	size_t len, off;
};

static const uint8_t *take(struct rd *r, size_t n)
{
	const uint8_t *p;

	if (n > r->len - r->off)
		return NULL;
	p = r->p + r->off;
	r->off += n;
	return p;
}

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16; }

/* Certification data (QVL CertificationData): u16 type, u32 size, then
 * size bytes that must be exactly the rest of r. 0; 1 when r ends before
 * the header; 2 when the size is not what is left (type and size set). */
static int cert_data(struct rd *r, uint16_t *type, uint32_t *size, const uint8_t **data)
{
	const uint8_t *p = take(r, 6);

	if (!p)
		return 1;
	*type = get16(p);
	*size = get32(p + 2);
	if (*size != r->len - r->off)
		return 2;
	*data = take(r, *size);
	return 0;
}

int tdx_quote_parse(const uint8_t *quote, size_t len, struct tdx_quote_view *v,
		    char *why, size_t whylen)
{
	struct rd q = { quote, len, 0 }, s, c;
	const uint8_t *p;

	memset(v, 0, sizeof(*v));
	if (!quote)
		return fail(why, whylen, "no quote");
	if (!(p = take(&q, TDX_QUOTE_HEADER_SIZE)))
		return fail(why, whylen, "truncated header: %zu bytes, a quote starts with %d", len,
			    TDX_QUOTE_HEADER_SIZE);
	memcpy(&v->hdr, p, sizeof(v->hdr));
	v->parsed |= TDX_QUOTE_HAVE_HEADER;
	if (!(p = take(&q, TDX_QUOTE_BODY_SIZE)))
		return fail(why, whylen, "truncated TD quote body: %zu bytes, the body ends at %d", len,
			    TDX_QUOTE_SIGNED_SIZE);
	memcpy(&v->body, p, sizeof(v->body));
	v->parsed |= TDX_QUOTE_HAVE_BODY;

	if (!(p = take(&q, 4)))
		return fail(why, whylen, "truncated: %zu bytes, no signature data length at offset %d",
			    len, TDX_QUOTE_SIGNED_SIZE);
	v->sig_data_len = get32(p);
	if (v->sig_data_len > q.len - q.off)
		return fail(why, whylen,
			    "signature data length %u exceeds the %zu bytes after offset %d",
			    v->sig_data_len, q.len - q.off, TDX_QUOTE_SIG_DATA_OFFSET);
	s = (struct rd){ take(&q, v->sig_data_len), v->sig_data_len, 0 };
	v->end = q.off;
	if (!(v->sig = take(&s, TDX_QUOTE_ECDSA_SIG_SIZE)) ||
	    !(v->att_key = take(&s, TDX_QUOTE_ECDSA_KEY_SIZE))) {
		v->sig = NULL;
		return fail(why, whylen,
			    "signature data length %u is too small for the signature and key (128)",
			    v->sig_data_len);
	}
	v->parsed |= TDX_QUOTE_HAVE_SIG;

	switch (cert_data(&s, &v->cert_type, &v->cert_size, &v->cert_data)) {
	case 1:
		return fail(why, whylen, "signature data (%u bytes) ends before the certification data header",
			    v->sig_data_len);
	case 2:
		return fail(why, whylen,
			    "certification data size %u, but the signature data leaves %zu bytes for it",
			    v->cert_size, s.len - s.off);
	}
	v->parsed |= TDX_QUOTE_HAVE_CERT;

	if (v->cert_type == TDX_QUOTE_CERT_QE_REPORT) {
		/* QEReportCertificationData::insert (QuoteStructures.cpp). */
		c = (struct rd){ v->cert_data, v->cert_size, 0 };
		if (!(v->qe_raw = take(&c, TDX_QUOTE_QE_REPORT_SIZE)) ||
		    !(v->qe_sig = take(&c, TDX_QUOTE_ECDSA_SIG_SIZE)) || !(p = take(&c, 2))) {
			v->qe_raw = v->qe_sig = NULL;
			return fail(why, whylen,
				    "QE report certification data: %u bytes, too small for the QE report, "
				    "its signature and the auth data size (450)", v->cert_size);
		}
		memcpy(&v->qe, v->qe_raw, sizeof(v->qe));
		v->qe_auth_size = get16(p);
		if (!(v->qe_auth = take(&c, v->qe_auth_size)))
			return fail(why, whylen, "QE auth data size %u exceeds the %zu bytes left",
				    v->qe_auth_size, c.len - c.off);
		v->parsed |= TDX_QUOTE_HAVE_QE;
		switch (cert_data(&c, &v->inner_type, &v->inner_size, &v->inner_data)) {
		case 1:
			return fail(why, whylen, "QE report certification data ends before the nested "
				    "certification data header");
		case 2:
			return fail(why, whylen,
				    "nested certification data size %u, but %zu bytes are left for it",
				    v->inner_size, c.len - c.off);
		}
		v->parsed |= TDX_QUOTE_HAVE_INNER;
	}
	/* GetQuote buffers are zero-filled pages and sample quotes keep that
	 * padding: zeros after the end are allowed, anything else is not. */
	for (size_t i = v->end; i < len; i++)
		if (quote[i])
			return fail(why, whylen, "non-zero byte at offset %zu, after the end of the "
				    "quote at %zu", i, v->end);
	return 0;
}

