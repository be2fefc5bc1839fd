/* tdx-run: run an unmodified x86-64 Linux program as a TD. The tool only
 * validates options and execs the program with the preload library, whose
 * constructor creates the TD and starts the trap engine (src/trap). */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtd.h"
#include "tdxkit/isolate.h"
#include "tdxkit/trap.h"

#define EXIT_USAGE 2
#define EXIT_TOOL 125	/* as env(1)/timeout(1): the tool itself failed */

static const char usage_text[] =
"usage: tdx-run [--mem SIZE] [--gpaw 48|52] [--vcpus N] [--l2-vms N]\n"
"               [--sept 2m|4k] [--attributes HEX] [--windows auto|fault|protect]\n"
"               [--trace[=json]] [--stats] [--leak-check] [--hostile SEED]\n"
"               [--quote-key FILE] [--gdb] [--xfam HEX|host] [--mrconfigid HEX]\n"
"               [--mrowner HEX] [--mrownerconfig HEX] [--isolated]\n"
"               -- PROGRAM [ARGS...]\n"
"\n"
"Runs an unmodified x86-64 Linux program as a TDX trust domain modelled in\n"
"software. When the program executes TDCALL (66 0F 01 CC), which faults\n"
"outside a TD (#UD, SIGILL, on AMD CPUs; #GP, SIGSEGV, on Intel CPUs), the\n"
"call is serviced by the TDX module model and the program continues after\n"
"it with the module's results in its registers. TDVMCALLs (TDG.VP.VMCALL)\n"
"go on to a default host (see below). Each thread of the program is a VCPU.\n"
"\n"
"Options:\n"
"  --mem SIZE     TD memory size: bytes, 0x-hex, or with K/M/G/T (1024-based)\n"
"                 suffix; a multiple of 4 KiB (default 1G)\n"
"  --gpaw 48|52   guest physical address width; the shared bit is GPAW-1\n"
"                 (default 48)\n"
"  --vcpus N      number of VCPUs, 1..64 (default 1)\n"
"  --l2-vms N     number of L2 VMs for TD partitioning, 0..3 (default 0). L2 code\n"
"                 entered with TDG.VP.ENTER runs on Unicorn 2.0.1: only 64-bit long\n"
"                 mode at CPL 0 with identity-mapped paging (GLA == GPA); other CPU\n"
"                 states are refused and the TD stops with the reason (README)\n"
"  --sept 2m|4k   how the host maps memory before it is accepted: 2 MiB\n"
"                 PENDING pages where aligned, or 4 KiB pages only\n"
"                 (default 2m)\n"
"  --attributes HEX  TD ATTRIBUTES (default 10000000: SEPT_VE_DISABLE; 0 makes\n"
"                 a touch of a PENDING page a #VE)\n"
"  --windows MODE how the TD memory windows follow the page states: fault\n"
"                 (a userfaultfd maps each page at its first allowed touch;\n"
"                 any fragmentation; the kernel's own accesses, e.g. read(2)\n"
"                 into a window, are not checked), protect (mprotect: exact\n"
"                 for the kernel too, but every boundary between states is a\n"
"                 kernel mapping and vm.max_map_count of them run out), or\n"
"                 auto (default: fault where the kernel has it, Linux 5.14+)\n"
"  --trace        print one line per TDCALL on standard error: leaf name,\n"
"                 inputs, status name, outputs; for a TDVMCALL also a\n"
"                 'tdx-vmm:' line: service, arguments, GHCI status, outputs;\n"
"                 and one line per #VE\n"
"  --trace=json   the same as JSON lines (register values as hex strings)\n"
"  --stats        at exit, count and time per TDCALL leaf and per TDVMCALL\n"
"                 service on standard error\n"
"  --leak-check   report every register a TDVMCALL exposes to the host that\n"
"                 the service does not take as input yet holds a non-zero\n"
"                 value: 'tdx-vmm: leak-check: SERVICE exposes REG ... rip=RIP'\n"
"  --hostile SEED the host answers adversarially (wrong statuses, bad RETRY\n"
"                 addresses, garbage, oversized values), reproducibly per SEED\n"
"  --quote-key FILE  the attestation key GetQuote signs with: FILE, a PEM\n"
"                 P-256 private key, if it exists; otherwise a fresh key whose\n"
"                 public half is saved to FILE (for tdx-decode quote)\n"
"  --gdb          run the program under gdb: the engine's own signals (the\n"
"                 TDCALL trap, #VE instructions, window faults, interrupts)\n"
"                 pass silently, a genuine fault of the program stops gdb at\n"
"                 the faulting instruction, and a TD the engine stops (bad\n"
"                 access, injected exception, dead TD) stops gdb after the\n"
"                 one-line reason, with the program's frames in the backtrace\n"
"  --xfam HEX|host  TD XFAM (default 3: x87, SSE); host = this CPU's XCR0\n"
"                 within the bits the module allows. Checked as TDH.MNG.INIT\n"
"                 checks it (module XFAM_FIXED0/1, this CPU's XCR0/XSS)\n"
"  --mrconfigid HEX, --mrowner HEX, --mrownerconfig HEX\n"
"                 the 48-byte TD_PARAMS values, up to 96 hex digits, byte 0\n"
"                 first, the rest zero; TDG.VM.RD and TDREPORT show them\n"
"  --isolated     run the program under the isolated engine (see Engines\n"
"                 below); also TDXKIT_RUN_ENGINE=isolated in the environment\n"
"  -h, --help     this text\n"
"  --version      print tdx-run's version and exit\n"
"\n"
"The default host (the TD's VMM):\n"
"  IO port 0x3F8-0x3FF  a 16550 UART; what the program writes to it goes to\n"
"                 tdx-run's standard output\n"
"  IO port 0x501  exit port: a write of V ends the run with exit status V\n"
"  CPUID, RDMSR/WRMSR  a CPUID table and an MSR store; MMIO: a test device\n"
"                 page at GPA = TD memory size (ID register reads TDXKMMIO),\n"
"                 reached through the shared alias\n"
"  MapGPA, GetQuote (a quoting service on its own thread completes it while\n"
"                 the program runs: poll the buffer's status word, no TDCALL\n"
"                 needed), SetupEventNotifyInterrupt (the vector is delivered\n"
"                 on the VCPU that set it up when a quote completes: see\n"
"                 interrupts below), GetTdVmCallInfo, ReportFatalError (ends\n"
"                 the run, see exit status)\n"
"\n"
"Contract for the program:\n"
"  * TD memory (GPA 0 .. TDXKIT_MEM_SIZE-1) is mapped in the program's address\n"
"    space twice. These environment variables, in hex with a 0x prefix (parse\n"
"    with strtoull(s, NULL, 16)), say where:\n"
"      TDXKIT_PRIVATE_BASE  virtual address of GPA 0 through the private alias\n"
"      TDXKIT_SHARED_BASE   virtual address of GPA 0 through the shared alias\n"
"                           (the program names these pages GPA | shared bit)\n"
"      TDXKIT_MEM_SIZE      TD memory size in bytes\n"
"  * A page is reachable only through the alias that matches its state:\n"
"    accepted private pages (TDG.MEM.PAGE.ACCEPT) through the private window,\n"
"    pages converted to shared (MapGPA) through the shared window. Touching a\n"
"    pending page, or a page through the wrong alias, stops the program with\n"
"    one line naming the GPA, the access and the RIP (exit status 120).\n"
"  * GPA operands of TDCALLs (RTMR digest, TDREPORT buffer, ...) are GPAs,\n"
"    not virtual addresses: address of the data minus the window base.\n"
"  * #VE: a program that registers a handler (tdx_ve_register() in\n"
"    tdxkit/trap.h, or the default one of libtdxkit-guest-ve, tdxkit/ve.h)\n"
"    gets IN/OUT, HLT, RDMSR/WRMSR, MMIO (a shared-alias page the host has\n"
"    not mapped) and, with --attributes 0, PENDING-page touches as a #VE: the\n"
"    handler runs with the interrupted registers and may make TDCALLs. With\n"
"    no handler, or a #VE while VE_INFO is still valid (#DF), the program\n"
"    stops with one line (status 121); other injected exceptions (#GP) too.\n"
"  * Interrupts: a program that registers a handler (tdx_irq_register() in\n"
"    tdxkit/trap.h) gets the host's notification vector on its VCPU's thread\n"
"    at once, even while it sleeps; without one the vector is dropped and\n"
"    traced. The engine uses signal SIGRTMAX-1 for it.\n"
"  * Threads are VCPUs: the main thread is VCPU 0, each other thread takes\n"
"    the lowest free VCPU at its first TDCALL (or #VE instruction); a thread\n"
"    that finds none free stops the run with one line (status 123). A\n"
"    thread's exit frees its VCPU, with its state, for the next new thread.\n"
"    If the host side gives up on the TD the program stops with status 122.\n"
"  * CPUID: where the CPU has CPUID faulting (arch_prctl ARCH_SET_CPUID; some\n"
"    Intel CPUs, no AMD CPU so far) CPUID is answered by the module as a TD\n"
"    sees it (leaf 0x21 \"IntelTDX    \", #VE for 0x40000000-0x4FFFFFFF and\n"
"    the other leaves the module does not answer). Elsewhere CPUID runs\n"
"    natively; --trace says so once.\n"
"  * TDCALL works at any moment: in signal handlers, while another thread\n"
"    holds malloc's lock, during exit(). SIGTERM, SIGINT and SIGQUIT are\n"
"    blocked for no longer than one model call.\n"
"  * The program must not be set-user-ID or set-group-ID: it would run\n"
"    with rights tdx-run does not have; tdx-run refuses it (status 126).\n"
"  * Programs the program starts are not TDs (the engine's variables are\n"
"    removed from their environment); a TDCALL executed outside tdx-run\n"
"    faults as the CPU makes it (SIGILL or SIGSEGV), as on a machine\n"
"    without TDX. A child the program forks is not part of the TD: its\n"
"    TDCALL stops it with one line and SIGKILL.\n"
"\n"
"Engines:\n"
"  preload (default for dynamic programs) the module and the host live in\n"
"    the program, loaded as libtdxkit-preload.so; a TDCALL is a signal in\n"
"    the program (a few microseconds). The program can see and overwrite\n"
"    the model's state, so this engine is for testing, not for attacks.\n"
"    It may also be used by hand:\n"
"      LD_PRELOAD=libtdxkit-preload.so PROGRAM   (1 GiB, GPAW 48, 1 VCPU, 2m)\n"
"  isolated (--isolated, and always for static programs) the module and the\n"
"    host stay in tdx-run, which traces the program with ptrace: nothing of\n"
"    tdxkit is mapped in it, so a hostile program cannot tamper with the\n"
"    model. A TDCALL is a ptrace stop (roughly 1.2x to 3x the preload\n"
"    engine's cost; make bench). The program may not use ptrace itself\n"
"    (seccomp refuses it with EPERM), --gdb needs the preload engine, and\n"
"    LeakSanitizer is off in a sanitized program (it needs ptrace). #VE and\n"
"    interrupt handlers are registered with tdx_ve_register() and\n"
"    tdx_irq_register() as under the preload engine.\n"
"\n"
"Exit status: the program's, or V after a write of V to the exit port; 119\n"
"after ReportFatalError (the decoded report is on standard error); 120-122\n"
"as above; 2 for bad options; 123 if the TD or its host cannot be set up,\n"
"or a thread finds no free VCPU; 125 if tdx-run fails; 126/127 if PROGRAM\n"
"cannot be executed (126 also for a set-user-ID program); 118 if the\n"
"program calls ptrace(2) under the isolated engine; 128+N if the program\n"
"dies of signal N (with one line naming it).\n"
"The library is found via $TDXKIT_PRELOAD, next to tdx-run (../lib), the\n"
"build tree, or the install directory.\n";

