/* tpmctl hmac: an HMAC with an HMAC key in the TPM. */
#include <stdio.h>

#include "../src/fileio.h"
#include "../src/hex.h"
#include "../src/ops.h"
#include "auth_options.h"
#include "cli.h"

static const char *input = "-", *output = "-";
static bool force, hex;
static struct auth_source auth = {.option_prefix = "auth"};

static const struct cli_option options[] = {
    {"input", 'i', OPT_STRING, &input, "FILE", "the data (default: stdin); any size"},
    {"output", 'o', OPT_STRING, &output, "FILE", "where the HMAC goes (default: stdout)"},
    {"hex", 0, OPT_FLAG, &hex, NULL, "write the HMAC in hex, with a newline (default: raw bytes)"},
    {"force", 'f', OPT_FLAG, &force, NULL, "replace the output file if it exists"},
    AUTH_OPTIONS(auth),
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(op_context_close) struct op_context ctx = {0};
        struct hmac_request req = {.path = argv[0], .input = {.file = input}, .auth = &auth};
        struct hmac_result res;
        char text[2 * sizeof(res.mac) + 2];
        int r;

        (void)argc;
        op_context_init(&ctx, s, false);
        if ((r = file_check_output(output, force ? WRITE_FORCE : 0)) ||
            (r = op_hmac(&ctx, &req, &res)))
                return r;
        op_context_close(&ctx);
        hex_encode(res.mac, res.len, text);
        if (s->json) {
                json_object *o = json_object_new_object();
                json_object_object_add(o, "path", json_object_new_string(argv[0]));
                json_object_object_add(o, "hmac", json_object_new_string(text));
                print_json(o);
                return 0;
        }
        if (hex) {
                size_t n = 2 * res.len;
                text[n] = '\n';
                return file_write(output, text, n + 1, force ? WRITE_FORCE : 0);
        }
        return file_write(output, res.mac, res.len, force ? WRITE_FORCE : 0);
}

const struct command cmd_hmac = {
    .name = "hmac",
    .args = "PATH",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "HMAC of data with an HMAC key in the TPM",
    .details = "The key: key create NAME --alg hmac, or import NAME --hmac-secret FILE.\n"
               "One TPM2_HMAC for data up to the TPM's input buffer, an HMAC sequence beyond.",
    .options = options,
};
