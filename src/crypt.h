/* encrypt/decrypt with a TPM RSA decrypt key: RSA-OAEP for data that fits in
 * one block, the envelope of envelope.h for anything larger. Encryption needs
 * only the public key; decryption happens in the TPM. */
#pragma once

#include <stddef.h>

#include "context.h"
#include "auth.h"
#include "keys.h"

#define CRYPT_MAX_INPUT (256u << 20)

int encrypt_data(const struct key_info *key, const unsigned char *in, size_t len,
                 unsigned char **out, size_t *out_len);

/* The plaintext is a secret: callers wipe it. */
int decrypt_data(struct tpm *tpm, const struct key_info *key, const unsigned char *in, size_t len,
                 const struct auth_source *auth, unsigned char **out, size_t *out_len);
