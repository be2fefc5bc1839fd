/* trace.c: one decoded line per TDCALL, for tdx-run --trace. The line is
 * written from the trap handler, so it is formatted into a stack buffer
 * (snprintf with integer and string formats only: no malloc, no locale)
 * and written with one write(2). */
#define _GNU_SOURCE /* REG_* names of ucontext_t */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tdxkit/names.h"
#include "trap_int.h"

#define R(g) (1u << TDX_GPR_##g)

/* Registers each leaf reads and writes besides RAX (tdx-abi.md 1.4). */
static const struct {
	uint16_t in, out;
} leaf_regs[] = {
	[TDG_VP_INFO] = { 0, R(RCX) | R(RDX) | R(R8) | R(R9) | R(R10) | R(R11) },
	[TDG_MR_RTMR_EXTEND] = { R(RCX) | R(RDX), 0 },
	[TDG_VP_VEINFO_GET] = { 0, R(RCX) | R(RDX) | R(R8) | R(R9) | R(R10) },
	[TDG_MR_REPORT] = { R(RCX) | R(RDX) | R(R8), 0 },
	[TDG_VP_CPUIDVE_SET] = { R(RCX), 0 },
	[TDG_MEM_PAGE_ACCEPT] = { R(RCX), 0 },
	[TDG_VM_RD] = { R(RCX) | R(RDX), R(RDX) | R(R8) },
	[TDG_VM_WR] = { R(RCX) | R(RDX) | R(R8) | R(R9), R(R8) },
	[TDG_VP_RD] = { R(RCX) | R(RDX), R(RDX) | R(R8) },
	[TDG_VP_WR] = { R(RCX) | R(RDX) | R(R8) | R(R9), R(R8) },
	[TDG_SYS_RD] = { R(RDX), R(RDX) | R(R8) },
	[TDG_SYS_RDALL] = { R(RDX) | R(R8), R(R8) },
	[TDG_SERVTD_RD] = { R(RCX) | R(RDX) | R(R10) | R(R11) | R(R12) | R(R13), R(R8) },
	[TDG_SERVTD_WR] = { R(RCX) | R(RDX) | R(R8) | R(R9) | R(R10) | R(R11) | R(R12) | R(R13),
			    R(R8) },
	[TDG_MR_VERIFYREPORT] = { R(RCX), 0 },
	[TDG_MEM_PAGE_ATTR_RD] = { R(RCX), R(RCX) | R(RDX) },
	[TDG_MEM_PAGE_ATTR_WR] = { R(RCX) | R(RDX) | R(R8), R(RCX) | R(RDX) },
	[TDG_VP_ENTER] = { R(RCX) | R(RDX), R(RCX) | R(RDX) | R(RSI) | R(RDI) | R(R8) | R(R9) |
			   R(R10) | R(R11) | R(R12) | R(R13) },
	[TDG_VP_INVEPT] = { R(RCX), 0 },
	[TDG_VP_INVGLA] = { R(RCX) | R(RDX), R(RDX) },
};
#define NR_LEAF_REGS (sizeof(leaf_regs) / sizeof(leaf_regs[0]))

static const char *const gpr_names[TDX_NR_GPRS] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

/* Appends to buf at *n, never past len; *n still counts what did not fit. */
static void put(char *buf, size_t len, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t len, size_t *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(*n < len ? buf + *n : NULL, *n < len ? len - *n : 0, fmt, ap);
	va_end(ap);
	if (k > 0)
		*n += (size_t)k;
}

static void put_regs(char *buf, size_t len, size_t *n, const struct tdx_regs *r,
		     uint32_t mask, const char *sep)
{
	const char *s = "";
	for (unsigned i = 0; i < TDX_NR_GPRS; i++) {
		if (!(mask & (1u << i)))
			continue;
		put(buf, len, n, "%s%s=0x%llx", s, gpr_names[i], (unsigned long long)r->gpr[i]);
		s = sep;
	}
}

static const char *outcome_name(enum tdx_tdcall_outcome o)
{
	switch (o) {
	case TDX_OUTCOME_DONE: return "DONE";
	case TDX_OUTCOME_REEXECUTE: return "interrupted, re-executed";
	case TDX_OUTCOME_TD_EXIT: return "TD exit";
	case TDX_OUTCOME_INJECT: return "exception injected";
	case TDX_OUTCOME_TD_DEAD: return "TD dead";
	}
	return "unknown outcome";
}

