/* attest.c and attest_eventlog.c: quote documents, their verification and
 * event log replay, on quotes made here with OpenSSL keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <string.h>
#include <tss2/tss2_mu.h>

#include "../../src/attest.h"
#include "../../src/errors.h"

static EVP_PKEY *ec_key, *rsa_key, *other_key;

static int keys_setup(void **state)
{
        (void)state;
        ec_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
        other_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
        rsa_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
        return ec_key && other_key && rsa_key ? 0 : -1;
}

static int keys_teardown(void **state)
{
        (void)state;
        EVP_PKEY_free(ec_key);
        EVP_PKEY_free(other_key);
        EVP_PKEY_free(rsa_key);
        return 0;
}

/* A quote as a TPM makes it: of sha256 PCRs 0 and 7, whose values are
 * 0x11.. and 0x77.., with nonce "nonce". */
struct quote {
        TPMS_ATTEST attest;
        struct quote_doc doc;
};

static void pcr_set(struct pcr_values *v, TPMI_ALG_HASH bank, unsigned index, uint8_t fill,
                    size_t size)
{
        struct pcr_value *p = &v->v[v->n++];

        memset(p, 0, sizeof(*p));
        p->bank = bank;
        p->index = index;
        p->digest.size = (UINT16)size;
        memset(p->digest.buffer, fill, size);
}

static void quote_init(struct quote *q)
{
        TPMS_PCR_SELECTION *s;
        unsigned char digest[64];
        size_t len;

        memset(q, 0, sizeof(*q));
        q->attest.magic = TPM2_GENERATED_VALUE;
        q->attest.type = TPM2_ST_ATTEST_QUOTE;
        q->attest.qualifiedSigner.size = 4;
        memcpy(q->attest.extraData.buffer, "nonce", 5);
        q->attest.extraData.size = 5;
        q->attest.clockInfo.clock = 1234;
        q->attest.clockInfo.safe = 1;
        q->attest.attested.quote.pcrSelect.count = 1;
        s = &q->attest.attested.quote.pcrSelect.pcrSelections[0];
        s->hash = TPM2_ALG_SHA256;
        s->sizeofSelect = 3;
        s->pcrSelect[0] = 0x81; /* 0 and 7 */
        pcr_set(&q->doc.pcrs, TPM2_ALG_SHA256, 7, 0x77, 32);
        pcr_set(&q->doc.pcrs, TPM2_ALG_SHA256, 0, 0x11, 32);
        assert_int_equal(quote_pcr_digest(&q->attest.attested.quote.pcrSelect, &q->doc.pcrs,
                                          TPM2_ALG_SHA256, digest, &len),
                         0);
        q->attest.attested.quote.pcrDigest.size = (UINT16)len;
        memcpy(q->attest.attested.quote.pcrDigest.buffer, digest, len);
        memcpy(q->doc.nonce, "nonce", 5);
        q->doc.nonce_len = 5;
        q->doc.has_nonce = true;
}

/* Marshals the attestation and signs it with key: ECDSA, or RSA with
 * sig_alg (RSASSA, RSAPSS), hash SHA-256 unless hash says otherwise. */
