/* mmio_dev.c: #VE.RequestMMIO (tdx-abi.md 3.4) and one test device.
 *
 * The device is a 4 KiB register page at cfg.mmio_gpa, by default the TD's
 * memory size rounded up to 4 KiB: the first page above TD memory, so no
 * MapGPA can ever turn it into RAM. The guest reaches it with the shared
 * bit set (GPA | shared bit), as MMIO must be (3.4; the host library
 * refuses private GPAs and page-crossing accesses). Registers, 64 bits
 * each; an access of 1, 2, 4 or 8 bytes reads or writes the bytes it
 * covers, even across two registers:
 *   0x00 ID       RO "TDXKMMIO" (TDX_VMM_MMIO_ID_VALUE)
 *   0x08 VERSION  RO 1
 *   0x10 SCRATCH  RW
 *   0x18 COUNTER  a read returns it and then increments it; a write sets it
 *   rest          reads 0, writes ignored
 * MMIO anywhere else: no device, reads all ones, writes dropped (SUCCESS),
 * like an unassigned region in QEMU. */
#include "vmm_int.h"

#define NREGS 4

static uint64_t dev_base(const struct tdx_vmm *v)
{
	if (v->cfg.mmio_gpa)
		return v->cfg.mmio_gpa & ~(TDX_PAGE_SIZE_4K - 1);
	return (v->mem_size + TDX_PAGE_SIZE_4K - 1) & ~(TDX_PAGE_SIZE_4K - 1);
}

static uint64_t reg_value(struct tdx_vmm *v, unsigned r)
{
	static const uint64_t fixed[2] = { TDX_VMM_MMIO_ID_VALUE, 1 };

	if (r < 2)
		return fixed[r];
	if (r == 2)
		return v->mmio.scratch;
	return r == 3 ? v->mmio.counter : 0;
}

static void reg_write_byte(struct tdx_vmm *v, unsigned r, unsigned byte, uint8_t b)
{
	uint64_t *p = r == 2 ? &v->mmio.scratch : r == 3 ? &v->mmio.counter : NULL;

	if (p)
		*p = (*p & ~(0xFFull << (8 * byte))) | ((uint64_t)b << (8 * byte));
}

int vmm_mmio(void *ctx, const struct tdx_host_req *req, struct tdx_host_resp *resp)
{
	struct tdx_vmm *v = ctx;
	uint64_t base = dev_base(v), off = req->mmio.addr - base;
	unsigned size = req->mmio.size;
	int write = req->mmio.direction == TDX_HOST_DIR_WRITE;

	if (req->mmio.addr < base || off >= TDX_PAGE_SIZE_4K) {
		resp->out[TDX_GPR_R11] = write ? 0 : size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
		return 0;
	}
	/* The host library already refused page-crossing accesses. */
	uint64_t val = 0;
	int read_counter = 0;
	vmm_lock_take(&v->mmio_lock);	/* one device for every VCPU */
	for (unsigned i = 0; i < size; i++) {
		unsigned r = (unsigned)((off + i) / 8), byte = (unsigned)((off + i) % 8);
		if (write)
			reg_write_byte(v, r, byte, (uint8_t)(req->mmio.data >> (8 * i)));
		else if (r < NREGS)
			val |= ((reg_value(v, r) >> (8 * byte)) & 0xFF) << (8 * i);
		read_counter |= !write && r == 3;
	}
	if (read_counter)
		v->mmio.counter++;
	vmm_lock_drop(&v->mmio_lock);
	resp->out[TDX_GPR_R11] = val;
	return 0;
}
