/* tpmctl export: a key or sealed object for tpm2-tools or OpenSSL's TPM provider. */
#include <stdio.h>
#include <string.h>

#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/errors.h"
#include "../src/export.h"
#include "../src/fileio.h"
#include "cli.h"

static const char *format, *output;
static bool force;

static const struct cli_option options[] = {
    {"format", 0, OPT_STRING, &format, "FORMAT",
     "tpm2-tools (PREFIX.pub and PREFIX.priv) or pem (a TSS2 PRIVATE KEY file)"},
    {"output", 'o', OPT_STRING, &output, "FILE",
     "where to write: the PREFIX for tpm2-tools, the file for pem"},
    {"force", 'f', OPT_FLAG, &force, NULL, "replace existing files"},
    {0},
};

static void exported_freep(struct exported *e)
{
        exported_free(e);
}

static int write_tpm2_tools(const struct settings *s, const struct exported *e)
{
        char pub[4096], priv[4096];
        unsigned flags = WRITE_SECRET | (force ? WRITE_FORCE : 0);
        int r;

        snprintf(pub, sizeof(pub), "%s.pub", output);
        snprintf(priv, sizeof(priv), "%s.priv", output);
        if ((r = file_check_output(pub, flags)) || (r = file_check_output(priv, flags)) ||
            (r = file_write(pub, e->public_blob, e->public_size, flags)) ||
            (r = file_write(priv, e->private_blob, e->private_size, flags)))
                return r;
        if (s->json) {
                json_object *o = json_object_new_object();
                json_object_object_add(o, "public", json_object_new_string(pub));
                json_object_object_add(o, "private", json_object_new_string(priv));
                json_object_object_add(o, "parent", json_object_new_int64(e->parent));
                print_json(o);
        } else if (!s->quiet) {
                printf("wrote %s and %s; parent 0x%08x\n"
                       "load with: tpm2_load -C 0x%08x -u %s -r %s -c key.ctx\n",
                       pub, priv, e->parent, e->parent, pub, priv);
        }
        return 0;
}

const char *const export_formats[] = {"tpm2-tools", "pem", NULL};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        _cleanup_(exported_freep) struct exported e = {0};
        _cleanup_free_ char *pem = NULL;
        size_t len;
        int r;

        (void)argc;
        if (!format || (strcmp(format, export_formats[0]) && strcmp(format, export_formats[1])))
                return error_set(EXIT_USAGE, "give --format tpm2-tools or --format pem");
        if (!output)
                return error_set(EXIT_USAGE, "give -o PREFIX (tpm2-tools) or -o FILE (pem)");
        if (strcmp(format, "pem") == 0 &&
            (r = file_check_output(output, WRITE_SECRET | (force ? WRITE_FORCE : 0))))
                return r;
        if ((r = tpm_open(s, NEED_FAPI | LOCK_SHARED, &tpm)) ||
            (r = export_blobs(tpm, argv[0], &e)))
                return r;
        tpm_close(steal_ptr(tpm)); /* the TPM and the lock are free before the output goes */
        if (strcmp(format, "tpm2-tools") == 0)
                return write_tpm2_tools(s, &e);
        if ((r = export_pem(&e, &pem, &len)) ||
            (r = file_write(output, pem, len, WRITE_SECRET | (force ? WRITE_FORCE : 0))))
                return r;
        if (s->json) {
                json_object *o = json_object_new_object();
                json_object_object_add(o, "file", json_object_new_string(output));
                json_object_object_add(o, "parent", json_object_new_int64(e.parent));
                json_object_object_add(o, "empty_auth", json_object_new_boolean(!e.with_auth));
                print_json(o);
        } else if (!s->quiet && strcmp(output, "-") != 0) {
                printf("wrote %s (TSS2 PRIVATE KEY, parent 0x%08x%s)\n", output, e.parent,
                       e.auth_unknown ? ", password unknown: OpenSSL asks for one, "
                                        "give an empty one if it has none"
                       : e.with_auth  ? ", needs its password"
                                      : "");
        }
        return 0;
}

const struct command cmd_export = {
    .name = "export",
    .args = "PATH",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "export a key or sealed object for tpm2-tools or the OpenSSL TPM provider",
    .details = "The object stays in the keystore; what is written is only usable with this TPM\n"
               "(it is wrapped by the storage root key). Files are written 0600.",
    .options = options,
};
