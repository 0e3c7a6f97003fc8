/* Sessions tpmctl starts itself through ESYS. */
#pragma once

#include <tss2/tss2_esys.h>

#include "context.h"

/* An HMAC session salted with the SRK of the profile of the object at
 * for_path (NULL: the active profile's), with command and response
 * parameter encryption: what the TPM returns (random bytes, unsealed data)
 * crosses the bus encrypted. The SRK's name is checked against the keystore
 * first, so a swapped TPM key cannot learn the salt. Flushed by tpm_close(). */
int session_start_encrypted(struct tpm *tpm, const char *for_path, ESYS_TR *session);

/* The same for a policy session whose hash is alg (the object's name hash,
 * which its authPolicy is computed with). */
int session_start_policy(struct tpm *tpm, const char *for_path, TPMI_ALG_HASH alg,
                         ESYS_TR *session);

/* The SRK that is the parent of the object at full_path (/P_.../HS/SRK/...),
 * as an ESYS object, checked against the keystore's record of its name.
 * ESYS hands out one ESYS_TR per TPM handle: start sessions before taking
 * it, as they take and close it themselves. */
int srk_object(struct tpm *tpm, const char *full_path, ESYS_TR *srk);
