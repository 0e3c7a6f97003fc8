/* The envelope `tpmctl encrypt` writes when the data is larger than one RSA
 * block: a random AES-256-GCM key wrapped by the TPM key, then the data.
 *
 *   "TPMCTLE1"  magic, 8 bytes
 *   u16 BE      length of the wrapped key
 *   ...         the AES key, RSA-OAEP-encrypted to the TPM key
 *   12 bytes    GCM nonce
 *   ...         ciphertext
 *   16 bytes    GCM tag; everything before the ciphertext is authenticated too
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define ENVELOPE_MAGIC     "TPMCTLE1"
#define ENVELOPE_MAGIC_LEN 8
#define ENVELOPE_KEY_LEN   32
#define ENVELOPE_NONCE_LEN 12
#define ENVELOPE_TAG_LEN   16

struct envelope {
        const unsigned char *header; /* magic .. nonce: the authenticated data */
        size_t header_len;
        const unsigned char *wrapped_key;
        size_t wrapped_key_len;
        const unsigned char *nonce;
        const unsigned char *ciphertext;
        size_t ciphertext_len;
        const unsigned char *tag;
};

/* Whether data starts like an envelope. */
bool envelope_is(const unsigned char *data, size_t len);

/* Splits an envelope into its parts (pointing into data); EXIT_BAD_INPUT with
 * what is wrong when it is not one. */
int envelope_parse(const unsigned char *data, size_t len, struct envelope *env);

/* Writes an envelope of plain under key (a fresh nonce each time). */
int envelope_seal(const unsigned char key[ENVELOPE_KEY_LEN], const unsigned char *wrapped_key,
                  size_t wrapped_key_len, const unsigned char *plain, size_t plain_len,
                  unsigned char **out, size_t *out_len);

/* Decrypts and authenticates; EXIT_BAD_INPUT, and nothing returned, when the
 * envelope was changed or the key is not its key. */
int envelope_open(const struct envelope *env, const unsigned char key[ENVELOPE_KEY_LEN],
                  unsigned char **plain, size_t *plain_len);
