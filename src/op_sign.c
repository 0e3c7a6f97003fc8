/* The sign operation and its JSON form. */
#include <stdlib.h>

#include "errors.h"
#include "fapi_auth.h"
#include "op_adapters.h"
#include "op_json.h"
#include "ops.h"
#include "pubkey.h"
#include "sign.h"
#include "signature.h"

static const unsigned sign_needs = NEED_ESYS | LOCK_SHARED;

int op_sign(struct op_context *ctx, const struct sign_request *req, struct sign_result *res)
{
        _cleanup_(key_info_free) struct key_info key = {0};
        const struct auth_source *auth = op_auth(ctx, req->auth);
        unsigned char digest[EVP_MAX_MD_SIZE];
        enum sig_scheme scheme;
        size_t digest_len;
        struct tpm *tpm;
        int r;

        *res = (struct sign_result){0};
        if ((r = sig_scheme_parse(req->scheme, &scheme)) || (r = auth_check(auth)))
                return r;
        if ((r = op_tpm(ctx, sign_needs, NULL, &tpm)) ||
            (r = key_info_read(tpm, req->path, &key)) ||
            (r = fapi_auth_attach(tpm, auth, tpm_hash_size(key.public.publicArea.nameAlg))) ||
            (r = op_digest(&req->input, tpm_hash_md(public_sign_hash(&key.public.publicArea)),
                           req->is_digest, digest, &digest_len)))
                return r;
        return key_sign_digest(tpm, &key, scheme, digest, digest_len, auth, &res->signature,
                               &res->len);
}

void sign_result_free(struct sign_result *res)
{
        free(res->signature);
        *res = (struct sign_result){0};
}

int op_sign_parse(json_object *request, struct op_parsed *p)
{
        struct sign_request *req = &p->req.sign;
        int r;

        req->auth = &p->auth;
        if ((r = json_get_string(request, "path", true, &req->path)) ||
            (r = json_get_string(request, "scheme", false, &req->scheme)) ||
            (r = json_get_auth(request, &p->auth)) ||
            (r = json_get_base64(request, "data_b64", false, &p->data)) ||
            (r = json_get_base64(request, "digest_b64", false, &p->digest)))
                return r;
        if (!!p->data.data == !!p->digest.data)
                return error_set(EXIT_USAGE, "give \"data_b64\" or \"digest_b64\"");
        req->is_digest = p->digest.data != NULL;
        req->input.data = req->is_digest ? p->digest.data : p->data.data;
        req->input.len = req->is_digest ? p->digest.size : p->data.size;
        return 0;
}

int op_sign_run(struct op_context *ctx, const struct op_parsed *p, json_object *reply)
{
        _cleanup_(sign_result_free) struct sign_result res = {0};
        int r;

        if ((r = op_sign(ctx, &p->req.sign, &res)))
                return r;
        return json_add_base64(reply, "signature_b64", res.signature, res.len);
}

const char *const op_sign_fields[] = {"path", "data_b64", "digest_b64", "scheme", "auth", NULL};
