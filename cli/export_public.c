/* tpmctl export-public: a key's public part as PEM, for OpenSSL. */
#include <stdio.h>
#include <string.h>

#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/fileio.h"
#include "../src/keys.h"
#include "../src/pubkey.h"
#include "cli.h"

static const char *output = "-";
static bool force;

static const struct cli_option options[] = {
    {"output", 'o', OPT_STRING, &output, "FILE", "write the PEM to FILE (default: stdout)"},
    {"force", 'f', OPT_FLAG, &force, NULL, "replace FILE if it exists"},
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        _cleanup_pkey_ EVP_PKEY *pkey = NULL;
        _cleanup_free_ char *pem = NULL;
        _cleanup_(key_info_free) struct key_info key = {0};
        size_t len;
        int r;

        (void)argc;
        if ((r = file_check_output(output, force ? WRITE_FORCE : 0)))
                return r;
        if ((r = tpm_open(s, LOCK_SHARED, &tpm)) || (r = key_info_read(tpm, argv[0], &key)) ||
            (r = public_to_evp(&key.public, &pkey)) || (r = evp_to_pem(pkey, &pem, &len)))
                return r;
        if (s->json && strcmp(output, "-") == 0) {
                json_object *doc = json_object_new_object();
                json_object_object_add(doc, "path", json_object_new_string(key.path));
                json_object_object_add(doc, "pubkey_pem",
                                       json_object_new_string_len(pem, (int)len));
                print_json(doc);
                return 0;
        }
        return write_result(s, output, (const unsigned char *)pem, len, force ? WRITE_FORCE : 0,
                            "pubkey_pem", NULL);
}

const struct command cmd_export_public = {
    .name = "export-public",
    .args = "PATH",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "write a key's public key as PEM (SubjectPublicKeyInfo)",
    .details = "Example: tpmctl export-public mykey | openssl pkey -pubin -text -noout",
    .options = options,
};
