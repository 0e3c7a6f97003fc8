/* tpmctl policy authorize: a signing key approves a policy for the objects
 * sealed --authorized-by it. */
#include <stdio.h>

#include "../src/errors.h"
#include "../src/ops.h"
#include "../src/policy_authorize.h"
#include "auth_options.h"
#include "cli.h"

static const char *key, *ref, *pcrs, *alg;
static bool force;
static struct auth_source auth = {.option_prefix = "auth"};

static const struct cli_option options[] = {
    {"key", 'k', OPT_STRING, &key, "SIGNKEYPATH", "the signing key that approves (required)"},
    {"ref", 0, OPT_STRING, &ref, "TEXT", "the policyRef the objects were sealed with (--ref)"},
    {"pcrs", 0, OPT_STRING, &pcrs, "SPEC",
     "store at POLICYPATH a PCR policy for these PCRs' values now, and approve it"},
    {"alg", 0, OPT_STRING, &alg, "HASH",
     "the sealed objects' name hash: sha256 or sha384 (default: the key's)"},
    {"force", 'f', OPT_FLAG, &force, NULL, "with --pcrs: replace the policy at POLICYPATH"},
    AUTH_OPTIONS(auth),
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(op_context_close) struct op_context ctx = {0};
        struct policy_authorize_request req = {.policy = argv[0],
                                               .key = key,
                                               .ref = ref,
                                               .pcrs = pcrs,
                                               .force = force,
                                               .alg = alg,
                                               .auth = &auth};
        struct policy_authorize_result res;
        int r;

        (void)argc;
        if (!key)
                return error_set(EXIT_USAGE, "give the signing key with --key SIGNKEYPATH");
        op_context_init(&ctx, s, false);
        if ((r = op_policy_authorize(&ctx, &req, &res)))
                return r;
        if (s->json)
                print_json(policy_authorize_result_json(&req, &res));
        else if (!s->quiet)
                printf("authorized %s by %s\n", res.policy, res.key);
        return 0;
}

const struct command cmd_policy_authorize = {
    .name = "authorize",
    .args = "POLICYPATH",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "approve a policy with a signing key, for objects sealed --authorized-by it",
    .details = "With --pcrs, a PCR policy for the values now is stored at POLICYPATH first (e.g.\n"
               "after an update); else POLICYPATH is a stored policy with PCR values given.\n"
               "The key signs H(policy digest || policyRef) (TPM2_Sign); the authorization is\n"
               "kept in tpmctl-authorizations/ beside the keystore, where unseal finds it.",
    .options = options,
};
