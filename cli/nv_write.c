/* tpmctl nv write: data into an ordinary NV index. */
#include <stdio.h>
#include <string.h>

#include "../src/errors.h"
#include "../src/fileio.h"
#include "../src/ops.h"
#include "auth_options.h"
#include "cli.h"

static const char *input;
static unsigned offset;
static struct auth_source auth = {.option_prefix = "auth"};

static const struct cli_option options[] = {
    {"input", 'i', OPT_STRING, &input, "FILE", "the data to write (\"-\": stdin)"},
    {"offset", 0, OPT_UINT, &offset, "N", "write from byte N of the index (default 0)"},
    AUTH_OPTIONS(auth),
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(op_context_close) struct op_context ctx = {0};
        _cleanup_secret_ struct secret data = {0};
        struct nv_data_result res;
        int r;

        op_context_init(&ctx, s, false);
        /* `nv write NVPATH -` reads stdin, as -i - does. */
        if (argc == 2) {
                if (input || strcmp(argv[1], "-") != 0)
                        return error_set(EXIT_USAGE, "%s: give the data once, with -i FILE or -",
                                         argv[1]);
                input = "-";
        }
        if (!input)
                return error_set(EXIT_USAGE, "give the data with -i FILE, or - for stdin");
        if ((r = auth_check(&auth)) ||
            (r = file_read(input, NV_SIZE_MAX + 1, &data.data, &data.size)))
                return r;
        if ((r = op_nv_write(&ctx,
                             &(struct nv_write_request){.path = argv[0],
                                                        .data = data.data,
                                                        .len = data.size,
                                                        .offset = offset,
                                                        .auth = &auth},
                             &res)))
                return r;
        if (res.warned && !s->quiet)
                fprintf(stderr, "tpmctl: %s: warning: " NV_FAPI_WARNING "\n", s->command);
        if (s->json)
                print_json(nv_data_result_json(&res));
        else if (!s->quiet)
                printf("wrote %zu bytes to %s at offset %u\n", data.size, res.path, offset);
        return 0;
}

const struct command cmd_nv_write = {
    .name = "write",
    .args = "NVPATH [-]",
    .min_args = 1,
    .max_args = 2,
    .run = run,
    .summary = "write data into an ordinary NV index (encrypted on the TPM bus)",
    .options = options,
};
