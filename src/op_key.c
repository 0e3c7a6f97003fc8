/* The key_create and key_show operations and their JSON forms. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "fapi_config.h"
#include "hex.h"
#include "names.h"
#include "op_adapters.h"
#include "op_json.h"
#include "ops.h"
#include "path.h"
#include "pubkey.h"
#include "symmetric.h"
#include "tpm_info.h"

static const unsigned key_create_needs = NEED_FAPI | NEED_ESYS | LOCK_EXCLUSIVE | AUTO_PROVISION;
static const unsigned key_show_needs = LOCK_SHARED;

static int parse_handle(const char *text, unsigned *handle)
{
        char *end;
        unsigned long v = strtoul(text, &end, 16);

        if (end == text || *end || v > 0xffffffffUL)
                return error_set(EXIT_USAGE, "--persistent %s: not a hex handle like 0x81000010",
                                 text);
        if ((v & 0xff000000UL) != 0x81000000UL)
                return error_set(EXIT_USAGE,
                                 "--persistent %s is not a persistent handle (0x81000000 to "
                                 "0x81ffffff)",
                                 text);
        *handle = (unsigned)v;
        return 0;
}

int op_key_create(struct op_context *ctx, const struct key_create_request *req,
                  struct key_create_result *res)
{
        _cleanup_secret_ struct secret password = {0};
        struct key_spec spec = {.noda = req->noda,
                                .policy = req->policy,
                                .pcrs = req->pcrs,
                                .description = req->description};
        const char *profile = NULL;
        char path[FAPI_PATH_MAX];
        struct tpm *tpm;
        int r;

        *res = (struct key_create_result){0};
        if (req->pcrs && req->policy)
                return error_set(EXIT_USAGE, "give --pcrs or --policy, not both");
        if (sym_alg(req->alg) && (req->policy || req->persistent || req->type))
                return error_set(EXIT_USAGE, "--alg %s takes no --type, --policy or --persistent",
                                 req->alg);
        if (!sym_alg(req->alg) && (req->hash || req->hmac_secret))
                return error_set(EXIT_USAGE, "--hash is for --alg hmac");
        if ((req->alg && !sym_alg(req->alg) && (r = alg_profile(req->alg, &profile))) ||
            (r = key_type_parse(req->type ? req->type : "sign", &spec.type)) ||
            (req->persistent && (r = parse_handle(req->persistent, &spec.persistent))) ||
            (r = auth_check(req->auth)) || (r = path_normalize_new(req->path, path, sizeof(path))))
                return r;
        if ((r = op_tpm(ctx, key_create_needs, profile, &tpm)))
                return r;
        res->provisioned_now = tpm->provisioned_now;
        tpm->provisioned_now = false; /* said once, for a context kept for more */
        if ((r = object_absent(tpm, path, res->path, sizeof(res->path))))
                return r;
        if (auth_given(req->auth) && (r = auth_read(req->auth, path, req->auth->prompt,
                                                    profile_auth_max(&tpm->setup), &password)))
                return r;
        /* A kill while FAPI writes the object: the next command keeps it
         * whole or removes it (journal.h). */
        if ((r = journal_op_begin(&tpm->journal, JOURNAL_CREATE, res->path)))
                return r;
        if (sym_alg(req->alg))
                r = sym_key_create(tpm, path,
                                   &(struct sym_key_spec){.alg = req->alg,
                                                          .hash = req->hash,
                                                          .hmac_secret = req->hmac_secret,
                                                          .pcrs = req->pcrs,
                                                          .description = req->description,
                                                          .noda = req->noda},
                                   &password);
        else
                r = key_create(tpm, path, &spec, &password);
        journal_op_end(&tpm->journal);
        if (r || (r = object_resolve(tpm, path, res->path, sizeof(res->path))))
                return r;
        snprintf(res->profile, sizeof(res->profile), "%s", tpm->setup.profile);
        res->persistent = spec.persistent;
        res->needs_password = password.size > 0;
        return 0;
}

json_object *key_create_result_json(const struct key_create_request *req,
                                    const struct key_create_result *res)
{
        json_object *o = json_object_new_object();

        json_object_object_add(o, "path", json_object_new_string(res->path));
        json_object_object_add(o, "type",
                               json_object_new_string(sym_alg(req->alg) ? req->alg
                                                      : req->type       ? req->type
                                                                        : "sign"));
        json_object_object_add(o, "profile", json_object_new_string(res->profile));
        json_object_object_add(o, "persistent_handle",
                               res->persistent ? json_object_new_int64(res->persistent) : NULL);
        json_object_object_add(o, "needs_password", json_object_new_boolean(res->needs_password));
        return o;
}

int op_key_show(struct op_context *ctx, const struct key_show_request *req,
                struct key_show_result *res)
{
        char full[FAPI_PATH_MAX];
        struct tpm *tpm;
        int r;

        memset(res, 0, sizeof(*res));
        if ((r = op_tpm(ctx, key_show_needs, NULL, &tpm)) ||
            (r = object_resolve(tpm, req->path, full, sizeof(full))))
                return r;
        res->is_nv = nv_path(full);
        if (res->is_nv)
                return nv_info_read(tpm, full, &res->nv);
        return key_info_read(tpm, full, &res->key);
}

