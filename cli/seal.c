/* tpmctl seal: keep a secret in the TPM, bound to a password and/or PCRs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/errors.h"
#include "../src/fileio.h"
#include "../src/ops.h"
#include "../src/seal.h"
#include "auth_options.h"
#include "cli.h"

static const char *input, *random_text, *pcrs, *policy, *type, *authorized_by, *ref;
static bool force;
static struct auth_source auth = {.option_prefix = "auth"};

static const struct cli_option options[] = {
    {"input", 'i', OPT_STRING, &input, "FILE", "the secret to seal (\"-\": stdin)"},
    {"random", 0, OPT_STRING, &random_text, "N",
     "seal N random bytes from the TPM (they cross the bus only encrypted)"},
    {"pcrs", 0, OPT_STRING, &pcrs, "SPEC",
     "bind to these PCRs' values now, e.g. sha256:0,7 or sha1:0+sha256:7"},
    {"policy", 0, OPT_STRING, &policy, "POLICYPATH", "bind to a keystore policy"},
    {"authorized-by", 0, OPT_STRING, &authorized_by, "SIGNKEYPATH",
     "bind to the policies this key approves (`policy authorize`): survives PCR updates"},
    {"ref", 0, OPT_STRING, &ref, "TEXT", "with --authorized-by: the policyRef (up to 32 bytes)"},
    {"type", 0, OPT_STRING, &type, "TEXT", "extra FAPI flags: noda, or a 0x81xxxxxx handle"},
    {"force", 'f', OPT_FLAG, &force, NULL,
     "replace sealed data at PATH; the old object stays if sealing fails"},
    AUTH_OPTIONS(auth),
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(op_context_close) struct op_context ctx = {0};
        _cleanup_secret_ struct secret data = {0};
        struct seal_request req = {.path = argv[0],
                                   .data_name =
                                       input && strcmp(input, "-") == 0 ? "standard input" : input,
                                   .pcrs = pcrs,
                                   .policy = policy,
                                   .type = type,
                                   .authorized_by = authorized_by,
                                   .policy_ref = ref,
                                   .force = force,
                                   .auth = &auth};
        struct seal_result res;
        int r;

        (void)argc;
        op_context_init(&ctx, s, false);
        if (!!input == !!random_text)
                return error_set(EXIT_USAGE, "give the secret with -i FILE (or -i - for stdin), "
                                             "or --random N");
        if (!!pcrs + !!policy + !!authorized_by > 1)
                return error_set(EXIT_USAGE, "give one of --pcrs, --policy, --authorized-by");
        if (random_text) {
                char *end;
                unsigned long n = strtoul(random_text, &end, 10);
                if (end == random_text || *end || random_text[0] == '-' || n == 0 ||
                    n > SEAL_MAX_INPUT)
                        return error_set(EXIT_USAGE, "--random %s: give a number of bytes",
                                         random_text);
                req.random_len = n;
        }
        if ((r = auth_check(&auth)) || (r = seal_type_check(type)) ||
            (input && (r = file_read(input, SEAL_MAX_INPUT, &data.data, &data.size))))
                return r;
        req.data = data.data;
        req.len = data.size;
        if ((r = op_seal(&ctx, &req, &res)))
                return r;
        if (s->json)
                print_json(seal_result_json(&req, &res));
        else if (!s->quiet)
                printf("sealed %s\n", res.path);
        return 0;
}

const struct command cmd_seal = {
    .name = "seal",
    .args = "PATH",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "seal a secret in the TPM, bound to a password and/or PCR values",
    .details = "Up to 128 bytes are sealed by the TPM itself; larger secrets (up to 64 MiB) are\n"
               "encrypted with a sealed AES-256-GCM key, kept beside the object.\n"
               "--authorized-by KEY seals to whatever policy KEY signs with `tpmctl policy\n"
               "authorize` (e.g. new PCR values after an update); unseal finds the signed\n"
               "policies and uses the one that holds.",
    .options = options,
};
