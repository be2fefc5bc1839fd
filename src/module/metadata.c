/* metadata.c: the generic metadata engine (field-ID checks, lookup, masks,
 * next-field iteration), driven by the tables in metadata_{sys,td,vp}.c.
 * Semantics: docs/metadata-fields.md 4-5 and tdx-abi.md 6.1-6.2. */
#include <string.h>

#include "metadata.h"

#define CTX_MASK (0x7ull << TDX_FIELD_CONTEXT_SHIFT)
#define CODE_MASK 0xFFFFFFull
/* LAST_ELEMENT_IN_FIELD (37:34) and LAST_FIELD_IN_SEQUENCE (46:38). */
#define SEQ_MASK (0x1FFFull << 34)

uint64_t tdx_md_force_context(uint64_t id, unsigned ctx)
{
	return (id & ~CTX_MASK) | ((uint64_t)ctx << TDX_FIELD_CONTEXT_SHIFT);
}

int tdx_md_is_null_id(uint64_t id)
{
	return (id | CTX_MASK) == TDX_FIELD_ID_NULL;
}

/* Single-element access (5): reserved bits and the sequence fields must be
 * 0; size code, INC_SIZE, WRITE_MASK_VALID, context and NON_ARCH are ignored. */
uint64_t tdx_md_check_single(uint64_t id)
{
	if ((id & TDX_FIELD_RSVD_MASK) || (id & SEQ_MASK))
		return TDX_METADATA_FIELD_ID_INCORRECT;
	return TDX_SUCCESS;
}

uint64_t tdx_md_elem_size_mask(uint64_t id)
{
	unsigned bits = 8u << TDX_FIELD_ELEM_SIZE(id);
	return bits == 64 ? ~0ull : (1ull << bits) - 1;
}

static unsigned row_stride(const struct tdx_md_field *f)
{
	return (f->id & TDX_FIELD_INC_SIZE) ? 2 : 1;	/* VMCS rows step by 2 (4.2) */
}

/* Rows of L2 VM n exist only when the TD has at least n L2 VMs (4.3: the
 * module trims its tables by the missing VMs). */
static int row_present(const struct tdx_td *td, const struct tdx_md_field *f)
{
	return f->vm == 0 || f->vm <= td->cfg.num_l2_vms;
}

/* Where a row sorts: class, then first field code. */
static uint64_t row_key(const struct tdx_md_field *f)
{
	return (uint64_t)TDX_FIELD_CLASS(f->id) << 32 | TDX_FIELD_CODE(f->id);
}

const struct tdx_md_field *tdx_md_lookup(const struct tdx_td *td, const struct tdx_md_context *mc,
					 uint64_t id, unsigned *elem)
{
	unsigned cls = TDX_FIELD_CLASS(id);
	uint32_t code = TDX_FIELD_CODE(id);
	uint64_t key = (uint64_t)cls << 32 | code;
	size_t lo = 0, hi = mc->nrows;

	/* Rows are sorted by (class, code) with disjoint ranges, and a
	 * whole-class row is alone in its class at code 0 (tdx_md_table_check):
	 * the one row that can hold the ID is the last one at or before it. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (row_key(&mc->rows[mid]) <= key)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct tdx_md_field *f = &mc->rows[lo - 1];
	if (TDX_FIELD_CLASS(f->id) != cls || !row_present(td, f))
		return NULL;
	if (f->flags & TDX_MD_WHOLE_CLASS) {
		*elem = 0;
		return f;
	}
	uint32_t base = TDX_FIELD_CODE(f->id), stride = row_stride(f);
	if (code >= base + f->num * stride)
		return NULL;
	if ((code - base) % stride)
		return NULL;	/* "high" half of a VMCS field (2.4) */
	*elem = (code - base) / stride;
	return f;
}

static void *mem_base(struct tdx_call *c, const struct tdx_md_field *f)
{
	if (f->store == TDX_MD_TD_MEM)
		return c->td;
	if (f->store == TDX_MD_VCPU_MEM)
		return c->vcpu;
	return NULL;
}

/* The element's full current value (before the read mask). */
static uint64_t elem_get(struct tdx_call *c, const struct tdx_md_field *f, unsigned elem)
{
	uint64_t v = 0;
	unsigned char *base;

	switch (f->store) {
	case TDX_MD_CONST:
		v = f->value;
		break;
	case TDX_MD_FN:
		v = f->get(c, f, elem);
		break;
	case TDX_MD_TD_MEM:
	case TDX_MD_VCPU_MEM:
		base = mem_base(c, f);
		memcpy(&v, base + f->offset + (size_t)elem * f->width, f->width);	/* x86-64: LE */
		break;
	default:
		break;
	}
	return v & tdx_md_elem_size_mask(f->id);
}

