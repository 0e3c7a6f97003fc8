/* TPM public areas as OpenSSL keys, and the key facts tpmctl derives from them. */
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <tss2/tss2_tpm2_types.h>

/* Unmarshals a TPM2B_PUBLIC as Fapi_GetTpmBlobs returns it. */
int public_unmarshal(const uint8_t *data, size_t size, TPM2B_PUBLIC *pub);

/* The OpenSSL key for an RSA or ECC public area (NIST P-256/384/521). */
int public_to_evp(const TPM2B_PUBLIC *pub, EVP_PKEY **key);

/* "rsa2048", "ecc256", "ecc384", ...; "keyedhash" for sealed data. */
void public_algorithm(const TPMT_PUBLIC *pub, char *out, size_t size);

/* "sign", "decrypt", "restricted-sign", "restricted-decrypt", "sign,decrypt",
 * "sealed" (a keyedhash object without sign/decrypt). */
const char *public_usage(const TPMT_PUBLIC *pub);

/* The hash tpmctl signs with for this key: the scheme's if set, else the
 * key's name algorithm (SHA-256 for the 256-bit profiles, SHA-384 for P-384). */
TPMI_ALG_HASH public_sign_hash(const TPMT_PUBLIC *pub);

/* The OpenSSL digest for a TPM hash algorithm, NULL if none. */
const EVP_MD *tpm_hash_md(TPMI_ALG_HASH alg);

/* The bytes of the TPM's name hash: how long a password may be. */
size_t tpm_hash_size(TPMI_ALG_HASH alg);

/* What a memory BIO holds, as a new NUL-terminated buffer. */
int bio_text(BIO *bio, char **text, size_t *len);

/* Writes a SubjectPublicKeyInfo PEM of the key into a new buffer. */
int evp_to_pem(EVP_PKEY *key, char **pem, size_t *len);

/* Reads a public key (SubjectPublicKeyInfo PEM) from a file. */
int pem_read_public(const char *file, EVP_PKEY **key);
