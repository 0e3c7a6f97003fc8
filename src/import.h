/* Bringing tpm2-tools blobs into the FAPI keystore. FAPI 3.2.1's Fapi_Import
 * refuses key objects (and tss2_import crashes), so tpmctl writes the
 * keystore object itself, as FAPI writes one for a key it created. */
#pragma once

#include "auth.h"
#include <openssl/evp.h>

#include "context.h"
#include "keys.h"
#include "tss2_keyfile.h"

/* Imports TPM2B_PUBLIC/TPM2B_PRIVATE blobs made under the profile's SRK at
 * path. auth: whether the object has a password, as far as the caller knows
 * (a bool converts: true is OBJECT_AUTH_YES). The blobs are checked by
 * loading them once; the result is read back through FAPI. */
int import_blobs(struct tpm *tpm, const char *path, const unsigned char *pub, size_t pub_size,
                 const unsigned char *priv, size_t priv_size, enum object_auth auth);

/* Stores an RSA or ECC public key (SubjectPublicKeyInfo PEM) at /ext/NAME,
 * as FAPI keeps external keys, for `verify /ext/NAME`. */
int import_public_key(struct tpm *tpm, const char *path, const char *pem_file);
/* The same, from the PEM text (NUL-terminated); `what` names it in errors. */
int import_public_pem(struct tpm *tpm, const char *path, const char *pem, const char *what);

/* The OpenSSL key of an external key stored at a full /ext/... path;
 * EXIT_NOT_FOUND when the object is not one. */
int external_key(const struct tpm *tpm, const char *full_path, EVP_PKEY **key);

/* Reads a TSS2 PRIVATE KEY file (PEM, at most 64 KiB) into key. */
int tss2_keyfile_read(const char *file, struct tss2_keyfile *key);

/* Imports a TSS2 PRIVATE KEY at path: its parent must be one of the
 * keystore's SRKs, whose profile a path without one gets. auth_given: an
 * --auth-* option was given (it wins over the file's emptyAuth). */
int import_tss2_keyfile(struct tpm *tpm, const char *path, const struct tss2_keyfile *key,
                        bool auth_given);

/* Reads an unencrypted PEM private key (OpenSSL's formats) from file; an
 * encrypted one is refused rather than prompted for. */
int private_key_read_pem(const char *file, EVP_PKEY **key);
