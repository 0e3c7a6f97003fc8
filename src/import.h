/* Bringing tpm2-tools blobs into the FAPI keystore. FAPI 3.2.1's Fapi_Import
 * refuses key objects (and tss2_import crashes), so tpmctl writes the
 * keystore object itself, as FAPI writes one for a key it created. */
#pragma once

#include "auth.h"
#include "context.h"

/* Imports TPM2B_PUBLIC/TPM2B_PRIVATE blobs made under the profile's SRK at
 * path. with_auth: the object has a password. The blobs are checked by
 * loading them once; the result is read back through FAPI. */
int import_blobs(struct tpm *tpm, const char *path, const unsigned char *pub, size_t pub_size,
                 const unsigned char *priv, size_t priv_size, bool with_auth);

/* FAPI's JSON for a public area (RSA, ECC or keyed-hash). Pure. */
json_object *public_to_fapi_json(const TPM2B_PUBLIC *pub);
