/* libFuzzer: a keystore object's "public" JSON, read without FAPI, then
 * marshalled as the TPM would take it. */
#include <stdint.h>
#include <tss2/tss2_mu.h>

#include "../../src/fapi_object.h"
#include "../../src/jsonfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        json_object *obj = NULL;
        TPM2B_PUBLIC pub;
        TPM2B_PRIVATE priv;
        uint8_t buf[sizeof(TPM2B_PUBLIC)];
        size_t offset = 0;

        if (json_parse_strict((const char *)data, size, "fuzz", &obj) != 0)
                return 0;
        if (fapi_object_public(obj, &pub) == 0)
                Tss2_MU_TPM2B_PUBLIC_Marshal(&pub, buf, sizeof(buf), &offset);
        (void)fapi_object_private(obj, &priv);
        json_object_put(obj);
        return 0;
}
