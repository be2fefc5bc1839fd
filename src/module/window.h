/* window.h: the guest windows kept in step with the page states, in either
 * mode (mem.h): mprotect (PROTECT) or userfaultfd minor faults (FAULT). */
#ifndef TDXKIT_MODULE_WINDOW_H
#define TDXKIT_MODULE_WINDOW_H

#include <stdint.h>

struct tdx_mem;

enum tdx_window { TDX_WINDOW_PRIVATE, TDX_WINDOW_SHARED };

/* [off, off+len) of window `w` may (touchable) or may not be touched from
 * now on. PROTECT: mprotect; FAULT: nothing to grant (the next touch maps
 * the page), a revoke unmaps. A failed system call is kept in win_errno:
 * the TD cannot go on (tdx_window_check). */
void tdx_window_update(struct tdx_mem *m, enum tdx_window w, uint64_t off, uint64_t len,
		       int touchable);
/* Releases the userfaultfd, if any. */
void tdx_window_fini(struct tdx_mem *m);
/* 0, or -1 with one line saying which window update failed and why (a
 * kernel limit names the limit). */
int tdx_window_check(const struct tdx_mem *m, char *why, size_t len);

#endif
