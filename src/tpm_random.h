/* Random bytes from the TPM, read through an encrypted session. */
#pragma once

#include <stddef.h>

#include "context.h"

#define RANDOM_MAX (1u << 20)

int tpm_random(struct tpm *tpm, unsigned char *out, size_t len);

/* For a process that does nothing but read random bytes (tpmctl random):
 * keeps OpenSSL's tables of legacy algorithm names empty. libtss2-esys 3.2.1
 * makes a new OpenSSL library context for every hash and HMAC of a session,
 * about six per TPM command, and each new context first copies those tables:
 * most of the CPU time of a large read. Nothing on this path looks an
 * algorithm up by a legacy name (EVP_get_digestbyname() would then fail),
 * so it must come before any other use of OpenSSL, and only there. */
void tpm_random_process_init(void);
