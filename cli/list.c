/* tpmctl list: the objects in the keystore. */
#include <stdio.h>

#include "../src/ops.h"
#include "cli.h"

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(op_context_close) struct op_context ctx = {0};
        _cleanup_(list_result_free) struct list_result res = {0};
        int r;

        op_context_init(&ctx, s, false);
        if ((r = op_list(&ctx, &(struct list_request){.path = argc ? argv[0] : NULL}, &res)))
                return r;
        if (s->json)
                print_json(list_result_json(&ctx, &res));
        else
                print_paths(s, res.paths, res.n);
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
