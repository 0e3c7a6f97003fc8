/* Moving an OpenSSL private key into the TPM (TPM2_Import under the SRK, as
 * tpm2_import does): the key is wrapped for the SRK in software, so its
 * private part crosses the TPM bus only encrypted. */
#pragma once

#include <openssl/evp.h>

#include "auth.h"
#include "context.h"

/* Imports key (RSA-2048, or ECC on P-256) as a signing key at path, with
 * password as its auth value. */
int wrap_import(struct tpm *tpm, const char *path, EVP_PKEY *key, const struct secret *password);
