/* exitport.c: QEMU's isa-debug-exit at 0x501: a write of V ends the run
 * with status V (QEMU itself exits with (V << 1) | 1; we keep V so that a
 * test's "exit(0)" means success). The run ends by stopping the TD: the
 * handler returns non-zero, the model marks the TD dead and
 * tdx_vmm_exit_status() reports V. Reads return all ones. */
#include <stdio.h>

#include "vmm_int.h"

int vmm_exitport_io(struct tdx_vmm *v, uint16_t port, int write, unsigned size, uint64_t *data)
{
	if (!write) {
		*data = size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
		return 0;
	}
	char why[64];
	snprintf(why, sizeof(why), "exit port 0x%x: status %d", port, (int)(uint32_t)*data);
	vmm_end(v, (int)(uint32_t)*data, why);
	return 1;
}