/* Stores the merged value. TD-scope fields are shared by all VCPUs: the
 * module compare-exchanges them against the value it merged from and
 * reports a race as OPERAND_BUSY | METADATA_FIELD (1.1 step 6). */
static uint64_t elem_set(struct tdx_call *c, const struct tdx_md_field *f, unsigned elem,
			 uint64_t cur, uint64_t v)
{
	unsigned char *p = mem_base(c, f);

	if (!p)
		return TDX_METADATA_FIELD_NOT_WRITABLE;
	p += f->offset + (size_t)elem * f->width;
	if (f->store == TDX_MD_TD_MEM && f->width == 8) {	/* width = element size (self-check) */
		if (!__atomic_compare_exchange_n((uint64_t *)(void *)p, &cur, v, 0, __ATOMIC_SEQ_CST,
						 __ATOMIC_SEQ_CST))
			return tdx_status_opnd(TDX_OPERAND_BUSY, TDX_OPND_METADATA_FIELD);
		return TDX_SUCCESS;
	}
	memcpy(p, &v, f->width);
	return TDX_SUCCESS;
}

static const struct tdx_md_field *next_readable_row(const struct tdx_td *td,
						    const struct tdx_md_context *mc, size_t from)
{
	for (size_t i = from; i < mc->nrows; i++)
		if (mc->rows[i].rd_mask && row_present(td, &mc->rows[i]))
			return &mc->rows[i];
	return NULL;
}

/* First readable ID of rows[from..]: a delegated class names its own first
 * field (and is skipped when it has none). */
static uint64_t first_readable_from(const struct tdx_td *td, const struct tdx_md_context *mc,
				    size_t from)
{
	for (const struct tdx_md_field *f; (f = next_readable_row(td, mc, from)); ) {
		if (!f->ops)
			return f->id;
		uint64_t id = f->ops->first(f);
		if (id != TDX_FIELD_ID_NULL)
			return id;
		from = (size_t)(f - mc->rows) + 1;
	}
	return TDX_FIELD_ID_NULL;
}

uint64_t tdx_md_first_id(const struct tdx_td *td, const struct tdx_md_context *mc)
{
	return first_readable_from(td, mc, 0);
}

/* 4.2: the next element of the same row keeps the caller's ID bits (only the
 * field code advances); past the row's end the next readable row's table ID. */
uint64_t tdx_md_next_id(const struct tdx_td *td, const struct tdx_md_context *mc, uint64_t id)
{
	unsigned elem;

	id = tdx_md_force_context(id, mc->ctx);
	const struct tdx_md_field *f = tdx_md_lookup(td, mc, id, &elem);
	if (!f)
		return TDX_FIELD_ID_NULL;
	if (f->ops) {
		uint64_t n = f->ops->next(f, id);
		if (n != TDX_FIELD_ID_NULL)
			return n;
	} else if (!(f->flags & TDX_MD_WHOLE_CLASS) && elem + 1 < f->num)
		return (id & ~CODE_MASK) | (TDX_FIELD_CODE(id) + row_stride(f));
	return first_readable_from(td, mc, (size_t)(f - mc->rows) + 1);
}

/* Read path order (5): null ID -> single-element check -> lookup -> read mask. */
uint64_t tdx_md_guest_read(struct tdx_call *c, const struct tdx_md_context *mc, uint64_t id,
			   int null_ok, uint64_t *value, uint64_t *next)
{
	unsigned elem;
	uint64_t st;

	id = tdx_md_force_context(id, mc->ctx);
	if (null_ok && tdx_md_is_null_id(id)) {
		*next = tdx_md_first_id(c->td, mc);
		return TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT;
	}
	if ((st = tdx_md_check_single(id)) != TDX_SUCCESS)
		return st;
	const struct tdx_md_field *f = tdx_md_lookup(c->td, mc, id, &elem);
	if (!f)
		return TDX_METADATA_FIELD_ID_INCORRECT;
	if (f->ops) {
		if ((st = f->ops->read(c, f, id, value)) == TDX_SUCCESS)
			*next = tdx_md_next_id(c->td, mc, id);
		return st;
	}
	if (!f->rd_mask)
		return TDX_METADATA_FIELD_NOT_READABLE;
	*value = elem_get(c, f, elem) & f->rd_mask;
	*next = tdx_md_next_id(c->td, mc, id);
	return TDX_SUCCESS;
}

/* Write path order (1.1, 2.3): lookup -> effective mask (NOT_WRITABLE) ->
 * forbidden bits unchanged (VALUE_NOT_VALID) -> merge -> field hook -> store. */