static void __attribute__((noreturn, format(printf, 2, 3))) die(int code, const char *fmt, ...)
{
	va_list ap;
	fputs("tdx-run: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

static int readable(const char *path)
{
	return path && *path && access(path, R_OK) == 0;
}

/* A file installed with this tool: `rel` from tdx-run's own directory
 * (bindir/../libdir, ../datadir; in the build tree the paths CMake gave),
 * else the build-tree or install path; NULL if none is readable. */
static const char *find_beside(const char *rel, const char *build, const char *install,
			       char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	if (n > 0) {
		buf[n] = 0;
		char *slash = strrchr(buf, '/');
		if (slash && (size_t)(slash - buf) + 1 + strlen(rel) < len) {
			slash[1] = 0;
			strcat(buf, rel);
			if (readable(buf))
				return buf;
		}
	}
	if (readable(build))
		return build;
	if (readable(install))
		return install;
	return NULL;
}

#ifndef TDXKIT_PRELOAD_BUILD_PATH
#define TDXKIT_PRELOAD_BUILD_PATH NULL
#endif
#ifndef TDXKIT_PRELOAD_INSTALL_PATH
#define TDXKIT_PRELOAD_INSTALL_PATH NULL
#endif
#ifndef TDXKIT_GDB_SCRIPT_BUILD_PATH
#define TDXKIT_GDB_SCRIPT_BUILD_PATH NULL
#endif
#ifndef TDXKIT_GDB_SCRIPT_INSTALL_PATH
#define TDXKIT_GDB_SCRIPT_INSTALL_PATH NULL
#endif

/* Where the preload library is: $TDXKIT_PRELOAD, or beside this tool. */
static const char *find_preload(void)
{
	static char buf[PATH_MAX];
	const char *env = getenv("TDXKIT_PRELOAD");

	if (env && *env) {
		if (!readable(env))
			die(EXIT_TOOL, "TDXKIT_PRELOAD=%s: %s", env, strerror(errno));
		return env;
	}
	return find_beside(TDXKIT_PRELOAD_REL_PATH, TDXKIT_PRELOAD_BUILD_PATH,
			   TDXKIT_PRELOAD_INSTALL_PATH, buf, sizeof(buf));
}

/* The file execvp would run for `prog`, in buf; NULL if there is none. */
static const char *resolve(const char *prog, char *buf, size_t len)
{
	if (strchr(prog, '/'))
		return prog;
	const char *path = getenv("PATH");
	for (const char *p = path ? path : "/usr/local/bin:/usr/bin:/bin"; *p;) {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);
		if (snprintf(buf, len, "%.*s%s%s", (int)n, p, n ? "/" : "", prog) < (int)len &&
		    access(buf, X_OK) == 0)
			return buf;
		p += n + (colon != NULL);
	}
	return NULL;
}

/* Refuse what no engine can enter, with the reason: a program the kernel
 * runs in secure mode (set-user-ID or set-group-ID to someone else: the
 * loader ignores LD_PRELOAD, and no one may trace it). Returns 1 for a
 * static executable (no PT_INTERP: no dynamic loader reads LD_PRELOAD),
 * which only the isolated engine runs, else 0. Anything else, such as a
 * script or a file exec cannot run, goes on to exec's own answer. */
static int check_program(const char *prog)
{
	char buf[PATH_MAX];
	const char *file = resolve(prog, buf, sizeof(buf));
	struct stat st;
	Elf64_Ehdr eh;

	if (!file || stat(file, &st))
		return 0;
	if (((st.st_mode & S_ISUID) && st.st_uid != geteuid()) ||
	    ((st.st_mode & S_ISGID) && st.st_gid != getegid() && !group_member(st.st_gid)))
		die(126, "%s is set-%s-ID: the kernel runs it in secure mode, where the dynamic "
		    "loader ignores LD_PRELOAD and no one may trace it, so no engine can enter it",
		    file, (st.st_mode & S_ISUID) && st.st_uid != geteuid() ? "user" : "group");
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = pread(fd, &eh, sizeof(eh), 0);
	int is_elf64 = n == (ssize_t)sizeof(eh) && !memcmp(eh.e_ident, ELFMAG, SELFMAG) &&
		       eh.e_ident[EI_CLASS] == ELFCLASS64 &&
		       (eh.e_type == ET_EXEC || eh.e_type == ET_DYN) &&
		       eh.e_phentsize == sizeof(Elf64_Phdr);
	int interp = 0;
	for (unsigned i = 0; is_elf64 && i < eh.e_phnum && !interp; i++) {
		Elf64_Phdr ph;
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) != sizeof(ph))
			break;
		interp = ph.p_type == PT_INTERP;
	}
	close(fd);
	return is_elf64 && !interp;
}

