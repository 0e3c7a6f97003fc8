/* Signing and decrypting through tpmctl's own ESYS engine (object_load.h):
 * every key without a policy, and keys whose policy tpmctl runs itself
 * (FAPI 3.2.1 crashes running PCR policies over several PCRs, and its
 * Fapi_Sign costs a TPM2_Startup, GetCapability and ReadClock each run). */
#pragma once

#include "auth.h"
#include "keys.h"
#include "signature.h"

/* Whether tpmctl's engine can use the key (no policy, or one it runs; else
 * FAPI must). Sets an error and returns false with *refuse when nobody can
 * run its policy safely. */
bool key_in_engine(const struct key_info *key, bool *refuse);

/* RSA-OAEP decryption (label-less OAEP with the key's name hash, as FAPI's
 * decrypt scheme); the plaintext comes back through an encrypted session. */
int key_decrypt_engine(struct tpm *tpm, const struct key_info *key, const unsigned char *in,
                       size_t len, const struct auth_source *auth, unsigned char **out,
                       size_t *out_len);

/* Signs a digest; RSA keys with the keystore's scheme unless scheme says
 * otherwise (RSA-PSS when it says none). */
int key_sign_engine(struct tpm *tpm, const struct key_info *key, enum sig_scheme scheme,
                    const unsigned char *digest, size_t len, const struct auth_source *auth,
                    unsigned char **sig, size_t *sig_len);

/* The same, with the key's default scheme, as the TPM returns it (for
 * TPM2_VerifySignature later: policy authorizations). */
int key_sign_tpmt(struct tpm *tpm, const struct key_info *key, const unsigned char *digest,
                  size_t len, const struct auth_source *auth, TPMT_SIGNATURE *out);
