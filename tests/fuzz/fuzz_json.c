/* libFuzzer: the strict JSON reader used for configs, keystore objects and
 * (later) policies. */
#include <json-c/json.h>
#include <stdint.h>

#include "../../src/jsonfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        json_object *obj = NULL;

        if (json_parse_strict((const char *)data, size, "fuzz", &obj) == 0)
                json_object_put(obj);
        return 0;
}