static int run_stats;

static void print_stats(void *vmm, int status)
{
	if (run_stats)
		tdx_vmm_print_stats(vmm, stderr);
}

/* --isolated: the TD and its host here, the program traced beside them
 * (tdxkit/isolate.h). The run's settings are in the environment already,
 * as the preload library would read them. */
static int __attribute__((noreturn)) run_isolated(char *const argv[], const char *file, int is_static)
{
	struct tdx_td_config cfg;
	struct tdx_run_opts o;
	char err[256];

	tdx_trap_set_name("tdx-run");
	tdx_run_from_env(&cfg, &o);
	struct tdx_vmm *v = tdx_run_vmm(&cfg, &o);
	struct tdx_td *td = tdx_run_td(&cfg, &o, v);
	if (is_static) {	/* said once, on the trace */
		char text[PATH_MAX + 64];
		snprintf(text, sizeof(text), "%s is statically linked: the isolated engine runs it", file);
		tdx_run_note(text);
	}
	struct tdx_iso_config ic = {
		.td = td,
		.windows_fault = o.windows == TDX_RUN_WINDOWS_FAULT,
		.windows_auto = o.windows == TDX_RUN_WINDOWS_AUTO,
		.name = "tdx-run",
		.trace_fd = o.trace_fd,
		.call = tdx_run_call,
		.call_ctx = v,
		.end = print_stats,
		.end_ctx = v,
	};
	run_stats = o.stats;
	for (size_t i = 0; tdx_run_vars[i]; i++)
		unsetenv(tdx_run_vars[i]);
	int rc = tdx_iso_run(&ic, file, argv, environ, err, sizeof(err));
	if (rc < 0)
		die(EXIT_TOOL, "%s", err);
	tdx_vmm_stop(v);	/* before OpenSSL's exit handler */
	exit(rc);
}

