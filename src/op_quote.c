/* The quote and verify_quote operations and their JSON forms. */
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_mu.h>

#include "attest.h"
#include "errors.h"
#include "fileio.h"
#include "import.h"
#include "jsonfile.h"
#include "object_load.h"
#include "op_adapters.h"
#include "op_json.h"
#include "ops.h"
#include "policy_sign.h"
#include "pubkey.h"
#include "tpm_random.h"

static const unsigned quote_needs = NEED_ESYS | LOCK_SHARED;
static const unsigned verify_quote_needs = LOCK_SHARED;

/* The platform's event log, as the kernel exposes the firmware's. */
#define EVENTLOG_DEFAULT "/sys/kernel/security/tpm0/binary_bios_measurements"
/* Base64 of it must fit in a quote document that verify-quote reads. */
#define EVENTLOG_MAX (JSON_MAX_BYTES / 4 * 3 - 16384)

static bool restricted_signer(const TPMT_PUBLIC *pub)
{
        TPMA_OBJECT a = pub->objectAttributes;

        return (a & TPMA_OBJECT_SIGN_ENCRYPT) && (a & TPMA_OBJECT_RESTRICTED) &&
               !(a & TPMA_OBJECT_DECRYPT);
}

static int not_restricted(const struct key_info *key)
{
        return error_set(EXIT_BAD_INPUT,
                         "%s is not a restricted signing key (it is %s): only a restricted key's "
                         "signature proves that the TPM made the quote; create one with `key "
                         "create --type restricted-sign`",
                         key->path, public_usage(&key->public.publicArea));
}

/* The event log goes with the quote when there is one to read: a missing
 * file is no platform log; an unreadable one a warning. */
static int read_eventlog(struct quote_result *res)
{
        const char *path = getenv("TPMCTL_EVENTLOG");
        bool platform = !path;
        unsigned char *data = NULL;
        size_t len;
        int r;

        if (path && !*path)
                return 0; /* set empty: none */
        if (!path)
                path = EVENTLOG_DEFAULT;
        r = file_read(path, EVENTLOG_MAX, &data, &len);
        if (r == EXIT_NOT_FOUND && platform) {
                error_clear();
                return 0;
        }
        if (r) {
                snprintf(res->warning, sizeof(res->warning), "the event log is left out: %s",
                         error_message());
                error_clear();
                return 0;
        }
        if (len == 0) {
                free(data);
                return 0;
        }
        res->doc.eventlog = data;
        res->doc.eventlog_len = len;
        return 0;
}

/* One TPM2_Quote between two reads of the PCRs: *same says whether the
 * values read hash to the quoted digest (no PCR changed in between). */
static int quote_once(struct tpm *tpm, const struct key_info *key, const TPML_PCR_SELECTION *sel,
                      const struct auth_source *auth, struct quote_doc *doc, bool *same)
{
        struct object_record rec = {.path = key->path,
                                    .public = &key->public,
                                    .private = &key->private,
                                    .json = key->json,
                                    .persistent = key->persistent};
        TPMT_SIG_SCHEME scheme = {.scheme = TPM2_ALG_NULL}; /* the key's own */
        TPM2B_DATA qualifying = {.size = (UINT16)doc->nonce_len};
        TPM2B_ATTEST *quoted = NULL;
        TPMT_SIGNATURE *sig = NULL;
        struct loaded_object lo;
        TPMS_ATTEST attest;
        unsigned char digest[EVP_MAX_MD_SIZE];
        uint8_t sig_buf[sizeof(TPMT_SIGNATURE)];
        size_t digest_len, sig_len = 0;
        TSS2_RC rc;
        int r;

        *same = false;
        memcpy(qualifying.buffer, doc->nonce, doc->nonce_len);
        if ((r = pcr_read(tpm->esys, sel, &doc->pcrs)))
                return r;
        if ((r = object_load(tpm, &rec, auth, TPM2_CC_Quote, SECRET_NONE, &lo)))
                return r;
        rc = Esys_Quote(tpm->esys, lo.handle, lo.auth, ESYS_TR_NONE, ESYS_TR_NONE, &qualifying,
                        &scheme, sel, &quoted, &sig);
        object_command_done(tpm, &lo, rc);
        if (rc != TSS2_RC_SUCCESS)
                return object_error(&lo, rc, "quoting with %s", key->path);
        rc = Tss2_MU_TPMT_SIGNATURE_Marshal(sig, sig_buf, sizeof(sig_buf), &sig_len);
        free(doc->attest);
        free(doc->signature);
        doc->attest = malloc(quoted->size ? quoted->size : 1);
        doc->signature = malloc(sig_len ? sig_len : 1);
        if (rc != TSS2_RC_SUCCESS || !doc->attest || !doc->signature) {
                Esys_Free(quoted);
                Esys_Free(sig);
                return error_set(EXIT_TPM, "cannot keep the quote");
        }
        memcpy(doc->attest, quoted->attestationData, quoted->size);
        doc->attest_len = quoted->size;
        memcpy(doc->signature, sig_buf, sig_len);
        doc->signature_len = sig_len;
        Esys_Free(quoted);
        /* The values read must be the ones quoted: checked as verify-quote
         * will, with the signature's hash. */
        r = attest_unmarshal(doc->attest, doc->attest_len, &attest);
        if (!r)
                r = quote_pcr_digest(&attest.attested.quote.pcrSelect, &doc->pcrs,
                                     tpm_signature_hash(sig), digest, &digest_len);
        Esys_Free(sig);
        if (r) {
                char why[256];
                snprintf(why, sizeof(why), "%s", error_message());
                return error_set(EXIT_TPM, "the TPM's quote does not read back: %s", why);
        }
        *same = digest_len == attest.attested.quote.pcrDigest.size &&
                memcmp(digest, attest.attested.quote.pcrDigest.buffer, digest_len) == 0;
        return 0;
}

