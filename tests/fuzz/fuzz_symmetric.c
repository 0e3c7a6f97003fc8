/* libFuzzer: the AES ciphertext header parser (symmetric_header.h) on any
 * bytes; what it accepts writes back to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/errors.h"
#include "../../src/symmetric_header.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct sym_header h;
        uint8_t back[SYM_HEADER_LEN];

        if (sym_header_parse(data, size, &h) == 0) {
                sym_header_write(&h, back);
                if (size < SYM_HEADER_LEN || memcmp(back, data, SYM_HEADER_LEN) != 0)
                        abort();
        }
        error_clear();
        return 0;
}
