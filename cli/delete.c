/* tpmctl delete: remove objects from the keystore and the TPM. */
#include <stdio.h>
#include <string.h>

#include "../src/errors.h"
#include "../src/ops.h"
#include "cli.h"

static bool force;

static const struct cli_option options[] = {
    {"force", 'f', OPT_FLAG, &force, NULL,
     "with PATH /: really delete the whole keystore and evict its persistent handles"},
    {0},
};

static void handles_text(const struct delete_result *res, char *out, size_t size)
{
        size_t used = 0;

        out[0] = '\0';
        for (size_t i = 0; i < res->n_handles && used < size; i++)
                used += (size_t)snprintf(out + used, size - used, "%s0x%08x", i ? ", " : "",
                                         res->handles[i]);
        if (!res->n_handles)
                snprintf(out, size, "none");
}

/* `delete /`: everything, refused without --force. */
static int delete_everything(const struct settings *s, struct op_context *ctx)
{
        _cleanup_(delete_result_free) struct delete_result res = {0};
        char handles[sizeof(res.handles) / sizeof(res.handles[0]) * 12 + 8];
        int r;

        if ((r = op_delete(ctx, &(struct delete_request){.path = "/", .force = force}, &res)))
                return r;
        handles_text(&res, handles, sizeof(handles));
        if (s->json) {
                print_json(delete_result_json(&res, true));
        } else if (!s->quiet) {
                printf("deleted / (%zu objects; evicted persistent handles: %s); run `tpmctl "
                       "provision` to start again\n",
                       res.n, handles);
        }
        return 0;
}

static void print_deleted(json_object *deleted)
{
        json_object *doc = json_object_new_object();

        json_object_object_add(doc, "deleted", json_object_get(deleted));
        print_json(doc);
}

/* Deletes path; its full path joins `deleted` (--json). */
static int delete_one(struct op_context *ctx, const char *path, json_object *deleted)
{
        _cleanup_(delete_result_free) struct delete_result res = {0};
        int r;

        if ((r = op_delete(ctx, &(struct delete_request){.path = path}, &res)))
                return r;
        for (size_t i = 0; i < res.n; i++)
                json_object_array_add(deleted, json_object_new_string(res.paths[i]));
        return 0;
}

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(op_context_close) struct op_context ctx = {0};
        _cleanup_json_ json_object *deleted = json_object_new_array();
        int first_error = 0, failed = 0, r;

        op_context_init(&ctx, s, false);
        for (int i = 0; i < argc; i++)
                if (strcmp(argv[i], "/") == 0 && argc > 1)
                        return error_set(EXIT_USAGE, "delete / deletes everything: give it alone");
        if (strcmp(argv[0], "/") == 0)
                return delete_everything(s, &ctx);
        if (argc == 1) {
                if ((r = delete_one(&ctx, argv[0], deleted)) == 0 && !s->quiet && !s->json)
                        printf("deleted %s\n", argv[0]);
                if (!r && s->json)
                        print_deleted(deleted);
                return r;
        }
        /* Like rm: every path is tried; the first failure decides the exit code. */
        for (int i = 0; i < argc; i++) {
                if ((r = delete_one(&ctx, argv[i], deleted)) == 0) {
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
        else if (s->json)
                print_deleted(deleted);
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
