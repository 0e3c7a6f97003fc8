/* The list and delete operations and their JSON forms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "keystore_clear.h"
#include "op_adapters.h"
#include "op_json.h"
#include "ops.h"

static const unsigned list_needs = LOCK_SHARED;
static const unsigned delete_needs = NEED_FAPI | NEED_ESYS | LOCK_EXCLUSIVE;

int op_list(struct op_context *ctx, const struct list_request *req, struct list_result *res)
{
        struct tpm *tpm;
        int r;

        *res = (struct list_result){0};
        if ((r = op_tpm(ctx, list_needs, NULL, &tpm)))
                return r;
        return objects_list(tpm, req->path, &res->paths, &res->n);
}

void list_result_free(struct list_result *res)
{
        objects_list_free(res->paths);
        *res = (struct list_result){0};
}

static json_object *paths_json(char *const *paths, size_t n)
{
        json_object *a = json_object_new_array();

        for (size_t i = 0; i < n; i++)
                json_object_array_add(a, json_object_new_string(paths[i]));
        return a;
}

static char **paths_new(size_t n)
{
        return calloc(n + 1, sizeof(char *));
}

/* `delete /`: FAPI's way to remove everything, refused without force. */
static int delete_everything(struct tpm *tpm, bool force, struct delete_result *res)
{
        _cleanup_(keystore_contents_freep) struct keystore_contents contents = {0};
        char handles[CLEAR_MAX_HANDLES * 12 + 8];
        size_t used = 0;
        int r;

        if ((r = keystore_contents_read(tpm, &contents)))
                return r;
        handles[0] = '\0';
        for (size_t i = 0; i < contents.n_handles && used < sizeof(handles); i++)
                used += (size_t)snprintf(handles + used, sizeof(handles) - used, "%s0x%08x",
                                         i ? ", " : "", contents.handles[i]);
        if (!contents.n_handles)
                snprintf(handles, sizeof(handles), "none");
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
        /* What was deleted moves into the result. */
        res->paths = contents.paths;
        res->n = contents.n_paths;
        contents.paths = NULL;
        contents.n_paths = 0;
        for (size_t i = 0; i < contents.n_handles && i < sizeof(res->handles) / sizeof(unsigned);
             i++)
                res->handles[res->n_handles++] = contents.handles[i];
        return 0;
}

int op_delete(struct op_context *ctx, const struct delete_request *req, struct delete_result *res)
{
        char full[FAPI_PATH_MAX];
        struct tpm *tpm;
        int r;

        *res = (struct delete_result){0};
        if ((r = op_tpm(ctx, delete_needs, NULL, &tpm)))
                return r;
        if (strcmp(req->path, "/") == 0)
                return delete_everything(tpm, req->force, res);
        /* The full path, for the result, when the keystore's files have it. */
        if (object_resolve(tpm, req->path, full, sizeof(full)))
                snprintf(full, sizeof(full), "%s", req->path);
        error_clear();
        if ((r = object_delete(tpm, req->path)))
                return r;
        if (!(res->paths = paths_new(1)) || !(res->paths[0] = strdup(full)))
                return error_set(EXIT_TPM, "out of memory");
        res->n = 1;
        return 0;
}

void delete_result_free(struct delete_result *res)
{
        objects_list_free(res->paths);
        *res = (struct delete_result){0};
}

int op_list_parse(json_object *request, struct op_parsed *p)
{
        return json_get_string(request, "path", false, &p->req.list.path);
}

/* What key show says of an object, in short: the fields `list --json`
 * gives. Hierarchies and policies, which key show does not describe, get
 * their path and type only. */
static json_object *list_entry_json(struct op_context *ctx, const char *path)
{
        static const char *const fields[] = {
            "type", "algorithm",   "persistent_handle", "handle",         "nv_type",
            "size", "description", "bindings",          "needs_password", NULL};
        _cleanup_(key_show_result_free) struct key_show_result res = {0};
        json_object *o = json_object_new_object(), *shown, *v;

        json_object_object_add(o, "path", json_object_new_string(path));
        if (strncmp(path, "/policy/", 8) == 0) {
                json_object_object_add(o, "type", json_object_new_string("policy"));
                return o;
        }
        if (strncmp(path, "/ext/", 5) == 0) { /* a public key from import --pubkey */
                json_object_object_add(o, "type", json_object_new_string("public"));
                return o;
        }
        if (op_key_show(ctx, &(struct key_show_request){.path = path}, &res)) {
                error_clear();
                json_object_object_add(o, "type", json_object_new_string("hierarchy"));
                return o;
        }
        shown = key_show_result_json(&res);
        for (const char *const *f = fields; *f; f++)
                if (json_object_object_get_ex(shown, *f, &v))
                        json_object_object_add(o, *f, json_object_get(v));
        json_object_put(shown);
        return o;
}

json_object *list_result_json(struct op_context *ctx, const struct list_result *res)
{
        json_object *a = json_object_new_array();

        for (size_t i = 0; i < res->n; i++)
                json_object_array_add(a, list_entry_json(ctx, res->paths[i]));
        return a;
}

int op_list_run(struct op_context *ctx, const struct op_parsed *p, json_object *reply)
{
        _cleanup_(list_result_free) struct list_result res = {0};
        int r;

        if ((r = op_list(ctx, &p->req.list, &res)))
                return r;
        json_object_object_add(reply, "paths", paths_json(res.paths, res.n));
        json_object_object_add(reply, "objects", list_result_json(ctx, &res));
        return 0;
}

int op_delete_parse(json_object *request, struct op_parsed *p)
{
        struct delete_request *req = &p->req.delete;
        int r;

        if ((r = json_get_string(request, "path", true, &req->path)) ||
            (r = json_get_bool(request, "force", &req->force)))
                return r;
        return 0;
}

int op_delete_run(struct op_context *ctx, const struct op_parsed *p, json_object *reply)
{
        const struct delete_request *req = &p->req.delete;
        _cleanup_(delete_result_free) struct delete_result res = {0};
        int r;

        if ((r = op_delete(ctx, req, &res)))
                return r;
        json_merge(reply, delete_result_json(&res, strcmp(req->path, "/") == 0));
        return 0;
}

json_object *delete_result_json(const struct delete_result *res, bool everything)
{
        json_object *o = json_object_new_object(), *evicted;

        json_object_object_add(o, "deleted", paths_json(res->paths, res->n));
        if (!everything)
                return o;
        evicted = json_object_new_array();
        for (size_t i = 0; i < res->n_handles; i++) {
                char h[16];
                snprintf(h, sizeof(h), "0x%08x", res->handles[i]);
                json_object_array_add(evicted, json_object_new_string(h));
        }
        json_object_object_add(o, "evicted", evicted);
        return o;
}

const char *const op_list_fields[] = {"path", NULL};
const char *const op_delete_fields[] = {"path", "force", NULL};
