/* The NV index operations and their JSON forms; see op_nv.h. */
#include "op_nv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "fapi_config.h"
#include "hex.h"
#include "op_adapters.h"
#include "op_json.h"
#include "ops.h"

static const unsigned define_needs = NEED_FAPI | NEED_ESYS | LOCK_EXCLUSIVE | AUTO_PROVISION;
/* Exclusive, reads too: the keystore's copy of an index's public area is
 * updated when tpmctl finds it written (by another tool, first), and an
 * index with a policy is written through FAPI, which updates it too. */
static const unsigned read_needs = NEED_ESYS | LOCK_EXCLUSIVE;
static const unsigned change_needs = NEED_ESYS | LOCK_EXCLUSIVE;

/* The TPM and the keystore's description of the index the user named. */
static int nv_lookup(struct op_context *ctx, unsigned needs, const char *user_path,
                     struct tpm **tpm, struct nv_info *info)
{
        char path[FAPI_PATH_MAX], full[FAPI_PATH_MAX];
        int r;

        memset(info, 0, sizeof(*info));
        if ((r = nv_path_normalize(user_path, path, sizeof(path))) ||
            (r = op_tpm(ctx, needs, NULL, tpm)) ||
            (r = object_resolve(*tpm, path, full, sizeof(full))))
                return r;
        return nv_info_read(*tpm, full, info);
}

int op_nv_define(struct op_context *ctx, const struct nv_define_request *req,
                 struct nv_define_result *res)
{
        _cleanup_secret_ struct secret password = {0};
        struct nv_spec spec = {.size = req->size, .policy = req->policy, .noda = req->noda};
        char path[FAPI_PATH_MAX];
        struct tpm *tpm;
        int r;

        memset(res, 0, sizeof(*res));
        if ((r = nv_type_parse(req->type ? req->type : "ordinary", &spec.type)) ||
            (r = auth_check(req->auth)) || (r = nv_path_normalize(req->path, path, sizeof(path))))
                return r;
        if (spec.type == NV_ORDINARY && (req->size == 0 || req->size > NV_SIZE_MAX))
                return error_set(EXIT_USAGE, "give --size from 1 to %u bytes", NV_SIZE_MAX);
        if ((r = op_tpm(ctx, define_needs, NULL, &tpm)) ||
            (r = object_absent(tpm, path, res->path, sizeof(res->path))))
                return r;
        if (auth_given(req->auth) && (r = auth_read(req->auth, path, req->auth->prompt,
                                                    profile_auth_max(&tpm->setup), &password)))
                return r;
        if ((r = nv_define(tpm, path, &spec, &password)) ||
            (r = object_resolve(tpm, path, res->path, sizeof(res->path))))
                return r;
        return nv_info_read(tpm, res->path, &res->nv);
}

void nv_define_result_free(struct nv_define_result *res)
{
        nv_info_free(&res->nv);
}

json_object *nv_define_result_json(const struct nv_define_result *res)
{
        json_object *o = json_object_new_object();

        json_object_object_add(o, "path", json_object_new_string(res->path));
        json_object_object_add(o, "handle", json_object_new_int64(res->nv.handle));
        json_object_object_add(o, "nv_type", json_object_new_string(res->nv.type));
        json_object_object_add(o, "size", json_object_new_int64(res->nv.size));
        json_object_object_add(o, "has_policy", json_object_new_boolean(res->nv.has_policy));
        json_object_object_add(o, "needs_password", json_object_new_boolean(res->nv.with_auth));
        return o;
}

int op_nv_write(struct op_context *ctx, const struct nv_write_request *req,
                struct nv_data_result *res)
{
        _cleanup_(nv_info_free) struct nv_info info = {0};
        struct nv_use use = {.nv = &info, .auth = op_auth(ctx, req->auth)};
        struct tpm *tpm;
        int r;

        memset(res, 0, sizeof(*res));
        if ((r = auth_check(use.auth)) ||
            (r = nv_lookup(ctx, change_needs, req->path, &tpm, &info)))
                return r;
        snprintf(res->path, sizeof(res->path), "%s", info.path);
        r = nv_write(tpm, &use, req->offset, req->data, req->len);
        res->warned = use.warned;
        return r;
}

int op_nv_read(struct op_context *ctx, const struct nv_read_request *req,
               struct nv_read_result *res)
{
        _cleanup_(nv_info_free) struct nv_info info = {0};
        struct nv_use use = {.nv = &info, .auth = op_auth(ctx, req->auth)};
        struct tpm *tpm;
        size_t len;
        int r;

        memset(res, 0, sizeof(*res));
        if ((r = auth_check(use.auth)) || (r = nv_lookup(ctx, read_needs, req->path, &tpm, &info)))
                return r;
        snprintf(res->path, sizeof(res->path), "%s", info.path);
        snprintf(res->type, sizeof(res->type), "%s", info.type);
        res->offset = req->offset;
        if (req->offset > info.size)
                return error_set(EXIT_BAD_INPUT, "offset %zu is beyond the %u bytes of %s",
                                 req->offset, info.size, info.path);
        len = req->has_size ? req->size : info.size - req->offset;
        r = nv_read(tpm, &use, req->offset, len, &res->data);
        res->warned = use.warned;
        return r;
}

