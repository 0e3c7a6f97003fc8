/* The seal and unseal operations and their JSON forms. */
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "op_adapters.h"
#include "op_json.h"
#include "ops.h"
#include "path.h"
#include "seal.h"

static const unsigned seal_needs = NEED_FAPI | NEED_ESYS | LOCK_EXCLUSIVE | AUTO_PROVISION;
static const unsigned unseal_needs = NEED_ESYS | LOCK_SHARED;

int op_seal(struct op_context *ctx, const struct seal_request *req, struct seal_result *res)
{
        _cleanup_secret_ struct secret password = {0};
        struct seal_spec spec = {.pcrs = req->pcrs,
                                 .policy = req->policy,
                                 .type = req->type,
                                 .authorized_by = req->authorized_by,
                                 .policy_ref = req->policy_ref};
        bool replace = false;
        char path[FAPI_PATH_MAX];
        struct tpm *tpm;
        int r;

        *res = (struct seal_result){0};
        if (!req->data == !req->random_len)
                return error_set(EXIT_USAGE, "give the secret, or a number of random bytes");
        if (!!req->pcrs + !!req->policy + !!req->authorized_by > 1)
                return error_set(EXIT_USAGE, "give one of --pcrs, --policy, --authorized-by");
        if (req->policy_ref && !req->authorized_by)
                return error_set(EXIT_USAGE, "--ref goes with --authorized-by");
        if (req->random_len > SEAL_MAX_INPUT)
                return error_set(EXIT_USAGE, "%zu random bytes: at most %u", req->random_len,
                                 SEAL_MAX_INPUT);
        if (req->data && req->len > SEAL_MAX_INPUT)
                return error_set(EXIT_BAD_INPUT, "the secret is larger than %u bytes",
                                 SEAL_MAX_INPUT);
        if ((r = auth_check(req->auth)) || (r = seal_type_check(req->type)) ||
            (r = seal_policy_ref(req->policy_ref, &(TPM2B_NONCE){0})) ||
            (r = path_normalize_new(req->path, path, sizeof(path))))
                return r;
        if (req->data && req->len == 0) /* FAPI would say "the input is not valid" */
                return error_set(EXIT_BAD_INPUT, "the secret is empty: %s has no bytes to seal",
                                 req->data_name ? req->data_name : "the request");
        if ((r = op_tpm(ctx, seal_needs, NULL, &tpm)))
                return r;
        r = object_absent(tpm, path, res->path, sizeof(res->path));
        if (r == EXIT_EXISTS && req->force) {
                error_clear();
                replace = true;
        } else if (r) {
                return r;
        }
        if (auth_given(req->auth) && (r = auth_read(req->auth, path, req->auth->prompt,
                                                    profile_auth_max(&tpm->setup), &password)))
                return r;
        if ((r = replace ? seal_replace(tpm, path, req->data, req->len, req->random_len, &spec,
                                        &password)
                         : seal_data(tpm, path, req->data, req->len, req->random_len, &spec,
                                     &password)) ||
            (r = object_resolve(tpm, path, res->path, sizeof(res->path))))
                return r;
        res->bytes = req->data ? req->len : req->random_len;
        res->needs_password = password.size > 0;
        return 0;
}

json_object *seal_result_json(const struct seal_request *req, const struct seal_result *res)
{
        json_object *o = json_object_new_object();

        json_object_object_add(o, "path", json_object_new_string(res->path));
        json_object_object_add(o, "bytes", json_object_new_int64((int64_t)res->bytes));
        json_object_object_add(o, "pcrs", req->pcrs ? json_object_new_string(req->pcrs) : NULL);
        json_object_object_add(o, "needs_password", json_object_new_boolean(res->needs_password));
        if (req->authorized_by)
                json_object_object_add(o, "authorized_by",
                                       json_object_new_string(req->authorized_by));
        if (req->policy_ref)
                json_object_object_add(o, "policy_ref", json_object_new_string(req->policy_ref));
        return o;
}

int op_unseal(struct op_context *ctx, const struct unseal_request *req, struct unseal_result *res)
{
        const struct auth_source *auth = op_auth(ctx, req->auth);
        struct tpm *tpm;
        int r;

        *res = (struct unseal_result){0};
        if ((r = auth_check(auth)) || (r = op_tpm(ctx, unseal_needs, NULL, &tpm)))
                return r;
        struct unseal_info info;
        if ((r = unseal_data(tpm, req->path, auth, &res->data, &info)))
                return r;
        res->warned = info.warned;
        snprintf(res->authorization, sizeof(res->authorization), "%s", info.authorization);
        return 0;
}

void unseal_result_free(struct unseal_result *res)
{
        secret_wipe(&res->data);
}

int op_seal_parse(json_object *request, struct op_parsed *p)
{
        struct seal_request *req = &p->req.seal;
        unsigned long random_len = 0;
        int r;

        req->auth = &p->auth;
        if ((r = json_get_string(request, "path", true, &req->path)) ||
            (r = json_get_string(request, "pcrs", false, &req->pcrs)) ||
            (r = json_get_string(request, "policy", false, &req->policy)) ||
            (r = json_get_string(request, "type", false, &req->type)) ||
            (r = json_get_string(request, "authorized_by", false, &req->authorized_by)) ||
            (r = json_get_string(request, "policy_ref", false, &req->policy_ref)) ||
            (r = json_get_bool(request, "force", &req->force)) ||
            (r = json_get_auth(request, &p->auth)) ||
            (r = json_get_uint(request, "random", false, SEAL_MAX_INPUT, &random_len, NULL)) ||
            (r = json_get_base64(request, "data_b64", false, &p->data)))
                return r;
        if (!p->data.data == !random_len)
                return error_set(EXIT_USAGE, "give \"data_b64\" or \"random\" (a number of bytes)");
        req->data = p->data.data;
        req->len = p->data.size;
        req->random_len = random_len;
        return 0;
}

int op_seal_run(struct op_context *ctx, const struct op_parsed *p, json_object *reply)
{
        struct seal_result res;
        int r;

        if ((r = op_seal(ctx, &p->req.seal, &res)))
                return r;
        json_merge(reply, seal_result_json(&p->req.seal, &res));
        return 0;
}

int op_unseal_parse(json_object *request, struct op_parsed *p)
{
        struct unseal_request *req = &p->req.unseal;
        int r;

        req->auth = &p->auth;
        if ((r = json_get_string(request, "path", true, &req->path)) ||
            (r = json_get_auth(request, &p->auth)))
                return r;
        return 0;
}

int op_unseal_run(struct op_context *ctx, const struct op_parsed *p, json_object *reply)
{
        _cleanup_(unseal_result_free) struct unseal_result res = {0};
        int r;

        if ((r = op_unseal(ctx, &p->req.unseal, &res)) ||
            (r = json_add_base64(reply, "data_b64", res.data.data, res.data.size)))
                return r;
        if (res.authorization[0])
                json_object_object_add(reply, "authorization",
                                       json_object_new_string(res.authorization));
        if (res.warned)
                json_object_object_add(reply, "warning",
                                       json_object_new_string(UNSEAL_FAPI_WARNING));
        return 0;
}

const char *const op_seal_fields[] = {"path", "data_b64",      "random",     "pcrs",  "policy",
                                      "type", "authorized_by", "policy_ref", "force", "auth",
                                      NULL};
const char *const op_unseal_fields[] = {"path", "auth", NULL};