uint64_t tdx_md_guest_write(struct tdx_call *c, const struct tdx_md_context *mc, uint64_t id,
			    uint64_t value, uint64_t mask, uint64_t *old)
{
	unsigned elem;
	uint64_t st;

	id = tdx_md_force_context(id, mc->ctx);
	if ((st = tdx_md_check_single(id)) != TDX_SUCCESS)
		return st;
	const struct tdx_md_field *f = tdx_md_lookup(c->td, mc, id, &elem);
	if (!f)
		return TDX_METADATA_FIELD_ID_INCORRECT;
	if (f->ops)
		return f->ops->write(c, f, id, value, mask, old);
	uint64_t eff = f->wr_mask & mask;
	if (!eff)
		return TDX_METADATA_FIELD_NOT_WRITABLE;
	uint64_t cur = elem_get(c, f, elem);	/* zero-extended to 64 bits */
	/* Bits the guest selects but may not write must keep their value. */
	if ((value ^ cur) & mask & ~f->wr_mask)
		return TDX_METADATA_FIELD_VALUE_NOT_VALID;
	uint64_t nv = (cur & ~eff) | (value & eff);
	if (f->check && (st = f->check(c, f, elem, cur, nv)) != TDX_SUCCESS)
		return st;
	if ((st = elem_set(c, f, elem, cur, nv)) != TDX_SUCCESS)
		return st;
	*old = cur & f->rd_mask;
	return TDX_SUCCESS;
}

/* b may follow a in a table: a later class, or the same class past a's
 * last field; never after a whole-class row of its class. */
static int sorted_after(const struct tdx_md_field *a, const struct tdx_md_field *b)
{
	if (TDX_FIELD_CLASS(a->id) != TDX_FIELD_CLASS(b->id))
		return TDX_FIELD_CLASS(a->id) < TDX_FIELD_CLASS(b->id);
	return !(a->flags & TDX_MD_WHOLE_CLASS) &&
	       TDX_FIELD_CODE(a->id) + (uint64_t)a->num * row_stride(a) <= TDX_FIELD_CODE(b->id);
}

long tdx_md_table_check(const struct tdx_md_context *mc)
{
	for (size_t i = 0; i < mc->nrows; i++) {
		const struct tdx_md_field *f = &mc->rows[i];
		uint64_t sm = tdx_md_elem_size_mask(f->id);
		int mem = f->store == TDX_MD_TD_MEM || f->store == TDX_MD_VCPU_MEM;
		int bad = TDX_FIELD_CONTEXT(f->id) != mc->ctx || f->num == 0 ||
			  (f->rd_mask & ~sm) || (f->wr_mask & ~sm) ||
			  (f->wr_mask && (!mem || f->width != (1u << TDX_FIELD_ELEM_SIZE(f->id)))) ||
			  (f->rd_mask && f->store == TDX_MD_NONE) ||
			  (f->store == TDX_MD_FN && !f->get) ||
			  (f->id & (TDX_FIELD_RSVD_MASK | SEQ_MASK)) ||
			  (mem && (f->width == 0 || f->width > 8 ||
				   (size_t)f->num * f->width > f->size)) ||
			  (i && !sorted_after(&mc->rows[i - 1], f)) ||
			  ((f->flags & TDX_MD_WHOLE_CLASS) && TDX_FIELD_CODE(f->id));
		if (bad)
			return (long)i;
	}
	return -1;
}

/* ---- metadata lists (TDG.SYS.RDALL; MOD md_dump_list, md_dump_sequence) ----
 * A list is a header (u16 bytes used, u16 sequences, u32 reserved) and
 * sequences: a header field ID naming the first field, then the values of
 * consecutive whole fields of one class with the same element count and size. */
#define LIST_HDR 8u
#define LIST_MIN (LIST_HDR + 8u + 16u)	/* MOD: header + one field ID + MAX_ELEMENTS_IN_FIELD */

struct md_pos {
	size_t row;	/* mc->nrows: past the end of the context */
	unsigned field;	/* field within the row */
};

static unsigned row_elems(const struct tdx_md_field *f)
{
	return f->elems ? f->elems : 1;
}

/* Rows whose fields a list carries: readable, not a delegated class. */
static int row_listable(const struct tdx_td *td, const struct tdx_md_field *f)
{
	return f->rd_mask && !f->ops && row_present(td, f);
}

static uint64_t pos_id(const struct tdx_md_context *mc, struct md_pos p)
{
	const struct tdx_md_field *f = &mc->rows[p.row];

	return (f->id & ~CODE_MASK) | (TDX_FIELD_CODE(f->id) + p.field * row_elems(f) * row_stride(f));
}

static struct md_pos first_listable(const struct tdx_td *td, const struct tdx_md_context *mc,
				    size_t from)
{
	struct md_pos p = { from, 0 };

	while (p.row < mc->nrows && !row_listable(td, &mc->rows[p.row]))
		p.row++;
	return p;
}

