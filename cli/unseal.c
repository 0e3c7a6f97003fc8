/* tpmctl unseal: get a sealed secret back. */
#include <stdio.h>

#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/fileio.h"
#include "../src/seal.h"
#include "auth_options.h"
#include "cli.h"

static const char *output = "-";
static bool force;
static struct auth_source auth = {.option_prefix = "auth"};

static const struct cli_option options[] = {
    {"output", 'o', OPT_STRING, &output, "FILE",
     "where the secret goes, mode 0600 (default: stdout)"},
    {"force", 'f', OPT_FLAG, &force, NULL, "replace FILE if it exists"},
    AUTH_OPTIONS(auth),
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        _cleanup_secret_ struct secret secret = {0};
        bool warned;
        int r;

        (void)argc;
        if ((r = auth_check(&auth)) ||
            (r = file_check_output(output, WRITE_SECRET | (force ? WRITE_FORCE : 0))) ||
            (r = tpm_open(s, NEED_ESYS | LOCK_SHARED, &tpm)) ||
            (r = unseal_data(tpm, argv[0], &auth, &secret, &warned)))
                return r;
        if (warned && !s->quiet)
                fprintf(stderr,
                        "tpmctl: %s: warning: this object's policy is run by FAPI, which "
                        "in this libtss2 returns the secret in clear on the TPM bus\n",
                        s->command);
        return file_write(output, secret.data, secret.size,
                          WRITE_SECRET | (force ? WRITE_FORCE : 0));
}

const struct command cmd_unseal = {
    .name = "unseal",
    .args = "PATH",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "unseal a secret; it crosses the TPM bus encrypted",
    .options = options,
};
