/* Answering FAPI when the TPM needs a password (Fapi_SetAuthCB): tpmctl asks
 * its auth source only then, once, and wipes the value at the end. For an
 * object whose password the keystore does not know (keys.h), and no source
 * given, the answer is the empty password. */
#pragma once

#include "auth.h"
#include "context.h"

/* From now on FAPI asks `src` for passwords (max_len bytes at most). */
int fapi_auth_attach(struct tpm *tpm, const struct auth_source *src, size_t max_len);

/* Hands the attached source, if any, to a new FAPI context of tpm
 * (tpm_fapi_connect()). */
int fapi_auth_reattach(struct tpm *tpm);

/* For a failed FAPI call: the auth source's own error when reading the
 * password failed (no terminal, bad file...), a hint to give the password
 * when the empty one was tried and was wrong, else error_rc(rc, ...). */
int fapi_error(struct tpm *tpm, TSS2_RC rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Wipes what was read; tpm_close() calls it. */
void fapi_auth_wipe(struct tpm *tpm);
