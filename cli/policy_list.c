/* tpmctl policy list: the policies in the keystore. */
#include <stdio.h>

#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/errors.h"
#include "../src/objects.h"
#include "cli.h"

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        char **paths = NULL;
        size_t n = 0;
        int r;

        (void)argc;
        (void)argv;
        if ((r = tpm_open(s, LOCK_SHARED, &tpm)))
                return r;
        r = objects_list(tpm, "/policy", &paths, &n);
        if (r == EXIT_NOT_FOUND) { /* no policy stored yet */
                error_clear();
                r = 0;
        }
        if (r)
                return r;
        print_paths(s, paths, n);
        objects_list_free(paths);
        return 0;
}

const struct command cmd_policy_list = {
    .name = "list",
    .max_args = 0,
    .run = run,
    .summary = "list the policies in the keystore",
};
