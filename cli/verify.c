/* tpmctl verify: check a signature, with a keystore key or a PEM public key. */
#include <stdio.h>
#include <string.h>

#include "../src/errors.h"
#include "../src/fileio.h"
#include "../src/ops.h"
#include "../src/pubkey.h"
#include "cli.h"

static const char *input = "-", *sig_file, *pubkey_file, *scheme_name, *hash_name;
static bool is_digest;

static const struct cli_option options[] = {
    {"signature", 's', OPT_STRING, &sig_file, "FILE", "the signature to check (required)"},
    {"input", 'i', OPT_STRING, &input, "FILE", "the signed data (default: stdin)"},
    {"pubkey", 0, OPT_STRING, &pubkey_file, "PEMFILE",
     "verify with this PEM public key instead of a keystore key (no TPM needed)"},
    {"digest", 0, OPT_FLAG, &is_digest, NULL, "the input is already the digest"},
    {"scheme", 0, OPT_STRING, &scheme_name, "SCHEME",
     "rsapss, rsassa or ecdsa (default: the key's; rsapss for RSA PEM keys)"},
    {"hash", 0, OPT_STRING, &hash_name, "HASH",
     "sha256, sha384 or sha512 (default: the key's; sha384 for P-384 PEM keys)"},
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(op_context_close) struct op_context ctx = {0};
        _cleanup_pkey_ EVP_PKEY *pkey = NULL;
        _cleanup_free_ unsigned char *sig = NULL;
        struct verify_request req = {.path = argc ? argv[0] : NULL,
                                     .input = {.file = input},
                                     .is_digest = is_digest,
                                     .scheme = scheme_name,
                                     .hash = hash_name};
        struct verify_result res;
        int r;

        op_context_init(&ctx, s, false);
        if (!sig_file)
                return error_set(EXIT_USAGE, "give the signature with -s FILE");
        if ((argc == 1) == (pubkey_file != NULL))
                return error_set(EXIT_USAGE, "give either a key PATH or --pubkey PEMFILE");
        if (pubkey_file && (r = pem_read_public(pubkey_file, &pkey)))
                return r;
        if ((r = file_read(sig_file, 4096, &sig, &req.signature_len)))
                return r;
        req.pubkey = pkey;
        req.signature = sig;
        if ((r = op_verify(&ctx, &req, &res)))
                return r;
        if (!res.valid)
                return print_invalid(s);
        if (s->json) {
                json_object *o = json_object_new_object();
                json_object_object_add(o, "valid", json_object_new_boolean(true));
                print_json(o);
        } else if (!s->quiet) {
                printf("valid\n");
        }
        return 0;
}

const struct command cmd_verify = {
    .name = "verify",
    .args = "[PATH]",
    .max_args = 1,
    .run = run,
    .summary = "check a signature: exit 0 and \"valid\", or exit 1 and \"invalid signature\"",
    .details = "With --pubkey the check runs in OpenSSL alone, without a TPM.",
    .options = options,
};
