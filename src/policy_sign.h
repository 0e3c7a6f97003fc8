/* Signing with a key that has a policy, through tpmctl's own engine (FAPI
 * 3.2.1 crashes running PCR policies over several PCRs). */
#pragma once

#include "auth.h"
#include "keys.h"
#include "signature.h"

/* Whether the key's policy is tpmctl's to run (else FAPI signs). Sets an
 * error and returns true with *refuse when nobody can run it safely. */
bool key_policy_in_engine(const struct key_info *key, bool *refuse);

/* RSA-OAEP decryption with a key that has a policy (label-less OAEP with
 * the key's name hash, as FAPI's decrypt scheme); the plaintext comes back
 * through an encrypted session. */
int decrypt_with_policy(struct tpm *tpm, const struct key_info *key, const unsigned char *in,
                        size_t len, const struct auth_source *auth, unsigned char **out,
                        size_t *out_len);

int sign_with_policy(struct tpm *tpm, const struct key_info *key, enum sig_scheme scheme,
                     const unsigned char *digest, size_t len, const struct auth_source *auth,
                     unsigned char **sig, size_t *sig_len);
