/* tpmctl sign: sign data (or a digest) with a TPM key. */
#include <stdio.h>

#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/fapi_auth.h"
#include "../src/fileio.h"
#include "../src/keys.h"
#include "../src/pubkey.h"
#include "../src/sign.h"
#include "../src/signature.h"
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
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        _cleanup_free_ unsigned char *sig = NULL;
        unsigned char digest[EVP_MAX_MD_SIZE];
        _cleanup_(key_info_free) struct key_info key = {0};
        enum sig_scheme scheme;
        size_t digest_len, sig_len;
        int r;

        (void)argc;
        if ((r = file_check_output(output, force ? WRITE_FORCE : 0)))
                return r;
        if ((r = sig_scheme_parse(scheme_name, &scheme)) || (r = auth_check(&auth)))
                return r;
        if ((r = tpm_open(s, NEED_ESYS | LOCK_SHARED, &tpm)) ||
            (r = key_info_read(tpm, argv[0], &key)) ||
            (r = fapi_auth_attach(tpm, &auth, tpm_hash_size(key.public.publicArea.nameAlg))) ||
            (r = digest_input(input, tpm_hash_md(public_sign_hash(&key.public.publicArea)),
                              is_digest, digest, &digest_len)) ||
            (r = key_sign_digest(tpm, &key, scheme, digest, digest_len, &auth, &sig, &sig_len)))
                return r;
        return file_write(output, sig, sig_len, force ? WRITE_FORCE : 0);
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
