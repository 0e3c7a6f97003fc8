/* tpmctl auth change: a new password for a key or sealed object. */
#include <stdio.h>

#include "../src/auth_change.h"
#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/errors.h"
#include "auth_options.h"
#include "cli.h"

static struct auth_source current = {.option_prefix = "auth"};
static struct auth_source new_auth = {.option_prefix = "new-auth"};

static const struct cli_option options[] = {
    AUTH_OPTIONS(current),
    {"new-auth-file", 0, OPT_STRING, &new_auth.file, "FILE", "read the new password from FILE"},
    {"new-auth-fd", 0, OPT_STRING, &new_auth.fd, "N",
     "read the new password from file descriptor N"},
    {"new-auth-env", 0, OPT_STRING, &new_auth.env, "VAR",
     "read the new password from environment variable VAR"},
    {"new-auth-prompt", 0, OPT_FLAG, &new_auth.prompt, NULL,
     "ask for the new password on the terminal, twice (the default)"},
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        _cleanup_secret_ struct secret password = {0};
        int r;

        (void)argc;
        if ((r = auth_check(&current)) || (r = auth_check(&new_auth)))
                return r;
        /* The new password first, before anything is locked or loaded; its
         * length is checked against the object's name hash later. */
        if ((r = auth_read(&new_auth, argv[0], !auth_given(&new_auth) || new_auth.prompt, 4096,
                           &password)) ||
            (r = tpm_open(s, NEED_FAPI | NEED_ESYS | LOCK_EXCLUSIVE, &tpm)) ||
            (r = auth_change(tpm, argv[0], &current, &password)))
                return r;
        if (s->json) {
                json_object *doc = json_object_new_object();
                json_object_object_add(doc, "path", json_object_new_string(argv[0]));
                json_object_object_add(doc, "changed", json_object_new_boolean(true));
                print_json(doc);
        } else if (!s->quiet) {
                printf("changed the password of %s\n", argv[0]);
        }
        return 0;
}

const struct command cmd_auth_change = {
    .name = "change",
    .args = "PATH",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "change the password of a key or sealed object",
    .details = "The current password comes from --auth-*, the new one from --new-auth-* (or a\n"
               "terminal prompt, twice). An empty new password removes the password.",
    .options = options,
};
