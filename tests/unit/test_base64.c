/* base64.c and op_json.c: the strict base64 and the request fields of
 * tpmctl batch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/base64.h"
#include "../../src/errors.h"
#include "../../src/op_json.h"

static void round_trips_every_length(void **state)
{
        unsigned char data[64], *back;
        char text[100];
        size_t len;

        (void)state;
        for (size_t i = 0; i < sizeof(data); i++)
                data[i] = (unsigned char)(i * 37 + 1);
        for (size_t n = 0; n <= sizeof(data); n++) {
                base64_encode(data, n, text);
                assert_int_equal(strlen(text), base64_encoded_len(n));
                assert_true(base64_decode(text, strlen(text), &back, &len));
                assert_int_equal(len, n);
                assert_memory_equal(back, data, n);
                free(back);
        }
        base64_encode((const unsigned char *)"hello", 5, text);
        assert_string_equal(text, "aGVsbG8=");
}

static void refuses_what_is_not_strict_base64(void **state)
{
        static const char *const bad[] = {
            "aGVsbG8",    /* no padding */
            "aGVs bG8=",  /* a blank */
            "aGVsbG8=\n", /* a newline */
            "aGVsbG8=====",
            "aG=sbG8=", /* padding inside */
            "aGVsbG8*",
            "aGVsbG8-", /* the URL alphabet */
            "=",
            "a===",
        };
        unsigned char *out;
        size_t len;

        (void)state;
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                assert_false(base64_decode(bad[i], strlen(bad[i]), &out, &len));
}

static void request_fields_are_checked(void **state)
{
        json_object *req = json_tokener_parse("{\"path\": 5, \"n\": -1, \"b\": \"AAAA\", "
                                              "\"bad\": \"A\", \"auth\": \"pw\", \"flag\": 1}");
        struct secret s = {0};
        struct auth_source auth = {0};
        const char *text;
        unsigned long n;
        bool flag = false;

        (void)state;
        assert_int_equal(json_get_string(req, "path", true, &text), EXIT_USAGE);
        assert_int_equal(json_get_string(req, "absent", true, &text), EXIT_USAGE);
        assert_int_equal(json_get_string(req, "absent", false, &text), 0);
        assert_null(text);
        assert_int_equal(json_get_uint(req, "n", true, 10, &n, NULL), EXIT_USAGE);
        assert_int_equal(json_get_bool(req, "flag", &flag), EXIT_USAGE);
        assert_int_equal(json_get_base64(req, "bad", true, &s), EXIT_BAD_INPUT);
        assert_int_equal(json_get_base64(req, "b", true, &s), 0);
        assert_int_equal(s.size, 3);
        secret_wipe(&s);
        assert_int_equal(json_get_auth(req, &auth), 0);
        assert_true(auth_given(&auth));
        assert_int_equal(auth.value_len, 2);
        assert_memory_equal(auth.value, "pw", 2);
        json_wipe(req);
        assert_memory_equal(auth.value, "\0\0", 2); /* wiped in the request */
        json_object_put(req);
}

static void an_auth_value_reads_as_a_password(void **state)
{
        struct auth_source src = {
            .option_prefix = "auth", .value = (const unsigned char *)"secret", .value_len = 6};
        struct auth_source none = {.option_prefix = "auth", .never_prompt = true};
        struct secret out = {0};

        (void)state;
        assert_int_equal(auth_read(&src, "/HS/SRK/k", false, 64, &out), 0);
        assert_int_equal(out.size, 6);
        assert_memory_equal(out.data, "secret", 6);
        secret_wipe(&out);
        assert_int_equal(auth_read(&src, "/HS/SRK/k", false, 4, &out), EXIT_BAD_INPUT);
        assert_int_equal(auth_read(&none, "/HS/SRK/k", false, 64, &out), EXIT_AUTH);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(round_trips_every_length),
            cmocka_unit_test(refuses_what_is_not_strict_base64),
            cmocka_unit_test(request_fields_are_checked),
            cmocka_unit_test(an_auth_value_reads_as_a_password),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
