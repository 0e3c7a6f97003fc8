/* The import operation for batch and the HTTP service: tpm2-tools blobs, a
 * TSS2 PEM key file or a public key, given in the request itself (the
 * command line reads the same forms from files, cli/import.c), stored by the
 * same functions of import.c. */
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "import.h"
#include "op_adapters.h"
#include "op_json.h"
#include "ops.h"
#include "path.h"

static const unsigned import_needs = NEED_FAPI | NEED_ESYS | LOCK_EXCLUSIVE;

int op_import(struct op_context *ctx, const struct import_request *req, struct import_result *res)
{
        char path[FAPI_PATH_MAX];
        struct tpm *tpm;
        int forms = !!req->pub + !!req->tss2_pem + !!req->public_pem;
        int r;

        memset(res, 0, sizeof(*res));
        if (forms != 1 || !!req->pub != !!req->priv)
                return error_set(EXIT_USAGE, "give pub_b64 and priv_b64, tss2_pem, or pubkey_pem");
        if (req->public_pem) {
                if (req->needs_auth)
                        return error_set(EXIT_USAGE, "a public key has no password");
                if ((r = op_tpm(ctx, import_needs, NULL, &tpm)) ||
                    (r = import_public_pem(tpm, req->path, req->public_pem, "\"pubkey_pem\"")))
                        return r;
                snprintf(res->path, sizeof(res->path), "%s%s",
                         strchr(req->path, '/') ? "" : "/ext/", req->path);
                return 0;
        }
        if ((r = path_normalize_new(req->path, path, sizeof(path))))
                return r;
        if (req->tss2_pem) {
                _cleanup_(tss2_keyfile_free) struct tss2_keyfile key = {0};
                if ((r = tss2_keyfile_parse((const unsigned char *)req->tss2_pem,
                                            strlen(req->tss2_pem), &key)) ||
                    (r = op_tpm(ctx, import_needs, NULL, &tpm)) ||
                    (r = import_tss2_keyfile(tpm, path, &key, req->needs_auth)))
                        return r;
        } else if ((r = op_tpm(ctx, import_needs, NULL, &tpm)) ||
                   (r = import_blobs(tpm, path, req->pub, req->pub_size, req->priv, req->priv_size,
                                     req->needs_auth ? OBJECT_AUTH_YES : OBJECT_AUTH_UNKNOWN))) {
                return r;
        }
        snprintf(res->path, sizeof(res->path), "%s", path);
        return 0;
}

int op_import_parse(json_object *request, struct op_parsed *p)
{
        struct import_request *req = &p->req.import;
        int r;

        if ((r = json_get_string(request, "path", true, &req->path)) ||
            (r = json_get_base64(request, "pub_b64", false, &p->data)) ||
            (r = json_get_base64(request, "priv_b64", false, &p->signature)) ||
            (r = json_get_string(request, "tss2_pem", false, &req->tss2_pem)) ||
            (r = json_get_string(request, "pubkey_pem", false, &req->public_pem)) ||
            (r = json_get_bool(request, "needs_auth", &req->needs_auth)))
                return r;
        req->pub = p->data.data;
        req->pub_size = p->data.size;
        req->priv = p->signature.data;
        req->priv_size = p->signature.size;
        return 0;
}

int op_import_run(struct op_context *ctx, const struct op_parsed *p, json_object *reply)
{
        struct import_result res;
        int r;

        if ((r = op_import(ctx, &p->req.import, &res)))
                return r;
        json_object_object_add(reply, "path", json_object_new_string(res.path));
        return 0;
}

const char *const op_import_fields[] = {"path",       "pub_b64",    "priv_b64", "tss2_pem",
                                        "pubkey_pem", "needs_auth", NULL};
