/* tpmctl flush: clear the TPM of objects and sessions that programs left. */
#include <stdio.h>

#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/flush.h"
#include "cli.h"

static bool transient, sessions;

static const struct cli_option options[] = {
    {"transient", 0, OPT_FLAG, &transient, NULL, "flush transient objects"},
    {"sessions", 0, OPT_FLAG, &sessions, NULL, "flush loaded and saved sessions"},
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        struct flush_count n;
        int r;

        (void)argc;
        (void)argv;
        if (!transient && !sessions)
                transient = sessions = true;
        /* Exclusive: another tpmctl command must not lose what it has loaded. */
        if ((r = tpm_open(s, NEED_ESYS | LOCK_EXCLUSIVE, &tpm)) ||
            (r = flush_all(tpm->esys, transient, sessions, &n)))
                return r;
        if (s->json) {
                json_object *o = json_object_new_object();
                json_object_object_add(o, "transient", json_object_new_int64(n.transient));
                json_object_object_add(o, "sessions", json_object_new_int64(n.sessions));
                print_json(o);
        } else if (!s->quiet) {
                printf("flushed %u transient object%s and %u session%s\n", n.transient,
                       n.transient == 1 ? "" : "s", n.sessions, n.sessions == 1 ? "" : "s");
        }
        return 0;
}

const struct command cmd_flush = {
    .name = "flush",
    .max_args = 0,
    .run = run,
    .summary = "flush every transient object and session from the TPM",
    .details = "Use it when commands fail with 0x902 (object memory): a killed program left\n"
               "objects loaded. Without options, both kinds are flushed.",
    .options = options,
};
