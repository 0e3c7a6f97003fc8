/* tpmctl import: tpm2-tools blobs into the keystore. */
#include <stdio.h>
#include <string.h>

#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/errors.h"
#include "../src/fileio.h"
#include "../src/import.h"
#include "../src/path.h"
#include "auth_options.h"
#include "cli.h"

static const char *pub_file, *priv_file;
static struct auth_source auth = {.option_prefix = "auth"};

static const struct cli_option options[] = {
    {"pub", 0, OPT_STRING, &pub_file, "FILE", "the public blob (tpm2_create -u)"},
    {"priv", 0, OPT_STRING, &priv_file, "FILE", "the private blob (tpm2_create -r)"},
    AUTH_OPTIONS(auth),
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        _cleanup_free_ unsigned char *pub = NULL;
        _cleanup_secret_ struct secret priv = {0};
        char path[512];
        size_t pub_size;
        int r;

        (void)argc;
        if (!pub_file || !priv_file)
                return error_set(EXIT_USAGE, "give --pub FILE.pub and --priv FILE.priv");
        if ((r = auth_check(&auth)) || (r = path_normalize(argv[0], path, sizeof(path))) ||
            (r = file_read(pub_file, 4096, &pub, &pub_size)) ||
            (r = file_read(priv_file, 4096, &priv.data, &priv.size)) ||
            (r = tpm_open(s, NEED_FAPI | NEED_ESYS | LOCK_EXCLUSIVE, &tpm)) ||
            (r = import_blobs(tpm, path, pub, pub_size, priv.data, priv.size, auth_given(&auth))))
                return r;
        if (!s->quiet && !s->json)
                printf("imported %s\n", path);
        return 0;
}

const struct command cmd_import = {
    .name = "import",
    .args = "PATH",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "import a key or sealed object made by tpm2_create under the SRK",
    .details = "Example: tpm2_create -C 0x81000001 -G ecc -u k.pub -r k.priv &&\n"
               "         tpmctl import mykey --pub k.pub --priv k.priv\n"
               "Give an --auth-* option when the object has a password (it is not read now;\n"
               "it records that the object needs one).",
    .options = options,
};
