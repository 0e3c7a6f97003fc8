/* tpmctl appdata get: an object's application data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/appdata.h"
#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/errors.h"
#include "../src/fileio.h"
#include "../src/op_json.h"
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
        _cleanup_secret_ struct secret data = {0};
        unsigned flags = force ? WRITE_FORCE : 0;
        char full[FAPI_PATH_MAX] = "";
        int r;

        (void)argc;
        if ((r = file_check_output(output, flags)) ||
            (r = tpm_open(s, NEED_FAPI | LOCK_SHARED, &tpm)) ||
            (r = appdata_get(tpm, argv[0], &data, full, sizeof(full))))
                return r;
        tpm_close(steal_ptr(tpm)); /* the lock is free before the output goes */
        if (s->json) {
                json_object *doc = json_object_new_object();
                json_object_object_add(doc, "path", json_object_new_string(full));
                json_object_object_add(doc, "bytes", json_object_new_int64((int64_t)data.size));
                return write_result(s, output, data.data, data.size, flags, "appdata_b64", doc);
        }
        return file_write(output, data.data ? (const void *)data.data : "", data.size, flags);
}

const struct command cmd_appdata_get = {
    .name = "get",
    .args = "PATH",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "write an object's application data (nothing when it has none)",
    .details = "With --json: {\"path\", \"bytes\", \"appdata_b64\"}.",
    .options = options,
};
