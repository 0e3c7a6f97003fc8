/* tpmctl nv setbits: OR bits into a bitfield index. */
#include <stdio.h>

#include "../src/errors.h"
#include "../src/ops.h"
#include "auth_options.h"
#include "cli.h"

static const char *bits;
static struct auth_source auth = {.option_prefix = "auth"};

static const struct cli_option options[] = {
    {"bits", 0, OPT_STRING, &bits, "0xMASK", "the bits to set (set bits stay set)"},
    AUTH_OPTIONS(auth),
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(op_context_close) struct op_context ctx = {0};
        struct nv_setbits_request req = {.path = argv[0], .auth = &auth};
        struct nv_data_result res;
        int r;

        (void)argc;
        op_context_init(&ctx, s, false);
        if (!bits)
                return error_set(EXIT_USAGE, "give the bits to set with --bits 0xMASK");
        if ((r = nv_bits_parse(bits, &req.bits)) || (r = auth_check(&auth)) ||
            (r = op_nv_setbits(&ctx, &req, &res)))
                return r;
        if (s->json)
                print_json(nv_data_result_json(&res));
        else if (!s->quiet)
                printf("set bits 0x%llx in %s\n", (unsigned long long)req.bits, res.path);
        return 0;
}

const struct command cmd_nv_setbits = {
    .name = "setbits",
    .args = "NVPATH",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "OR bits into a bitfield index",
    .options = options,
};
