/* tpmctl random: bytes from the TPM's random number generator. */
#include <stdio.h>
#include <stdlib.h>

#include "../src/errors.h"
#include "../src/fileio.h"
#include "../src/hex.h"
#include "../src/ops.h"
#include "../src/ossl_lean.h"
#include "../src/tpm_random.h"
#include "cli.h"

static const char *output = "-";
static bool as_hex, force;

static const struct cli_option options[] = {
    {"output", 'o', OPT_STRING, &output, "FILE", "write to FILE, mode 0600 (default: stdout)"},
    {"hex", 0, OPT_FLAG, &as_hex, NULL, "print the bytes as lower-case hex"},
    {"force", 'f', OPT_FLAG, &force, NULL, "replace FILE if it exists"},
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(op_context_close) struct op_context ctx = {0};
        _cleanup_(random_result_free) struct random_result res = {0};
        _cleanup_secret_ struct secret text = {0};
        char *end;
        unsigned long n = strtoul(argv[0], &end, 10);
        int r;

        (void)argc;
        op_context_init(&ctx, s, false);
        ossl_lean_init(); /* one command, then exit: ossl_lean.h */
        if ((r = file_check_output(output, WRITE_SECRET | (force ? WRITE_FORCE : 0))))
                return r;
        if (end == argv[0] || *end || argv[0][0] == '-' || n > RANDOM_MAX)
                return error_set(EXIT_USAGE, "%s: give a number of bytes from 0 to %u", argv[0],
                                 RANDOM_MAX);
        if ((r = op_random(&ctx, &(struct random_request){.bytes = n}, &res)))
                return r;
        op_context_close(&ctx); /* the TPM and the lock are free before the output goes */
        if (s->json)
                return write_result(s, output, res.data.data, res.data.size,
                                    WRITE_SECRET | (force ? WRITE_FORCE : 0), "data_b64", NULL);
        if (!as_hex)
                return file_write(output, res.data.data, res.data.size,
                                  WRITE_SECRET | (force ? WRITE_FORCE : 0));
        if (!(text.data = malloc(2 * n + 2)))
                return error_set(EXIT_TPM, "out of memory");
        text.size = 2 * n + 1;
        hex_encode(res.data.data, n, (char *)text.data);
        text.data[2 * n] = '\n';
        return file_write(output, text.data, text.size, WRITE_SECRET | (force ? WRITE_FORCE : 0));
}

const struct command cmd_random = {
    .name = "random",
    .args = "N",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "N random bytes (up to 1 MiB) from the TPM, read through an encrypted session",
    .options = options,
};