/* tdx-run-gdb.py: the gdb side of --gdb. */
static const char *find_gdb_script(void)
{
	static char buf[PATH_MAX];

	return find_beside(TDXKIT_GDB_SCRIPT_REL_PATH, TDXKIT_GDB_SCRIPT_BUILD_PATH,
			   TDXKIT_GDB_SCRIPT_INSTALL_PATH, buf, sizeof(buf));
}

/* --gdb: gdb runs the program with the preload library in the program's
 * environment only (not in gdb's), started without a shell; the script
 * passes the engine's signals on silently (tdx-run-gdb.py). */
static void __attribute__((noreturn)) exec_gdb(const char *lib, int argc, char **argv)
{
	const char *script = find_gdb_script();
	if (!script)
		die(EXIT_TOOL, "--gdb: cannot find tdx-run-gdb.py (install tdxkit or run from the build tree)");
	size_t n = strlen(lib) + 64;
	char *env = malloc(n);
	char **args = calloc((size_t)argc + 16, sizeof(*args));
	if (!env || !args)
		die(EXIT_TOOL, "out of memory");
	snprintf(env, n, "set environment LD_PRELOAD=%s", lib);
	unsetenv("LD_PRELOAD");
	setenv(TDX_RUN_ENV_GDB, "1", 1);
	int k = 0;
	args[k++] = "gdb";
	args[k++] = "-q";
	args[k++] = "-iex";
	args[k++] = "set startup-with-shell off";
	args[k++] = "-iex";
	args[k++] = env;
	args[k++] = "-x";
	args[k++] = (char *)script;
	args[k++] = "--args";
	for (int i = 0; i < argc; i++)
		args[k++] = argv[i];
	args[k] = NULL;
	execvp("gdb", args);
	die(errno == ENOENT ? 127 : 126, "--gdb: cannot execute gdb: %s", strerror(errno));
}

