/* tpmctl nv increment: add one to a counter index. */
#include <stdio.h>

#include "../src/ops.h"
#include "auth_options.h"
#include "cli.h"

static struct auth_source auth = {.option_prefix = "auth"};

static const struct cli_option options[] = {
    AUTH_OPTIONS(auth),
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(op_context_close) struct op_context ctx = {0};
        struct nv_data_result res;
        int r;

        (void)argc;
        op_context_init(&ctx, s, false);
        if ((r = auth_check(&auth)) ||
            (r = op_nv_increment(
                 &ctx, &(struct nv_increment_request){.path = argv[0], .auth = &auth}, &res)))
                return r;
        if (s->json)
                print_json(nv_data_result_json(&res));
        else if (!s->quiet)
                printf("incremented %s\n", res.path);
        return 0;
}

const struct command cmd_nv_increment = {
    .name = "increment",
    .args = "NVPATH",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "add one to a counter index (it never goes back)",
    .options = options,
};
