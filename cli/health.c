/* tpmctl health: one word for scripts and monitoring. */
#include <stdio.h>

#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/errors.h"
#include "../src/health.h"
#include "../src/error_json.h"
#include "cli.h"

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        char warning[512] = "";
        int r;

        (void)argc;
        (void)argv;
        r = tpm_open(s, NEED_ESYS | LOCK_SHARED, &tpm);
        if (r == 0)
                r = health_check_warn(tpm, warning, sizeof(warning));
        if (s->json) {
                json_object *o = json_object_new_object();
                json_object_object_add(o, "ok", json_object_new_boolean(r == 0));
                json_object_object_add(o, "exit_code", json_object_new_int(r));
                json_object_object_add(o, "reason",
                                       json_object_new_string(r ? error_message() : "ok"));
                json_object_object_add(o, "warning",
                                       warning[0] ? json_object_new_string(warning) : NULL);
                if (r) { /* the error document's fields too, in this one */
                        error_json_add(o, r);
                        json_error_printed = true;
                }
                print_json(o);
        } else if (r == 0) {
                printf("ok\n");
        }
        if (r == 0 && warning[0] && !s->quiet)
                fprintf(stderr, "tpmctl: health: warning: %s\n", warning);
        return r;
}

const struct command cmd_health = {
    .name = "health",
    .max_args = 0,
    .run = run,
    .summary = "exit 0 and print \"ok\" when the TPM answers and the keystore is ready",
    .details = "Otherwise prints the reason and exits with the matching code: 4 not\n"
               "provisioned, 5 dictionary-attack lockout, 7 TPM unreachable. Failed tries\n"
               "counted toward the lockout are a warning on stderr (\"warning\" in --json),\n"
               "still exit 0.",
};
