/* tpmctl certificate set: stores a key's certificate in the keystore. */
#include <stdio.h>
#include <stdlib.h>

#include "../src/certificate.h"
#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/errors.h"
#include "../src/fileio.h"
#include "cli.h"

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        _cleanup_free_ unsigned char *pem = NULL;
        char full[FAPI_PATH_MAX] = "";
        size_t len;
        int r;

        (void)argc;
        if ((r = file_read(argv[1], CERTIFICATE_MAX, &pem, &len)) ||
            (r = tpm_open(s, NEED_FAPI | LOCK_EXCLUSIVE, &tpm)) ||
            (r = certificate_set(tpm, argv[0], (const char *)pem, len, full, sizeof(full))))
                return r;
        if (s->json) {
                json_object *o = json_object_new_object();
                json_object_object_add(o, "path", json_object_new_string(full));
                print_json(o);
        } else if (!s->quiet) {
                printf("stored the certificate of %s\n", full);
        }
        return 0;
}

const struct command cmd_certificate_set = {
    .name = "set",
    .args = "PATH FILE",
    .min_args = 2,
    .max_args = 2,
    .run = run,
    .summary = "store a PEM certificate (FILE, - for stdin) with a key",
    .details = "The certificate's public key must be the key's; it replaces any stored before.",
};
