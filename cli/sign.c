/* tpmctl sign: sign data (or a digest) with a TPM key. */
#include <stdio.h>

#include "../src/fileio.h"
#include "../src/ops.h"
#include "../src/ossl_lean.h"
#include "auth_options.h"
#include "cli.h"

static const char *input = "-", *output = "-", *scheme_name;
static bool is_digest, force;
static struct auth_source auth = {.option_prefix = "auth"};

static const struct cli_option options[] = {
    {"input", 'i', OPT_STRING, &input, "FILE", "the data to sign (default: stdin)"},
    {"output", 'o', OPT_STRING, &output, "FILE", "where the signature goes (default: stdout)"},
    {"digest", 0, OPT_FLAG, &is_digest, NULL,
     "the input is already the digest (of the key's hash, e.g. 32 bytes of SHA-256)"},
    {"scheme", 0, OPT_STRING, &scheme_name, "SCHEME",
     "rsapss, rsassa or ecdsa (default: the key's, RSA-PSS or ECDSA)"},
    {"force", 'f', OPT_FLAG, &force, NULL, "replace the output file if it exists"},
    AUTH_OPTIONS(auth),
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(op_context_close) struct op_context ctx = {0};
        _cleanup_(sign_result_free) struct sign_result res = {0};
        struct sign_request req = {.path = argv[0],
                                   .input = {.file = input},
                                   .is_digest = is_digest,
                                   .scheme = scheme_name,
                                   .auth = &auth};
        int r;

        (void)argc;
        op_context_init(&ctx, s, false);
        ossl_lean_init(); /* one command, then exit: ossl_lean.h */
        if ((r = file_check_output(output, force ? WRITE_FORCE : 0)) ||
            (r = op_sign(&ctx, &req, &res)))
                return r;
        return write_result(s, output, res.signature, res.len, force ? WRITE_FORCE : 0,
                            "signature_b64", NULL);
}

const struct command cmd_sign = {
    .name = "sign",
    .args = "PATH",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "sign data with a TPM key (RSA: raw signature; ECDSA: DER)",
    .details = "The data is hashed with the key's hash (SHA-256, or SHA-384 for ecc384).\n"
               "Check a signature with OpenSSL, PUB.pem being `tpmctl export-public PATH`:\n"
               "  rsa2048, RSA-PSS (default):\n"
               "    openssl dgst -sha256 -sigopt rsa_padding_mode:pss -verify PUB.pem -signature "
               "SIG DATA\n"
               "  rsa2048, --scheme rsassa:\n"
               "    openssl dgst -sha256 -verify PUB.pem -signature SIG DATA\n"
               "  ecc256:\n"
               "    openssl dgst -sha256 -verify PUB.pem -signature SIG DATA\n"
               "  ecc384:\n"
               "    openssl dgst -sha384 -verify PUB.pem -signature SIG DATA\n"
               "RSA-PSS needs -sigopt rsa_padding_mode:pss: without it OpenSSL checks PKCS#1 v1.5\n"
               "and says the signature is bad.",
    .options = options,
};
