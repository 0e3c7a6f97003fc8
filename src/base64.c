/* Base64; see base64.h. OpenSSL does the coding; the checks here make it
 * strict, since EVP_DecodeBlock skips blanks and keeps padding bytes. */
#include "base64.h"

#include <limits.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

size_t base64_encoded_len(size_t len)
{
        return (len + 2) / 3 * 4;
}

void base64_encode(const unsigned char *data, size_t len, char *out)
{
        /* EVP_EncodeBlock takes an int length: whole 3-byte groups in steps. */
        const size_t step = 3u << 20;

        out[0] = '\0';
        while (len > 0) {
                size_t n = len < step ? len : step;
                int written = EVP_EncodeBlock((unsigned char *)out, data, (int)n);

                out += written;
                data += n;
                len -= n;
        }
}

static bool base64_char(char c)
{
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '+' || c == '/';
}

bool base64_decode(const char *text, size_t text_len, unsigned char **out, size_t *len)
{
        size_t padding = 0, decoded;
        unsigned char *buf;

        if (text_len % 4 != 0 || text_len / 4 * 3 > INT_MAX)
                return false;
        if (text_len >= 1 && text[text_len - 1] == '=')
                padding++;
        if (text_len >= 2 && text[text_len - 2] == '=')
                padding++;
        for (size_t i = 0; i < text_len - padding; i++)
                if (!base64_char(text[i]))
                        return false;
        if (!(buf = malloc(text_len / 4 * 3 + 1)))
                return false;
        if (text_len && EVP_DecodeBlock(buf, (const unsigned char *)text, (int)text_len) < 0) {
                OPENSSL_cleanse(buf, text_len / 4 * 3 + 1);
                free(buf);
                return false;
        }
        decoded = text_len / 4 * 3 - padding;
        buf[decoded] = '\0';
        *out = buf;
        *len = decoded;
        return true;
}
