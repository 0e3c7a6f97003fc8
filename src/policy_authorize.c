/* `tpmctl policy authorize`; see policy_authorize.h. */
#include "policy_authorize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tss2/tss2_mu.h>

#include "cleanup.h"
#include "errors.h"
#include "esys_resource.h"
#include "hex.h"
#include "jsonfile.h"
#include "keys.h"
#include "op_adapters.h"
#include "op_json.h"
#include "ops.h"
#include "path.h"
#include "pcr.h"
#include "policy.h"
#include "policy_sign.h"
#include "policy_store.h"
#include "seal.h"

static const unsigned authorize_needs = NEED_FAPI | NEED_ESYS | LOCK_EXCLUSIVE;

/* A PCR policy for the values now, stored at path. */
static int store_pcr_policy(struct tpm *tpm, const char *path, const char *spec, bool force,
                            json_object **json)
{
        _cleanup_free_ struct pcr_values *values = calloc(1, sizeof(*values));
        TPML_PCR_SELECTION sel;
        char *exported = NULL;
        int r;

        if (!values)
                return error_set(EXIT_TPM, "out of memory");
        if ((r = pcr_spec_parse(spec, &sel)) || (r = pcr_read(tpm->esys, &sel, values)))
                return r;
        if (Fapi_ExportPolicy(tpm->fapi, path, &exported) == TSS2_RC_SUCCESS) {
                Fapi_Free(exported);
                if (!force)
                        return error_set(EXIT_EXISTS,
                                         "%s exists: give another POLICYPATH, or --force to "
                                         "replace it",
                                         path);
                Fapi_Delete(tpm->fapi, path);
        }
        *json = policy_json_for_pcrs(values, false);
        json_object_object_add(*json, "description",
                               json_object_new_string("tpmctl: PCR values to authorize"));
        return policy_store_import(tpm, path, *json);
}

static json_object *hex_string(const void *data, size_t len)
{
        char *hex = malloc(2 * len + 1);
        json_object *o;

        if (!hex)
                return NULL;
        hex_encode(data, len, hex);
        o = json_object_new_string(hex);
        free(hex);
        return o;
}

static json_object *now_string(void)
{
        struct timespec ts;
        struct tm tm;
        char text[64];

        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(text + strlen(text), sizeof(text) - strlen(text), ".%09ldZ", ts.tv_nsec);
        return json_object_new_string(text);
}

int op_policy_authorize(struct op_context *ctx, const struct policy_authorize_request *req,
                        struct policy_authorize_result *res)
{
        _cleanup_(key_info_free) struct key_info key = {0};
        _cleanup_json_ json_object *json = NULL, *record = NULL;
        _cleanup_fapi_free_ char *text = NULL;
        uint8_t buf[sizeof(TPM2B_PUBLIC) + sizeof(TPMT_SIGNATURE)];
        struct policy p = {0};
        char id[300];
        TPM2B_NONCE ref;
        TPM2B_DIGEST ahash;
        TPM2B_NAME name;
        TPMT_SIGNATURE sig;
        struct tpm *tpm;
        size_t len = 0;
        int r;

        const struct auth_source *auth = op_auth(ctx, req->auth);

