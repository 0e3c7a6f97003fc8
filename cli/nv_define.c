/* tpmctl nv define: a new NV index. */
#include <stdio.h>
#include <stdlib.h>

#include "../src/errors.h"
#include "../src/ops.h"
#include "auth_options.h"
#include "cli.h"

static const char *type, *policy;
static unsigned size;
static bool noda;
static struct auth_source auth = {.option_prefix = "auth"};

static const struct cli_option options[] = {
    {"size", 0, OPT_UINT, &size, "N",
     "bytes of an ordinary index (1 to 2048); others have their type's size"},
    {"type", 0, OPT_STRING, &type, "TYPE", "ordinary (default), counter, bitfield or extend"},
    {"policy", 0, OPT_STRING, &policy, "POLICYPATH", "bind the index to a keystore policy"},
    {"noda", 0, OPT_FLAG, &noda, NULL, "no dictionary-attack lockout on wrong passwords"},
    AUTH_OPTIONS(auth),
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(op_context_close) struct op_context ctx = {0};
        _cleanup_(nv_define_result_free) struct nv_define_result res = {0};
        struct nv_define_request req = {.path = argv[0],
                                        .type = type,
                                        .size = size,
                                        .policy = policy,
                                        .noda = noda,
                                        .auth = &auth};
        int r;

        (void)argc;
        op_context_init(&ctx, s, false);
        if ((r = op_nv_define(&ctx, &req, &res)))
                return r;
        if (s->json)
                print_json(nv_define_result_json(&res));
        else if (!s->quiet)
                printf("defined %s (%s, %u bytes, handle 0x%08x)\n", res.path, res.nv.type,
                       res.nv.size, res.nv.handle);
        return 0;
}

const struct command cmd_nv_define = {
    .name = "define",
    .args = "NVPATH",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "define an NV index: ordinary data, a counter, a bitfield or an extend index",
    .details = "A password given with an --auth option protects the index; without one its\n"
               "password is empty. A counter or bitfield has 8 bytes, an extend index the size\n"
               "of the profile's name hash.",
    .options = options,
};