static void quote_sign_with(struct quote *q, EVP_PKEY *key, TPM2_ALG_ID sig_alg, const EVP_MD *md,
                            TPMI_ALG_HASH hash)
{
        uint8_t buf[sizeof(TPMS_ATTEST)];
        size_t len = 0, sig_len = 0, raw_len;
        unsigned char dgst[64], raw[512];
        unsigned dlen;
        TPMT_SIGNATURE sig = {.sigAlg = sig_alg};
        EVP_PKEY_CTX *ctx;
        uint8_t sig_buf[sizeof(TPMT_SIGNATURE)];

        assert_int_equal(Tss2_MU_TPMS_ATTEST_Marshal(&q->attest, buf, sizeof(buf), &len), 0);
        free(q->doc.attest);
        q->doc.attest = malloc(len);
        memcpy(q->doc.attest, buf, len);
        q->doc.attest_len = len;
        assert_true(EVP_Digest(buf, len, dgst, &dlen, md, NULL));
        ctx = EVP_PKEY_CTX_new(key, NULL);
        assert_true(EVP_PKEY_sign_init(ctx) > 0);
        assert_true(EVP_PKEY_CTX_set_signature_md(ctx, md) > 0);
        if (sig_alg == TPM2_ALG_RSAPSS) {
                assert_true(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) > 0);
                assert_true(EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST) > 0);
        }
        raw_len = sizeof(raw);
        assert_true(EVP_PKEY_sign(ctx, raw, &raw_len, dgst, dlen) > 0);
        EVP_PKEY_CTX_free(ctx);
        if (sig_alg == TPM2_ALG_ECDSA) {
                const unsigned char *p = raw;
                ECDSA_SIG *e = d2i_ECDSA_SIG(NULL, &p, (long)raw_len);
                sig.signature.ecdsa.hash = hash;
                sig.signature.ecdsa.signatureR.size =
                    (UINT16)BN_bn2bin(ECDSA_SIG_get0_r(e), sig.signature.ecdsa.signatureR.buffer);
                sig.signature.ecdsa.signatureS.size =
                    (UINT16)BN_bn2bin(ECDSA_SIG_get0_s(e), sig.signature.ecdsa.signatureS.buffer);
                ECDSA_SIG_free(e);
        } else {
                sig.signature.rsassa.hash = hash;
                sig.signature.rsassa.sig.size = (UINT16)raw_len;
                memcpy(sig.signature.rsassa.sig.buffer, raw, raw_len);
        }
        assert_int_equal(Tss2_MU_TPMT_SIGNATURE_Marshal(&sig, sig_buf, sizeof(sig_buf), &sig_len),
                         0);
        free(q->doc.signature);
        q->doc.signature = malloc(sig_len);
        memcpy(q->doc.signature, sig_buf, sig_len);
        q->doc.signature_len = sig_len;
}

static void quote_sign(struct quote *q)
{
        quote_sign_with(q, ec_key, TPM2_ALG_ECDSA, EVP_sha256(), TPM2_ALG_SHA256);
}

static int verify(struct quote *q, EVP_PKEY *key, const char *nonce,
                  const struct pcr_values *expected)
{
        struct quote_expect e = {.key = key,
                                 .nonce = (const unsigned char *)nonce,
                                 .nonce_len = nonce ? strlen(nonce) : 0,
                                 .expected = expected};
        struct quote_verdict v;

        error_clear();
        return quote_verify(&q->doc, &e, &v);
}

#define assert_invalid(call, text)                                                                 \
        do {                                                                                       \
                assert_int_equal((call), EXIT_INVALID);                                            \
                assert_non_null(strstr(error_message(), text));                                    \
        } while (0)

static void valid_quotes_verify(void **state)
{
        struct quote q;

        (void)state;
        quote_init(&q);
        quote_sign(&q);
        assert_int_equal(verify(&q, ec_key, "nonce", NULL), 0);
        assert_int_equal(verify(&q, ec_key, NULL, NULL), 0); /* the document's nonce */
        quote_sign_with(&q, rsa_key, TPM2_ALG_RSAPSS, EVP_sha256(), TPM2_ALG_SHA256);
        assert_int_equal(verify(&q, rsa_key, "nonce", NULL), 0);
        quote_sign_with(&q, rsa_key, TPM2_ALG_RSASSA, EVP_sha256(), TPM2_ALG_SHA256);
        assert_int_equal(verify(&q, rsa_key, "nonce", NULL), 0);
        quote_doc_free(&q.doc);
}

static void wrong_magic_is_refused_though_signed(void **state)
{
        struct quote q;

        (void)state;
        quote_init(&q);
        q.attest.magic = 0x01020304;
        quote_sign(&q); /* a good signature: what an unrestricted key signs */
        assert_invalid(verify(&q, ec_key, "nonce", NULL), "TPM_GENERATED_VALUE");
        quote_doc_free(&q.doc);
}

static void other_types_are_refused(void **state)
{
        struct quote q;

        (void)state;
        quote_init(&q);
        q.attest.type = TPM2_ST_ATTEST_CERTIFY;
        memset(&q.attest.attested, 0, sizeof(q.attest.attested));
        quote_sign(&q);
        assert_invalid(verify(&q, ec_key, "nonce", NULL), "not a quote");
        quote_doc_free(&q.doc);
}

