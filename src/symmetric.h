/* Symmetric keys in the TPM: AES keys that encrypt and decrypt (AES-CFB,
 * TPM2_EncryptDecrypt2) and HMAC keys (TPM2_HMAC and its sequences). FAPI
 * 3.2.1 has no calls for them: they are made with TPM2_Create under the
 * SRK through ESYS and kept as keystore objects like imported tpm2-tools
 * blobs (import.h), so list, key show, delete, export and import handle
 * them. Every command that carries a secret (the key's own bytes, a
 * plaintext, a password) runs in a session salted with the SRK that
 * encrypts it on the bus. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tss2/tss2_tpm2_types.h>

#include "auth.h"
#include "cleanup.h"
#include "context.h"
#include "keys.h"

/* The --alg names of symmetric keys, then NULL (the completion offers them). */
extern const char *const sym_alg_names[];

/* The --hash names of HMAC keys and their algorithms, ending with {0}. */
struct sym_hash {
        const char *name;
        TPMI_ALG_HASH alg;
};
extern const struct sym_hash sym_hashes[];

/* Whether --alg names a symmetric key: "aes128", "aes256" or "hmac". */
bool sym_alg(const char *alg);

struct sym_key_spec {
        const char *alg;                  /* "aes128", "aes256", "hmac" */
        const char *hash;                 /* HMAC: "sha256" (NULL), "sha384", ... */
        const struct secret *hmac_secret; /* HMAC: the key's bytes (import), or NULL: the TPM's */
        const char *pcrs;                 /* bind to these PCRs' values now, or NULL */
        const char *description;          /* or NULL */
        bool noda;
};

/* The template as the key gets it (pure): EXIT_USAGE for an unknown alg
 * or hash, EXIT_BAD_INPUT for an HMAC secret the TPM cannot hold. */
int sym_template(const struct sym_key_spec *spec, bool has_password, TPM2B_PUBLIC *pub);

/* TPM2_Create under the SRK of path's profile, in a salted session that
 * encrypts the new key's password and (import) its bytes; the object is
 * written to the keystore at path (object_absent() rules). */
int sym_key_create(struct tpm *tpm, const char *path, const struct sym_key_spec *spec,
                   const struct secret *password);

bool key_is_aes(const struct key_info *key);
bool key_is_hmac(const struct key_info *key);

/* AES-CFB in the TPM with a random IV: out is the header of
 * symmetric_header.h followed by the ciphertext. Any size (chunked by the
 * TPM's input buffer). */
int aes_encrypt(struct tpm *tpm, const struct key_info *key, const struct auth_source *auth,
                const uint8_t *in, size_t len, uint8_t **out, size_t *out_len);

/* The reverse: EXIT_BAD_INPUT for input that is not for this key. The
 * plaintext is a secret: callers wipe it. */
int aes_decrypt(struct tpm *tpm, const struct key_info *key, const struct auth_source *auth,
                const uint8_t *in, size_t len, uint8_t **out, size_t *out_len);

/* The HMAC of data (or, when file is not NULL, of the file, "-": stdin,
 * read as it goes, of any size) with an HMAC key: TPM2_HMAC for one
 * buffer, a sequence for more. mac holds at least sizeof(TPMU_HA). */
int hmac_compute(struct tpm *tpm, const struct key_info *key, const struct auth_source *auth,
                 const uint8_t *data, size_t len, const char *file, uint8_t *mac, size_t *mac_len);
