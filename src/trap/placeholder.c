/* TEMPORARY placeholder: replaced by the trap engine. */
int tdx_trap_placeholder;