void nv_read_result_free(struct nv_read_result *res)
{
        secret_wipe(&res->data);
}

json_object *nv_read_result_json(const struct nv_read_result *res)
{
        json_object *o = json_object_new_object();
        char *text = malloc(2 * res->data.size + 1);

        json_object_object_add(o, "path", json_object_new_string(res->path));
        json_object_object_add(o, "nv_type", json_object_new_string(res->type));
        json_object_object_add(o, "offset", json_object_new_int64((int64_t)res->offset));
        json_object_object_add(o, "size", json_object_new_int64((int64_t)res->data.size));
        json_add_base64(o, "data_b64", res->data.data, res->data.size);
        if (text) {
                hex_encode(res->data.data, res->data.size, text);
                json_object_object_add(o, "data_hex", json_object_new_string(text));
                OPENSSL_cleanse(text, 2 * res->data.size + 1);
                free(text);
        }
        /* A counter or bitfield is a big-endian 64-bit number. */
        if ((strcmp(res->type, "counter") == 0 || strcmp(res->type, "bits") == 0) &&
            res->offset == 0 && res->data.size == NV_COUNTER_SIZE) {
                uint64_t v = 0;
                for (size_t i = 0; i < NV_COUNTER_SIZE; i++)
                        v = v << 8 | res->data.data[i];
                json_object_object_add(o, "value", json_object_new_uint64(v));
        }
        if (res->warned)
                json_object_object_add(o, "warning", json_object_new_string(NV_FAPI_WARNING));
        return o;
}

int op_nv_increment(struct op_context *ctx, const struct nv_increment_request *req,
                    struct nv_data_result *res)
{
        _cleanup_(nv_info_free) struct nv_info info = {0};
        struct nv_use use = {.nv = &info, .auth = op_auth(ctx, req->auth)};
        struct tpm *tpm;
        int r;

        memset(res, 0, sizeof(*res));
        if ((r = auth_check(use.auth)) ||
            (r = nv_lookup(ctx, change_needs, req->path, &tpm, &info)))
                return r;
        snprintf(res->path, sizeof(res->path), "%s", info.path);
        return nv_increment(tpm, &use);
}

int op_nv_extend(struct op_context *ctx, const struct nv_extend_request *req,
                 struct nv_data_result *res)
{
        _cleanup_(nv_info_free) struct nv_info info = {0};
        struct nv_use use = {.nv = &info, .auth = op_auth(ctx, req->auth)};
        struct tpm *tpm;
        int r;

        memset(res, 0, sizeof(*res));
        if ((r = auth_check(use.auth)) ||
            (r = nv_lookup(ctx, change_needs, req->path, &tpm, &info)))
                return r;
        snprintf(res->path, sizeof(res->path), "%s", info.path);
        return nv_extend(tpm, &use, req->data, req->len);
}

int op_nv_setbits(struct op_context *ctx, const struct nv_setbits_request *req,
                  struct nv_data_result *res)
{
        _cleanup_(nv_info_free) struct nv_info info = {0};
        struct nv_use use = {.nv = &info, .auth = op_auth(ctx, req->auth)};
        struct tpm *tpm;
        int r;

        memset(res, 0, sizeof(*res));
        if (req->bits == 0)
                return error_set(EXIT_USAGE, "give a mask of bits to set (not 0)");
        if ((r = auth_check(use.auth)) ||
            (r = nv_lookup(ctx, change_needs, req->path, &tpm, &info)))
                return r;
        snprintf(res->path, sizeof(res->path), "%s", info.path);
        return nv_setbits(tpm, &use, req->bits);
}

/* The JSON adapters. */

int op_nv_define_parse(json_object *request, struct op_parsed *p)
{
        struct nv_define_request *req = &p->req.nv_define;
        unsigned long size = 0;
        int r;

        req->auth = &p->auth;
        if ((r = json_get_string(request, "path", true, &req->path)) ||
            (r = json_get_string(request, "type", false, &req->type)) ||
            (r = json_get_uint(request, "size", false, NV_SIZE_MAX, &size, NULL)) ||
            (r = json_get_string(request, "policy", false, &req->policy)) ||
            (r = json_get_bool(request, "noda", &req->noda)) ||
            (r = json_get_auth(request, &p->auth)))
                return r;
        req->size = size;
        return 0;
}

int op_nv_define_run(struct op_context *ctx, const struct op_parsed *p, json_object *reply)
{
        _cleanup_(nv_define_result_free) struct nv_define_result res = {0};
        int r;

        if ((r = op_nv_define(ctx, &p->req.nv_define, &res)))
                return r;
        json_merge(reply, nv_define_result_json(&res));
        return 0;
}

