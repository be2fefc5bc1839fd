/* ve_insn.h: the instructions a TD gets as #VE, each out of line behind a
 * global label at the instruction itself, so that a test can compare the
 * #VE frame's RIP with it. Shared by test_native_ve.c and guests/ve_basic.c.
 * Lengths: outb imm 2, inb imm 2, inw dx 2 (66 ED), inl dx 1, outw dx 2,
 * rep outsb 2, hlt 1, rdmsr 2, wrmsr 2, movl (%rdi),%eax 2, movl %esi,(%rdi) 2. */
#ifndef TDXKIT_TEST_VE_INSN_H
#define TDXKIT_TEST_VE_INSN_H

#include <stdint.h>

__asm__(".text\n"
	".globl ve_outb\n.type ve_outb,@function\n"
	"ve_outb:\n\tmovl %edi, %eax\n"
	".globl ve_outb_insn\nve_outb_insn:\n\toutb %al, $0x80\n\tret\n"
	".globl ve_inb\n.type ve_inb,@function\n"
	"ve_inb:\n\tmovl $0x12345678, %eax\n"
	".globl ve_inb_insn\nve_inb_insn:\n\tinb $0x71, %al\n\tret\n"
	".globl ve_inw\n.type ve_inw,@function\n"
	"ve_inw:\n\tmovl %edi, %edx\n\tmovl $0x12345678, %eax\n"
	".globl ve_inw_insn\nve_inw_insn:\n\tinw %dx, %ax\n\tret\n"
	".globl ve_inl\n.type ve_inl,@function\n"
	"ve_inl:\n\tmovl %edi, %edx\n\tmovl $0x12345678, %eax\n"
	".globl ve_inl_insn\nve_inl_insn:\n\tinl %dx, %eax\n\tret\n"
	".globl ve_outw\n.type ve_outw,@function\n"
	"ve_outw:\n\tmovl %esi, %eax\n\tmovl %edi, %edx\n"
	".globl ve_outw_insn\nve_outw_insn:\n\toutw %ax, %dx\n\tret\n"
	".globl ve_rep_outsb\n.type ve_rep_outsb,@function\n"
	"ve_rep_outsb:\n\tmovl %esi, %ecx\n\tmovq %rdi, %rsi\n"
	".globl ve_rep_outsb_insn\nve_rep_outsb_insn:\n\trep outsb\n\tmovl %ecx, %eax\n\tret\n"
	".globl ve_hlt\n.type ve_hlt,@function\n"
	"ve_hlt:\n"
	".globl ve_hlt_insn\nve_hlt_insn:\n\thlt\n\tret\n"
	".globl ve_rdmsr\n.type ve_rdmsr,@function\n"
	"ve_rdmsr:\n\tmovl %edi, %ecx\n"
	".globl ve_rdmsr_insn\nve_rdmsr_insn:\n\trdmsr\n\tshlq $32, %rdx\n\torq %rdx, %rax\n\tret\n"
	".globl ve_wrmsr\n.type ve_wrmsr,@function\n"
	"ve_wrmsr:\n\tmovl %edi, %ecx\n\tmovq %rsi, %rax\n\tmovq %rsi, %rdx\n\tshrq $32, %rdx\n"
	".globl ve_wrmsr_insn\nve_wrmsr_insn:\n\twrmsr\n\tret\n"
	".globl ve_load\n.type ve_load,@function\n"
	"ve_load:\n"
	".globl ve_load_insn\nve_load_insn:\n\tmovl (%rdi), %eax\n\tret\n"
	".globl ve_store\n.type ve_store,@function\n"
	"ve_store:\n"
	".globl ve_store_insn\nve_store_insn:\n\tmovl %esi, (%rdi)\n\tret\n");

void ve_outb(uint8_t v);			/* port 0x80 */
uint32_t ve_inb(void);				/* port 0x71; EAX was 0x12345678 */
uint32_t ve_inw(uint16_t port);			/* EAX was 0x12345678 */
uint32_t ve_inl(uint16_t port);
void ve_outw(uint16_t port, uint16_t v);
uint32_t ve_rep_outsb(const void *src, uint32_t n, uint16_t port);	/* returns RCX after */
void ve_hlt(void);
uint64_t ve_rdmsr(uint32_t msr);		/* EDX:EAX */
void ve_wrmsr(uint32_t msr, uint64_t v);
uint32_t ve_load(const volatile void *p);
void ve_store(volatile void *p, uint32_t v);
extern const char ve_outb_insn[], ve_inb_insn[], ve_inw_insn[], ve_inl_insn[], ve_outw_insn[],
	ve_rep_outsb_insn[], ve_hlt_insn[], ve_rdmsr_insn[], ve_wrmsr_insn[], ve_load_insn[],
	ve_store_insn[];

#endif