int tdx_trap_trace_format(char *buf, size_t len, unsigned vcpu, const struct tdx_regs *in,
			  const struct tdx_regs *out, enum tdx_tdcall_outcome o)
{
	uint64_t leaf = in->rax & TDX_LEAF_MASK;
	const char *name = tdx_leaf_name(leaf);
	uint32_t rin = 0, rout = 0;
	size_t n = 0;
	char st[96];

	if (len)
		buf[0] = 0;
	if (leaf == TDG_VP_VMCALL) {
		/* The exposed registers are the arguments and the results (3.1). */
		uint32_t sel = TDX_VMCALL_GPR_SELECT(in->rcx) & ~TDX_VMCALL_FORBIDDEN_GPRS;
		rin = R(RCX) | sel;
		rout = sel;
	} else if (leaf < NR_LEAF_REGS && (leaf_regs[leaf].in || leaf_regs[leaf].out)) {
		rin = leaf_regs[leaf].in;
		rout = leaf_regs[leaf].out;
	} else {
		rin = R(RCX) | R(RDX) | R(R8) | R(R9);	/* unknown: show the usual inputs */
	}

	put(buf, len, &n, "%s: [vcpu%u rip=0x%llx] ", tdx_trap_name, vcpu,
	    (unsigned long long)in->rip);
	if (name)
		put(buf, len, &n, "%s", name);
	else
		put(buf, len, &n, "leaf %llu", (unsigned long long)leaf);
	if (TDX_LEAF_VERSION(in->rax) || (in->rax & TDX_LEAF_RSVD_MASK))
		put(buf, len, &n, "[rax=0x%llx]", (unsigned long long)in->rax);
	put(buf, len, &n, "(");
	put_regs(buf, len, &n, in, rin, ", ");
	put(buf, len, &n, ")");
	if (leaf == TDG_VP_VMCALL && in->r10 == 0 && (in->rcx & R(R11))) {
		const char *sub = tdx_tdvmcall_name(in->r11);
		if (sub)
			put(buf, len, &n, " [%s]", sub);
	}

	if (leaf == TDG_VM_RD || leaf == TDG_VM_WR || leaf == TDG_VP_RD || leaf == TDG_VP_WR ||
	    leaf == TDG_SYS_RD) {
		const char *field = tdx_field_name(in->rdx);
		if (field)
			put(buf, len, &n, " [%s]", field);
	}

	if (o != TDX_OUTCOME_DONE) {
		put(buf, len, &n, " -> %s\n", outcome_name(o));
		return (int)n;
	}
	tdx_format_status(out->rax, st, sizeof(st));
	put(buf, len, &n, " = %s", st);
	if (rout && !TDX_STATUS_IS_ERROR(out->rax)) {	/* a failed leaf's outputs say nothing */
		put(buf, len, &n, ": ");
		put_regs(buf, len, &n, out, rout, " ");
	}
	if (leaf == TDG_VP_VMCALL && out->rax == TDX_SUCCESS && (in->rcx & R(R10))) {
		const char *vs = tdx_tdvmcall_status_name(out->r10);
		if (vs)
			put(buf, len, &n, " [%s]", vs);
	}
	put(buf, len, &n, "\n");
	return (int)n;
}

/* A JSON string of a name; our names are printable ASCII, but a quote or
 * a control byte must still not break the line. */
static void put_json_str(char *buf, size_t len, size_t *n, const char *s)
{
	put(buf, len, n, "\"");
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\')
			put(buf, len, n, "%c", c);
		else
			put(buf, len, n, "\\u%04x", c);
	}
	put(buf, len, n, "\"");
}

static void put_json_regs(char *buf, size_t len, size_t *n, const struct tdx_regs *r,
			  uint32_t mask)
{
	const char *s = "";
	put(buf, len, n, "{");
	for (unsigned i = 0; i < TDX_NR_GPRS; i++) {
		if (!(mask & (1u << i)))
			continue;
		put(buf, len, n, "%s\"%s\":\"0x%llx\"", s, gpr_names[i],
		    (unsigned long long)r->gpr[i]);
		s = ",";
	}
	put(buf, len, n, "}");
}

/* The same call as one JSON object (tdx-run --trace=json); register values
 * are hex strings, as in the default host's TDVMCALL records (vmm.h). */
