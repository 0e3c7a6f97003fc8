/* tpmctl appdata set: an object's application data in the keystore. */
#include <stdio.h>
#include <stdlib.h>

#include "../src/appdata.h"
#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/errors.h"
#include "../src/fileio.h"
#include "cli.h"

static const char *input;

static const struct cli_option options[] = {
    {"input", 'i', OPT_STRING, &input, "FILE", "read the data from FILE (- for stdin)"},
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        _cleanup_free_ unsigned char *data = NULL;
        char full[FAPI_PATH_MAX] = "";
        const char *from = input;
        size_t len = 0;
        int r;

        if (argc == 2) {
                if (input)
                        return error_set(EXIT_USAGE, "give the data with -i FILE or -, not both");
                from = argv[1];
        }
        if (!from)
                return error_set(EXIT_USAGE, "give the data: -i FILE, or - for stdin");
        if ((r = file_read(from, APPDATA_MAX, &data, &len)) ||
            (r = tpm_open(s, NEED_FAPI | LOCK_EXCLUSIVE, &tpm)) ||
            (r = appdata_set(tpm, argv[0], data, len, full, sizeof(full))))
                return r;
        if (s->json) {
                json_object *o = json_object_new_object();
                json_object_object_add(o, "path", json_object_new_string(full));
                json_object_object_add(o, "bytes", json_object_new_int64((int64_t)len));
                print_json(o);
        } else if (!s->quiet) {
                printf("stored %zu bytes of application data with %s\n", len, full);
        }
        return 0;
}

const struct command cmd_appdata_set = {
    .name = "set",
    .args = "PATH [-]",
    .min_args = 1,
    .max_args = 2,
    .run = run,
    .summary = "replace an object's application data with FILE's bytes (empty: none)",
    .options = options,
};