static void signature_must_be_the_keys(void **state)
{
        struct quote q;

        (void)state;
        quote_init(&q);
        quote_sign(&q);
        assert_invalid(verify(&q, other_key, "nonce", NULL), "does not verify");
        assert_invalid(verify(&q, rsa_key, "nonce", NULL), "the key is not");
        q.doc.signature[q.doc.signature_len - 1] ^= 1;
        assert_invalid(verify(&q, ec_key, "nonce", NULL), "does not verify");
        q.doc.signature[q.doc.signature_len - 1] ^= 1;
        q.doc.attest[q.doc.attest_len - 1] ^= 1; /* the pcrDigest */
        assert_invalid(verify(&q, ec_key, "nonce", NULL), "does not verify");
        quote_doc_free(&q.doc);
}

static void sha1_signatures_are_refused(void **state)
{
        struct quote q;

        (void)state;
        quote_init(&q);
        quote_sign_with(&q, ec_key, TPM2_ALG_ECDSA, EVP_sha1(), TPM2_ALG_SHA1);
        assert_invalid(verify(&q, ec_key, "nonce", NULL), "not SHA-256");
        quote_doc_free(&q.doc);
}

static void nonce_must_match(void **state)
{
        struct quote q;

        (void)state;
        quote_init(&q);
        quote_sign(&q);
        assert_invalid(verify(&q, ec_key, "nonc", NULL), "nonce");
        assert_invalid(verify(&q, ec_key, "nonceX", NULL), "nonce");
        assert_invalid(verify(&q, ec_key, "NONCE", NULL), "nonce");
        q.doc.nonce[0] = 'x'; /* the document lies about its nonce */
        assert_invalid(verify(&q, ec_key, NULL, NULL), "nonce");
        q.doc.has_nonce = false;
        assert_invalid(verify(&q, ec_key, NULL, NULL), "no nonce");
        quote_doc_free(&q.doc);
}

static void pcr_values_must_be_the_quoted_ones(void **state)
{
        struct quote q;

        (void)state;
        quote_init(&q);
        quote_sign(&q);
        q.doc.pcrs.v[0].digest.buffer[3] ^= 1;
        assert_invalid(verify(&q, ec_key, "nonce", NULL), "pcrDigest");
        q.doc.pcrs.v[0].digest.buffer[3] ^= 1;
        q.doc.pcrs.n = 1; /* PCR 0 missing */
        assert_invalid(verify(&q, ec_key, "nonce", NULL), "sha256:0 is quoted but");
        q.doc.pcrs.n = 2;
        pcr_set(&q.doc.pcrs, TPM2_ALG_SHA256, 8, 0x88, 32); /* not quoted */
        assert_invalid(verify(&q, ec_key, "nonce", NULL), "sha256:8 is listed");
        q.doc.pcrs.n = 2;
        assert_int_equal(verify(&q, ec_key, "nonce", NULL), 0);
        quote_doc_free(&q.doc);
}

static void expected_values_are_compared(void **state)
{
        struct pcr_values expected = {0};
        struct quote q;

        (void)state;
        quote_init(&q);
        quote_sign(&q);
        pcr_set(&expected, TPM2_ALG_SHA256, 0, 0x11, 32);
        assert_int_equal(verify(&q, ec_key, "nonce", &expected), 0);
        pcr_set(&expected, TPM2_ALG_SHA256, 7, 0x78, 32);
        assert_invalid(verify(&q, ec_key, "nonce", &expected), "PCR sha256:7 is 7777");
        expected.n = 1;
        pcr_set(&expected, TPM2_ALG_SHA256, 9, 0x00, 32);
        assert_invalid(verify(&q, ec_key, "nonce", &expected), "sha256:9 is expected but not");
        quote_doc_free(&q.doc);
}

