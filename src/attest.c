/* Quote documents and their verification; see attest.h. */
#include "attest.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_mu.h>

#include "base64.h"
#include "cleanup.h"
#include "errors.h"
#include "hex.h"
#include "jsonfile.h"
#include "names.h"
#include "pubkey.h"

void quote_doc_free(struct quote_doc *doc)
{
        free(doc->attest);
        free(doc->signature);
        free(doc->pubkey_pem);
        free(doc->eventlog);
        memset(doc, 0, sizeof(*doc));
}

/* ---- the document ---- */

static int doc_field(json_object *obj, const char *name, bool required, json_type type,
                     json_object **out)
{
        *out = NULL;
        if (!json_object_object_get_ex(obj, name, out)) {
                if (required)
                        return error_set(EXIT_BAD_INPUT, "the quote document has no \"%s\"", name);
                return 0;
        }
        if (!json_object_is_type(*out, type))
                return error_set(EXIT_BAD_INPUT, "the quote document's \"%s\" has the wrong type",
                                 name);
        return 0;
}

static int doc_base64(json_object *obj, const char *name, bool required, unsigned char **data,
                      size_t *len)
{
        json_object *v;
        int r;

        *data = NULL;
        *len = 0;
        if ((r = doc_field(obj, name, required, json_type_string, &v)) || !v)
                return r;
        if (!base64_decode(json_object_get_string(v), (size_t)json_object_get_string_len(v), data,
                           len))
                return error_set(EXIT_BAD_INPUT, "the quote document's \"%s\" is not base64", name);
        return 0;
}

static const struct pcr_value *value_find(const struct pcr_values *v, TPMI_ALG_HASH bank,
                                          unsigned index)
{
        for (unsigned i = 0; i < v->n; i++)
                if (v->v[i].bank == bank && v->v[i].index == index)
                        return &v->v[i];
        return NULL;
}

int pcr_values_from_json(json_object *obj, const char *what, struct pcr_values *out)
{
        json_object *inner;

        out->n = 0;
        if (!json_object_is_type(obj, json_type_object))
                return error_set(EXIT_BAD_INPUT, "%s: PCR values must be a JSON object", what);
        if (json_object_object_get_ex(obj, "pcrs", &inner) &&
            json_object_is_type(inner, json_type_object))
                obj = inner;
        json_object_object_foreach(obj, bank_text, indices)
        {
                TPM2_ALG_ID bank;

                if (!alg_from_name(bank_text, &bank) || !tpm_hash_md(bank))
                        return error_set(EXIT_BAD_INPUT, "%s: \"%.32s\" is not a PCR bank", what,
                                         bank_text);
                if (!json_object_is_type(indices, json_type_object))
                        return error_set(EXIT_BAD_INPUT,
                                         "%s: %s must map PCR numbers to hex values", what,
                                         bank_name(bank));
                json_object_object_foreach(indices, index_text, value)
                {
                        struct pcr_value *v;
                        size_t want = tpm_hash_size(bank), got;
                        unsigned long index;
                        char *end;

                        index = strtoul(index_text, &end, 10);
                        if (!strchr("0123456789", index_text[0]) || !index_text[0] || *end ||
                            index >= PCR_COUNT || (index_text[0] == '0' && index_text[1]))
                                return error_set(EXIT_BAD_INPUT,
                                                 "%s: \"%.32s\" is not a PCR number (0 to 23)",
                                                 what, index_text);
                        if (!json_object_is_type(value, json_type_string))
                                return error_set(EXIT_BAD_INPUT, "%s: %s:%lu must be a hex string",
                                                 what, bank_name(bank), index);
                        if (value_find(out, bank, (unsigned)index))
                                return error_set(EXIT_BAD_INPUT, "%s: %s:%lu is given twice", what,
                                                 bank_name(bank), index);
                        if (out->n == PCR_MAX_VALUES)
                                return error_set(EXIT_BAD_INPUT, "%s: more than %d PCR values",
                                                 what, PCR_MAX_VALUES);
                        v = &out->v[out->n];
                        memset(v, 0, sizeof(*v));
                        if (!hex_decode(json_object_get_string(value), v->digest.buffer,
                                        sizeof(v->digest.buffer), &got) ||
                            got != want)
                                return error_set(EXIT_BAD_INPUT,
                                                 "%s: %s:%lu is not %zu bytes of hex", what,
                                                 bank_name(bank), index, want);
                        v->bank = bank;
                        v->index = (unsigned)index;
                        v->digest.size = (UINT16)got;
                        out->n++;
                }
        }
        return 0;
}

