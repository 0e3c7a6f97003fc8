/* tpmctl decrypt: decrypt in the TPM what encrypt (or openssl) made. */
#include <stdio.h>

#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/crypt.h"
#include "../src/fapi_auth.h"
#include "../src/fileio.h"
#include "../src/keys.h"
#include "../src/pubkey.h"
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
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        _cleanup_free_ unsigned char *cipher = NULL;
        _cleanup_secret_ struct secret plain = {0};
        _cleanup_(key_info_free) struct key_info key = {0};
        size_t cipher_len;
        int r;

        (void)argc;
        if ((r = file_check_output(output, force ? WRITE_FORCE : 0)))
                return r;
        if ((r = auth_check(&auth)) ||
            (r = file_read(input, CRYPT_MAX_INPUT + 4096, &cipher, &cipher_len)) ||
            (r = tpm_open(s, NEED_ESYS | LOCK_SHARED, &tpm)) ||
            (r = key_info_read(tpm, argv[0], &key)) ||
            (r = fapi_auth_attach(tpm, &auth, tpm_hash_size(key.public.publicArea.nameAlg))) ||
            (r = decrypt_data(tpm, &key, cipher, cipher_len, &auth, &plain.data, &plain.size)))
                return r;
        return file_write(output, plain.data, plain.size, WRITE_SECRET | (force ? WRITE_FORCE : 0));
}

const struct command cmd_decrypt = {
    .name = "decrypt",
    .args = "PATH",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "decrypt with a TPM RSA decrypt key; nothing is written unless it authenticates",
    .options = options,
};