static void garbage_does_not_unmarshal(void **state)
{
        struct quote q;

        (void)state;
        quote_init(&q);
        quote_sign(&q);
        q.doc.attest_len--;
        assert_invalid(verify(&q, ec_key, "nonce", NULL), "not a TPMS_ATTEST");
        q.doc.attest_len++;
        q.doc.signature_len--;
        assert_invalid(verify(&q, ec_key, "nonce", NULL), "not a TPMT_SIGNATURE");
        q.doc.signature_len++;
        q.doc.attest = realloc(q.doc.attest, q.doc.attest_len + 1);
        q.doc.attest[q.doc.attest_len++] = 0;
        assert_invalid(verify(&q, ec_key, "nonce", NULL), "after its end");
        quote_doc_free(&q.doc);
}

static void pcr_json_is_read_strictly(void **state)
{
        struct pcr_values v;
        json_object *o;

        (void)state;
        o = json_tokener_parse(
            "{\"sha256\": {\"7\": \"" /* 32 bytes */
            "0000000000000000000000000000000000000000000000000000000000000007"
            "\"}, \"sha1\": {\"0\": \"0000000000000000000000000000000000000001\"}}");
        assert_int_equal(pcr_values_from_json(o, "t", &v), 0);
        assert_int_equal(v.n, 2);
        assert_int_equal(v.v[0].bank, TPM2_ALG_SHA256);
        assert_int_equal(v.v[0].index, 7);
        assert_int_equal(v.v[0].digest.buffer[31], 7);
        assert_int_equal(v.v[1].bank, TPM2_ALG_SHA1);
        json_object_put(o);
        o = json_tokener_parse("{\"pcrs\": {\"sha1\": {\"23\": "
                               "\"0000000000000000000000000000000000000001\"}}}");
        assert_int_equal(pcr_values_from_json(o, "t", &v), 0);
        assert_int_equal(v.v[0].index, 23);
        json_object_put(o);

        static const char *const bad[] = {
            "[]",
            "{\"md5\": {\"0\": \"00\"}}",
            "{\"sha1\": {\"24\": \"0000000000000000000000000000000000000001\"}}",
            "{\"sha1\": {\"07\": \"0000000000000000000000000000000000000001\"}}",
            "{\"sha1\": {\"-1\": \"0000000000000000000000000000000000000001\"}}",
            "{\"sha1\": {\"\": \"0000000000000000000000000000000000000001\"}}",
            "{\"sha1\": {\"0\": \"00000000000000000000000000000000000001\"}}",
            "{\"sha1\": {\"0\": 1}}",
            "{\"sha1\": [\"0\"]}",
            "{\"sha1\": {\"0\": \"000000000000000000000000000000000000000g\"}}",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                o = json_tokener_parse(bad[i]);
                assert_non_null(o);
                assert_int_equal(pcr_values_from_json(o, "t", &v), EXIT_BAD_INPUT);
                json_object_put(o);
        }
}

static void documents_round_trip(void **state)
{
        struct quote q;
        struct quote_doc back;
        json_object *o;
        const char *text;

        (void)state;
        quote_init(&q);
        quote_sign(&q);
        q.doc.pubkey_pem = strdup("-----BEGIN PUBLIC KEY-----\n");
        q.doc.eventlog = malloc(3);
        memcpy(q.doc.eventlog, "log", 3);
        q.doc.eventlog_len = 3;
        o = quote_doc_to_json(&q.doc);
        text = json_object_to_json_string(o);
        assert_int_equal(quote_doc_parse(text, strlen(text), &back), 0);
        json_object_put(o);
        assert_int_equal(back.attest_len, q.doc.attest_len);
        assert_memory_equal(back.attest, q.doc.attest, q.doc.attest_len);
        assert_memory_equal(back.signature, q.doc.signature, q.doc.signature_len);
        assert_int_equal(back.pcrs.n, 2);
        assert_true(back.has_nonce);
        assert_memory_equal(back.nonce, "nonce", 5);
        assert_string_equal(back.pubkey_pem, q.doc.pubkey_pem);
        assert_int_equal(back.eventlog_len, 3);
        quote_doc_free(&back);
        quote_doc_free(&q.doc);
}