json_object *pcr_values_to_json(const struct pcr_values *values)
{
        json_object *o = json_object_new_object();
        char text[2 * sizeof(TPMU_HA) + 1], index[8];

        for (unsigned i = 0; i < values->n; i++) {
                const struct pcr_value *v = &values->v[i];
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

int quote_doc_from_json(json_object *obj, struct quote_doc *doc)
{
        json_object *v;
        unsigned char *nonce = NULL;
        size_t nonce_len;
        int r;

        memset(doc, 0, sizeof(*doc));
        if (!json_object_is_type(obj, json_type_object))
                return error_set(EXIT_BAD_INPUT, "a quote document is a JSON object");
        if ((r = doc_field(obj, "format", true, json_type_string, &v)))
                return r;
        if (strcmp(json_object_get_string(v), QUOTE_FORMAT) != 0)
                return error_set(EXIT_BAD_INPUT, "not a quote document (its format is not \"%s\")",
                                 QUOTE_FORMAT);
        if ((r = doc_field(obj, "version", true, json_type_int, &v)))
                return r;
        if (json_object_get_int64(v) != QUOTE_VERSION)
                return error_set(EXIT_BAD_INPUT,
                                 "quote document version %lld: this tpmctl reads %d",
                                 (long long)json_object_get_int64(v), QUOTE_VERSION);
        if ((r = doc_base64(obj, "attest_b64", true, &doc->attest, &doc->attest_len)) ||
            (r = doc_base64(obj, "signature_b64", true, &doc->signature, &doc->signature_len)) ||
            (r = doc_base64(obj, "eventlog_b64", false, &doc->eventlog, &doc->eventlog_len)) ||
            (r = doc_base64(obj, "nonce_b64", false, &nonce, &nonce_len)) ||
            (r = doc_field(obj, "pcrs", true, json_type_object, &v)) ||
            (r = pcr_values_from_json(v, "the quote document's \"pcrs\"", &doc->pcrs)))
                goto fail;
        if (nonce) {
                if (nonce_len > QUOTE_NONCE_MAX) {
                        r = error_set(EXIT_BAD_INPUT, "the quote document's nonce is over %d bytes",
                                      QUOTE_NONCE_MAX);
                        goto fail;
                }
                memcpy(doc->nonce, nonce, nonce_len);
                doc->nonce_len = nonce_len;
                doc->has_nonce = true;
                free(nonce);
                nonce = NULL;
        }
        if ((r = doc_field(obj, "pubkey_pem", false, json_type_string, &v)))
                goto fail;
        if (v && !(doc->pubkey_pem = strdup(json_object_get_string(v)))) {
                r = error_set(EXIT_TPM, "out of memory");
                goto fail;
        }
        return 0;
fail:
        free(nonce);
        quote_doc_free(doc);
        return r;
}

int quote_doc_parse(const char *text, size_t len, struct quote_doc *doc)
{
        _cleanup_json_ json_object *obj = NULL;
        int r;

        memset(doc, 0, sizeof(*doc));
        if ((r = json_parse_strict(text, len, "the quote document", &obj)))
                return r;
        return quote_doc_from_json(obj, doc);
}

static void add_base64(json_object *o, const char *name, const unsigned char *data, size_t len)
{
        char *text = malloc(base64_encoded_len(len) + 1);

        if (!text)
                return;
        base64_encode(data, len, text);
        json_object_object_add(o, name, json_object_new_string(text));
        free(text);
}

json_object *quote_doc_to_json(const struct quote_doc *doc)
{
        json_object *o = json_object_new_object();

        json_object_object_add(o, "format", json_object_new_string(QUOTE_FORMAT));
        json_object_object_add(o, "version", json_object_new_int(QUOTE_VERSION));
        add_base64(o, "attest_b64", doc->attest, doc->attest_len);
        add_base64(o, "signature_b64", doc->signature, doc->signature_len);
        json_object_object_add(o, "pcrs", pcr_values_to_json(&doc->pcrs));
        if (doc->has_nonce)
                add_base64(o, "nonce_b64", doc->nonce, doc->nonce_len);
        if (doc->pubkey_pem)
                json_object_object_add(o, "pubkey_pem", json_object_new_string(doc->pubkey_pem));
        if (doc->eventlog)
                add_base64(o, "eventlog_b64", doc->eventlog, doc->eventlog_len);
        return o;
}

/* ---- the TPM's structures ---- */

int attest_unmarshal(const uint8_t *data, size_t len, TPMS_ATTEST *out)
{
        size_t offset = 0;

        memset(out, 0, sizeof(*out));
        if (Tss2_MU_TPMS_ATTEST_Unmarshal(data, len, &offset, out) != TSS2_RC_SUCCESS)
                return error_set(EXIT_INVALID, "the attestation is not a TPMS_ATTEST");
        if (offset != len)
                return error_set(EXIT_INVALID, "the attestation has %zu bytes after its end",
                                 len - offset);
        return 0;
}

int tpm_signature_unmarshal(const uint8_t *data, size_t len, TPMT_SIGNATURE *out)
{
        size_t offset = 0;

        memset(out, 0, sizeof(*out));
        if (Tss2_MU_TPMT_SIGNATURE_Unmarshal(data, len, &offset, out) != TSS2_RC_SUCCESS)
                return error_set(EXIT_INVALID, "the signature is not a TPMT_SIGNATURE");
        if (offset != len)
                return error_set(EXIT_INVALID, "the signature has %zu bytes after its end",
                                 len - offset);
        return 0;
}

TPMI_ALG_HASH tpm_signature_hash(const TPMT_SIGNATURE *sig)
{
        switch (sig->sigAlg) {
        case TPM2_ALG_RSASSA:
                return sig->signature.rsassa.hash;
        case TPM2_ALG_RSAPSS:
                return sig->signature.rsapss.hash;
        case TPM2_ALG_ECDSA:
                return sig->signature.ecdsa.hash;
        default:
                return TPM2_ALG_NULL;
        }
}

/* The hashes a quote may be signed with: SHA-1 collisions are practical. */
static const EVP_MD *quote_md(TPMI_ALG_HASH hash)
{
        switch (hash) {
        case TPM2_ALG_SHA256:
        case TPM2_ALG_SHA384:
        case TPM2_ALG_SHA512:
                return tpm_hash_md(hash);
        default:
                return NULL;
        }
}

int quote_pcr_digest(const TPML_PCR_SELECTION *sel, const struct pcr_values *values,
                     TPMI_ALG_HASH hash, unsigned char *out, size_t *len)
{
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        const EVP_MD *md = tpm_hash_md(hash);
        unsigned int n = 0;
        int r = 0;

        if (!ctx || !md || !EVP_DigestInit_ex(ctx, md, NULL)) {
                EVP_MD_CTX_free(ctx);
                return error_set(EXIT_INVALID, "no hash for the PCR digest");
        }
        for (UINT32 b = 0; b < sel->count && b < TPM2_NUM_PCR_BANKS && !r; b++) {
                const TPMS_PCR_SELECTION *s = &sel->pcrSelections[b];
                unsigned bits =
                    8u * (s->sizeofSelect <= sizeof(s->pcrSelect) ? s->sizeofSelect : 0);

                for (unsigned i = 0; i < bits && !r; i++) {
                        const struct pcr_value *v;

                        if (!(s->pcrSelect[i / 8] & (1u << (i % 8))))
                                continue;
                        v = value_find(values, s->hash, i);
                        if (!v)
                                r = error_set(EXIT_INVALID,
                                              "PCR %s:%u is quoted but its value is not listed",
                                              bank_name(s->hash), i);
                        else if (!EVP_DigestUpdate(ctx, v->digest.buffer, v->digest.size))
                                r = error_set(EXIT_TPM, "hashing the PCR values failed");
                }
        }
        if (!r && !EVP_DigestFinal_ex(ctx, out, &n))
                r = error_set(EXIT_TPM, "hashing the PCR values failed");
        EVP_MD_CTX_free(ctx);
        *len = n;
        return r;
}

static void pkey_ctx_free(EVP_PKEY_CTX **ctx)
{
        EVP_PKEY_CTX_free(*ctx);
}

/* An ECDSA signature as OpenSSL checks it: DER. */
static int ecdsa_der(const TPMS_SIGNATURE_ECC *ecc, unsigned char **der, int *len)
{
        ECDSA_SIG *s = ECDSA_SIG_new();
        BIGNUM *r = BN_bin2bn(ecc->signatureR.buffer, ecc->signatureR.size, NULL);
        BIGNUM *sv = BN_bin2bn(ecc->signatureS.buffer, ecc->signatureS.size, NULL);

        if (!s || !r || !sv || !ECDSA_SIG_set0(s, r, sv)) {
                ECDSA_SIG_free(s);
                BN_free(r);
                BN_free(sv);
                return error_set(EXIT_TPM, "out of memory");
        }
        *der = NULL;
        *len = i2d_ECDSA_SIG(s, der);
        ECDSA_SIG_free(s);
        return *len > 0 ? 0 : error_set(EXIT_TPM, "cannot encode the ECDSA signature");
}

int tpm_signature_check(EVP_PKEY *key, const TPMT_SIGNATURE *sig, const uint8_t *data, size_t len)
{
        _cleanup_(pkey_ctx_free) EVP_PKEY_CTX *ctx = NULL;
        const EVP_MD *md = quote_md(tpm_signature_hash(sig));
        unsigned char digest[EVP_MAX_MD_SIZE], *der = NULL;
        const unsigned char *s;
        unsigned digest_len;
        bool rsa = sig->sigAlg == TPM2_ALG_RSASSA || sig->sigAlg == TPM2_ALG_RSAPSS;
        int key_type = EVP_PKEY_base_id(key), ok, der_len = 0, r;
        size_t s_len;

        if (!rsa && sig->sigAlg != TPM2_ALG_ECDSA)
                return error_set(EXIT_INVALID,
                                 "the signature's algorithm 0x%04x is not RSASSA, RSA-PSS or ECDSA",
                                 sig->sigAlg);
        if (!md)
                return error_set(EXIT_INVALID,
                                 "the signature's hash 0x%04x is not SHA-256, SHA-384 or SHA-512",
                                 tpm_signature_hash(sig));
        if (rsa != (key_type == EVP_PKEY_RSA) || (!rsa && key_type != EVP_PKEY_EC))
                return error_set(EXIT_INVALID, "the signature is %s, the key is not",
                                 rsa ? "RSA" : "ECDSA");
        if (!EVP_Digest(data, len, digest, &digest_len, md, NULL))
                return error_set(EXIT_TPM, "hashing the attestation failed");
        if (rsa) {
                s = sig->signature.rsassa.sig.buffer;
                s_len = sig->signature.rsassa.sig.size;
        } else {
                if ((r = ecdsa_der(&sig->signature.ecdsa, &der, &der_len)))
                        return r;
                s = der;
                s_len = (size_t)der_len;
        }
        ctx = EVP_PKEY_CTX_new(key, NULL);
        if (!ctx || EVP_PKEY_verify_init(ctx) <= 0 || EVP_PKEY_CTX_set_signature_md(ctx, md) <= 0 ||
            (rsa && EVP_PKEY_CTX_set_rsa_padding(ctx, sig->sigAlg == TPM2_ALG_RSAPSS
                                                          ? RSA_PKCS1_PSS_PADDING
                                                          : RSA_PKCS1_PADDING) <= 0) ||
            (sig->sigAlg == TPM2_ALG_RSAPSS &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_AUTO) <= 0)) {
                OPENSSL_free(der);
                ERR_clear_error();
                return error_set(EXIT_TPM, "OpenSSL cannot verify with this key");
        }
        ok = EVP_PKEY_verify(ctx, s, s_len, digest, digest_len);
        OPENSSL_free(der);
        ERR_clear_error();
        if (ok != 1)
                return error_set(EXIT_INVALID,
                                 "the signature does not verify with the key given: not signed "
                                 "by it, or the attestation or signature was changed");
        return 0;
}

/* ---- the verification ---- */

static void pcr_name(const struct pcr_value *v, char *out, size_t size)
{
        snprintf(out, size, "%s:%u", bank_name(v->bank), v->index);
}

/* Whether sel selects (bank, index). */
static bool selected(const TPML_PCR_SELECTION *sel, TPMI_ALG_HASH bank, unsigned index)
{
        for (UINT32 b = 0; b < sel->count && b < TPM2_NUM_PCR_BANKS; b++) {
                const TPMS_PCR_SELECTION *s = &sel->pcrSelections[b];
                if (s->hash == bank && index / 8 < s->sizeofSelect &&
                    index / 8 < sizeof(s->pcrSelect) &&
                    (s->pcrSelect[index / 8] & (1u << (index % 8))))
                        return true;
        }
        return false;
}

static int check_pcrs(const struct quote_doc *doc, const TPMS_QUOTE_INFO *q, TPMI_ALG_HASH hash)
{
        unsigned char digest[EVP_MAX_MD_SIZE];
        size_t len;
        char name[32];
        int r;

        /* Every value listed is quoted: none is vouched for by the TPM else. */
        for (unsigned i = 0; i < doc->pcrs.n; i++)
                if (!selected(&q->pcrSelect, doc->pcrs.v[i].bank, doc->pcrs.v[i].index)) {
                        pcr_name(&doc->pcrs.v[i], name, sizeof(name));
                        return error_set(EXIT_INVALID,
                                         "PCR %s is listed but the quote does not cover it", name);
                }
        if ((r = quote_pcr_digest(&q->pcrSelect, &doc->pcrs, hash, digest, &len)))
                return r;
        if (len != q->pcrDigest.size || CRYPTO_memcmp(digest, q->pcrDigest.buffer, len) != 0)
                return error_set(EXIT_INVALID,
                                 "the PCR values listed are not the ones quoted (their digest "
                                 "differs from the quote's pcrDigest)");
        return 0;
}

static int check_expected(const struct pcr_values *quoted, const struct pcr_values *expected)
{
        char name[32], have[2 * sizeof(TPMU_HA) + 1], want[2 * sizeof(TPMU_HA) + 1];

        for (unsigned i = 0; i < expected->n; i++) {
                const struct pcr_value *e = &expected->v[i];
                const struct pcr_value *v = value_find(quoted, e->bank, e->index);

                pcr_name(e, name, sizeof(name));
                if (!v)
                        return error_set(EXIT_INVALID, "PCR %s is expected but not quoted", name);
                if (v->digest.size != e->digest.size ||
                    memcmp(v->digest.buffer, e->digest.buffer, e->digest.size) != 0) {
                        hex_encode(v->digest.buffer, v->digest.size, have);
                        hex_encode(e->digest.buffer, e->digest.size, want);
                        return error_set(EXIT_INVALID, "PCR %s is %s, expected %s", name, have,
                                         want);
                }
        }
        return 0;
}

static int check_eventlog(const struct quote_doc *doc, struct quote_verdict *verdict)
{
        struct pcr_values *replayed = malloc(sizeof(*replayed));
        char name[32];
        int r;

        if (!replayed)
                return error_set(EXIT_TPM, "out of memory");
        if ((r = tcg_log_replay(doc->eventlog, doc->eventlog_len, replayed))) {
                free(replayed);
                return r;
        }
        for (unsigned i = 0; i < doc->pcrs.n; i++) {
                const struct pcr_value *q = &doc->pcrs.v[i];
                const struct pcr_value *e = value_find(replayed, q->bank, q->index);

                if (!e)
                        continue; /* the log does not extend this PCR in this bank */
                if (e->digest.size != q->digest.size ||
                    memcmp(e->digest.buffer, q->digest.buffer, q->digest.size) != 0) {
                        pcr_name(q, name, sizeof(name));
                        free(replayed);
                        return error_set(EXIT_INVALID,
                                         "the event log does not replay to the quoted value of "
                                         "PCR %s",
                                         name);
                }
                verdict->eventlog_pcrs++;
        }
        free(replayed);
        return 0;
}

int quote_verify(const struct quote_doc *doc, const struct quote_expect *expect,
                 struct quote_verdict *verdict)
{
        TPMS_ATTEST *a = &verdict->attest;
        TPMT_SIGNATURE sig;
        const unsigned char *nonce = expect->nonce;
        size_t nonce_len = expect->nonce_len;
        uint32_t magic;
        uint16_t type;
        int r;

        memset(verdict, 0, sizeof(*verdict));
        /* The magic and type first, from the bytes themselves: what follows
         * them unmarshals by the type. */
        if (doc->attest_len < 6)
                return error_set(EXIT_INVALID, "the attestation is not a TPMS_ATTEST");
        magic = (uint32_t)doc->attest[0] << 24 | (uint32_t)doc->attest[1] << 16 |
                (uint32_t)doc->attest[2] << 8 | doc->attest[3];
        type = (uint16_t)(doc->attest[4] << 8 | doc->attest[5]);
        /* CVE-2024-29040: what a restricted key signs starting with this
         * value, only the TPM made. Anything else may be any data signed. */
        if (magic != TPM2_GENERATED_VALUE)
                return error_set(EXIT_INVALID,
                                 "the attestation's magic is 0x%08x, not TPM_GENERATED_VALUE "
                                 "(0x%08x): the TPM did not make it",
                                 magic, TPM2_GENERATED_VALUE);
        if (type != TPM2_ST_ATTEST_QUOTE)
                return error_set(EXIT_INVALID, "the attestation is of type 0x%04x, not a quote",
                                 type);
        if ((r = attest_unmarshal(doc->attest, doc->attest_len, a)) ||
            (r = tpm_signature_unmarshal(doc->signature, doc->signature_len, &sig)))
                return r;
        if (a->magic != TPM2_GENERATED_VALUE || a->type != TPM2_ST_ATTEST_QUOTE)
                return error_set(EXIT_INVALID, "the attestation does not unmarshal as read");
        if ((r = tpm_signature_check(expect->key, &sig, doc->attest, doc->attest_len)))
                return r;
        if (!nonce) {
                if (!doc->has_nonce)
                        return error_set(EXIT_INVALID,
                                         "no nonce given, and the quote document has none");
                nonce = doc->nonce;
                nonce_len = doc->nonce_len;
        }
        if (a->extraData.size != nonce_len ||
            CRYPTO_memcmp(a->extraData.buffer, nonce, nonce_len) != 0)
                return error_set(EXIT_INVALID, "the quote's nonce is not the one %s",
                                 expect->nonce ? "given" : "its document lists");
        if ((r = check_pcrs(doc, &a->attested.quote, tpm_signature_hash(&sig))))
                return r;
        if (expect->expected && (r = check_expected(&doc->pcrs, expect->expected)))
                return r;
        verdict->eventlog = doc->eventlog != NULL;
        if (doc->eventlog && (r = check_eventlog(doc, verdict)))
                return r;
        return 0;
}
