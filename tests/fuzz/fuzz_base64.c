/* libFuzzer: the strict base64 of tpmctl batch. The input is decoded as
 * text (what a request gives), and encoded then decoded back as bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/base64.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        unsigned char *decoded = NULL, *back = NULL;
        size_t len, back_len;
        char *text;

        /* What is accepted is canonical in length: its encoding is as long. */
        if (base64_decode((const char *)data, size, &decoded, &len)) {
                if (base64_encoded_len(len) != size || decoded[len] != '\0')
                        abort();
                free(decoded);
        }
        if (!(text = malloc(base64_encoded_len(size) + 1)))
                return 0;
        base64_encode(data, size, text);
        if (strlen(text) != base64_encoded_len(size) ||
            !base64_decode(text, strlen(text), &back, &back_len) || back_len != size ||
            memcmp(back, data, size) != 0)
                abort();
        free(back);
        free(text);
        return 0;
}
