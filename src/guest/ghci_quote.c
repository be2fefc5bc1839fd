/* ghci_quote.c: GetQuote and SetupEventNotifyInterrupt (tdx-abi.md 3.4,
 * 3.7): the quote is produced asynchronously into the shared buffer; the
 * notify vector is how the host signals that it is done. */
#include "tdxkit/ghci.h"

uint64_t tdx_ghci_get_quote(uint64_t shared_gpa, uint64_t size)
{
	return tdx_tdvmcall(0, TDVMCALL_GET_QUOTE, shared_gpa, size, 0, 0,
			    TDX_GHCI_MASK_GET_QUOTE, NULL);
}

uint64_t tdx_ghci_setup_event_notify(unsigned vector)
{
	/* Vectors 0-31 are exceptions (3.4: out of range is INVALID_OPERAND). */
	if (vector < 32 || vector > 255)
		return TDVMCALL_STATUS_INVALID_OPERAND;
	return tdx_tdvmcall(0, TDVMCALL_SETUP_EVENT_NOTIFY_INTERRUPT, vector, 0, 0, 0,
			    TDX_GHCI_MASK_SETUP_EVENT_NOTIFY, NULL);
}
