/* libFuzzer: the password checks on any bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        unsigned char *copy = malloc(size + 1);
        size_t len = size;

        if (!copy)
                return 0;
        memcpy(copy, data, size);
        (void)auth_validate(copy, &len, 32, "fuzz");
        free(copy);
        return 0;
}