int op_quote(struct op_context *ctx, const struct quote_request *req, struct quote_result *res)
{
        _cleanup_(key_info_free) struct key_info key = {0};
        _cleanup_pkey_ EVP_PKEY *pkey = NULL;
        const struct auth_source *auth = op_auth(ctx, req->auth);
        TPML_PCR_SELECTION sel;
        struct quote_doc *doc = &res->doc;
        struct tpm *tpm;
        size_t pem_len;
        bool refuse, same = false;
        int r;

        memset(res, 0, sizeof(*res));
        if (!req->pcrs)
                return error_set(EXIT_USAGE, "give the PCRs to quote");
        if ((r = pcr_spec_parse(req->pcrs, &sel)) || (r = auth_check(auth)))
                return r;
        if (req->nonce && (req->nonce_len == 0 || req->nonce_len > QUOTE_NONCE_MAX))
                return error_set(EXIT_BAD_INPUT,
                                 "the nonce is %zu bytes: give 1 to %d (none: %d random bytes)",
                                 req->nonce_len, QUOTE_NONCE_MAX, QUOTE_NONCE_LEN);
        if ((r = op_tpm(ctx, quote_needs, NULL, &tpm)) || (r = key_info_read(tpm, req->path, &key)))
                return r;
        if (!restricted_signer(&key.public.publicArea))
                return not_restricted(&key);
        if (!key_in_engine(&key, &refuse))
                return refuse ? EXIT_BAD_INPUT
                              : error_set(EXIT_BAD_INPUT,
                                          "%s has a policy only FAPI can run; quote cannot use it",
                                          key.path);
        doc->has_nonce = true;
        doc->nonce_len = req->nonce ? req->nonce_len : QUOTE_NONCE_LEN;
        if (req->nonce)
                memcpy(doc->nonce, req->nonce, req->nonce_len);
        else if ((r = tpm_random(tpm, doc->nonce, doc->nonce_len)))
                return r;
        /* A PCR extended between the read and the quote: read and quote again. */
        for (int tries = 0; tries < 3 && !same; tries++)
                if ((r = quote_once(tpm, &key, &sel, auth, doc, &same)))
                        return r;
        if (!same)
                return error_set(EXIT_TPM, "the PCRs changed during each of 3 quotes; try again");
        if ((r = public_to_evp(&key.public, &pkey)) ||
            (r = evp_to_pem(pkey, &doc->pubkey_pem, &pem_len)))
                return r;
        return read_eventlog(res);
}

void quote_result_free(struct quote_result *res)
{
        quote_doc_free(&res->doc);
}

/* The signer's public key for verification: a key of the keystore, which
 * must be a restricted signing key, or an external (/ext/) one. */
static int signer_key(struct op_context *ctx, const char *path, EVP_PKEY **pkey)
{
        _cleanup_(key_info_free) struct key_info key = {0};
        struct tpm *tpm;
        int r;

        if ((r = op_tpm(ctx, verify_quote_needs, NULL, &tpm)))
                return r;
        if (strncmp(path, "/ext/", 5) == 0)
                return external_key(tpm, path, pkey);
        if ((r = key_info_read(tpm, path, &key)))
                return r;
        if (!restricted_signer(&key.public.publicArea))
                return not_restricted(&key);
        return public_to_evp(&key.public, pkey);
}

int op_verify_quote(struct op_context *ctx, const struct verify_quote_request *req,
                    struct verify_quote_result *res)
{
        _cleanup_pkey_ EVP_PKEY *own = NULL;
        struct quote_expect expect = {.key = req->pubkey,
                                      .nonce = req->nonce,
                                      .nonce_len = req->nonce_len,
                                      .expected = req->expected};
        int r;

        memset(res, 0, sizeof(*res));
        if (!req->path == !req->pubkey)
                return error_set(EXIT_USAGE, "give either a key path or a public key");
        if (req->nonce && (req->nonce_len == 0 || req->nonce_len > QUOTE_NONCE_MAX))
                return error_set(EXIT_BAD_INPUT, "the nonce is %zu bytes: a nonce is 1 to %d",
                                 req->nonce_len, QUOTE_NONCE_MAX);
        if (req->path) {
                if ((r = signer_key(ctx, req->path, &own)))
                        return r;
                expect.key = own;
        }
        r = quote_verify(req->doc, &expect, &res->verdict);
        if (r && r != EXIT_INVALID)
                return r;
        res->valid = r == 0;
        return 0;
}

