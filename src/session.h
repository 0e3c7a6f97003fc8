/* Sessions tpmctl starts itself through ESYS. */
#pragma once

#include <tss2/tss2_esys.h>

#include "context.h"

/* An HMAC session salted with the profile's SRK, with command and response
 * parameter encryption: what the TPM returns (random bytes, unsealed data)
 * crosses the bus encrypted. The SRK's name is checked against the keystore
 * first, so a swapped TPM key cannot learn the salt. Flushed by tpm_close(). */
int session_start_encrypted(struct tpm *tpm, ESYS_TR *session);

/* The same for a policy session: salted, response encryption on. */
int session_start_policy(struct tpm *tpm, ESYS_TR *session);

/* The profile's SRK as an ESYS object, checked against the keystore's record
 * of its name. Close it with Esys_TR_Close (it is persistent, not flushed). */
int srk_object(struct tpm *tpm, ESYS_TR *srk);
