/* TEMPORARY placeholder: replaced by the real tool. */
#include <stdio.h>
int main(void) { fprintf(stderr, "tdx-run: not built yet\n"); return 1; }