        memset(res, 0, sizeof(*res));
        if (req->force && !req->pcrs)
                return error_set(EXIT_USAGE, "--force goes with --pcrs (it replaces the policy)");
        if ((r = policy_path_normalize(req->policy, res->policy, sizeof(res->policy))) ||
            (r = seal_policy_ref(req->ref, &ref)) || (r = auth_check(auth)) ||
            (r = op_tpm(ctx, authorize_needs, NULL, &tpm)) ||
            (r = key_info_read(tpm, req->key, &key)))
                return r;
        snprintf(res->key, sizeof(res->key), "%s", key.path);
        if (!(key.public.publicArea.objectAttributes & TPMA_OBJECT_SIGN_ENCRYPT) ||
            key.public.publicArea.type == TPM2_ALG_KEYEDHASH)
                return error_set(EXIT_BAD_INPUT, "--key %s: not a signing key", key.path);
        if (key.public.publicArea.objectAttributes & TPMA_OBJECT_RESTRICTED)
                return error_set(EXIT_BAD_INPUT,
                                 "--key %s: a restricted key signs only what the TPM hashed; "
                                 "use an unrestricted signing key",
                                 key.path);
        if (req->pcrs) {
                if ((r = store_pcr_policy(tpm, res->policy, req->pcrs, req->force, &json)))
                        return r;
        } else {
                if ((r = policy_store_export(tpm, res->policy, &text)) ||
                    (r = json_parse_strict(text, strlen(text), res->policy, &json)))
                        return r;
        }
        if ((r = policy_parse(json, &p)))
                goto out;
        if (!policy_offline(&p) || !policy_runs_in_engine(&p) || policy_find_authorize(&p)) {
                r = error_set(EXIT_BAD_INPUT,
                              "%s: an authorized policy must give its PCR values (not "
                              "currentPCRs) and hold no POLICYSECRET or POLICYAUTHORIZE",
                              res->policy);
                goto out;
        }
        res->alg = key.public.publicArea.nameAlg;
        if (req->alg && (r = bank_parse(req->alg, &res->alg)))
                goto out;
        if (res->alg != TPM2_ALG_SHA256 && res->alg != TPM2_ALG_SHA384) {
                r = error_set(EXIT_USAGE, "--alg %s: use sha256 or sha384", req->alg);
                goto out;
        }
        if ((r = policy_digest(&p, res->alg, &res->approved)) ||
            (r = policy_authorization_ahash(&res->approved, &ref, key.public.publicArea.nameAlg,
                                            &ahash)) ||
            (r = public_name(&key.public, &name)) ||
            (r = key_sign_tpmt(tpm, &key, ahash.buffer, ahash.size, auth, &sig)))
                goto out;
        record = json_object_new_object();
        json_object_object_add(record, "path", json_object_new_string(res->policy));
        json_object_object_add(record, "keyPath", json_object_new_string(key.path));
        json_object_object_add(record, "created", now_string());
        json_object_object_add(record, "hashAlg", json_object_new_string(bank_name(res->alg)));
        json_object_object_add(record, "approvedPolicy",
                               hex_string(res->approved.buffer, res->approved.size));
        json_object_object_add(record, "policyRef", hex_string(ref.buffer, ref.size));
        json_object_object_add(record, "keyName", hex_string(name.name, name.size));
        if (Tss2_MU_TPM2B_PUBLIC_Marshal(&key.public, buf, sizeof(buf), &len)) {
                r = error_set(EXIT_BAD_INPUT, "%s: its public area cannot be marshalled", key.path);
                goto out;
        }
        json_object_object_add(record, "keyPublic", hex_string(buf, len));
        len = 0;
        if (Tss2_MU_TPMT_SIGNATURE_Marshal(&sig, buf, sizeof(buf), &len)) {
                r = error_set(EXIT_TPM, "the signature cannot be marshalled");
                goto out;
        }
        json_object_object_add(record, "signature", hex_string(buf, len));
        json_object_object_add(record, "policy", json_object_get(json));
        /* One approval per policy, key, policyRef and hash. */
        snprintf(id, sizeof(id), "%s:%s", res->policy, bank_name(res->alg));
        r = authorization_store(tpm, record, id, &name, &ref, res->file, sizeof(res->file));
out:
        policy_free(&p);
        return r;
}

json_object *policy_authorize_result_json(const struct policy_authorize_request *req,
                                          const struct policy_authorize_result *res)
{
        json_object *o = json_object_new_object();
        char hex[2 * sizeof(TPMU_HA) + 1];

        hex_encode(res->approved.buffer, res->approved.size, hex);
        json_object_object_add(o, "policy", json_object_new_string(res->policy));
        json_object_object_add(o, "key", json_object_new_string(res->key));
        json_object_object_add(o, "policy_ref", req->ref ? json_object_new_string(req->ref) : NULL);
        json_object_object_add(o, "hash", json_object_new_string(bank_name(res->alg)));
        json_object_object_add(o, "approved_policy", json_object_new_string(hex));
        json_object_object_add(o, "file", json_object_new_string(res->file));
        return o;
}

int op_policy_authorize_parse(json_object *request, struct op_parsed *p)
{
        struct policy_authorize_request *req = &p->req.policy_authorize;
        int r;

        req->auth = &p->auth;
        if ((r = json_get_string(request, "policy", true, &req->policy)) ||
            (r = json_get_string(request, "key", true, &req->key)) ||
            (r = json_get_string(request, "policy_ref", false, &req->ref)) ||
            (r = json_get_string(request, "pcrs", false, &req->pcrs)) ||
            (r = json_get_string(request, "alg", false, &req->alg)) ||
            (r = json_get_bool(request, "force", &req->force)) ||
            (r = json_get_auth(request, &p->auth)))
                return r;
        return 0;
}

int op_policy_authorize_run(struct op_context *ctx, const struct op_parsed *p, json_object *reply)
{
        const struct policy_authorize_request *req = &p->req.policy_authorize;
        struct policy_authorize_result res;
        int r;

        if ((r = op_policy_authorize(ctx, req, &res)))
                return r;
        json_merge(reply, policy_authorize_result_json(req, &res));
        return 0;
}

const char *const op_policy_authorize_fields[] = {"policy", "key",   "policy_ref", "pcrs",
                                                  "alg",    "force", "auth",       NULL};
