/* fuzz_input.h: the input reader the fuzz targets share. An input is two
 * streams: what the fuzzer's guest or caller does is read from the front,
 * what the other side answers (a host callback, an L2 engine) from the
 * back, byte by byte backwards. So the calls of a seed parse the same
 * however many answers the model asks for, and fuzz/gen_corpus.c can write
 * both. Both run dry into zeros. Header-only: each target is one program. */
#ifndef TDXKIT_FUZZ_INPUT_H
#define TDXKIT_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fz_in {
	const uint8_t *p;	/* front: next byte */
	size_t n;		/* bytes left between the two ends */
};

static inline void fz_init(struct fz_in *in, const uint8_t *data, size_t size)
{
	in->p = data;
	in->n = size;
}

/* Plumbing, not logic: no comparison feedback for libFuzzer here. */
__attribute__((no_sanitize("coverage"))) static inline uint64_t fz_take(struct fz_in *in, unsigned bytes)
{
	uint64_t v = 0;
	size_t k = bytes < in->n ? bytes : in->n;

	memcpy(&v, in->p, k);	/* little endian */
	in->p += k;
	in->n -= k;
	return v;
}

/* From the back: the last byte is the first one read. */
__attribute__((no_sanitize("coverage"))) static inline uint64_t fz_back(struct fz_in *in, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes && in->n; i++)
		v |= (uint64_t)in->p[--in->n] << (8 * i);
	return v;
}

#endif
