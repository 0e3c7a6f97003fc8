/* The AES ciphertext header; see symmetric_header.h. */
#include "symmetric_header.h"

#include <string.h>

#include "errors.h"

void sym_header_write(const struct sym_header *h, uint8_t *out)
{
        memcpy(out, SYM_HEADER_MAGIC, SYM_HEADER_MAGIC_LEN);
        out[SYM_HEADER_MAGIC_LEN] = h->version;
        memcpy(out + SYM_HEADER_MAGIC_LEN + 1, h->key_id, SYM_KEY_ID_LEN);
        memcpy(out + SYM_HEADER_MAGIC_LEN + 1 + SYM_KEY_ID_LEN, h->iv, SYM_IV_LEN);
}

int sym_header_parse(const uint8_t *in, size_t len, struct sym_header *h)
{
        memset(h, 0, sizeof(*h));
        if (len < SYM_HEADER_MAGIC_LEN || memcmp(in, SYM_HEADER_MAGIC, SYM_HEADER_MAGIC_LEN) != 0)
                return error_set(EXIT_BAD_INPUT,
                                 "the input is not data tpmctl encrypted with an AES key");
        if (len < SYM_HEADER_LEN)
                return error_set(EXIT_BAD_INPUT,
                                 "the input is cut short: %zu bytes, the header "
                                 "alone is %d",
                                 len, SYM_HEADER_LEN);
        h->version = in[SYM_HEADER_MAGIC_LEN];
        if (h->version != SYM_HEADER_VERSION)
                return error_set(EXIT_BAD_INPUT,
                                 "the input's AES header has version %u; this tpmctl reads %d",
                                 h->version, SYM_HEADER_VERSION);
        memcpy(h->key_id, in + SYM_HEADER_MAGIC_LEN + 1, SYM_KEY_ID_LEN);
        memcpy(h->iv, in + SYM_HEADER_MAGIC_LEN + 1 + SYM_KEY_ID_LEN, SYM_IV_LEN);
        return 0;
}