json_object *verify_quote_result_json(const struct verify_quote_request *req,
                                      const struct verify_quote_result *res)
{
        json_object *o = json_object_new_object();
        const TPMS_ATTEST *a = &res->verdict.attest;

        json_object_object_add(o, "valid", json_object_new_boolean(res->valid));
        if (!res->valid) {
                json_object_object_add(o, "reason", json_object_new_string(error_message()));
                return o;
        }
        json_object_object_add(o, "nonce_checked", json_object_new_boolean(req->nonce != NULL));
        json_object_object_add(o, "pcrs", pcr_values_to_json(&req->doc->pcrs));
        json_object_object_add(o, "eventlog", json_object_new_boolean(res->verdict.eventlog));
        json_object_object_add(o, "eventlog_pcrs",
                               json_object_new_int64(res->verdict.eventlog_pcrs));
        json_object_object_add(o, "clock", json_object_new_int64((int64_t)a->clockInfo.clock));
        /* resetCount, restartCount and firmwareVersion are obfuscated in
         * quotes by keys outside the endorsement and platform hierarchies. */
        json_object_object_add(o, "safe", json_object_new_boolean(a->clockInfo.safe));
        return o;
}

/* ---- JSON adapters ---- */

int op_quote_parse(json_object *request, struct op_parsed *p)
{
        struct quote_request *req = &p->req.quote;
        int r;

        req->auth = &p->auth;
        if ((r = json_get_string(request, "path", true, &req->path)) ||
            (r = json_get_string(request, "pcrs", true, &req->pcrs)) ||
            (r = json_get_auth(request, &p->auth)) ||
            (r = json_get_base64(request, "nonce_b64", false, &p->data)))
                return r;
        req->nonce = p->data.data;
        req->nonce_len = p->data.size;
        return 0;
}

int op_quote_run(struct op_context *ctx, const struct op_parsed *p, json_object *reply)
{
        _cleanup_(quote_result_free) struct quote_result res;
        int r;

        if ((r = op_quote(ctx, &p->req.quote, &res)))
                return r;
        json_merge(reply, quote_doc_to_json(&res.doc));
        if (res.warning[0])
                json_object_object_add(reply, "warning", json_object_new_string(res.warning));
        return 0;
}

int op_verify_quote_parse(json_object *request, struct op_parsed *p)
{
        struct verify_quote_request *req = &p->req.verify_quote;
        json_object *quote, *expected;
        const char *pem = NULL;
        int r;

        if ((r = json_get_string(request, "path", false, &req->path)) ||
            (r = json_get_string(request, "pubkey_pem", false, &pem)) ||
            (r = json_get_base64(request, "nonce_b64", false, &p->data)))
                return r;
        if (!req->path == !pem)
                return error_set(EXIT_USAGE, "give \"path\" or \"pubkey_pem\"");
        if (!json_object_object_get_ex(request, "quote", &quote) ||
            !json_object_is_type(quote, json_type_object))
                return error_set(EXIT_USAGE, "\"quote\" must be the quote document, an object");
        if (!(p->quote = calloc(1, sizeof(*p->quote))))
                return error_set(EXIT_TPM, "out of memory");
        if ((r = quote_doc_from_json(quote, p->quote)))
                return r;
        if (json_object_object_get_ex(request, "pcrs_expected", &expected)) {
                if (!(p->pcrs = calloc(1, sizeof(*p->pcrs))))
                        return error_set(EXIT_TPM, "out of memory");
                if ((r = pcr_values_from_json(expected, "\"pcrs_expected\"", p->pcrs)))
                        return r;
        }
        if (pem) {
                _cleanup_(bio_freep) BIO *bio = BIO_new_mem_buf(pem, -1);
                if (!bio)
                        return error_set(EXIT_TPM, "out of memory");
                p->pubkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
                ERR_clear_error();
                if (!p->pubkey)
                        return error_set(EXIT_BAD_INPUT, "\"pubkey_pem\" is not a PEM public key");
        }
        req->doc = p->quote;
        req->pubkey = p->pubkey;
        req->nonce = p->data.data;
        req->nonce_len = p->data.size;
        req->expected = p->pcrs;
        return 0;
}

int op_verify_quote_run(struct op_context *ctx, const struct op_parsed *p, json_object *reply)
{
        struct verify_quote_result *res = malloc(sizeof(*res));
        int r;

        if (!res)
                return error_set(EXIT_TPM, "out of memory");
        if (!(r = op_verify_quote(ctx, &p->req.verify_quote, res)))
                json_merge(reply, verify_quote_result_json(&p->req.verify_quote, res));
        free(res);
        return r;
}

const char *const op_quote_fields[] = {"path", "pcrs", "nonce_b64", "auth", NULL};
const char *const op_verify_quote_fields[] = {"quote",     "path",          "pubkey_pem",
                                              "nonce_b64", "pcrs_expected", NULL};
