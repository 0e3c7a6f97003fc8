/* The pcr_read and pcr_extend operations and their JSON forms. */
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "eventlog.h"
#include "hex.h"
#include "op_adapters.h"
#include "op_json.h"
#include "ops.h"
#include "pubkey.h"

static const unsigned pcr_read_needs = NEED_ESYS | LOCK_SHARED;
static const unsigned pcr_extend_needs = NEED_ESYS | LOCK_EXCLUSIVE;

int op_pcr_read(struct op_context *ctx, const struct pcr_read_request *req,
                struct pcr_read_result *res)
{
        TPML_PCR_SELECTION sel;
        struct tpm *tpm;
        int r;

        res->values.n = 0;
        if ((req->pcrs && (r = pcr_spec_parse(req->pcrs, &sel))) ||
            (r = op_tpm(ctx, pcr_read_needs, NULL, &tpm)) ||
            (!req->pcrs && (r = pcr_all_banks(tpm->esys, &sel))))
                return r;
        return pcr_read(tpm->esys, &sel, &res->values);
}

json_object *pcr_read_result_json(const struct pcr_read_result *res)
{
        json_object *o = json_object_new_object();
        char text[2 * sizeof(TPMU_HA) + 1], index[8];

        for (unsigned i = 0; i < res->values.n; i++) {
                const struct pcr_value *v = &res->values.v[i];
                const char *name = bank_name(v->bank);
                json_object *bank;

                if (!json_object_object_get_ex(o, name, &bank)) {
                        bank = json_object_new_object();
                        json_object_object_add(o, name, bank);
                }
                hex_encode(v->digest.buffer, v->digest.size, text);
                snprintf(index, sizeof(index), "%u", v->index);
                json_object_object_add(bank, index, json_object_new_string(text));
        }
        return o;
}

int op_pcr_extend(struct op_context *ctx, const struct pcr_extend_request *req,
                  struct pcr_extend_result *res)
{
        _cleanup_(eventlog_closep) struct eventlog log = {0};
        struct tpm *tpm;
        int r;

        memset(&res->digests, 0, sizeof(res->digests));
        if (req->pcr >= PCR_COUNT)
                return error_set(EXIT_USAGE, "%u is not a PCR index (0 to 23)", req->pcr);
        if (!req->data == !req->digests)
                return error_set(EXIT_USAGE, "give data or a digest to extend with");
        if (req->digests)
                res->digests = *req->digests;
        if ((r = op_tpm(ctx, pcr_extend_needs, NULL, &tpm)) ||
            (req->log && (r = eventlog_open(tpm->setup.log_dir, &log))) ||
            (req->data && (r = pcr_hash_banks(tpm->esys, req->data, req->len, &res->digests))) ||
            (r = pcr_extend(tpm->esys, req->pcr, &res->digests)))
                return r;
        if (req->log && (r = eventlog_append(&log, req->pcr, &res->digests, req->log)))
                return r;
        return 0;
}

json_object *pcr_extend_result_json(const struct pcr_extend_request *req,
                                    const struct pcr_extend_result *res)
{
        json_object *o = json_object_new_object(), *digests = json_object_new_object();
        char text[2 * sizeof(TPMU_HA) + 1];

        for (UINT32 i = 0; i < res->digests.count; i++) {
                const TPMT_HA *d = &res->digests.digests[i];
                hex_encode(&d->digest, tpm_hash_size(d->hashAlg), text);
                json_object_object_add(digests, bank_name(d->hashAlg),
                                       json_object_new_string(text));
        }
        json_object_object_add(o, "pcr", json_object_new_int64(req->pcr));
        json_object_object_add(o, "digests", digests);
        return o;
}

int op_pcr_read_parse(json_object *request, struct op_parsed *p)
{
        return json_get_string(request, "pcrs", false, &p->req.pcr_read.pcrs);
}

int op_pcr_read_run(struct op_context *ctx, const struct op_parsed *p, json_object *reply)
{
        struct pcr_read_result res;
        int r;

        if ((r = op_pcr_read(ctx, &p->req.pcr_read, &res)))
                return r;
        json_object_object_add(reply, "pcrs", pcr_read_result_json(&res));
        return 0;
}

/* {"bank": "sha256", "digest_b64": ...}: one digest of the bank's size. */
static int digest_from_json(json_object *request, const struct secret *digest,
                            TPML_DIGEST_VALUES *values)
{
        const char *bank = NULL;
        TPMI_ALG_HASH alg;
        int r;

        if ((r = json_get_string(request, "bank", true, &bank)))
                return r;
        if ((r = bank_parse(bank, &alg)))
                return r;
        if (digest->size != tpm_hash_size(alg))
                return error_set(EXIT_BAD_INPUT, "\"digest_b64\" is %zu bytes; a %s digest is %zu",
                                 digest->size, bank, tpm_hash_size(alg));
        memset(values, 0, sizeof(*values));
        values->count = 1;
        values->digests[0].hashAlg = alg;
        memcpy(&values->digests[0].digest, digest->data, digest->size);
        return 0;
}

int op_pcr_extend_parse(json_object *request, struct op_parsed *p)
{
        struct pcr_extend_request *req = &p->req.pcr_extend;
        unsigned long pcr;
        int r;

        if ((r = json_get_uint(request, "pcr", true, PCR_COUNT - 1, &pcr, NULL)) ||
            (r = json_get_string(request, "log", false, &req->log)) ||
            (r = json_get_base64(request, "data_b64", false, &p->data)) ||
            (r = json_get_base64(request, "digest_b64", false, &p->digest)))
                return r;
        if (!!p->data.data == !!p->digest.data)
                return error_set(EXIT_USAGE, "give \"data_b64\" or \"bank\" and \"digest_b64\"");
        if (p->digest.data && (r = digest_from_json(request, &p->digest, &p->digests)))
                return r;
        req->pcr = (unsigned)pcr;
        req->data = p->data.data;
        req->len = p->data.size;
        req->digests = p->digest.data ? &p->digests : NULL;
        return 0;
}

int op_pcr_extend_run(struct op_context *ctx, const struct op_parsed *p, json_object *reply)
{
        struct pcr_extend_result res;
        int r;

        if ((r = op_pcr_extend(ctx, &p->req.pcr_extend, &res)))
                return r;
        json_merge(reply, pcr_extend_result_json(&p->req.pcr_extend, &res));
        return 0;
}

const char *const op_pcr_read_fields[] = {"pcrs", NULL};
const char *const op_pcr_extend_fields[] = {"pcr", "data_b64", "bank", "digest_b64", "log", NULL};
