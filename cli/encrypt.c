/* tpmctl encrypt: encrypt to a TPM RSA decrypt key. */
#include <stdio.h>

#include "../src/crypt.h"
#include "../src/fileio.h"
#include "../src/ops.h"
#include "auth_options.h"
#include "cli.h"

static const char *input = "-", *output = "-";
static bool force;
static struct auth_source auth = {.option_prefix = "auth"};

static const struct cli_option options[] = {
    {"input", 'i', OPT_STRING, &input, "FILE", "the data to encrypt (default: stdin)"},
    {"output", 'o', OPT_STRING, &output, "FILE", "where the ciphertext goes (default: stdout)"},
    {"force", 'f', OPT_FLAG, &force, NULL, "replace the output file if it exists"},
    AUTH_OPTIONS(auth),
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(op_context_close) struct op_context ctx = {0};
        _cleanup_secret_ struct secret plain = {0};
        _cleanup_(encrypt_result_free) struct encrypt_result res = {0};
        int r;

        (void)argc;
        op_context_init(&ctx, s, false);
        if ((r = file_check_output(output, force ? WRITE_FORCE : 0)) || (r = auth_check(&auth)) ||
            (r = file_read(input, CRYPT_MAX_INPUT, &plain.data, &plain.size)) ||
            (r = op_encrypt(
                 &ctx,
                 &(struct encrypt_request){
                     .path = argv[0], .data = plain.data, .len = plain.size, .auth = &auth},
                 &res)))
                return r;
        secret_wipe(&plain); /* not kept while the ciphertext is written */
        /* The keystore lock goes before the output: a slow reader holds up
         * no other tpmctl. */
        op_context_close(&ctx);
        return file_write(output, res.ciphertext, res.len, force ? WRITE_FORCE : 0);
}

const struct command cmd_encrypt = {
    .name = "encrypt",
    .args = "PATH",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "encrypt data to an RSA decrypt key, or with an AES key in the TPM",
    .details = "RSA key: data that fits one RSA block is RSA-OAEP encrypted, as `openssl pkeyutl\n"
               "-encrypt -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256` does;\n"
               "larger data goes into an envelope: an AES-256-GCM key wrapped by the TPM key.\n"
               "AES key (key create --alg aes128|aes256): AES-CFB inside the TPM with a random\n"
               "IV, behind a 32-byte header (see the man page); the --auth-* options give the\n"
               "key's password.",
    .options = options,
};