static int trace_format_json(char *buf, size_t len, unsigned vcpu, const struct tdx_regs *in,
			     const struct tdx_regs *out, enum tdx_tdcall_outcome o)
{
	uint64_t leaf = in->rax & TDX_LEAF_MASK;
	const char *name = tdx_leaf_name(leaf);
	uint32_t rin, rout;
	size_t n = 0;
	char st[96];

	if (leaf == TDG_VP_VMCALL) {
		uint32_t sel = TDX_VMCALL_GPR_SELECT(in->rcx) & ~TDX_VMCALL_FORBIDDEN_GPRS;
		rin = R(RCX) | sel;
		rout = sel;
	} else if (leaf < NR_LEAF_REGS && (leaf_regs[leaf].in || leaf_regs[leaf].out)) {
		rin = leaf_regs[leaf].in;
		rout = leaf_regs[leaf].out;
	} else {
		rin = R(RCX) | R(RDX) | R(R8) | R(R9);
		rout = 0;
	}
	put(buf, len, &n, "{\"vcpu\":%u,\"rip\":\"0x%llx\",\"leaf\":", vcpu,
	    (unsigned long long)in->rip);
	if (name)
		put_json_str(buf, len, &n, name);
	else
		put(buf, len, &n, "null");
	put(buf, len, &n, ",\"rax\":\"0x%llx\",\"in\":", (unsigned long long)in->rax);
	put_json_regs(buf, len, &n, in, rin);
	if (o != TDX_OUTCOME_DONE) {
		put(buf, len, &n, ",\"outcome\":");
		put_json_str(buf, len, &n, outcome_name(o));
		put(buf, len, &n, "}\n");
		return (int)n;
	}
	tdx_format_status(out->rax, st, sizeof(st));
	put(buf, len, &n, ",\"outcome\":\"DONE\",\"status\":");
	put_json_str(buf, len, &n, st);
	put(buf, len, &n, ",\"status_raw\":\"0x%llx\",\"out\":", (unsigned long long)out->rax);
	put_json_regs(buf, len, &n, out, TDX_STATUS_IS_ERROR(out->rax) ? 0 : rout);
	put(buf, len, &n, "}\n");
	return (int)n;
}

static _Atomic int trace_json;

void tdx_trap_trace_set_json(int json)
{
	atomic_store(&trace_json, json);
}

