/* tpmctl delete: remove objects from the keystore and the TPM. */
#include <stdio.h>
#include <string.h>

#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/errors.h"
#include "../src/keystore_clear.h"
#include "../src/objects.h"
#include "cli.h"

static bool force;

static const struct cli_option options[] = {
    {"force", 'f', OPT_FLAG, &force, NULL,
     "with PATH /: really delete the whole keystore and evict its persistent handles"},
    {0},
};

static void handles_text(const struct keystore_contents *c, char *out, size_t size)
{
        size_t used = 0;

        out[0] = '\0';
        for (size_t i = 0; i < c->n_handles && used < size; i++)
                used += (size_t)snprintf(out + used, size - used, "%s0x%08x", i ? ", " : "",
                                         c->handles[i]);
        if (!c->n_handles)
                snprintf(out, size, "none");
}

/* `delete /`: FAPI's way to remove everything, refused without --force. */
static int delete_everything(const struct settings *s, struct tpm *tpm)
{
        _cleanup_(keystore_contents_freep) struct keystore_contents contents = {0};
        char handles[CLEAR_MAX_HANDLES * 12 + 8];
        int r;

        if ((r = keystore_contents_read(tpm, &contents)))
                return r;
        handles_text(&contents, handles, sizeof(handles));
        if (!force)
                return error_set(
                    EXIT_BAD_INPUT,
                    "refusing to delete /: that deletes the whole keystore (%zu "
                    "objects: every key, sealed secret, policy and storage root key "
                    "of every profile; see `tpmctl list`) and evicts the persistent "
                    "handles %s, so nothing sealed or created in it can be used again; "
                    "give --force to do it",
                    contents.n_paths, handles);
        if ((r = keystore_clear(tpm, &contents)))
                return r;
        if (s->json) {
                json_object *out = json_object_new_object(), *paths = json_object_new_array(),
                            *evicted = json_object_new_array();
                for (size_t i = 0; i < contents.n_paths; i++)
                        json_object_array_add(paths, json_object_new_string(contents.paths[i]));
                for (size_t i = 0; i < contents.n_handles; i++) {
                        char h[16];
                        snprintf(h, sizeof(h), "0x%08x", contents.handles[i]);
                        json_object_array_add(evicted, json_object_new_string(h));
                }
                json_object_object_add(out, "deleted", paths);
                json_object_object_add(out, "evicted", evicted);
                print_json(out);
        } else if (!s->quiet) {
                printf("deleted / (%zu objects; evicted persistent handles: %s); run `tpmctl "
                       "provision` to start again\n",
                       contents.n_paths, handles);
        }
        return 0;
}

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        int first_error = 0, failed = 0, r;

        for (int i = 0; i < argc; i++)
                if (strcmp(argv[i], "/") == 0 && argc > 1)
                        return error_set(EXIT_USAGE, "delete / deletes everything: give it alone");
        if ((r = tpm_open(s, NEED_FAPI | LOCK_EXCLUSIVE, &tpm)))
                return r;
        if (strcmp(argv[0], "/") == 0)
                return delete_everything(s, tpm);
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
               "is that of the first failure. PATH / (alone, with --force) deletes the whole\n"
               "keystore: every object of every profile, the storage root keys and their\n"
               "persistent handles; without --force it says what it would delete and exits 3.",
    .options = options,
};
