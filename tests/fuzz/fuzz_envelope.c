/* libFuzzer: the encrypt envelope parser and opener on any bytes. */
#include <stdint.h>
#include <stdlib.h>

#include "../../src/envelope.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const unsigned char key[ENVELOPE_KEY_LEN];
        struct envelope env;
        unsigned char *plain = NULL;
        size_t plain_len;

        if (envelope_parse(data, size, &env) == 0 &&
            envelope_open(&env, key, &plain, &plain_len) == 0)
                free(plain);
        return 0;
}
