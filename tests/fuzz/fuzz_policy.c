/* libFuzzer: policy files, parsed strictly, checked and digested. */
#include <stdint.h>

#include "../../src/jsonfile.h"
#include "../../src/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        json_object *json = NULL;
        struct policy policy;
        TPM2B_DIGEST digest;

        if (json_parse_strict((const char *)data, size, "fuzz", &json) != 0)
                return 0;
        if (policy_parse(json, &policy) == 0) {
                (void)policy_digest(&policy, TPM2_ALG_SHA256, &digest);
                (void)policy_runs_in_engine(&policy);
                (void)policy_has_multi_pcr(&policy);
                char text[256];
                policy_describe(&policy, text, sizeof(text));
        }
        policy_free(&policy);
        json_object_put(json);
        return 0;
}
