/* tpmctl delete: remove objects from the keystore and the TPM. */
#include <stdio.h>

#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/errors.h"
#include "../src/objects.h"
#include "cli.h"

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        int first_error = 0, failed = 0, r;

        if ((r = tpm_open(s, NEED_FAPI | LOCK_EXCLUSIVE, &tpm)))
                return r;
        if (argc == 1) {
                if ((r = object_delete(tpm, argv[0])) == 0 && !s->quiet && !s->json)
                        printf("deleted %s\n", argv[0]);
                return r;
        }
        /* Like rm: every path is tried; the first failure decides the exit code. */
        for (int i = 0; i < argc; i++) {
                if ((r = object_delete(tpm, argv[i])) == 0) {
                        if (!s->quiet && !s->json)
                                printf("deleted %s\n", argv[i]);
                        continue;
                }
                fprintf(stderr, "tpmctl: %s: %s\n", s->command, error_message());
                failed++;
                if (!first_error)
                        first_error = r;
        }
        if (failed)
                error_set(first_error, "%d of %d paths not deleted", failed, argc);
        return first_error;
}

const struct command cmd_delete = {
    .name = "delete",
    .args = "PATH...",
    .min_args = 1,
    .max_args = -1,
    .run = run,
    .summary = "delete keys and other objects from the keystore and the TPM",
    .details = "A PATH without '/' means /HS/SRK/PATH. Every PATH is tried; the exit code\n"
               "is that of the first failure.",
};