static void documents_are_read_strictly(void **state)
{
        static const char *const bad[] = {
            "[]",
            "{}",
            "{\"format\": \"x\", \"version\": 1}",
            "{\"format\": \"tpmctl-quote\", \"version\": 2}",
            "{\"format\": \"tpmctl-quote\", \"version\": 1, \"attest_b64\": \"AA==\"}",
            "{\"format\": \"tpmctl-quote\", \"version\": 1, \"attest_b64\": \"A\", "
            "\"signature_b64\": \"AA==\", \"pcrs\": {}}",
            "{\"format\": \"tpmctl-quote\", \"version\": 1, \"attest_b64\": \"AA==\", "
            "\"signature_b64\": \"AA==\", \"pcrs\": []}",
            "{\"format\": \"tpmctl-quote\", \"version\": 1, \"attest_b64\": \"AA==\", "
            "\"signature_b64\": \"AA==\", \"pcrs\": {}, \"pubkey_pem\": 3}",
            "{\"format\": \"tpmctl-quote\", \"version\": 1, \"attest_b64\": \"AA==\", "
            "\"signature_b64\": \"AA==\", \"pcrs\": {}, \"nonce_b64\": "
            "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
            "AAAAAAAA\"}",
        };
        struct quote_doc doc;
        const char *good = "{\"format\": \"tpmctl-quote\", \"version\": 1, \"attest_b64\": "
                           "\"AA==\", \"signature_b64\": \"AA==\", \"pcrs\": {}}";

        (void)state;
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                assert_int_equal(quote_doc_parse(bad[i], strlen(bad[i]), &doc), EXIT_BAD_INPUT);
        assert_int_equal(quote_doc_parse(good, strlen(good), &doc), 0);
        assert_false(doc.has_nonce);
        quote_doc_free(&doc);
}

/* ---- event logs ---- */

struct log {
        uint8_t b[4096];
        size_t n;
};

static void put32(struct log *l, uint32_t v)
{
        for (int i = 0; i < 4; i++)
                l->b[l->n++] = (uint8_t)(v >> (8 * i));
}

static void put16(struct log *l, uint16_t v)
{
        l->b[l->n++] = (uint8_t)v;
        l->b[l->n++] = (uint8_t)(v >> 8);
}

static void put(struct log *l, const void *p, size_t n)
{
        memcpy(l->b + l->n, p, n);
        l->n += n;
}

/* The Spec ID header with banks sha1 and sha256. */
static void log_header(struct log *l)
{
        static const uint8_t zero[20];

        l->n = 0;
        put32(l, 0);
        put32(l, 3); /* EV_NO_ACTION */
        put(l, zero, 20);
        put32(l, 16 + 4 + 4 + 4 + 2 * 4 + 1);
        put(l, "Spec ID Event03", 16);
        put32(l, 0);
        put32(l, 0x00000002); /* versions */
        put32(l, 2);
        put16(l, TPM2_ALG_SHA1);
        put16(l, 20);
        put16(l, TPM2_ALG_SHA256);
        put16(l, 32);
        l->b[l->n++] = 0;
}

static void log_event(struct log *l, uint32_t pcr, uint32_t type, uint8_t fill, const char *data)
{
        uint8_t d[32];

        memset(d, fill, sizeof(d));
        put32(l, pcr);
        put32(l, type);
        put32(l, 2);
        put16(l, TPM2_ALG_SHA1);
        put(l, d, 20);
        put16(l, TPM2_ALG_SHA256);
        put(l, d, 32);
        put32(l, (uint32_t)strlen(data));
        put(l, data, strlen(data));
}

static void extended(const EVP_MD *md, uint8_t start_last, const uint8_t *fills, size_t n,
                     uint8_t *out)
{
        size_t size = (size_t)EVP_MD_get_size(md);
        uint8_t buf[64];

        memset(out, 0, size);
        out[size - 1] = start_last;
        for (size_t i = 0; i < n; i++) {
                memcpy(buf, out, size);
                memset(buf + size, fills[i], size);
                EVP_Digest(buf, 2 * size, out, NULL, md, NULL);
        }
}

static const struct pcr_value *find(const struct pcr_values *v, TPMI_ALG_HASH bank, unsigned index)
{
        for (unsigned i = 0; i < v->n; i++)
                if (v->v[i].bank == bank && v->v[i].index == index)
                        return &v->v[i];
        return NULL;
}