json_object *nv_data_result_json(const struct nv_data_result *res)
{
        json_object *o = json_object_new_object();

        json_object_object_add(o, "path", json_object_new_string(res->path));
        if (res->warned)
                json_object_object_add(o, "warning", json_object_new_string(NV_FAPI_WARNING));
        return o;
}

static void add_path(json_object *reply, const struct nv_data_result *res)
{
        json_merge(reply, nv_data_result_json(res));
}

int op_nv_write_parse(json_object *request, struct op_parsed *p)
{
        struct nv_write_request *req = &p->req.nv_write;
        unsigned long offset = 0;
        int r;

        req->auth = &p->auth;
        if ((r = json_get_string(request, "path", true, &req->path)) ||
            (r = json_get_base64(request, "data_b64", true, &p->data)) ||
            (r = json_get_uint(request, "offset", false, NV_SIZE_MAX, &offset, NULL)) ||
            (r = json_get_auth(request, &p->auth)))
                return r;
        req->data = p->data.data;
        req->len = p->data.size;
        req->offset = offset;
        return 0;
}

int op_nv_write_run(struct op_context *ctx, const struct op_parsed *p, json_object *reply)
{
        struct nv_data_result res;
        int r;

        if ((r = op_nv_write(ctx, &p->req.nv_write, &res)))
                return r;
        add_path(reply, &res);
        return 0;
}

int op_nv_read_parse(json_object *request, struct op_parsed *p)
{
        struct nv_read_request *req = &p->req.nv_read;
        unsigned long offset = 0, size = 0;
        int r;

        req->auth = &p->auth;
        if ((r = json_get_string(request, "path", true, &req->path)) ||
            (r = json_get_uint(request, "offset", false, NV_SIZE_MAX, &offset, NULL)) ||
            (r = json_get_uint(request, "size", false, NV_SIZE_MAX, &size, &req->has_size)) ||
            (r = json_get_auth(request, &p->auth)))
                return r;
        req->offset = offset;
        req->size = size;
        return 0;
}

int op_nv_read_run(struct op_context *ctx, const struct op_parsed *p, json_object *reply)
{
        _cleanup_(nv_read_result_free) struct nv_read_result res = {0};
        int r;

        if ((r = op_nv_read(ctx, &p->req.nv_read, &res)))
                return r;
        json_merge(reply, nv_read_result_json(&res));
        return 0;
}

int op_nv_increment_parse(json_object *request, struct op_parsed *p)
{
        struct nv_increment_request *req = &p->req.nv_increment;
        int r;

        req->auth = &p->auth;
        if ((r = json_get_string(request, "path", true, &req->path)) ||
            (r = json_get_auth(request, &p->auth)))
                return r;
        return 0;
}

int op_nv_increment_run(struct op_context *ctx, const struct op_parsed *p, json_object *reply)
{
        struct nv_data_result res;
        int r;

        if ((r = op_nv_increment(ctx, &p->req.nv_increment, &res)))
                return r;
        add_path(reply, &res);
        return 0;
}

int op_nv_extend_parse(json_object *request, struct op_parsed *p)
{
        struct nv_extend_request *req = &p->req.nv_extend;
        int r;

        req->auth = &p->auth;
        if ((r = json_get_path_auth_data(request, &req->path, &p->auth, "data_b64", &p->data)))
                return r;
        req->data = p->data.data;
        req->len = p->data.size;
        return 0;
}

int op_nv_extend_run(struct op_context *ctx, const struct op_parsed *p, json_object *reply)
{
        struct nv_data_result res;
        int r;

        if ((r = op_nv_extend(ctx, &p->req.nv_extend, &res)))
                return r;
        add_path(reply, &res);
        return 0;
}

int op_nv_setbits_parse(json_object *request, struct op_parsed *p)
{
        struct nv_setbits_request *req = &p->req.nv_setbits;
        const char *bits = NULL;
        int r;

        req->auth = &p->auth;
        if ((r = json_get_string(request, "path", true, &req->path)) ||
            (r = json_get_string(request, "bits", true, &bits)) ||
            (r = nv_bits_parse(bits, &req->bits)) || (r = json_get_auth(request, &p->auth)))
                return r;
        return 0;
}

int op_nv_setbits_run(struct op_context *ctx, const struct op_parsed *p, json_object *reply)
{
        struct nv_data_result res;
        int r;

        if ((r = op_nv_setbits(ctx, &p->req.nv_setbits, &res)))
                return r;
        add_path(reply, &res);
        return 0;
}

const char *const op_nv_define_fields[] = {"path", "type", "size", "policy", "noda", "auth", NULL};
const char *const op_nv_write_fields[] = {"path", "data_b64", "offset", "auth", NULL};
const char *const op_nv_read_fields[] = {"path", "offset", "size", "auth", NULL};
const char *const op_nv_increment_fields[] = {"path", "auth", NULL};
const char *const op_nv_extend_fields[] = {"path", "data_b64", "auth", NULL};
const char *const op_nv_setbits_fields[] = {"path", "bits", "auth", NULL};
