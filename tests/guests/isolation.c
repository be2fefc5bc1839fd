/* isolation MODE: what a hostile or odd TD program meets.
 *   maps     the tdxkit mappings of its address space ("tdxkit mappings N";
 *            under the isolated engine N is 0) and TDXKIT_ENGINE
 *   tamper   TDG.MR.REPORT, then one REPORTDATA byte changed: VERIFYREPORT
 *            must refuse the tampered REPORTMACSTRUCT; prints both statuses
 *   fork     forks; the child makes a TDCALL (it is not part of the TD);
 *            prints how the child ended
 *   ptrace   calls ptrace(PTRACE_TRACEME), then "survived"
 *   abort    abort() */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tdxkit/guest.h"
#include "guest.h"

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	struct g_env e;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (g_env(&e))
		return 1;
	if (!strcmp(mode, "maps")) {
		FILE *f = fopen("/proc/self/maps", "r");
		char line[512];
		int n = 0;
		while (f && fgets(line, sizeof(line), f))
			n += strstr(line, "tdxkit") != NULL;
		if (f)
			fclose(f);
		const char *eng = getenv("TDXKIT_ENGINE");
		printf("tdxkit mappings %d engine %s\n", n, eng ? eng : "none");
		return 0;
	}
	if (!strcmp(mode, "tamper")) {
		if (tdx_accept_memory(0x100000, 0x103000, NULL))
			return 1;
		memset(e.priv + 0x100000, 0x42, 64);	/* REPORTDATA */
		uint64_t st = tdx_mr_report(0x101000, 0x100000);
		uint64_t ok = tdx_mr_verifyreport(0x101000);	/* REPORTMACSTRUCT at 0 */
		e.priv[0x101000 + 128] ^= 1;	/* a REPORTDATA byte (9.2: offset 128) */
		uint64_t bad = tdx_mr_verifyreport(0x101000);
		printf("report 0x%llx verify 0x%llx tampered 0x%llx\n", (unsigned long long)st,
		       (unsigned long long)ok, (unsigned long long)bad);
		return 0;
	}
	if (!strcmp(mode, "fork")) {
		pid_t pid = fork();
		if (pid == 0) {
			struct tdx_vp_info vi;
			tdx_vp_info(&vi);
			printf("child survived its TDCALL\n");
			_exit(0);
		}
		int st;
		waitpid(pid, &st, 0);
		printf("child %s %d\n", WIFSIGNALED(st) ? "signal" : "exit",
		       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		return 0;
	}
	if (!strcmp(mode, "ptrace")) {
		long rc = ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		printf("survived (ptrace %ld)\n", rc);
		return 0;
	}
	if (!strcmp(mode, "abort"))
		abort();
	fprintf(stderr, "isolation: unknown mode '%s'\n", mode);
	return 2;
}
