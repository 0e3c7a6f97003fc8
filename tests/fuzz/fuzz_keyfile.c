/* libFuzzer: the TSS2 PRIVATE KEY parser on any bytes, as PEM and as the DER
 * inside; what parses must write and parse back the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/tss2_keyfile.h"

static void round_trip(const struct tss2_keyfile *key)
{
        struct tss2_keyfile again;
        char *pem = NULL;
        size_t len = 0;

        if (tss2_keyfile_write(key, &pem, &len) != 0)
                abort();
        if (tss2_keyfile_parse((const unsigned char *)pem, len, &again) != 0 ||
            again.parent != key->parent || again.empty_auth != key->empty_auth ||
            again.pub_size != key->pub_size || again.priv_size != key->priv_size ||
            memcmp(again.pub, key->pub, key->pub_size) != 0 ||
            memcmp(again.priv, key->priv, key->priv_size) != 0)
                abort();
        tss2_keyfile_free(&again);
        free(pem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct tss2_keyfile key;

        if (tss2_keyfile_parse(data, size, &key) == 0) {
                round_trip(&key);
                tss2_keyfile_free(&key);
        }
        if (tss2_keyfile_parse_der(data, size, &key) == 0) {
                round_trip(&key);
                tss2_keyfile_free(&key);
        }
        return 0;
}
