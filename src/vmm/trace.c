/* trace.c: one line per TDVMCALL: service, arguments (the exposed input
 * registers of 3.4, by name), GHCI status (3.3), outputs (the registers
 * the service answers in, plus any exposed register the host changed:
 * hostile answers), to cfg.trace (FILE) or cfg.trace_fd.
 *   human: tdx-vmm: [vcpu0 rip=0x401000] IO(size=0x1, dir=0x1, port=0x3f8,
 *          data=0x41) = TDVMCALL_STATUS_SUCCESS
 *   JSON:  {"vcpu":0,"rip":"0x401000","service":"IO","subfn":"0x1e",
 *          "args":{"size":"0x1",...},"status":"TDVMCALL_STATUS_SUCCESS",
 *          "r10":"0x0","out":{...},"hostile":null,"stopped":false,"ns":812}
 * Register values are hex strings in JSON (64-bit values do not survive
 * JSON numbers); "rip" is null when no trace hook supplied it (vmm.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tdxkit/names.h"
#include "vmm_int.h"

#define R(r) TDX_GPR_##r
#define MAXARGS 4

struct arg { const char *name; enum tdx_gpr reg; };

static const struct arg args[TDX_HOST_NR_KINDS][MAXARGS] = {
	[TDX_HOST_CPUID] = { { "leaf", R(R12) }, { "subleaf", R(R13) } },
	[TDX_HOST_HLT] = { { "irq_blocked", R(R12) } },
	[TDX_HOST_IO] = { { "size", R(R12) }, { "dir", R(R13) }, { "port", R(R14) }, { "data", R(R15) } },
	[TDX_HOST_RDMSR] = { { "msr", R(R12) } },
	[TDX_HOST_WRMSR] = { { "msr", R(R12) }, { "value", R(R13) } },
	[TDX_HOST_MMIO] = { { "size", R(R12) }, { "dir", R(R13) }, { "gpa", R(R14) }, { "data", R(R15) } },
	[TDX_HOST_WBINVD] = { { "op", R(R12) } },
	[TDX_HOST_GET_TD_VM_CALL_INFO] = { { "leaf", R(R12) } },
	[TDX_HOST_MAP_GPA] = { { "gpa", R(R12) }, { "size", R(R13) } },
	[TDX_HOST_GET_QUOTE] = { { "gpa", R(R12) }, { "size", R(R13) } },
	[TDX_HOST_REPORT_FATAL_ERROR] = { { "code", R(R12) }, { "gpa", R(R13) } },
	[TDX_HOST_SETUP_EVENT_NOTIFY] = { { "vector", R(R12) } },
	[TDX_HOST_SERVICE] = { { "cmd", R(R12) }, { "resp", R(R13) }, { "vector", R(R14) }, { "timeout", R(R15) } },
	[TDX_HOST_VENDOR] = { { "nr", R(R10) }, { "a0", R(R11) }, { "a1", R(R12) }, { "a2", R(R13) } },
};

static const char *const reg_names[TDX_NR_GPRS] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

struct buf { char s[1024]; size_t n; };

static void put(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	if (b->n >= sizeof(b->s))
		return;
	va_start(ap, fmt);
	int k = vsnprintf(b->s + b->n, sizeof(b->s) - b->n, fmt, ap);
	va_end(ap);
	if (k > 0)
		b->n += (size_t)k;
	if (b->n >= sizeof(b->s))
		b->n = sizeof(b->s) - 1;
}

static unsigned long long u(uint64_t x) { return (unsigned long long)x; }

/* Registers worth printing as outputs. */
static uint32_t out_regs(const struct vmm_event *ev)
{
	uint32_t m = tdx_host_out_mask(&ev->req, ev->status);

	for (unsigned i = TDX_GPR_RDX; i < TDX_NR_GPRS; i++)
		if (ev->out[i] != ev->in[i])
			m |= 1u << i;
	return m & ev->exposed & ~(1u << TDX_GPR_R10);
}

static void json_str(struct buf *b, const char *s)
{
	put(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\')
			put(b, "%c", c);
		else
			put(b, "\\u%04x", c);
	}
	put(b, "\"");
}

