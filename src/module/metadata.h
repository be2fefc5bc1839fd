/* metadata.h: the table-driven metadata engine behind TDG.VM.RD/WR,
 * TDG.VP.RD/WR and TDG.SYS.RD (docs/metadata-fields.md, tdx-abi.md 6).
 *
 * Each context (SYS, TD, VCPU) is an ordered table of rows, one per field
 * or field array, in the order of the module's lookup tables: the order
 * defines the "next field ID" chain (metadata-fields.md 4). A row says
 * where the value lives (nowhere, a constant, bytes inside struct tdx_td
 * or struct tdx_vcpu, or a getter) and carries the guest masks. Rows the
 * guest may not access keep zero masks, so that an existing field is told
 * apart from a missing one (NOT_READABLE vs FIELD_ID_INCORRECT). */
#ifndef TDXKIT_MODULE_METADATA_H
#define TDXKIT_MODULE_METADATA_H

#include <stddef.h>
#include <stdint.h>

#include "td.h"

enum tdx_md_store {
	TDX_MD_NONE = 0,	/* hidden field: exists, never read by a guest */
	TDX_MD_CONST,		/* every element reads as .value */
	TDX_MD_TD_MEM,		/* .width-byte elements at .offset in struct tdx_td */
	TDX_MD_VCPU_MEM,	/* .width-byte elements at .offset in struct tdx_vcpu */
	TDX_MD_FN,		/* .get computes the element */
};

/* Row flags. */
#define TDX_MD_WHOLE_CLASS 0x1	/* every field code of the class hits this row */

struct tdx_md_field;

/* A row standing for a whole class whose fields have their own table,
 * masks and storage (TD partitioning: VMCS_n, MSR_BITMAPS_n; metadata_l2.c).
 * The engine does the ID checks and lookup by class, then delegates. */
struct tdx_md_class_ops {
	uint64_t (*read)(struct tdx_call *c, const struct tdx_md_field *f, uint64_t id, uint64_t *value);
	uint64_t (*write)(struct tdx_call *c, const struct tdx_md_field *f, uint64_t id, uint64_t value,
			  uint64_t mask, uint64_t *old);
	uint64_t (*first)(const struct tdx_md_field *f);	/* first readable ID, or -1 */
	uint64_t (*next)(const struct tdx_md_field *f, uint64_t id);	/* next readable ID in the class, or -1 */
};
typedef uint64_t tdx_md_get_fn(struct tdx_call *c, const struct tdx_md_field *f, unsigned elem);
/* Field-specific write check on the merged value; returns a TDX status. */
typedef uint64_t tdx_md_check_fn(struct tdx_call *c, const struct tdx_md_field *f, unsigned elem,
				 uint64_t old, uint64_t new_value);

struct tdx_md_field {
	const char *name;
	uint64_t id;		/* field ID as the module's table has it (size, class, NON_ARCH, INC_SIZE) */
	uint32_t num;		/* elements: codes base .. base + (num - 1) * stride */
	uint8_t elems;		/* elements per field (MOD num_of_elem); 0 = 1. Only
				 * TDG.SYS.RDALL's whole-field reads look at it */
	uint8_t vm;		/* 0 = always present; n = only when NUM_L2_VMS >= n */
	uint8_t store;		/* enum tdx_md_store */
	uint8_t width;		/* MEM: bytes per element in storage (1, 2, 4 or 8) */
	uint8_t flags;
	size_t offset;		/* MEM: offset of element 0 */
	size_t size;		/* MEM: bytes of the backing member (self-check) */
	uint64_t rd_mask;	/* guest read mask, within the element size */
	uint64_t wr_mask;	/* guest write mask; non-zero only for MEM rows */
	uint64_t value;		/* CONST */
	tdx_md_get_fn *get;	/* FN */
	tdx_md_check_fn *check;	/* optional write hook */
	const struct tdx_md_class_ops *ops;	/* delegated class (rd_mask != 0 marks it readable) */
};

struct tdx_md_context {
	const char *name;
	unsigned ctx;		/* enum tdx_field_context */
	const struct tdx_md_field *rows;
	size_t nrows;
};

extern const struct tdx_md_context tdx_md_sys_ctx, tdx_md_td_ctx, tdx_md_vp_ctx;

/* metadata_l2.c: the per-L2-VM classes VMCS_n and MSR_BITMAPS_n. */
extern const struct tdx_md_class_ops tdx_md_l2_vmcs_ops, tdx_md_l2_msr_bitmap_ops;
#define TDX_MD_L2_CLASS(nm, fid, n, o) \
	{ .name = (nm), .id = (fid), .num = 1, .vm = (n), .store = TDX_MD_FN, \
	  .flags = TDX_MD_WHOLE_CLASS, .rd_mask = ~0ull, .get = tdx_md_l2_get, .ops = &(o) }
tdx_md_get_fn tdx_md_l2_get;	/* never called: satisfies the FN-row self-check */

