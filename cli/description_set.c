/* tpmctl description set: an object's description in the keystore. */
#include <stdio.h>

#include "../src/appdata.h"
#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/errors.h"
#include "cli.h"

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        char full[FAPI_PATH_MAX] = "";
        int r;

        (void)argc;
        if ((r = tpm_open(s, NEED_FAPI | LOCK_EXCLUSIVE, &tpm)) ||
            (r = description_set(tpm, argv[0], argv[1], full, sizeof(full))))
                return r;
        if (s->json) {
                json_object *o = json_object_new_object();
                json_object_object_add(o, "path", json_object_new_string(full));
                json_object_object_add(o, "description", json_object_new_string(argv[1]));
                print_json(o);
        } else if (!s->quiet) {
                printf("set the description of %s\n", full);
        }
        return 0;
}

const struct command cmd_description_set = {
    .name = "set",
    .args = "PATH TEXT",
    .min_args = 2,
    .max_args = 2,
    .run = run,
    .summary = "set an object's description (one line; \"\" removes it)",
    .details = "PATH: a key or sealed object (a bare NAME is /HS/SRK/NAME) or an NV index\n"
               "(/nv/Owner/NAME).",
};
