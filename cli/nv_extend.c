/* tpmctl nv extend: extend an extend index, as a PCR is. */
#include <stdio.h>

#include "../src/errors.h"
#include "../src/fileio.h"
#include "../src/ops.h"
#include "auth_options.h"
#include "cli.h"

static const char *input;
static struct auth_source auth = {.option_prefix = "auth"};

static const struct cli_option options[] = {
    {"input", 'i', OPT_STRING, &input, "FILE",
     "the data (up to 512 bytes, \"-\": stdin); the index becomes H(index || data)"},
    AUTH_OPTIONS(auth),
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(op_context_close) struct op_context ctx = {0};
        _cleanup_secret_ struct secret data = {0};
        struct nv_data_result res;
        int r;

        (void)argc;
        op_context_init(&ctx, s, false);
        if (!input)
                return error_set(EXIT_USAGE, "give the data with -i FILE (or -i - for stdin)");
        if ((r = auth_check(&auth)) || (r = file_read(input, 4096, &data.data, &data.size)) ||
            (r = op_nv_extend(
                 &ctx,
                 &(struct nv_extend_request){
                     .path = argv[0], .data = data.data, .len = data.size, .auth = &auth},
                 &res)))
                return r;
        if (s->json)
                print_json(nv_data_result_json(&res));
        else if (!s->quiet)
                printf("extended %s\n", res.path);
        return 0;
}

const struct command cmd_nv_extend = {
    .name = "extend",
    .args = "NVPATH",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "extend an extend index with data, as a PCR is extended",
    .options = options,
};
