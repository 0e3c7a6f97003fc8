/* tpmctl list: the objects in the keystore. */
#include <stdio.h>

#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/objects.h"
#include "cli.h"

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        char **paths = NULL;
        size_t n = 0;
        int r;

        if ((r = tpm_open(s, LOCK_SHARED, &tpm)) ||
            (r = objects_list(tpm, argc ? argv[0] : NULL, &paths, &n)))
                return r;
        print_paths(s, paths, n);
        objects_list_free(paths);
        return 0;
}

const struct command cmd_list = {
    .name = "list",
    .args = "[PATH]",
    .max_args = 1,
    .run = run,
    .summary = "list the objects in the keystore (under PATH)",
    .details = "A PATH without '/' means /HS/SRK/PATH.",
};
