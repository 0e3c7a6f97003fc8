/* The recorded error as JSON; see error_json.h. */
#include "error_json.h"

#include <stdio.h>

#include "errors.h"

void error_json_add(json_object *obj, int exit)
{
        const char *msg = error_message();
        char code[16];

        json_object_object_add(obj, "exit", json_object_new_int(exit));
        json_object_object_add(obj, "error",
                               json_object_new_string(*msg                   ? msg
                                                      : exit == EXIT_INVALID ? "verification failed"
                                                                             : "failed"));
        if (error_code()) {
                snprintf(code, sizeof(code), "0x%x", error_code());
                json_object_object_add(obj, "code", json_object_new_string(code));
                json_object_object_add(obj, "hint", json_object_new_string(error_hint()));
        }
}