/* One whole line with one write(2) where possible (no stdio: signal context). */
static void write_line(int fd, char *line, int n, size_t cap)
{
	int saved = errno;

	if ((size_t)n >= cap) {	/* cut, but keep it one line */
		n = (int)cap - 1;
		line[n - 1] = '\n';
	}
	for (int off = 0; off < n;) {
		ssize_t w = write(fd, line + off, (size_t)(n - off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (int)w;
	}
	errno = saved;
}

/* The hook the TDCALL lines chain to (the default host's: its TDVMCALL
 * line follows ours). One traced TD at a time, as the engine has one. */
static tdx_trace_fn trace_next;
static void *trace_next_ctx;

static void trace_to_fd(void *ctx, unsigned vcpu, const struct tdx_regs *in,
			const struct tdx_regs *out, enum tdx_tdcall_outcome o)
{
	int fd = (int)(intptr_t)ctx;
	char line[1024];
	int n = atomic_load(&trace_json) ? trace_format_json(line, sizeof(line), vcpu, in, out, o)
					 : tdx_trap_trace_format(line, sizeof(line), vcpu, in, out, o);

	if (n > 0)
		write_line(fd, line, n, sizeof(line));
	if (trace_next)
		trace_next(trace_next_ctx, vcpu, in, out, o);
}

/* Where #VE lines go: the module traces TDCALLs itself, but a #VE outside
 * a TDCALL never reaches it, so the engine keeps the fd for those. */
static struct tdx_td *_Atomic ve_trace_td;
static _Atomic int ve_trace_fd = -1;

void tdx_trap_trace_to_fd(struct tdx_td *td, int fd, tdx_trace_fn next, void *next_ctx)
{
	trace_next = next;
	trace_next_ctx = next_ctx;
	if (fd < 0)
		tdx_td_set_trace(td, next, next_ctx);
	else
		tdx_td_set_trace(td, trace_to_fd, (void *)(intptr_t)fd);
	atomic_store(&ve_trace_fd, fd < 0 ? -1 : fd);
	atomic_store(&ve_trace_td, fd < 0 ? NULL : td);
}

void tdx_trap_trace_note(const char *text)
{
	int fd = atomic_load(&ve_trace_fd);
	char line[400];
	size_t n = 0;

	if (fd < 0)
		return;
	if (atomic_load(&trace_json)) {
		put(line, sizeof(line), &n, "{\"event\":\"note\",\"text\":");
		put_json_str(line, sizeof(line), &n, text);
		put(line, sizeof(line), &n, "}\n");
	} else {
		put(line, sizeof(line), &n, "%s: %s\n", tdx_trap_name, text);
	}
	write_line(fd, line, (int)n, sizeof(line));
}

int tdx_trap_ve_format(char *buf, size_t len, unsigned vcpu, const struct tdx_ve_event *ev,
		       uint64_t rip, unsigned vector)
{
	const char *reason = tdx_exit_reason_name(ev->exit_reason);
	size_t n = 0;

	if (len)
		buf[0] = 0;
	put(buf, len, &n, "%s: [vcpu%u rip=0x%llx] %s ", tdx_trap_name, vcpu,
	    (unsigned long long)rip, vector == 8 ? "#DF (#VE while VE_INFO.VALID)" : "#VE");
	if (reason)
		put(buf, len, &n, "%s", reason);
	else
		put(buf, len, &n, "exit reason %u", ev->exit_reason);
	put(buf, len, &n, " qual=0x%llx gla=0x%llx gpa=0x%llx len=%u info=0x%x\n",
	    (unsigned long long)ev->exit_qual, (unsigned long long)ev->gla,
	    (unsigned long long)ev->gpa, ev->instr_len, ev->instr_info);
	return (int)n;
}

static int ve_format_json(char *buf, size_t len, unsigned vcpu, const struct tdx_ve_event *ev,
			  uint64_t rip, unsigned vector)
{
	const char *reason = tdx_exit_reason_name(ev->exit_reason);
	size_t n = 0;

	put(buf, len, &n, "{\"vcpu\":%u,\"rip\":\"0x%llx\",\"event\":\"%s\",\"exit_reason\":",
	    vcpu, (unsigned long long)rip, vector == 8 ? "#DF" : "#VE");
	if (reason)
		put_json_str(buf, len, &n, reason);
	else
		put(buf, len, &n, "%u", ev->exit_reason);
	put(buf, len, &n, ",\"qual\":\"0x%llx\",\"gla\":\"0x%llx\",\"gpa\":\"0x%llx\","
	    "\"len\":%u,\"info\":\"0x%x\"}\n", (unsigned long long)ev->exit_qual,
	    (unsigned long long)ev->gla, (unsigned long long)ev->gpa, ev->instr_len, ev->instr_info);
	return (int)n;
}

void tdx_trap_trace_ve(unsigned vcpu, const struct tdx_ve_event *ev, uint64_t rip,
		       unsigned vector)
{
	int fd = atomic_load(&ve_trace_fd);
	char line[320];

	if (fd < 0 || atomic_load(&ve_trace_td) != tdx_trap_g.td)
		return;
	int n = atomic_load(&trace_json) ? ve_format_json(line, sizeof(line), vcpu, ev, rip, vector)
					 : tdx_trap_ve_format(line, sizeof(line), vcpu, ev, rip, vector);
	if (n > 0)
		write_line(fd, line, n, sizeof(line));
}

int tdx_trap_irq_format(char *line, size_t len, unsigned vcpu, int vector, uint64_t rip,
			int delivered)
{
	size_t n = 0;

	if (atomic_load(&trace_json))
		put(line, len, &n, "{\"vcpu\":%u,\"rip\":\"0x%llx\",\"event\":\"interrupt\","
		    "\"vector\":%d,\"delivered\":%s}\n", vcpu, (unsigned long long)rip, vector,
		    delivered ? "true" : "false");
	else
		put(line, len, &n, "%s: [vcpu%u rip=0x%llx] interrupt vector %d from the host: "
		    "%s\n", tdx_trap_name, vcpu, (unsigned long long)rip, vector,
		    delivered ? "delivered to the program's handler"
			      : "dropped (the program registered no interrupt handler)");
	return (int)n;
}

void tdx_trap_trace_irq(unsigned vcpu, int vector, uint64_t rip, int delivered)
{
	int fd = atomic_load(&ve_trace_fd);
	char line[200];

	if (fd < 0 || atomic_load(&ve_trace_td) != tdx_trap_g.td)
		return;
	int n = tdx_trap_irq_format(line, sizeof(line), vcpu, vector, rip, delivered);
	write_line(fd, line, n, sizeof(line));
}
