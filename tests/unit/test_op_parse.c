/* ops.c and the adapters' parse step: a batch request line into the typed
 * request of its op, without a TPM (what the fuzz_batch harness runs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/batch.h"
#include "../../src/errors.h"
#include "../../src/op_json.h"
#include "../../src/ops.h"

/* Parses a request line; returns op_parse_json's status, or the line's. */
static int parse(const char *line, const struct op_entry **op, struct op_parsed *parsed,
                 json_object **request)
{
        int r;

        error_clear();
        *parsed = (struct op_parsed){0};
        if ((r = batch_parse_line(line, strlen(line), request)))
                return r;
        return op_parse_json(*request, op, parsed);
}

static void done(struct op_parsed *parsed, json_object *request)
{
        op_parsed_free(parsed);
        json_wipe(request);
        json_object_put(request);
}

static void a_sign_request_becomes_its_typed_request(void **state)
{
        const struct op_entry *op;
        struct op_parsed p;
        json_object *request = NULL;

        (void)state;
        assert_int_equal(parse("{\"id\": 1, \"op\": \"sign\", \"path\": \"k\", \"digest_b64\": "
                               "\"AAECAw==\", \"auth\": \"pw\", \"scheme\": \"ecdsa\"}",
                               &op, &p, &request),
                         0);
        assert_string_equal(op->name, "sign");
        assert_string_equal(p.req.sign.path, "k");
        assert_string_equal(p.req.sign.scheme, "ecdsa");
        assert_true(p.req.sign.is_digest);
        assert_int_equal(p.req.sign.input.len, 4);
        assert_memory_equal(p.req.sign.input.data, "\x00\x01\x02\x03", 4);
        assert_ptr_equal(p.req.sign.auth, &p.auth);
        assert_int_equal(p.auth.value_len, 2);
        done(&p, request);
}

static void a_verify_request_reads_its_pem_key(void **state)
{
        /* A P-256 public key, as the request carries it (JSON-escaped). */
        static const char line[] =
            "{\"op\": \"verify\", \"pubkey_pem\": \"-----BEGIN PUBLIC KEY-----\\n"
            "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEiWfOPWJkq6iBj1GWt34kOj8MLgJZ\\n"
            "yQANCVHYdlGRVmbVrPvoqBgr9CCV6zezTl7uciqttFSgP1HJ23Ntxk8IEA==\\n"
            "-----END PUBLIC KEY-----\\n\", \"data_b64\": \"aGVsbG8=\", "
            "\"signature_b64\": \"AAAA\"}";
        const struct op_entry *op;
        struct op_parsed p;
        json_object *request = NULL;

        (void)state;
        assert_int_equal(parse(line, &op, &p, &request), 0);
        assert_non_null(p.req.verify.pubkey);
        assert_null(p.req.verify.path);
        assert_false(p.req.verify.is_digest);
        assert_int_equal(p.req.verify.input.len, 5);
        assert_int_equal(p.req.verify.signature_len, 3);
        done(&p, request);

        assert_int_equal(parse("{\"op\": \"verify\", \"pubkey_pem\": \"not a key\", "
                               "\"data_b64\": \"AAAA\", \"signature_b64\": \"AAAA\"}",
                               &op, &p, &request),
                         EXIT_BAD_INPUT);
        assert_string_equal(error_message(), "\"pubkey_pem\" is not a PEM public key");
        done(&p, request);
}

static void a_pcr_extend_digest_has_its_bank_size(void **state)
{
        const struct op_entry *op;
        struct op_parsed p;
        json_object *request = NULL;

        (void)state;
        assert_int_equal(parse("{\"op\": \"pcr_extend\", \"pcr\": 16, \"bank\": \"sha1\", "
                               "\"digest_b64\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}",
                               &op, &p, &request),
                         0);
        assert_int_equal(p.req.pcr_extend.pcr, 16);
        assert_ptr_equal(p.req.pcr_extend.digests, &p.digests);
        assert_int_equal(p.digests.count, 1);
        assert_int_equal(p.digests.digests[0].hashAlg, TPM2_ALG_SHA1);
        done(&p, request);

        assert_int_equal(parse("{\"op\": \"pcr_extend\", \"pcr\": 16, \"bank\": \"sha256\", "
                               "\"digest_b64\": \"AAAA\"}",
                               &op, &p, &request),
                         EXIT_BAD_INPUT);
        assert_string_equal(error_message(), "\"digest_b64\" is 3 bytes; a sha256 digest is 32");
        done(&p, request);
}

