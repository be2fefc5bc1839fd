/* TEMPORARY placeholder: replaced by the guest library. */
int tdx_guest_placeholder;
