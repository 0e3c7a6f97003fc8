/* tpmctl certificate get: a key's certificate, as PEM. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/certificate.h"
#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/errors.h"
#include "../src/fileio.h"
#include "cli.h"

static const char *output = "-";
static bool force;

static const struct cli_option options[] = {
    {"output", 'o', OPT_STRING, &output, "FILE", "write to FILE (default: stdout)"},
    {"force", 'f', OPT_FLAG, &force, NULL, "replace FILE if it exists"},
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        _cleanup_free_ char *pem = NULL;
        unsigned flags = force ? WRITE_FORCE : 0;
        char full[FAPI_PATH_MAX] = "";
        int r;

        (void)argc;
        if ((r = file_check_output(output, flags)) ||
            (r = tpm_open(s, NEED_FAPI | NEED_ESYS | LOCK_SHARED, &tpm)) ||
            (r = certificate_get(tpm, argv[0], &pem, full, sizeof(full))))
                return r;
        tpm_close(steal_ptr(tpm)); /* the lock is free before the output goes */
        if (s->json) {
                json_object *o = json_object_new_object();
                const char *j;
                char *text;
                size_t n;

                json_object_object_add(o, "path", json_object_new_string(full));
                json_object_object_add(o, "certificate_pem", json_object_new_string(pem));
                j = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                                          JSON_C_TO_STRING_SPACED |
                                                          JSON_C_TO_STRING_NOSLASHESCAPE);
                n = strlen(j);
                if ((text = malloc(n + 1))) {
                        memcpy(text, j, n);
                        text[n] = '\n';
                }
                json_object_put(o);
                if (!text)
                        return error_set(EXIT_TPM, "out of memory");
                r = file_write(output, text, n + 1, flags);
                free(text);
                return r;
        }
        return file_write(output, pem, strlen(pem), flags);
}

const struct command cmd_certificate_get = {
    .name = "get",
    .args = "PATH",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "write the certificate stored with a key (PEM); exit 4 when it has none",
    .details = "For /HE/EK: the keystore's copy, else the TPM's EK certificate (NV index\n"
               "0x01c00002 or 0x01c0000a).",
    .options = options,
};
