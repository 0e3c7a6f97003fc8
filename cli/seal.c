/* tpmctl seal: keep a secret in the TPM, bound to a password and/or PCRs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/errors.h"
#include "../src/fileio.h"
#include "../src/objects.h"
#include "../src/path.h"
#include "../src/seal.h"
#include "auth_options.h"
#include "cli.h"

static const char *input, *random_text, *pcrs, *policy, *type;
static struct auth_source auth = {.option_prefix = "auth"};

static const struct cli_option options[] = {
    {"input", 'i', OPT_STRING, &input, "FILE", "the secret to seal (\"-\": stdin)"},
    {"random", 0, OPT_STRING, &random_text, "N",
     "seal N random bytes from the TPM (they cross the bus only encrypted)"},
    {"pcrs", 0, OPT_STRING, &pcrs, "SPEC",
     "bind to these PCRs' values now, e.g. sha256:0,7 or sha1:0+sha256:7"},
    {"policy", 0, OPT_STRING, &policy, "POLICYPATH", "bind to a keystore policy"},
    {"type", 0, OPT_STRING, &type, "TEXT", "extra FAPI flags: noda, or a 0x81xxxxxx handle"},
    AUTH_OPTIONS(auth),
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        _cleanup_secret_ struct secret data = {0}, password = {0};
        struct seal_spec spec = {.pcrs = pcrs, .policy = policy, .type = type};
        char path[FAPI_PATH_MAX], full[FAPI_PATH_MAX];
        unsigned long random_len = 0;
        int r;

        (void)argc;
        if (!!input == !!random_text)
                return error_set(EXIT_USAGE, "give the secret with -i FILE (or -i - for stdin), "
                                             "or --random N");
        if (pcrs && policy)
                return error_set(EXIT_USAGE, "give --pcrs or --policy, not both");
        if (random_text) {
                char *end;
                random_len = strtoul(random_text, &end, 10);
                if (end == random_text || *end || random_text[0] == '-' || random_len == 0 ||
                    random_len > SEAL_MAX_INPUT)
                        return error_set(EXIT_USAGE, "--random %s: give a number of bytes",
                                         random_text);
        }
        if ((r = auth_check(&auth)) || (r = seal_type_check(type)) ||
            (r = path_normalize(argv[0], path, sizeof(path))) ||
            (input && (r = file_read(input, SEAL_MAX_INPUT, &data.data, &data.size))))
                return r;
        if (input && data.size == 0) /* FAPI would say "the input is not valid" */
                return error_set(EXIT_BAD_INPUT, "the secret is empty: %s has no bytes to seal",
                                 strcmp(input, "-") == 0 ? "standard input" : input);
        if ((r = tpm_open(s, NEED_FAPI | NEED_ESYS | LOCK_EXCLUSIVE | AUTO_PROVISION, &tpm)))
                return r;
        if ((r = object_absent(tpm, path, full, sizeof(full))))
                return r;
        if (auth_given(&auth) &&
            (r = auth_read(&auth, path, auth.prompt, profile_auth_max(&tpm->setup), &password)))
                return r;
        if ((r = seal_data(tpm, path, data.data, data.size, random_len, &spec, &password)) ||
            (r = object_resolve(tpm, path, full, sizeof(full))))
                return r;
        if (s->json) {
                json_object *o = json_object_new_object();
                json_object_object_add(o, "path", json_object_new_string(full));
                json_object_object_add(
                    o, "bytes", json_object_new_int64((int64_t)(input ? data.size : random_len)));
                json_object_object_add(o, "pcrs", pcrs ? json_object_new_string(pcrs) : NULL);
                json_object_object_add(o, "needs_password",
                                       json_object_new_boolean(password.size > 0));
                print_json(o);
        } else if (!s->quiet) {
                printf("sealed %s\n", full);
        }
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
               "encrypted with a sealed AES-256-GCM key, kept beside the object.",
    .options = options,
};
