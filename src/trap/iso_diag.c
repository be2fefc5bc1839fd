/* iso_diag.c: the engine's one-line messages, and the end of a run. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "iso_int.h"

void iso_say(struct iso *s, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", s->cfg.name ? s->cfg.name : "tdxkit");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

void iso_end(struct iso *s, int status)
{
	if (s->ended)
		return;
	s->ended = 1;
	s->status = status;
	kill(s->pid, SIGKILL);	/* every thread of it; the loop reaps them */
}