/* Row helpers for the tables. MEM rows name the backing member so its
 * offset and size are computed by the compiler. */
#define TDX_MD_HIDDEN(nm, fid, n) { .name = (nm), .id = (fid), .num = (n) }
#define TDX_MD_CONST_RO(nm, fid, n, rd, v) \
	{ .name = (nm), .id = (fid), .num = (n), .store = TDX_MD_CONST, .rd_mask = (rd), .value = (v) }
#define TDX_MD_FN_RO(nm, fid, n, rd, fn) \
	{ .name = (nm), .id = (fid), .num = (n), .store = TDX_MD_FN, .rd_mask = (rd), .get = (fn) }
#define TDX_MD_MEM(nm, fid, n, st, type, member, w, rd, wr, chk) \
	{ .name = (nm), .id = (fid), .num = (n), .store = (st), .width = (w), \
	  .offset = offsetof(type, member), .size = sizeof(((type *)0)->member), \
	  .rd_mask = (rd), .wr_mask = (wr), .check = (chk) }
#define TDX_MD_TD(nm, fid, n, member, w, rd, wr, chk) \
	TDX_MD_MEM(nm, fid, n, TDX_MD_TD_MEM, struct tdx_td, member, w, rd, wr, chk)
#define TDX_MD_VCPU(nm, fid, n, member, w, rd, wr, chk) \
	TDX_MD_MEM(nm, fid, n, TDX_MD_VCPU_MEM, struct tdx_vcpu, member, w, rd, wr, chk)

/* Field-ID checks (metadata-fields.md 4.1, 5). */
uint64_t tdx_md_force_context(uint64_t id, unsigned ctx);
int tdx_md_is_null_id(uint64_t id);	/* all ones except CONTEXT_CODE */
uint64_t tdx_md_check_single(uint64_t id);	/* TDX_SUCCESS or FIELD_ID_INCORRECT */
uint64_t tdx_md_elem_size_mask(uint64_t id);

/* Lookup by class + field code among the rows present for this TD; NULL if
 * none. *elem gets the element index. */
const struct tdx_md_field *tdx_md_lookup(const struct tdx_td *td, const struct tdx_md_context *mc,
					 uint64_t id, unsigned *elem);

/* First guest-readable field ID of the context, and the successor of a
 * readable `id` (metadata-fields.md 4.2); -1 when there is none. */
uint64_t tdx_md_first_id(const struct tdx_td *td, const struct tdx_md_context *mc);
uint64_t tdx_md_next_id(const struct tdx_td *td, const struct tdx_md_context *mc, uint64_t id);

/* Guest access to one element, after the leaf's own operand checks. The
 * ID is taken as the guest passed it (context forced here). Read: a null
 * ID with `null_ok` gives FIRST_FIELD_ID_IN_CONTEXT and *next = first ID.
 * On success *value / *old are already masked with the read mask and
 * *next is the next readable ID (reads only). */
uint64_t tdx_md_guest_read(struct tdx_call *c, const struct tdx_md_context *mc, uint64_t id,
			   int null_ok, uint64_t *value, uint64_t *next);
uint64_t tdx_md_guest_write(struct tdx_call *c, const struct tdx_md_context *mc, uint64_t id,
			    uint64_t value, uint64_t mask, uint64_t *old);

/* metadata_hidden.c: classes the module knows but never lets a guest read
 * or write (no guest masks), with their own field-ID validity rules: the TD
 * VMCS (VCPU class 0) and CPUID_VALUES (TD class 20). */
extern const struct tdx_md_class_ops tdx_md_td_vmcs_ops, tdx_md_cpuid_values_ops;
#define TDX_MD_HIDDEN_CLASS(nm, fid, n, o) \
	{ .name = (nm), .id = (fid), .num = (n), .flags = TDX_MD_WHOLE_CLASS, .ops = &(o) }

/* TDG.SYS.RDALL (MOD md_dump_list() with MD_GUEST_RD): write a metadata list
 * of the readable fields from `start` (a null ID: the first one) into the
 * `size`-byte buffer: header, then sequences of whole fields. *next gets the
 * field the list stopped before, or the null ID when the context is done.
 * Returns TDX_SUCCESS, METADATA_LIST_OVERFLOW (more to read) or
 * METADATA_FIELD_ID_INCORRECT (start is not the first element of a field). */
uint64_t tdx_md_dump_list(struct tdx_call *c, const struct tdx_md_context *mc, uint64_t start,
			  void *buf, uint32_t size, uint64_t *next);

/* Table self-check for the tests: masks inside element sizes, MEM rows
 * inside their members, writable rows backed by memory of the element size,
 * rows sorted by (class, code) with disjoint ranges and a whole-class row
 * alone in its class at code 0 (tdx_md_lookup bisects). Returns the index
 * of the first bad row, or -1 when all rows are sound. */
long tdx_md_table_check(const struct tdx_md_context *mc);

#endif
