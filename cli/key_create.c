/* tpmctl key create: a new key in the TPM, under the SRK. */
#include <stdio.h>
#include <stdlib.h>

#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/errors.h"
#include "../src/keys.h"
#include "../src/path.h"
#include "auth_options.h"
#include "cli.h"

static const char *type_name = "sign", *alg, *policy, *pcrs, *persistent, *description;
static bool noda;
static struct auth_source auth = {.option_prefix = "auth"};

static const struct cli_option options[] = {
    {"type", 't', OPT_STRING, &type_name, "TYPE",
     "sign (default), decrypt, restricted-sign or restricted-decrypt"},
    {"alg", 'a', OPT_STRING, &alg, "ALG",
     "rsa2048, ecc256 or ecc384 (default: the --profile's algorithm)"},
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

static int parse_handle(const char *text, unsigned *handle)
{
        char *end;
        unsigned long v = strtoul(text, &end, 16);

        if (end == text || *end || v > 0xffffffffUL)
                return error_set(EXIT_USAGE, "--persistent %s: not a hex handle like 0x81000010",
                                 text);
        if ((v & 0xff000000UL) != 0x81000000UL)
                return error_set(EXIT_USAGE,
                                 "--persistent %s is not a persistent handle (0x81000000 to "
                                 "0x81ffffff)",
                                 text);
        *handle = (unsigned)v;
        return 0;
}

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        _cleanup_secret_ struct secret password = {0};
        struct settings local = *s;
        struct key_spec spec = {
            .noda = noda, .policy = policy, .pcrs = pcrs, .description = description};
        char path[FAPI_PATH_MAX], full[FAPI_PATH_MAX];
        int r;

        (void)argc;
        if (pcrs && policy)
                return error_set(EXIT_USAGE, "give --pcrs or --policy, not both");
        if ((alg && (r = alg_profile(alg, &local.profile))) ||
            (r = key_type_parse(type_name, &spec.type)) ||
            (persistent && (r = parse_handle(persistent, &spec.persistent))) ||
            (r = auth_check(&auth)) || (r = path_normalize(argv[0], path, sizeof(path))))
                return r;
        if ((r = tpm_open(&local, NEED_FAPI | NEED_ESYS | LOCK_EXCLUSIVE | AUTO_PROVISION, &tpm)))
                return r;
        if (tpm->provisioned_now && !s->quiet)
                fprintf(stderr, "tpmctl: %s: provisioned %s first\n", s->command,
                        tpm->setup.profile);
        if ((r = object_absent(tpm, path, full, sizeof(full))))
                return r;
        if (auth_given(&auth) &&
            (r = auth_read(&auth, path, auth.prompt, profile_auth_max(&tpm->setup), &password)))
                return r;
        if ((r = key_create(tpm, path, &spec, &password)) ||
            (r = object_resolve(tpm, path, full, sizeof(full))))
                return r;
        if (s->json) {
                json_object *o = json_object_new_object();
                json_object_object_add(o, "path", json_object_new_string(full));
                json_object_object_add(o, "type", json_object_new_string(type_name));
                json_object_object_add(o, "profile", json_object_new_string(tpm->setup.profile));
                json_object_object_add(o, "persistent_handle",
                                       spec.persistent ? json_object_new_int64(spec.persistent)
                                                       : NULL);
                json_object_object_add(o, "needs_password",
                                       json_object_new_boolean(password.size > 0));
                print_json(o);
        } else if (!s->quiet) {
                printf("created %s\n", full);
        }
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