/* The next field a list may carry (MOD md_get_next_accessible_item, by field). */
static struct md_pos next_listable(const struct tdx_td *td, const struct tdx_md_context *mc,
				   struct md_pos p)
{
	const struct tdx_md_field *f = &mc->rows[p.row];

	if (row_listable(td, f) && p.field + 1 < f->num / row_elems(f)) {
		p.field++;
		return p;
	}
	return first_listable(td, mc, p.row + 1);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));	/* x86-64: little-endian, as the module writes it */
}

uint64_t tdx_md_dump_list(struct tdx_call *c, const struct tdx_md_context *mc, uint64_t start,
			  void *buf, uint32_t size, uint64_t *next)
{
	const struct tdx_td *td = c->td;
	uint8_t *out = buf;
	struct md_pos p;
	unsigned elem;

	*next = TDX_FIELD_ID_NULL;
	if (size < LIST_MIN) {
		*next = start;
		return TDX_METADATA_LIST_OVERFLOW;
	}
	start = tdx_md_force_context(start, mc->ctx);
	if (tdx_md_is_null_id(start)) {
		p = first_listable(td, mc, 0);
		if (p.row == mc->nrows)
			return TDX_SUCCESS;	/* nothing readable: the buffer is left alone */
	} else {
		/* MOD md_check_field_and_get_entry(): class and code name the
		 * first element of a field and the size code is the field's;
		 * no other bit of the ID is looked at. */
		const struct tdx_md_field *f = tdx_md_lookup(td, mc, start, &elem);
		if (!f || (f->flags & TDX_MD_WHOLE_CLASS) || elem % row_elems(f) ||
		    TDX_FIELD_ELEM_SIZE(start) != TDX_FIELD_ELEM_SIZE(f->id))
			return TDX_METADATA_FIELD_ID_INCORRECT;
		p = (struct md_pos){ (size_t)(f - mc->rows), elem / row_elems(f) };
	}

	uint32_t left = size - LIST_HDR, used = LIST_HDR, nseq = 0;
	while (p.row < mc->nrows &&
	       left >= 8 + row_elems(&mc->rows[p.row]) * 8) {
		uint8_t *seq = out + used;
		uint32_t room = left - 8, n = 0, nfields = 0;
		int full = 1;	/* the sequence stopped for lack of room */
		uint64_t hdr = 0;
		const struct tdx_md_field *f = &mc->rows[p.row], *hf = f;

		while (room >= row_elems(f) * 8) {
			int readable = row_listable(td, f);
			if (readable) {
				for (unsigned e = 0; e < row_elems(f); e++)
					put64(seq + 8 + 8 * (n + e),
					      elem_get(c, f, p.field * row_elems(f) + e) & f->rd_mask);
				if (!nfields) {
					hdr = pos_id(mc, p);
					hf = f;
				}
				room -= row_elems(f) * 8;
				n += row_elems(f);
				nfields++;
			}
			uint64_t last = pos_id(mc, p);
			const struct tdx_md_field *lf = f;
			p = next_listable(td, mc, p);
			if (p.row < mc->nrows)
				f = &mc->rows[p.row];
			uint64_t nid = p.row < mc->nrows ? pos_id(mc, p) : 0;
			/* A sequence ends at an unreadable field, the end of the
			 * context, or a field that does not follow on. */
			if (!readable || p.row == mc->nrows ||
			    TDX_FIELD_CLASS(last) != TDX_FIELD_CLASS(nid) ||
			    TDX_FIELD_CODE(last) + row_elems(lf) * row_stride(lf) != TDX_FIELD_CODE(nid) ||
			    row_elems(lf) != row_elems(f) ||
			    TDX_FIELD_ELEM_SIZE(lf->id) != TDX_FIELD_ELEM_SIZE(f->id)) {
				full = 0;
				break;
			}
		}
		if (nfields) {
			/* The header: the first field's ID in this context, reserved
			 * bits and WRITE_MASK_VALID clear, element and field counts. */
			hdr = tdx_md_force_context(hdr, mc->ctx) & ~(TDX_FIELD_RSVD_MASK | TDX_FIELD_WRITE_MASK_VALID);
			hdr &= ~SEQ_MASK;
			hdr |= (uint64_t)(row_elems(hf) - 1) << 34 | (uint64_t)(nfields - 1) << 38;
			put64(seq, hdr);
			used += 8 + 8 * n;
			left -= 8 + 8 * n;
			nseq++;
		}
		if (full || p.row == mc->nrows)
			break;
	}
	put64(out, (uint64_t)(uint16_t)used | ((uint64_t)(uint16_t)nseq << 16));
	if (p.row == mc->nrows)
		return TDX_SUCCESS;
	*next = pos_id(mc, p);
	return TDX_METADATA_LIST_OVERFLOW;
}
