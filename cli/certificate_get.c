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
static bool force, platform;

static const struct cli_option options[] = {
    {"output", 'o', OPT_STRING, &output, "FILE", "write to FILE (default: stdout)"},
    {"force", 'f', OPT_FLAG, &force, NULL, "replace FILE if it exists"},
    {"platform", 0, OPT_FLAG, &platform, NULL,
     "the TPM's platform certificates (NV 0x01c08000 to 0x01c0ffff) instead of a key's"},
    {0},
};

/* --platform: every platform certificate the TPM holds, PEM one after the
 * other; with --json {"certificates": [{"index", "certificate_pem"}]}. */
static int run_platform(const struct settings *s, unsigned flags)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        struct platform_certificate *certs = NULL;
        _cleanup_free_ char *text = NULL;
        size_t n = 0, used = 0;
        int r;

        if ((r = file_check_output(output, flags)) ||
            (r = tpm_open(s, NEED_ESYS | LOCK_SHARED, &tpm)) ||
            (r = platform_certificates(tpm, &certs, &n)))
                return r;
        tpm_close(steal_ptr(tpm));
        if (!n)
                return error_set(EXIT_NOT_FOUND,
                                 "the TPM has no platform certificate (NV indices 0x%08x to "
                                 "0x%08x)",
                                 PLATFORM_CERT_FIRST, PLATFORM_CERT_LAST);
        if (s->json) {
                json_object *doc = json_object_new_object(), *list = json_object_new_array();
                for (size_t i = 0; i < n; i++) {
                        json_object *c = json_object_new_object();
                        char index[16];
                        snprintf(index, sizeof(index), "0x%08x", certs[i].index);
                        json_object_object_add(c, "index", json_object_new_string(index));
                        json_object_object_add(c, "certificate_pem",
                                               json_object_new_string(certs[i].pem));
                        json_object_array_add(list, c);
                }
                json_object_object_add(doc, "certificates", list);
                platform_certificates_free(certs, n);
                print_json(doc);
                return 0;
        }
        for (size_t i = 0; i < n; i++)
                used += strlen(certs[i].pem);
        if (!(text = malloc(used + 1))) {
                platform_certificates_free(certs, n);
                return error_set(EXIT_TPM, "out of memory");
        }
        used = 0;
        for (size_t i = 0; i < n; i++) {
                size_t len = strlen(certs[i].pem);
                memcpy(text + used, certs[i].pem, len);
                used += len;
        }
        platform_certificates_free(certs, n);
        return file_write(output, text, used, flags);
}

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        _cleanup_free_ char *pem = NULL;
        unsigned flags = force ? WRITE_FORCE : 0;
        char full[FAPI_PATH_MAX] = "";
        int r;

        if (platform && argc)
                return error_set(EXIT_USAGE, "--platform takes no PATH");
        if (platform)
                return run_platform(s, flags);
        if (!argc)
                return error_set(EXIT_USAGE, "give a PATH, or --platform");
        if ((r = file_check_output(output, flags)) ||
            (r = tpm_open(s, NEED_FAPI | NEED_ESYS | LOCK_SHARED, &tpm)) ||
            (r = certificate_get(tpm, argv[0], &pem, full, sizeof(full))))
                return r;
        tpm_close(steal_ptr(tpm)); /* the lock is free before the output goes */
        if (s->json && strcmp(output, "-") == 0) {
                json_object *doc = json_object_new_object();
                json_object_object_add(doc, "path", json_object_new_string(full));
                json_object_object_add(doc, "certificate_pem", json_object_new_string(pem));
                print_json(doc);
                return 0;
        }
        if (s->json) {
                json_object *doc = json_object_new_object();
                json_object_object_add(doc, "path", json_object_new_string(full));
                return write_result(s, output, (const unsigned char *)pem, strlen(pem), flags,
                                    "certificate_pem", doc);
        }
        return file_write(output, pem, strlen(pem), flags);
}

const struct command cmd_certificate_get = {
    .name = "get",
    .args = "[PATH]",
    .min_args = 0,
    .max_args = 1,
    .run = run,
    .summary = "write the certificate stored with a key (PEM); exit 4 when it has none",
    .details = "For /HE/EK: the keystore's copy, else the TPM's EK certificate (NV index\n"
               "0x01c00002 or 0x01c0000a).",
    .options = options,
};
