/* ghci_io.c: Instruction.IO and #VE.RequestMMIO (tdx-abi.md 3.4). Reads
 * return only `size` bytes of the host's R11: a hostile host must not be
 * able to set bits the instruction could never produce (Linux does the
 * same, review seed 003 tdx_handle_io). */
#include "tdxkit/ghci.h"

#define DIR_READ 0	/* R13: 0 = IN / read, 1 = OUT / write */
#define DIR_WRITE 1

static inline uint64_t size_mask(unsigned size)
{
	return size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static inline bool io_size_ok(unsigned size)
{
	return size == 1 || size == 2 || size == 4;
}

static inline bool mmio_size_ok(uint64_t gpa, unsigned size)
{
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return false;
	/* Linux refuses MMIO that crosses a page: two pages, two devices. */
	return (gpa & 0xFFF) + size <= 0x1000;
}

uint64_t tdx_ghci_io_in(uint16_t port, unsigned size, uint32_t *val)
{
	struct tdx_tdvmcall_out o;
	uint64_t st = TDVMCALL_STATUS_INVALID_OPERAND;

	*val = 0;
	if (!io_size_ok(size))
		return st;
	st = tdx_tdvmcall(0, TDVMCALL_IO, size, DIR_READ, port, 0, TDX_GHCI_MASK_IO_IN, &o);
	if (st == TDVMCALL_STATUS_SUCCESS)
		*val = (uint32_t)(o.r11 & size_mask(size));
	return st;
}

uint64_t tdx_ghci_io_out(uint16_t port, unsigned size, uint32_t val)
{
	if (!io_size_ok(size))
		return TDVMCALL_STATUS_INVALID_OPERAND;
	return tdx_tdvmcall(0, TDVMCALL_IO, size, DIR_WRITE, port, val & size_mask(size),
			    TDX_GHCI_MASK_IO_OUT, NULL);
}

uint64_t tdx_ghci_mmio_read(uint64_t gpa, unsigned size, uint64_t *val)
{
	struct tdx_tdvmcall_out o;
	uint64_t st = TDVMCALL_STATUS_INVALID_OPERAND;

	*val = 0;
	if (!mmio_size_ok(gpa, size))
		return st;
	st = tdx_tdvmcall(0, TDVMCALL_MMIO, size, DIR_READ, gpa, 0, TDX_GHCI_MASK_MMIO_READ, &o);
	if (st == TDVMCALL_STATUS_SUCCESS)
		*val = o.r11 & size_mask(size);
	return st;
}

uint64_t tdx_ghci_mmio_write(uint64_t gpa, unsigned size, uint64_t val)
{
	if (!mmio_size_ok(gpa, size))
		return TDVMCALL_STATUS_INVALID_OPERAND;
	return tdx_tdvmcall(0, TDVMCALL_MMIO, size, DIR_WRITE, gpa, val & size_mask(size),
			    TDX_GHCI_MASK_MMIO_WRITE, NULL);
}
