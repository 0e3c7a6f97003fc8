/* Pure parts of keys and passwords: names, type strings, password rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../src/auth.h"
#include "../../src/errors.h"
#include "../../src/keys.h"

static void algorithms_pick_profiles(void **state)
{
        const char *profile = NULL;
        (void)state;
        assert_int_equal(alg_profile("rsa2048", &profile), 0);
        assert_string_equal(profile, "P_RSA2048SHA256");
        assert_int_equal(alg_profile("ecc256", &profile), 0);
        assert_string_equal(profile, "P_ECCP256SHA256");
        assert_int_equal(alg_profile("ecc384", &profile), 0);
        assert_string_equal(profile, "P_ECCP384SHA384");
        assert_int_equal(alg_profile("rsa3072", &profile), EXIT_USAGE);
        assert_int_equal(alg_profile("dsa", &profile), EXIT_USAGE);
}

static void type_strings_are_fapis(void **state)
{
        struct key_spec spec = {0};
        char out[64];
        (void)state;
        assert_int_equal(key_type_parse("restricted-decrypt", &spec.type), 0);
        key_type_string(&spec, out, sizeof(out));
        assert_string_equal(out, "decrypt,restricted");
        assert_int_equal(key_type_parse("sign", &spec.type), 0);
        spec.noda = true;
        spec.persistent = 0x81000010;
        key_type_string(&spec, out, sizeof(out));
        assert_string_equal(out, "sign,noda,0x81000010");
        assert_int_equal(key_type_parse("wrap", &spec.type), EXIT_USAGE);
}

static void seals_without_password_get_noda(void **state)
{
        char out[160];

        (void)state;
        seal_type_string(NULL, false, out, sizeof(out));
        assert_string_equal(out, "noda");
        seal_type_string(NULL, true, out, sizeof(out));
        assert_string_equal(out, "");
        seal_type_string("0x81000020", false, out, sizeof(out));
        assert_string_equal(out, "noda,0x81000020");
        seal_type_string("0x81000020", true, out, sizeof(out));
        assert_string_equal(out, "0x81000020");
        seal_type_string("0x81000020,noda", false, out, sizeof(out));
        assert_string_equal(out, "0x81000020,noda");
        seal_type_string("noda", true, out, sizeof(out));
        assert_string_equal(out, "noda");
}

static int validate(const char *value, size_t len, size_t max, size_t *out_len)
{
        *out_len = len;
        return auth_validate((const unsigned char *)value, out_len, max, "test");
}

static void password_rules(void **state)
{
        size_t len;
        (void)state;
        assert_int_equal(validate("secret\n", 7, 32, &len), 0);
        assert_int_equal(len, 6);
        assert_int_equal(validate("secret\r\n", 8, 32, &len), 0);
        assert_int_equal(len, 6);
        assert_int_equal(validate("a\0b", 3, 32, &len), EXIT_BAD_INPUT);
        assert_int_equal(validate("0123456789012345678901234567890123", 33, 32, &len),
                         EXIT_BAD_INPUT);
        assert_non_null(strstr(error_message(), "at most 32"));
        assert_int_equal(validate("01234567890123456789012345678901\n", 33, 32, &len), 0);
        assert_int_equal(len, 32);
        assert_int_equal(validate("", 0, 32, &len), 0);
}

static void one_source_at_a_time(void **state)
{
        struct auth_source src = {.option_prefix = "auth", .file = "f", .env = "E"};
        (void)state;
        assert_int_equal(auth_check(&src), EXIT_USAGE);
        src.env = NULL;
        assert_int_equal(auth_check(&src), 0);
        assert_true(auth_given(&src));
        src.file = NULL;
        assert_false(auth_given(&src));
}

/* Imported objects whose password is unknown (keys.h): the record applies
 * to the private blob it names, and a password given is always wanted. */
static void unknown_passwords(void **state)
{
        struct auth_source none = {.option_prefix = "auth"}, file = {.option_prefix = "auth"};
        json_object *obj = json_object_new_object();
        (void)state;
        file.file = "pw";
        json_object_object_add(obj, "private", json_object_new_string("0020aabbccdd"));
        assert_int_equal(object_auth(obj), OBJECT_AUTH_NO);
        assert_int_equal(object_auth_record(obj, OBJECT_AUTH_UNKNOWN), 0);
        assert_int_equal(object_auth(obj), OBJECT_AUTH_UNKNOWN);
        assert_false(object_auth_wanted(obj, &none));
        assert_true(object_auth_wanted(obj, &file));
        /* A new private blob (auth change) has the password with_auth says. */
        json_object_object_add(obj, "private", json_object_new_string("0020aabbccde"));
        assert_int_equal(object_auth(obj), OBJECT_AUTH_YES);
        assert_true(object_auth_wanted(obj, &none));
        assert_int_equal(object_auth_record(obj, OBJECT_AUTH_NO), 0);
        assert_int_equal(object_auth(obj), OBJECT_AUTH_NO);
        assert_false(object_auth_wanted(obj, &none));
        assert_true(object_auth_wanted(obj, &file));
        assert_int_equal(json_object_object_length(obj), 2); /* private, with_auth */
        json_object_put(obj);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(algorithms_pick_profiles),
            cmocka_unit_test(type_strings_are_fapis),
            cmocka_unit_test(password_rules),
            cmocka_unit_test(one_source_at_a_time),
            cmocka_unit_test(unknown_passwords),
            cmocka_unit_test(seals_without_password_get_noda),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
