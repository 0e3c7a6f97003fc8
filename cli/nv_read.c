/* tpmctl nv read: data from an NV index. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/errors.h"
#include "../src/fileio.h"
#include "../src/hex.h"
#include "../src/op_json.h"
#include "../src/ops.h"
#include "auth_options.h"
#include "cli.h"

static const char *output = "-", *size_text;
static unsigned offset;
static bool as_hex, force;
static struct auth_source auth = {.option_prefix = "auth"};

static const struct cli_option options[] = {
    {"output", 'o', OPT_STRING, &output, "FILE", "write to FILE, mode 0600 (default: stdout)"},
    {"size", 0, OPT_STRING, &size_text, "N", "read N bytes (default: to the index's end)"},
    {"offset", 0, OPT_UINT, &offset, "N", "read from byte N (default 0)"},
    {"hex", 0, OPT_FLAG, &as_hex, NULL, "print the bytes as lower-case hex"},
    {"force", 'f', OPT_FLAG, &force, NULL, "replace FILE if it exists"},
    AUTH_OPTIONS(auth),
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(op_context_close) struct op_context ctx = {0};
        _cleanup_(nv_read_result_free) struct nv_read_result res = {0};
        _cleanup_secret_ struct secret text = {0};
        struct nv_read_request req = {.path = argv[0], .offset = offset, .auth = &auth};
        unsigned flags = WRITE_SECRET | (force ? WRITE_FORCE : 0);
        int r;

        (void)argc;
        op_context_init(&ctx, s, false);
        if (size_text) {
                char *end;
                unsigned long n = strtoul(size_text, &end, 10);
                if (end == size_text || *end || size_text[0] == '-' || n > NV_SIZE_MAX)
                        return error_set(EXIT_USAGE, "--size %s: give a number of bytes",
                                         size_text);
                req.size = n;
                req.has_size = true;
        }
        if ((r = auth_check(&auth)) || (r = file_check_output(output, flags)) ||
            (r = op_nv_read(&ctx, &req, &res)))
                return r;
        if (res.warned && !s->quiet)
                fprintf(stderr, "tpmctl: %s: warning: " NV_FAPI_WARNING "\n", s->command);
        if (s->json) {
                json_object *o = nv_read_result_json(&res);
                const char *j = json_object_to_json_string_ext(
                    o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                           JSON_C_TO_STRING_NOSLASHESCAPE);
                size_t n = strlen(j);

                if ((text.data = malloc(n + 1))) {
                        memcpy(text.data, j, n);
                        text.data[n] = '\n';
                        text.size = n + 1;
                }
                json_wipe(o);
                json_object_put(o);
                if (!text.data)
                        return error_set(EXIT_TPM, "out of memory");
                return file_write(output, text.data, text.size, flags);
        }
        if (!as_hex)
                return file_write(output, res.data.data, res.data.size, flags);
        if (!(text.data = malloc(2 * res.data.size + 2)))
                return error_set(EXIT_TPM, "out of memory");
        text.size = 2 * res.data.size + 1;
        hex_encode(res.data.data, res.data.size, (char *)text.data);
        text.data[text.size - 1] = '\n';
        return file_write(output, text.data, text.size, flags);
}

const struct command cmd_nv_read = {
    .name = "read",
    .args = "NVPATH",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "read an NV index's data (encrypted on the TPM bus)",
    .details = "A counter or bitfield is 8 bytes, big-endian; --json also gives it as \"value\".",
    .options = options,
};