void key_show_result_free(struct key_show_result *res)
{
        key_info_free(&res->key);
        nv_info_free(&res->nv);
}

/* Attribute names as tpm2-tools prints them: FAPI's, in lower case. */
static void attribute_lower(const char *name, char *out, size_t size)
{
        size_t i = 0;

        for (; name[i] && i + 1 < size; i++)
                out[i] = (char)tolower((unsigned char)name[i]);
        out[i] = '\0';
}

static json_object *nv_json(const struct nv_info *nv)
{
        json_object *o = json_object_new_object();

        json_object_object_add(o, "path", json_object_new_string(nv->path));
        json_object_object_add(o, "type", json_object_new_string("nv"));
        json_object_object_add(o, "nv_type", json_object_new_string(nv->type));
        json_object_object_add(o, "handle", json_object_new_int64(nv->handle));
        json_object_object_add(o, "size", json_object_new_int64(nv->size));
        json_object_object_add(o, "name_hash", json_object_new_string(nv->hash));
        json_object_object_add(o, "attributes", json_object_get(nv->attributes));
        json_object_object_add(o, "has_policy", json_object_new_boolean(nv->has_policy));
        json_object_object_add(o, "description", json_object_new_string(nv->description));
        json_object_object_add(o, "needs_password", json_object_new_boolean(nv->with_auth));
        return o;
}

json_object *key_show_result_json(const struct key_show_result *res)
{
        const struct key_info *key = &res->key;
        const TPMT_PUBLIC *pub = &key->public.publicArea;
        char algorithm[32], policy[2 * sizeof(TPMU_HA) + 1], attr[32];
        json_object *o, *attrs;
        const char *hash;

        if (res->is_nv)
                return nv_json(&res->nv);
        o = json_object_new_object();
        attrs = json_object_new_array();
        public_algorithm(pub, algorithm, sizeof(algorithm));
        hex_encode(pub->authPolicy.buffer, pub->authPolicy.size, policy);
        hash = alg_name(pub->nameAlg);
        for (size_t i = 0; i < object_attributes_count; i++) {
                if (!(pub->objectAttributes & object_attributes[i].bit))
                        continue;
                attribute_lower(object_attributes[i].name, attr, sizeof(attr));
                json_object_array_add(attrs, json_object_new_string(attr));
        }
        json_object_object_add(o, "path", json_object_new_string(key->path));
        json_object_object_add(o, "type", json_object_new_string(public_usage(pub)));
        json_object_object_add(o, "algorithm", json_object_new_string(algorithm));
        json_object_object_add(o, "name_hash", json_object_new_string(hash ? hash : "?"));
        json_object_object_add(o, "attributes", attrs);
        json_object_object_add(o, "persistent_handle",
                               key->persistent ? json_object_new_int64(key->persistent) : NULL);
        json_object_object_add(o, "policy",
                               key->has_policy ? json_object_new_string(policy) : NULL);
        json_object_object_add(o, "description", json_object_new_string(key->description));
        /* null: unknown (imported from tpm2-tools blobs). */
        json_object_object_add(o, "needs_password",
                               key->auth_unknown ? NULL : json_object_new_boolean(key->with_auth));
        return o;
}

int op_key_create_parse(json_object *request, struct op_parsed *p)
{
        struct key_create_request *req = &p->req.key_create;
        int r;

        req->auth = &p->auth;
        if ((r = json_get_string(request, "path", true, &req->path)) ||
            (r = json_get_string(request, "alg", false, &req->alg)) ||
            (r = json_get_string(request, "type", false, &req->type)) ||
            (r = json_get_bool(request, "noda", &req->noda)) ||
            (r = json_get_string(request, "policy", false, &req->policy)) ||
            (r = json_get_string(request, "pcrs", false, &req->pcrs)) ||
            (r = json_get_string(request, "persistent", false, &req->persistent)) ||
            (r = json_get_string(request, "description", false, &req->description)) ||
            (r = json_get_string(request, "hash", false, &req->hash)) ||
            (r = json_get_auth(request, &p->auth)))
                return r;
        return 0;
}

int op_key_create_run(struct op_context *ctx, const struct op_parsed *p, json_object *reply)
{
        const struct key_create_request *req = &p->req.key_create;
        struct key_create_result res;
        int r;

        if ((r = op_key_create(ctx, req, &res)))
                return r;
        json_merge(reply, key_create_result_json(req, &res));
        return 0;
}

int op_key_show_parse(json_object *request, struct op_parsed *p)
{
        return json_get_string(request, "path", true, &p->req.key_show.path);
}

int op_key_show_run(struct op_context *ctx, const struct op_parsed *p, json_object *reply)
{
        _cleanup_(key_show_result_free) struct key_show_result res = {0};
        int r;

        if ((r = op_key_show(ctx, &p->req.key_show, &res)))
                return r;
        json_merge(reply, key_show_result_json(&res));
        return 0;
}

const char *const op_key_create_fields[] = {"path",   "alg",  "type",       "noda",
                                            "policy", "pcrs", "persistent", "description",
                                            "auth",   "hash", NULL};
const char *const op_key_show_fields[] = {"path", NULL};
