/* Signing a digest with a key: through tpmctl's engine, or through FAPI
 * when only FAPI can run the key's policy. */
#pragma once

#include "auth.h"
#include "keys.h"
#include "signature.h"

/* Keys without a policy, or with one tpmctl can run, sign through its ESYS
 * engine (policy_sign.h); the rest through FAPI, which asks for the
 * password when the TPM needs it. *sig is the caller's to free. */
int key_sign_digest(struct tpm *tpm, const struct key_info *key, enum sig_scheme scheme,
                    const unsigned char *digest, size_t len, const struct auth_source *auth,
                    unsigned char **sig, size_t *sig_len);
