/* tpmctl unseal: get a sealed secret back. */
#include <stdio.h>

#include "../src/fileio.h"
#include "../src/ops.h"
#include "../src/ossl_lean.h"
#include "auth_options.h"
#include "cli.h"

static const char *output = "-";
static bool force;
static struct auth_source auth = {.option_prefix = "auth"};

static const struct cli_option options[] = {
    {"output", 'o', OPT_STRING, &output, "FILE",
     "where the secret goes, mode 0600 (default: stdout)"},
    {"force", 'f', OPT_FLAG, &force, NULL, "replace FILE if it exists"},
    AUTH_OPTIONS(auth),
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(op_context_close) struct op_context ctx = {0};
        _cleanup_(unseal_result_free) struct unseal_result res = {0};
        int r;

        (void)argc;
        op_context_init(&ctx, s, false);
        ossl_lean_init(); /* one command, then exit: ossl_lean.h */
        if ((r = auth_check(&auth)) ||
            (r = file_check_output(output, WRITE_SECRET | (force ? WRITE_FORCE : 0))) ||
            (r = op_unseal(&ctx, &(struct unseal_request){.path = argv[0], .auth = &auth}, &res)))
                return r;
        /* Done with the TPM and the keystore lock before the secret goes
         * out: a slow reader holds up neither, nor meets the timeout. */
        op_context_close(&ctx);
        if (res.authorization[0] && !s->quiet && !s->json)
                fprintf(stderr, "tpmctl: %s: unsealed with the authorized policy %s\n", s->command,
                        res.authorization);
        if (res.warned && !s->quiet)
                fprintf(stderr, "tpmctl: %s: warning: " UNSEAL_FAPI_WARNING "\n", s->command);
        /* With --json: {"data_b64": ...} (or what went to the file) and the
         * authorized policy that opened it, as batch replies. */
        if (s->json) {
                json_object *doc = json_object_new_object();
                if (res.authorization[0])
                        json_object_object_add(doc, "authorization",
                                               json_object_new_string(res.authorization));
                return write_result(s, output, res.data.data, res.data.size,
                                    WRITE_SECRET | (force ? WRITE_FORCE : 0), "data_b64", doc);
        }
        return file_write(output, res.data.data, res.data.size,
                          WRITE_SECRET | (force ? WRITE_FORCE : 0));
}

const struct command cmd_unseal = {
    .name = "unseal",
    .args = "PATH",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "unseal a secret; it crosses the TPM bus encrypted",
    .options = options,
};
