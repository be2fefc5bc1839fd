/* uart.c: a 16550 UART at 0x3F8 (COM1), enough for console output: THR
 * bytes go to cfg.uart_fd; LSR always says "transmitter empty, no input";
 * the other registers hold what was written. No interrupts, no input. */
#include "vmm_int.h"

enum { RBR_THR = 0, IER = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };
#define LCR_DLAB 0x80
#define LSR_THRE_TEMT 0x60	/* THR empty, transmitter empty */
#define IIR_NONE 0x01		/* no interrupt pending */

static uint8_t reg_read(struct tdx_vmm *v, unsigned r)
{
	int dlab = (v->uart.lcr & LCR_DLAB) != 0;

	switch (r) {
	case RBR_THR: return dlab ? v->uart.dll : 0;	/* no input ever */
	case IER: return dlab ? v->uart.dlm : v->uart.ier;
	case IIR_FCR: return IIR_NONE;
	case LCR: return v->uart.lcr;
	case MCR: return v->uart.mcr;
	case LSR: return LSR_THRE_TEMT;
	case MSR: return 0xB0;	/* DCD, DSR, CTS: a cable is attached */
	default: return v->uart.scr;
	}
}

static void reg_write(struct tdx_vmm *v, unsigned r, uint8_t b)
{
	int dlab = (v->uart.lcr & LCR_DLAB) != 0;

	switch (r) {
	case RBR_THR:
		if (dlab)
			v->uart.dll = b;
		else
			vmm_emit(NULL, v->cfg.uart_fd, (const char *)&b, 1);
		break;
	case IER: if (dlab) v->uart.dlm = b; else v->uart.ier = b & 0x0F; break;
	case LCR: v->uart.lcr = b; break;
	case MCR: v->uart.mcr = b & 0x1F; break;
	case SCR: v->uart.scr = b; break;
	default: break;	/* FCR, LSR, MSR: nothing to keep */
	}
}

/* A 2- or 4-byte access covers consecutive registers, byte 0 first. */
int vmm_uart_io(struct tdx_vmm *v, uint16_t port, int write, unsigned size, uint64_t *data)
{
	uint64_t in = 0;

	vmm_lock_take(&v->uart_lock);	/* one UART for every VCPU */
	for (unsigned i = 0; i < size; i++) {
		unsigned p = port + i;
		if (p >= TDX_VMM_UART_PORT + 8) {	/* past the UART: open bus */
			in |= 0xFFull << (8 * i);
			continue;
		}
		if (write)
			reg_write(v, p - TDX_VMM_UART_PORT, (uint8_t)(*data >> (8 * i)));
		else
			in |= (uint64_t)reg_read(v, p - TDX_VMM_UART_PORT) << (8 * i);
	}
	vmm_lock_drop(&v->uart_lock);
	if (!write)
		*data = in;
	return 0;
}
