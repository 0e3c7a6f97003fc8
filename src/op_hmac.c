/* The hmac operation and its JSON form. */
#include <string.h>

#include "errors.h"
#include "hex.h"
#include "op_adapters.h"
#include "op_json.h"
#include "ops.h"
#include "symmetric.h"

static const unsigned hmac_needs = NEED_ESYS | LOCK_SHARED;

int op_hmac(struct op_context *ctx, const struct hmac_request *req, struct hmac_result *res)
{
        _cleanup_(key_info_free) struct key_info key = {0};
        const struct auth_source *auth = op_auth(ctx, req->auth);
        uint8_t mac[sizeof(TPMU_HA)];
        size_t len = 0;
        struct tpm *tpm;
        int r;

        memset(res, 0, sizeof(*res));
        if ((r = auth_check(auth)) || (r = op_tpm(ctx, hmac_needs, NULL, &tpm)) ||
            (r = key_info_read(tpm, req->path, &key)) ||
            (r = hmac_compute(tpm, &key, auth, req->input.data, req->input.len, req->input.file,
                              mac, &len)))
                return r;
        if (len > sizeof(res->mac))
                return error_set(EXIT_TPM, "the TPM returned an HMAC of %zu bytes", len);
        memcpy(res->mac, mac, len);
        res->len = len;
        return 0;
}

int op_hmac_parse(json_object *request, struct op_parsed *p)
{
        struct hmac_request *req = &p->req.hmac;
        int r;

        req->auth = &p->auth;
        if ((r = json_get_path_auth_data(request, &req->path, &p->auth, "data_b64", &p->data)))
                return r;
        req->input.data = p->data.data;
        req->input.len = p->data.size;
        return 0;
}

int op_hmac_run(struct op_context *ctx, const struct op_parsed *p, json_object *reply)
{
        struct hmac_result res;
        char hex[2 * sizeof(res.mac) + 1];
        int r;

        if ((r = op_hmac(ctx, &p->req.hmac, &res)))
                return r;
        hex_encode(res.mac, res.len, hex);
        json_object_object_add(reply, "hmac", json_object_new_string(hex));
        return json_add_base64(reply, "hmac_b64", res.mac, res.len);
}

const char *const op_hmac_fields[] = {"path", "data_b64", "auth", NULL};
