/* line.c: diagnostic lines for signal handlers (no malloc, no stdio). */
#define _GNU_SOURCE /* REG_* names of ucontext_t */
#include <errno.h>
#include <unistd.h>

#include "trap_int.h"

void tdx_line_init(struct tdx_line *l)
{
	l->n = 0;
	tdx_line_str(l, tdx_trap_name);
	tdx_line_str(l, ": ");
}

void tdx_line_str(struct tdx_line *l, const char *s)
{
	/* One byte stays free for the newline. */
	while (s && *s && l->n < sizeof(l->buf) - 1)
		l->buf[l->n++] = *s++;
}

void tdx_line_hex(struct tdx_line *l, uint64_t v)
{
	char tmp[19];
	int i = sizeof(tmp);

	do {
		tmp[--i] = "0123456789abcdef"[v & 0xF];
		v >>= 4;
	} while (v);
	tmp[--i] = 'x';
	tmp[--i] = '0';
	for (; i < (int)sizeof(tmp) && l->n < sizeof(l->buf) - 1; i++)
		l->buf[l->n++] = tmp[i];
}

void tdx_line_dec(struct tdx_line *l, uint64_t v)
{
	char tmp[20];
	int i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (; i < (int)sizeof(tmp) && l->n < sizeof(l->buf) - 1; i++)
		l->buf[l->n++] = tmp[i];
}

void tdx_line_write(struct tdx_line *l, int fd)
{
	int saved = errno;	/* a handler must not clobber the program's errno */
	size_t off = 0;

	l->buf[l->n++] = '\n';
	while (off < l->n) {
		ssize_t w = write(fd, l->buf + off, l->n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	l->n--;
	errno = saved;
}
