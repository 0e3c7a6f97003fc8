/* Bringing tpm2-tools blobs into the FAPI keystore. FAPI 3.2.1's Fapi_Import
 * refuses key objects (and tss2_import crashes), so tpmctl writes the
 * keystore object itself, as FAPI writes one for a key it created. */
#pragma once

#include "auth.h"
#include <openssl/evp.h>

#include "context.h"

/* Imports TPM2B_PUBLIC/TPM2B_PRIVATE blobs made under the profile's SRK at
 * path. with_auth: the object has a password. The blobs are checked by
 * loading them once; the result is read back through FAPI. */
int import_blobs(struct tpm *tpm, const char *path, const unsigned char *pub, size_t pub_size,
                 const unsigned char *priv, size_t priv_size, bool with_auth);

/* FAPI's JSON for a public area (RSA, ECC or keyed-hash). Pure. */
json_object *public_to_fapi_json(const TPM2B_PUBLIC *pub);

/* Splits a TSS2 PRIVATE KEY PEM (the TPM 2.0 key file format) into its
 * blobs, parent handle and emptyAuth. Pure; blobs point into *der, which
 * the caller frees. */
struct tss2_key_file {
        unsigned char *der;
        const unsigned char *pub, *priv;
        size_t pub_size, priv_size;
        unsigned long parent;
        bool empty_auth;
};
int tss2_key_file_parse(const unsigned char *pem, size_t len, struct tss2_key_file *key);

/* Stores an RSA or ECC public key (SubjectPublicKeyInfo PEM) at /ext/NAME,
 * as FAPI keeps external keys, for `verify /ext/NAME`. */
int import_public_key(struct tpm *tpm, const char *path, const char *pem_file);

/* The OpenSSL key of an external key stored at a full /ext/... path;
 * EXIT_NOT_FOUND when the object is not one. */
int external_key(const struct tpm *tpm, const char *full_path, EVP_PKEY **key);
