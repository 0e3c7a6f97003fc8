/* tpmctl policy import: check a policy file strictly, then store it. */
#include <stdio.h>

#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/path.h"
#include "../src/policy.h"
#include "../src/policy_store.h"
#include "cli.h"

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        _cleanup_json_ json_object *json = NULL;
        struct policy policy;
        char path[256];
        int r;

        (void)argc;
        if ((r = policy_path_normalize(argv[0], path, sizeof(path))))
                return r;
        /* Checked before FAPI sees it: FAPI 3.2.1 crashes on some malformed policies. */
        r = policy_file_read(argv[1], &json, &policy);
        policy_free(&policy);
        if (r || (r = tpm_open(s, NEED_FAPI | LOCK_EXCLUSIVE, &tpm)) ||
            (r = policy_store_import(tpm, path, json)))
                return r;
        if (s->json) {
                json_object *doc = json_object_new_object();
                json_object_object_add(doc, "path", json_object_new_string(path));
                print_json(doc);
        } else if (!s->quiet) {
                printf("imported %s\n", path);
        }
        return 0;
}

const struct command cmd_policy_import = {
    .name = "import",
    .args = "POLICYPATH FILE",
    .min_args = 2,
    .max_args = 2,
    .run = run,
    .summary = "check a policy file strictly and store it in the keystore",
    .details = "A POLICYPATH without '/' means /policy/POLICYPATH. Files that are not exactly\n"
               "one valid policy (see `tpmctl help policy digest`) are refused with exit 3.",
};
