/* libFuzzer: TPM2B_PUBLIC from a keystore or a blob file, into OpenSSL. */
#include <openssl/evp.h>
#include <stdint.h>

#include "../../src/pubkey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        TPM2B_PUBLIC pub;
        EVP_PKEY *key = NULL;
        char name[32];

        if (public_unmarshal(data, size, &pub) != 0)
                return 0;
        public_algorithm(&pub.publicArea, name, sizeof(name));
        (void)public_usage(&pub.publicArea);
        (void)public_sign_hash(&pub.publicArea);
        if (public_to_evp(&pub, &key) == 0)
                EVP_PKEY_free(key);
        return 0;
}