/* What batch answers before it would open the TPM. */
static void malformed_requests_are_refused_with_their_status(void **state)
{
        static const struct {
                const char *line;
                int status;
                const char *message;
        } cases[] = {
            {"{\"op\": \"random\", \"bytes\": 4", EXIT_USAGE,
             "malformed JSON: the request ends too soon"},
            {"{\"op\": \"random\", \"bytes\": 4} x", EXIT_USAGE,
             "malformed JSON: more after the request at byte 30"},
            {"[1, 2]", EXIT_USAGE, "a request must be a JSON object"},
            {"{\"op\": 1}", EXIT_USAGE, "the request has no \"op\" string"},
            {"{\"op\": \"frobnicate\"}", EXIT_USAGE,
             "unknown op \"frobnicate\" (the ops: sign, verify,"},
            {"{\"op\": \"random\\u0000x\", \"bytes\": 4}", EXIT_USAGE,
             "unknown op \"random\" (the ops: sign"},
            {"{\"op\": \"random\", \"bytes\": 4, \"extra\": 1}", EXIT_USAGE,
             "random takes no field \"extra\""},
            {"{\"op\": \"random\", \"bytes\": \"4\"}", EXIT_USAGE,
             "\"bytes\" must be a whole number"},
            {"{\"op\": \"random\", \"bytes\": 1048577}", EXIT_USAGE,
             "\"bytes\" must be a number from 0 to 1048576"},
            {"{\"op\": \"sign\", \"data_b64\": \"AAAA\"}", EXIT_USAGE,
             "the request has no \"path\""},
            {"{\"op\": \"sign\", \"path\": \"k\", \"data_b64\": \"not base64!\"}", EXIT_BAD_INPUT,
             "\"data_b64\" is not valid base64"},
            {"{\"op\": \"sign\", \"path\": \"k\", \"data_b64\": \"AAAA\", \"digest_b64\": "
             "\"AAAA\"}",
             EXIT_USAGE, "give \"data_b64\" or \"digest_b64\""},
            {"{\"op\": \"sign\", \"path\": \"k\\u0000x\", \"data_b64\": \"AAAA\"}", EXIT_BAD_INPUT,
             "\"path\" contains a NUL character"},
            {"{\"op\": \"seal\", \"path\": \"s\"}", EXIT_USAGE,
             "give \"data_b64\" or \"random\" (a number of bytes)"},
            {"{\"op\": \"pcr_extend\", \"pcr\": 24, \"data_b64\": \"AAAA\"}", EXIT_USAGE,
             "\"pcr\" must be a number from 0 to 23"},
            {"{\"op\": \"pcr_extend\", \"pcr\": 1, \"digest_b64\": \"AAAA\"}", EXIT_USAGE,
             "the request has no \"bank\""},
            {"{\"op\": \"delete\", \"path\": \"/\", \"force\": \"yes\"}", EXIT_USAGE,
             "\"force\" must be true or false"},
        };
        const struct op_entry *op;
        struct op_parsed p;

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                json_object *request = NULL;

                assert_int_equal(parse(cases[i].line, &op, &p, &request), cases[i].status);
                /* "unknown op" goes on with the list of ops. */
                if (strncmp(cases[i].message, "unknown op", 10) == 0)
                        assert_int_equal(
                            strncmp(error_message(), cases[i].message, strlen(cases[i].message)),
                            0);
                else
                        assert_string_equal(error_message(), cases[i].message);
                done(&p, request);
        }
}

/* A NUL byte is no blank: after a request it is more after the request. */
static void a_nul_after_the_request_is_refused(void **state)
{
        static const char line[] = "{\"op\": \"random\", \"bytes\": 4}\0";
        json_object *request = NULL;

        (void)state;
        assert_int_equal(batch_parse_line(line, sizeof(line) - 1, &request), EXIT_USAGE);
        assert_string_equal(error_message(), "malformed JSON: more after the request at byte 29");
        assert_null(request);
        assert_int_equal(batch_parse_line(line, sizeof(line) - 2, &request), 0);
        json_object_put(request);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(a_nul_after_the_request_is_refused),
            cmocka_unit_test(a_sign_request_becomes_its_typed_request),
            cmocka_unit_test(a_verify_request_reads_its_pem_key),
            cmocka_unit_test(a_pcr_extend_digest_has_its_bank_size),
            cmocka_unit_test(malformed_requests_are_refused_with_their_status),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
