/* tpmctl decrypt: decrypt in the TPM what encrypt (or openssl) made. */
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
    {"input", 'i', OPT_STRING, &input, "FILE", "the ciphertext (default: stdin)"},
    {"output", 'o', OPT_STRING, &output, "FILE",
     "where the plaintext goes, mode 0600 (default: stdout)"},
    {"force", 'f', OPT_FLAG, &force, NULL, "replace the output file if it exists"},
    AUTH_OPTIONS(auth),
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(op_context_close) struct op_context ctx = {0};
        _cleanup_free_ unsigned char *cipher = NULL;
        _cleanup_(decrypt_result_free) struct decrypt_result res = {0};
        struct decrypt_request req = {.path = argv[0], .auth = &auth};
        int r;

        (void)argc;
        op_context_init(&ctx, s, false);
        if ((r = file_check_output(output, WRITE_SECRET | (force ? WRITE_FORCE : 0))) ||
            (r = auth_check(&auth)) ||
            (r = file_read(input, CRYPT_MAX_INPUT + 4096, &cipher, &req.len)))
                return r;
        req.ciphertext = cipher;
        if ((r = op_decrypt(&ctx, &req, &res)))
                return r;
        op_context_close(&ctx); /* the TPM and the lock are free before the output goes */
        return file_write(output, res.plaintext.data, res.plaintext.size,
                          WRITE_SECRET | (force ? WRITE_FORCE : 0));
}

const struct command cmd_decrypt = {
    .name = "decrypt",
    .args = "PATH",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "decrypt with a TPM RSA decrypt key or AES key",
    .details = "RSA key: nothing is written unless the data authenticates. AES key: AES-CFB\n"
               "in the TPM; data for another key is refused, but CFB cannot tell changed data.",
    .options = options,
};