static void set(const char *name, const char *value)
{
	if (setenv(name, value, 1))
		die(EXIT_TOOL, "setenv %s: %s", name, strerror(errno));
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mem", required_argument, NULL, 'm' },
		{ "gpaw", required_argument, NULL, 'g' },
		{ "vcpus", required_argument, NULL, 'v' },
		{ "l2-vms", required_argument, NULL, 'l' },
		{ "sept", required_argument, NULL, 's' },
		{ "trace", optional_argument, NULL, 't' },
		{ "stats", no_argument, NULL, 'S' },
		{ "leak-check", no_argument, NULL, 'L' },
		{ "hostile", required_argument, NULL, 'H' },
		{ "attributes", required_argument, NULL, 'a' },
		{ "quote-key", required_argument, NULL, 'q' },
		{ "windows", required_argument, NULL, 'w' },
		{ "gdb", no_argument, NULL, 'G' },
		{ "isolated", no_argument, NULL, 'I' },
		{ "xfam", required_argument, NULL, 'x' },
		{ "mrconfigid", required_argument, NULL, 'C' },
		{ "mrowner", required_argument, NULL, 'O' },
		{ "mrownerconfig", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct tdx_td_config cfg;
	const char *mem = "1G", *gpaw = "48", *vcpus = "1", *l2 = "0", *sept = "2m";
	const char *hostile = NULL, *attributes = NULL, *quote_key = NULL, *windows = "auto";
	const char *xfam = NULL, *mrconfigid = NULL, *mrowner = NULL, *mrownerconfig = NULL;
	int trace = 0, json = 0, stats = 0, leak = 0, gdb = 0, isolated = 0, c;
	enum tdx_run_windows wmode;
	char why[200];
	uint64_t num;

	tdx_td_config_init(&cfg);
	opterr = 0;	/* our own one-line messages */
	/* "+": stop at the program name, its options are its own. */
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm': mem = optarg; break;
		case 'g': gpaw = optarg; break;
		case 'v': vcpus = optarg; break;
		case 'l': l2 = optarg; break;
		case 's': sept = optarg; break;
		case 't':
			trace = 1;
			if (optarg && !(json = !strcmp(optarg, "json")) && strcmp(optarg, "text"))
				die(EXIT_USAGE, "--trace=%s: use --trace or --trace=json", optarg);
			break;
		case 'S': stats = 1; break;
		case 'L': leak = 1; break;
		case 'H': hostile = optarg; break;
		case 'a': attributes = optarg; break;
		case 'q': quote_key = optarg; break;
		case 'w': windows = optarg; break;
		case 'G': gdb = 1; break;
		case 'I': isolated = 1; break;
		case 'x': xfam = optarg; break;
		case 'C': mrconfigid = optarg; break;
		case 'O': mrowner = optarg; break;
		case 'P': mrownerconfig = optarg; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': printf("tdx-run (tdxkit) %s\n", TDXKIT_VERSION_STRING); return 0;
		case ':':
			die(EXIT_USAGE, "option %s needs a value (see --help)", argv[optind - 1]);
		default:
			if (optopt && optopt != '?' && optopt < 256)
				die(EXIT_USAGE, "unknown option -%c (see --help)", optopt);
			die(EXIT_USAGE, "unknown option %s (see --help)", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		die(EXIT_USAGE, "no program to run (usage: tdx-run [OPTIONS] -- PROGRAM [ARGS]; see --help)");

	if (tdx_run_parse_size(mem, &cfg.mem_size, why, sizeof(why)))
		die(EXIT_USAGE, "--mem: %s", why);
	if (tdx_run_parse_gpaw(gpaw, &cfg.gpaw, why, sizeof(why)))
		die(EXIT_USAGE, "--gpaw: %s", why);
	if (tdx_run_parse_uint(vcpus, 1, TDX_RUN_MAX_VCPUS, &cfg.num_vcpus, why, sizeof(why)))
		die(EXIT_USAGE, "--vcpus: %s", why);
	if (tdx_run_parse_uint(l2, 0, TDX_RUN_MAX_L2_VMS, &cfg.num_l2_vms, why, sizeof(why)))
		die(EXIT_USAGE, "--l2-vms: %s", why);
	if (tdx_run_parse_sept(sept, &cfg.sept_policy, why, sizeof(why)))
		die(EXIT_USAGE, "--sept: %s", why);
	if (tdx_run_check(&cfg, why, sizeof(why)))
		die(EXIT_USAGE, "--mem: %s", why);
	if (hostile && tdx_run_parse_u64(hostile, &num, why, sizeof(why)))
		die(EXIT_USAGE, "--hostile: %s", why);
	char attr_hex[24] = "";
	if (attributes) {
		/* HEX, with or without 0x: TD ATTRIBUTES are bit masks. */
		if (tdx_run_parse_hex(attributes, &cfg.attributes, why, sizeof(why)))
			die(EXIT_USAGE, "--attributes: %s", why);
		snprintf(attr_hex, sizeof(attr_hex), "0x%llx", (unsigned long long)cfg.attributes);
	}
	if (quote_key && !*quote_key)
		die(EXIT_USAGE, "--quote-key: empty file name");
	if (tdx_run_parse_windows(windows, &wmode, why, sizeof(why)))
		die(EXIT_USAGE, "--windows: %s", why);
	/* The engine may come from the environment too (a test suite runs
	 * every test under both); the option wins. */
	const char *eng = getenv(TDX_RUN_ENV_RUN_ENGINE);
	if (eng && *eng && strcmp(eng, "preload") && strcmp(eng, "isolated"))
		die(EXIT_USAGE, "%s=%s: use preload or isolated", TDX_RUN_ENV_RUN_ENGINE, eng);
	if (eng && !strcmp(eng, "isolated"))
		isolated = 1;
	unsetenv(TDX_RUN_ENV_RUN_ENGINE);
	char file_buf[PATH_MAX];
	const char *file = resolve(argv[optind], file_buf, sizeof(file_buf));
	int is_static = check_program(argv[optind]);
	if (gdb && (isolated || is_static))
		die(EXIT_USAGE, "--gdb cannot run %s: gdb and the isolated engine both need to be "
		    "its tracer", isolated ? "--isolated" : "a static program (it needs --isolated)");
	/* The TD_PARAMS values, checked here as TDH.MNG.INIT would check them
	 * so that a bad one is a one-line usage error, not a failed start. */
	if (xfam && tdx_run_parse_xfam(xfam, &cfg.xfam, why, sizeof(why)))
		die(EXIT_USAGE, "--xfam: %s", why);
	if (mrconfigid && tdx_run_parse_mr(mrconfigid, cfg.mrconfigid, why, sizeof(why)))
		die(EXIT_USAGE, "--mrconfigid: %s", why);
	if (mrowner && tdx_run_parse_mr(mrowner, cfg.mrowner, why, sizeof(why)))
		die(EXIT_USAGE, "--mrowner: %s", why);
	if (mrownerconfig && tdx_run_parse_mr(mrownerconfig, cfg.mrownerconfig, why, sizeof(why)))
		die(EXIT_USAGE, "--mrownerconfig: %s", why);
	if (tdx_td_config_check(&cfg, why, sizeof(why)))
		die(EXIT_USAGE, "TD configuration: %s", why);

	/* Every variable is set, so nothing leaks in from an outer environment. */
	set(TDX_RUN_ENV_MEM, mem);
	set(TDX_RUN_ENV_GPAW, gpaw);
	set(TDX_RUN_ENV_VCPUS, vcpus);
	set(TDX_RUN_ENV_L2_VMS, l2);
	set(TDX_RUN_ENV_SEPT, sept);
	set(TDX_RUN_ENV_TRACE, trace ? (json ? "json" : "1") : "0");
	set(TDX_RUN_ENV_STATS, stats ? "1" : "0");
	set(TDX_RUN_ENV_LEAK_CHECK, leak ? "1" : "0");
	set(TDX_RUN_ENV_WINDOWS, windows);
	unsetenv(TDX_RUN_ENV_GDB);
	if (hostile)
		set(TDX_RUN_ENV_HOSTILE, hostile);
	else
		unsetenv(TDX_RUN_ENV_HOSTILE);
	if (quote_key)
		set(TDX_RUN_ENV_QUOTE_KEY, quote_key);
	else
		unsetenv(TDX_RUN_ENV_QUOTE_KEY);
	/* Without --attributes an inherited TDXKIT_RUN_ATTRIBUTES still counts
	 * (it was the only way before the option). */
	if (attributes)
		set(TDX_RUN_ENV_ATTRIBUTES, attr_hex);
	/* "host" is resolved here, so the program's TD gets what was checked. */
	char xfam_hex[24];
	snprintf(xfam_hex, sizeof(xfam_hex), "0x%llx", (unsigned long long)cfg.xfam);
	set(TDX_RUN_ENV_XFAM, xfam_hex);
	const char *const mr_env[] = { TDX_RUN_ENV_MRCONFIGID, TDX_RUN_ENV_MROWNER, TDX_RUN_ENV_MROWNERCONFIG };
	const char *const mr_arg[] = { mrconfigid, mrowner, mrownerconfig };
	for (unsigned i = 0; i < 3; i++) {
		if (mr_arg[i])
			set(mr_env[i], mr_arg[i]);
		else
			unsetenv(mr_env[i]);
	}
	unsetenv(TDX_RUN_ENV_TRACE_FD);
	if (trace) {
		/* A private copy of stderr: the trace still reaches the user when
		 * the program redirects or closes its own stderr. */
		int fd = dup(STDERR_FILENO);
		if (fd < 0)
			die(EXIT_TOOL, "dup(stderr): %s", strerror(errno));
		char num[16];
		snprintf(num, sizeof(num), "%d", fd);
		set(TDX_RUN_ENV_TRACE_FD, num);
	}

	if (isolated || is_static) {
		if (!file)
			die(127, "cannot execute %s: %s", argv[optind], strerror(ENOENT));
		run_isolated(argv + optind, file, is_static);
	}

	const char *lib = find_preload();
	if (!lib)
		die(EXIT_TOOL, "cannot find libtdxkit-preload.so (set TDXKIT_PRELOAD to its path)");
	if (gdb)
		exec_gdb(lib, argc - optind, argv + optind);
	const char *old = getenv("LD_PRELOAD");
	if (old && *old) {
		size_t n = strlen(lib) + strlen(old) + 2;
		char *both = malloc(n);
		if (!both)
			die(EXIT_TOOL, "out of memory");
		snprintf(both, n, "%s %s", lib, old);
		set("LD_PRELOAD", both);
		free(both);
	} else {
		set("LD_PRELOAD", lib);
	}
#if defined(__SANITIZE_ADDRESS__)
	/* Sanitizer builds: the (instrumented) preload library comes before the
	 * program's ASan runtime in the link map, which ASan would refuse. */
	const char *ao = getenv("ASAN_OPTIONS");
	char aopts[512];
	snprintf(aopts, sizeof(aopts), "%s%sverify_asan_link_order=0", ao ? ao : "",
		 ao && *ao ? ":" : "");
	set("ASAN_OPTIONS", aopts);
#endif

	execvp(argv[optind], &argv[optind]);
	int e = errno;
	die(e == ENOENT ? 127 : 126, "cannot execute %s: %s", argv[optind], strerror(e));
}
