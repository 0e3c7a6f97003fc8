/* Hex text; see hex.h. Decoding is OpenSSL's. */
#include "hex.h"

#include <openssl/crypto.h>

void hex_encode(const void *data, size_t len, char *out)
{
        static const char digits[] = "0123456789abcdef";
        const unsigned char *bytes = data;

        for (size_t i = 0; i < len; i++) {
                out[2 * i] = digits[bytes[i] >> 4];
                out[2 * i + 1] = digits[bytes[i] & 0xf];
        }
        out[2 * len] = '\0';
}

bool hex_decode(const char *text, void *out, size_t max, size_t *len)
{
        *len = 0;
        return OPENSSL_hexstr2buf_ex(out, max, len, text, '\0') == 1;
}