static void human(struct buf *b, const struct vmm_event *ev, int have_rip, uint64_t rip)
{
	const char *st = tdx_tdvmcall_status_name(ev->status);
	const char *sep = "";

	if (have_rip)
		put(b, "tdx-vmm: [vcpu%u rip=0x%llx] ", ev->vcpu, u(rip));
	else
		put(b, "tdx-vmm: [vcpu%u rip=?] ", ev->vcpu);
	if (ev->req.kind == TDX_HOST_UNKNOWN)
		put(b, "subfn 0x%llx(", u(ev->req.subfn));
	else
		put(b, "%s(", tdx_host_kind_name(ev->req.kind));
	for (unsigned i = 0; i < MAXARGS && args[ev->req.kind][i].name; i++) {
		const struct arg *a = &args[ev->req.kind][i];
		if (ev->exposed >> a->reg & 1) {
			put(b, "%s%s=0x%llx", sep, a->name, u(ev->in[a->reg]));
			sep = ", ";
		}
	}
	if (ev->req.kind == TDX_HOST_REPORT_FATAL_ERROR) {	/* one line: no control bytes */
		put(b, "%smsg=\"", sep);
		for (const char *c = ev->req.fatal.msg; *c; c++)
			put(b, "%c", *c >= 0x20 && *c < 0x7F && *c != '"' ? *c : '?');
		put(b, "\"");
	}
	if (st)
		put(b, ") = %s", st);
	else
		put(b, ") = 0x%llx", u(ev->status));
	uint32_t m = out_regs(ev);
	for (unsigned i = 0; i < TDX_NR_GPRS; i++)
		if (m >> i & 1)
			put(b, " %s=0x%llx", reg_names[i], u(ev->out[i]));
	if (ev->hostile)
		put(b, " [hostile: %s]", ev->hostile);
	if (ev->stopped)
		put(b, " [TD stopped]");
	put(b, "\n");
}

static void json(struct buf *b, const struct vmm_event *ev, int have_rip, uint64_t rip)
{
	const char *st = tdx_tdvmcall_status_name(ev->status);
	const char *sep = "";

	put(b, "{\"vcpu\":%u,\"rip\":", ev->vcpu);
	put(b, have_rip ? "\"0x%llx\"" : "null", u(rip));
	put(b, ",\"service\":");
	json_str(b, tdx_host_kind_name(ev->req.kind));
	put(b, ",\"subfn\":\"0x%llx\",\"args\":{", u(ev->req.subfn));
	for (unsigned i = 0; i < MAXARGS && args[ev->req.kind][i].name; i++) {
		const struct arg *a = &args[ev->req.kind][i];
		if (ev->exposed >> a->reg & 1) {
			put(b, "%s\"%s\":\"0x%llx\"", sep, a->name, u(ev->in[a->reg]));
			sep = ",";
		}
	}
	put(b, "}");
	if (ev->req.kind == TDX_HOST_REPORT_FATAL_ERROR) {
		put(b, ",\"message\":");
		json_str(b, ev->req.fatal.msg);
	}
	put(b, ",\"status\":");
	if (st)
		json_str(b, st);
	else
		put(b, "null");
	put(b, ",\"r10\":\"0x%llx\",\"out\":{", u(ev->status));
	sep = "";
	uint32_t m = out_regs(ev);
	for (unsigned i = 0; i < TDX_NR_GPRS; i++)
		if (m >> i & 1) {
			put(b, "%s\"%s\":\"0x%llx\"", sep, reg_names[i], u(ev->out[i]));
			sep = ",";
		}
	put(b, "},\"hostile\":");
	if (ev->hostile)
		json_str(b, ev->hostile);
	else
		put(b, "null");
	put(b, ",\"stopped\":%s,\"ns\":%llu}\n", ev->stopped ? "true" : "false", u(ev->ns));
}

void vmm_trace_event(struct tdx_vmm *v, const struct vmm_event *ev, int have_rip, uint64_t rip)
{
	if (!v->cfg.trace && v->cfg.trace_fd < 0)
		return;	/* before the line buffer is even zeroed: this runs per TDVMCALL */
	struct buf b = { .n = 0 };
	(v->cfg.trace_json ? json : human)(&b, ev, have_rip, rip);
	if (b.n && b.s[b.n - 1] != '\n')
		b.s[b.n - 1] = '\n';	/* cut, but still one line */
	vmm_emit(v->cfg.trace, v->cfg.trace_fd, b.s, b.n);
}
