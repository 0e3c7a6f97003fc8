/* tpmctl key create: a new key in the TPM, under the SRK. */
#include <stdio.h>
#include <stdlib.h>

#include "../src/ops.h"
#include "auth_options.h"
#include "cli.h"

static const char *type_name, *alg, *policy, *pcrs, *persistent, *description, *hash;
static bool noda;
static struct auth_source auth = {.option_prefix = "auth"};

static const struct cli_option options[] = {
    {"type", 't', OPT_STRING, &type_name, "TYPE",
     "sign (default), decrypt, restricted-sign or restricted-decrypt"},
    {"alg", 'a', OPT_STRING, &alg, "ALG",
     "rsa2048, ecc256 or ecc384 (default: the --profile's algorithm); aes128 or aes256 (an "
     "AES key for encrypt/decrypt in the TPM); hmac (an HMAC key)"},
    {"hash", 0, OPT_STRING, &hash, "HASH", "--alg hmac: sha256 (default), sha384 or sha512"},
    {"noda", 0, OPT_FLAG, &noda, NULL,
     "no dictionary-attack protection: wrong passwords never lock this key out"},
    {"policy", 0, OPT_STRING, &policy, "POLICYPATH", "bind the key to a keystore policy"},
    {"pcrs", 0, OPT_STRING, &pcrs, "SPEC",
     "bind the key to these PCRs' values now, e.g. sha256:0,7,16"},
    {"persistent", 0, OPT_STRING, &persistent, "HANDLE",
     "also make the key persistent at HANDLE (0x81000000-0x81ffffff)"},
    {"description", 0, OPT_STRING, &description, "TEXT", "a description kept with the key"},
    AUTH_OPTIONS(auth),
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(op_context_close) struct op_context ctx = {0};
        struct key_create_request req = {.path = argv[0],
                                         .alg = alg,
                                         .type = type_name,
                                         .noda = noda,
                                         .policy = policy,
                                         .pcrs = pcrs,
                                         .persistent = persistent,
                                         .description = description,
                                         .auth = &auth,
                                         .hash = hash};
        struct key_create_result res;
        int r;

        (void)argc;
        op_context_init(&ctx, s, false);
        r = op_key_create(&ctx, &req, &res);
        if (res.provisioned_now && !s->quiet)
                fprintf(stderr, "tpmctl: %s: provisioned %s first\n", s->command,
                        ctx.tpm->setup.profile);
        if (r)
                return r;
        if (s->json)
                print_json(key_create_result_json(&req, &res));
        else if (!s->quiet)
                printf("created %s\n", res.path);
        return 0;
}

const struct command cmd_key_create = {
    .name = "create",
    .args = "PATH",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "create a key under the storage root key",
    .details = "PATH without '/' means /HS/SRK/PATH. Without an --auth-* option the key has no\n"
               "password; with --auth-prompt the password is asked for twice.",
    .options = options,
};
