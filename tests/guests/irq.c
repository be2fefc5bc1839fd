/* irq [N]: the host's notification interrupt (SetupEventNotifyInterrupt,
 * GHCI 3.4) delivered to a handler the program registered
 * (tdx_irq_register, tdxkit/trap.h). Sets up vector 0x40 on the main
 * thread, asks for N quotes (default 2) one after another and waits for
 * each with nanosleep only (no TDCALL while waiting, as Linux's tdx-guest
 * driver waits). Prints "quotes N irqs N vector 0x40 on-main 1". */
#define _GNU_SOURCE
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tdxkit/ghci.h"
#include "tdxkit/guest.h"
#include "tdxkit/trap.h"
#include "guest.h"

#define BUF_GPA 0x400000ull
#define BUF_SIZE 0x4000ull
#define IN_FLIGHT 0xFFFFFFFFFFFFFFFFull

static volatile unsigned irqs, last_vector;
static volatile pid_t irq_tid;

static void on_irq(unsigned vector, struct tdx_ve_frame *f)
{
	irqs++;
	last_vector = vector;
	irq_tid = gettid();
}

int main(int argc, char **argv)
{
	struct g_env e;
	unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 2, done = 0;
	struct tdx_vp_info vi;

	if (g_env(&e) || tdx_irq_register(on_irq))
		return 1;
	tdx_vp_info(&vi);
	if (tdx_accept_memory(0x200000, 0x202000, NULL) ||
	    tdx_ghci_map_gpa(BUF_GPA | vi.shared_bit, BUF_SIZE, NULL) ||
	    tdx_ghci_setup_event_notify(0x40))
		return 1;
	uint8_t *buf = e.shared + BUF_GPA;
	for (unsigned q = 0; q < n; q++) {
		if (tdx_mr_report(0x201000, 0x200000))
			return 1;
		uint64_t hdr[3] = { 1, 0, 1024 };
		memcpy(buf, hdr, sizeof(hdr));
		memcpy(buf + 24, e.priv + 0x201000, 1024);
		unsigned before = irqs;
		if (tdx_ghci_get_quote(BUF_GPA | vi.shared_bit, BUF_SIZE))
			return 1;
		for (int i = 0; i < 5000 && (__atomic_load_n((uint64_t *)(void *)(buf + 8),
							     __ATOMIC_ACQUIRE) == IN_FLIGHT ||
					    irqs == before); i++)
			nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
		uint64_t status;
		memcpy(&status, buf + 8, 8);
		done += status == 0;
	}
	printf("quotes %u irqs %u vector 0x%x on-main %d\n", done, irqs, last_vector,
	       irq_tid == gettid());
	return 0;
}
