/* libmicrohttpd, loaded by `tpmctl serve` only (mhd_dl.c). */
#pragma once

/* Why the library or one of its functions could not be found, or "" when
 * nothing failed: a NULL from MHD_start_daemon() says no more. */
const char *mhd_load_error(void);
