/* The header tpmctl puts in front of what an AES key in the TPM encrypted
 * (`tpmctl encrypt` with an AES key): pure code, no TPM.
 *
 *   offset  size  field
 *   0       7     magic "TPMCAES"
 *   7       1     version, 1
 *   8       8     key id: the first 8 bytes of the key's name digest (its
 *                 TPM name after the 2-byte hash algorithm), so that data
 *                 for another key is refused rather than decrypted to noise
 *   16      16    IV: random, for AES-CFB
 *   32      ...   the ciphertext, as long as the plaintext (CFB, no padding)
 *
 * CFB has no integrity check: a changed ciphertext decrypts to changed
 * plaintext. Use an RSA key's envelope (AES-GCM) when that matters. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define SYM_HEADER_MAGIC     "TPMCAES"
#define SYM_HEADER_MAGIC_LEN 7
#define SYM_HEADER_VERSION   1
#define SYM_KEY_ID_LEN       8
#define SYM_IV_LEN           16
#define SYM_HEADER_LEN       (SYM_HEADER_MAGIC_LEN + 1 + SYM_KEY_ID_LEN + SYM_IV_LEN)

struct sym_header {
        uint8_t version;
        uint8_t key_id[SYM_KEY_ID_LEN];
        uint8_t iv[SYM_IV_LEN];
};

/* Writes the header (SYM_HEADER_LEN bytes) to out. */
void sym_header_write(const struct sym_header *h, uint8_t *out);

/* Reads the header from the start of in: 0, or EXIT_BAD_INPUT with the
 * reason recorded (too short, not tpmctl's, another version). The
 * ciphertext starts at in + SYM_HEADER_LEN. */
int sym_header_parse(const uint8_t *in, size_t len, struct sym_header *h);