static void agile_logs_replay(void **state)
{
        static const uint8_t pcr0[] = {0xa0, 0xa1}, pcr7[] = {0x70};
        struct pcr_values out;
        struct log l;
        uint8_t want[32];

        (void)state;
        log_header(&l);
        log_event(&l, 0, 0x8, 0xa0, "first");
        log_event(&l, 7, 0x80000001, 0x70, "");
        log_event(&l, 7, 3, 0xee, "no action: not extended");
        log_event(&l, 0, 0x8, 0xa1, "second");
        memset(l.b + l.n, 0, 16); /* padding */
        l.n += 16;
        assert_int_equal(tcg_log_replay(l.b, l.n, &out), 0);
        assert_int_equal(out.n, 4);
        extended(EVP_sha256(), 0, pcr0, 2, want);
        assert_memory_equal(find(&out, TPM2_ALG_SHA256, 0)->digest.buffer, want, 32);
        extended(EVP_sha1(), 0, pcr0, 2, want);
        assert_memory_equal(find(&out, TPM2_ALG_SHA1, 0)->digest.buffer, want, 20);
        extended(EVP_sha256(), 0, pcr7, 1, want);
        assert_memory_equal(find(&out, TPM2_ALG_SHA256, 7)->digest.buffer, want, 32);
        assert_null(find(&out, TPM2_ALG_SHA256, 1));
}

static void startup_locality_starts_pcr0(void **state)
{
        static const uint8_t pcr0[] = {0xa0};
        struct pcr_values out;
        struct log l;
        uint8_t want[32], data[17] = "StartupLocality";

        (void)state;
        log_header(&l);
        data[16] = 3;
        put32(&l, 0);
        put32(&l, 3);
        put32(&l, 2);
        put16(&l, TPM2_ALG_SHA1);
        memset(l.b + l.n, 0, 20);
        l.n += 20;
        put16(&l, TPM2_ALG_SHA256);
        memset(l.b + l.n, 0, 32);
        l.n += 32;
        put32(&l, sizeof(data));
        put(&l, data, sizeof(data));
        log_event(&l, 0, 0x8, 0xa0, "x");
        assert_int_equal(tcg_log_replay(l.b, l.n, &out), 0);
        extended(EVP_sha256(), 3, pcr0, 1, want);
        assert_memory_equal(find(&out, TPM2_ALG_SHA256, 0)->digest.buffer, want, 32);
}

static void sha1_logs_replay(void **state)
{
        static const uint8_t fills[] = {0x01, 0x02};
        struct pcr_values out;
        struct log l = {.n = 0};
        uint8_t want[20], d[20];

        (void)state;
        for (size_t i = 0; i < 2; i++) {
                memset(d, fills[i], 20);
                put32(&l, 4);
                put32(&l, 0xd);
                put(&l, d, 20);
                put32(&l, 1);
                put(&l, "x", 1);
        }
        assert_int_equal(tcg_log_replay(l.b, l.n, &out), 0);
        assert_int_equal(out.n, 1);
        extended(EVP_sha1(), 0, fills, 2, want);
        assert_memory_equal(find(&out, TPM2_ALG_SHA1, 4)->digest.buffer, want, 20);
}

