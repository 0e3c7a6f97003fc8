/* libFuzzer: what verify-quote does with a quote from elsewhere. The first
 * byte picks the parser, the rest is its input:
 *   0  a quote document (JSON), verified with the harness's key
 *   1  the same, re-signed by the harness's key first, so that the checks
 *      after the signature's (magic, type, nonce, PCRs, event log) run
 *   2  a TPMS_ATTEST     3  a TPMT_SIGNATURE, checked over fixed data
 *   4  a TCG event log   5  PCR values as JSON (--pcrs-expected)
 * Every refusal is EXIT_INVALID or EXIT_BAD_INPUT with its one line. */
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_mu.h>

#include "../../src/attest.h"
#include "../../src/errors.h"
#include "../../src/jsonfile.h"

static EVP_PKEY *key;

static void check(int r)
{
        if (r == 0)
                return;
        if (r != EXIT_INVALID && r != EXIT_BAD_INPUT)
                abort();
        if (!*error_message())
                abort();
}

/* The harness's own ECDSA P-256 signature of the attestation, marshaled. */
static void resign(struct quote_doc *doc)
{
        TPMT_SIGNATURE sig = {.sigAlg = TPM2_ALG_ECDSA};
        unsigned char der[128], *p;
        size_t der_len = sizeof(der), len = 0;
        const unsigned char *q = der;
        uint8_t buf[sizeof(TPMT_SIGNATURE)];
        ECDSA_SIG *e;
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();

        if (!ctx || EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) <= 0 ||
            EVP_DigestSign(ctx, der, &der_len, doc->attest, doc->attest_len) <= 0)
                abort();
        EVP_MD_CTX_free(ctx);
        if (!(e = d2i_ECDSA_SIG(NULL, &q, (long)der_len)))
                abort();
        sig.signature.ecdsa.hash = TPM2_ALG_SHA256;
        sig.signature.ecdsa.signatureR.size =
            (UINT16)BN_bn2bin(ECDSA_SIG_get0_r(e), sig.signature.ecdsa.signatureR.buffer);
        sig.signature.ecdsa.signatureS.size =
            (UINT16)BN_bn2bin(ECDSA_SIG_get0_s(e), sig.signature.ecdsa.signatureS.buffer);
        ECDSA_SIG_free(e);
        if (Tss2_MU_TPMT_SIGNATURE_Marshal(&sig, buf, sizeof(buf), &len) || !(p = malloc(len)))
                abort();
        memcpy(p, buf, len);
        free(doc->signature);
        doc->signature = p;
        doc->signature_len = len;
}

static void document(const uint8_t *data, size_t size, bool sign)
{
        static struct quote_doc doc;
        static struct quote_verdict verdict;
        struct quote_expect expect = {.key = key};
        int r = quote_doc_parse((const char *)data, size, &doc);

        check(r);
        if (r)
                return;
        if (sign)
                resign(&doc);
        if (doc.pcrs.n > 0) /* expect what it lists, as --pcrs-expected would */
                expect.expected = &doc.pcrs;
        check(quote_verify(&doc, &expect, &verdict));
        quote_doc_free(&doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct pcr_values values;
        static const uint8_t signed_data[] = "attest";
        TPMS_ATTEST attest;
        TPMT_SIGNATURE sig;
        json_object *obj = NULL;

        if (!key && !(key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")))
                abort();
        if (size == 0)
                return 0;
        error_clear();
        switch (data[0]) {
        case 0:
        case 1:
                document(data + 1, size - 1, data[0] == 1);
                break;
        case 2:
                check(attest_unmarshal(data + 1, size - 1, &attest));
                break;
        case 3:
                if (tpm_signature_unmarshal(data + 1, size - 1, &sig) == 0)
                        check(tpm_signature_check(key, &sig, signed_data, sizeof(signed_data)));
                break;
        case 4:
                check(tcg_log_replay(data + 1, size - 1, &values));
                break;
        case 5:
                if (json_parse_strict((const char *)data + 1, size - 1, "fuzz", &obj) == 0) {
                        check(pcr_values_from_json(obj, "fuzz", &values));
                        json_object_put(obj);
                }
                break;
        default:
                break;
        }
        return 0;
}