static void malformed_logs_are_invalid(void **state)
{
        struct pcr_values out;
        struct log l = {.n = 0};

        (void)state;
        assert_int_equal(tcg_log_replay(l.b, 0, &out), EXIT_INVALID);
        log_header(&l);
        log_event(&l, 0, 0x8, 0xa0, "first");
        for (size_t cut = 1; cut < 40; cut++) /* truncated anywhere in the last event */
                assert_int_equal(tcg_log_replay(l.b, l.n - cut, &out), EXIT_INVALID);
        log_header(&l);
        log_event(&l, 24, 0x8, 0xa0, "x"); /* no PCR 24 */
        assert_invalid(tcg_log_replay(l.b, l.n, &out), "PCR 24");
        log_header(&l);
        put32(&l, 0);
        put32(&l, 8);
        put32(&l, 2);
        put16(&l, TPM2_ALG_SHA384); /* not in the header */
        assert_invalid(tcg_log_replay(l.b, l.n, &out), "header does not list");
        log_header(&l);
        put32(&l, 0);
        put32(&l, 8);
        put32(&l, 3);
        assert_invalid(tcg_log_replay(l.b, l.n, &out), "3 digests for 2 banks");
        log_header(&l);
        log_event(&l, 0, 8, 0xa0, "x");
        memcpy(l.b + l.n - 1 - 4 - 32 - 2, "\x04\x00", 2); /* sha256 -> sha1 again */
        assert_invalid(tcg_log_replay(l.b, l.n, &out), "two digests of bank 0x0004");
        log_header(&l);
        l.b[4 + 4 + 20 + 4 + 16 + 4 + 4] = 17; /* 17 banks */
        assert_invalid(tcg_log_replay(l.b, l.n, &out), "banks");
}

static void quotes_replay_their_event_log(void **state)
{
        static const uint8_t pcr0[] = {0xa0};
        struct quote q;
        struct log l;

        (void)state;
        quote_init(&q);
        q.doc.pcrs.n = 0;
        pcr_set(&q.doc.pcrs, TPM2_ALG_SHA256, 0, 0, 32);
        extended(EVP_sha256(), 0, pcr0, 1, q.doc.pcrs.v[0].digest.buffer);
        pcr_set(&q.doc.pcrs, TPM2_ALG_SHA256, 7, 0x77, 32); /* not in the log */
        {
                unsigned char digest[64];
                size_t len;
                assert_int_equal(quote_pcr_digest(&q.attest.attested.quote.pcrSelect, &q.doc.pcrs,
                                                  TPM2_ALG_SHA256, digest, &len),
                                 0);
                memcpy(q.attest.attested.quote.pcrDigest.buffer, digest, len);
        }
        quote_sign(&q);
        log_header(&l);
        log_event(&l, 0, 0x8, 0xa0, "first");
        q.doc.eventlog = malloc(l.n);
        memcpy(q.doc.eventlog, l.b, l.n);
        q.doc.eventlog_len = l.n;
        {
                struct quote_expect e = {.key = ec_key};
                struct quote_verdict v;
                assert_int_equal(quote_verify(&q.doc, &e, &v), 0);
                assert_true(v.eventlog);
                assert_int_equal(v.eventlog_pcrs, 1);
        }
        q.doc.eventlog[l.n - 1] ^= 1; /* the event's data: not hashed into PCRs here */
        assert_int_equal(verify(&q, ec_key, NULL, NULL), 0);
        q.doc.eventlog[l.n - 5 - 4 - 1] ^= 1; /* the sha256 digest */
        assert_invalid(verify(&q, ec_key, NULL, NULL), "does not replay to the quoted value of "
                                                       "PCR sha256:0");
        q.doc.eventlog_len = 7;
        assert_invalid(verify(&q, ec_key, NULL, NULL), "event log");
        quote_doc_free(&q.doc);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(valid_quotes_verify),
            cmocka_unit_test(wrong_magic_is_refused_though_signed),
            cmocka_unit_test(other_types_are_refused),
            cmocka_unit_test(signature_must_be_the_keys),
            cmocka_unit_test(sha1_signatures_are_refused),
            cmocka_unit_test(nonce_must_match),
            cmocka_unit_test(pcr_values_must_be_the_quoted_ones),
            cmocka_unit_test(expected_values_are_compared),
            cmocka_unit_test(garbage_does_not_unmarshal),
            cmocka_unit_test(pcr_json_is_read_strictly),
            cmocka_unit_test(documents_round_trip),
            cmocka_unit_test(documents_are_read_strictly),
            cmocka_unit_test(agile_logs_replay),
            cmocka_unit_test(startup_locality_starts_pcr0),
            cmocka_unit_test(sha1_logs_replay),
            cmocka_unit_test(malformed_logs_are_invalid),
            cmocka_unit_test(quotes_replay_their_event_log),
        };
        return cmocka_run_group_tests(tests, keys_setup, keys_teardown);
}
