/* The encrypt envelope: round trips, and every change is caught. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/envelope.h"
#include "../../src/errors.h"

static const unsigned char key[ENVELOPE_KEY_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
static const unsigned char wrapped[40] = {0xaa, 0xbb};

static void seal(const char *plain, size_t len, unsigned char **out, size_t *out_len)
{
        assert_int_equal(envelope_seal(key, wrapped, sizeof(wrapped), (const unsigned char *)plain,
                                       len, out, out_len),
                         0);
}

static void round_trip(void **state)
{
        unsigned char *env_bytes, *plain;
        size_t env_len, plain_len;
        struct envelope env;
        (void)state;
        seal("hello, envelope", 15, &env_bytes, &env_len);
        assert_int_equal(env_len, 8 + 2 + sizeof(wrapped) + 12 + 15 + 16);
        assert_memory_equal(env_bytes, "TPMCTLE1", 8);
        assert_true(envelope_is(env_bytes, env_len));
        assert_int_equal(envelope_parse(env_bytes, env_len, &env), 0);
        assert_int_equal(env.wrapped_key_len, sizeof(wrapped));
        assert_memory_equal(env.wrapped_key, wrapped, sizeof(wrapped));
        assert_int_equal(env.ciphertext_len, 15);
        assert_int_equal(envelope_open(&env, key, &plain, &plain_len), 0);
        assert_int_equal(plain_len, 15);
        assert_memory_equal(plain, "hello, envelope", 15);
        free(plain);
        free(env_bytes);
}

static void empty_data(void **state)
{
        unsigned char *env_bytes, *plain;
        size_t env_len, plain_len;
        struct envelope env;
        (void)state;
        seal("", 0, &env_bytes, &env_len);
        assert_int_equal(envelope_parse(env_bytes, env_len, &env), 0);
        assert_int_equal(envelope_open(&env, key, &plain, &plain_len), 0);
        assert_int_equal(plain_len, 0);
        free(plain);
        free(env_bytes);
}

static void every_flipped_bit_is_caught(void **state)
{
        unsigned char *env_bytes, *plain;
        size_t env_len, plain_len;
        (void)state;
        seal("some data to protect", 20, &env_bytes, &env_len);
        for (size_t i = 0; i < env_len; i++) {
                struct envelope env;
                env_bytes[i] ^= 0x10;
                if (envelope_parse(env_bytes, env_len, &env) == 0)
                        assert_int_equal(envelope_open(&env, key, &plain, &plain_len),
                                         EXIT_BAD_INPUT);
                env_bytes[i] ^= 0x10;
        }
        free(env_bytes);
}

static void wrong_key_is_caught(void **state)
{
        unsigned char *env_bytes, *plain, other[ENVELOPE_KEY_LEN] = {9};
        size_t env_len, plain_len;
        struct envelope env;
        (void)state;
        seal("data", 4, &env_bytes, &env_len);
        assert_int_equal(envelope_parse(env_bytes, env_len, &env), 0);
        assert_int_equal(envelope_open(&env, other, &plain, &plain_len), EXIT_BAD_INPUT);
        assert_non_null(strstr(error_message(), "does not authenticate"));
        free(env_bytes);
}

static void malformed_headers_are_refused(void **state)
{
        unsigned char *env_bytes;
        size_t env_len;
        struct envelope env;
        (void)state;
        seal("data", 4, &env_bytes, &env_len);
        for (size_t len = 0; len < 8 + 2 + 12 + 16; len++)
                assert_int_equal(envelope_parse(env_bytes, len, &env), EXIT_BAD_INPUT);
        env_bytes[8] = 0xff; /* wrapped key longer than the envelope */
        assert_int_equal(envelope_parse(env_bytes, env_len, &env), EXIT_BAD_INPUT);
        env_bytes[8] = 0;
        env_bytes[9] = 0; /* no wrapped key */
        assert_int_equal(envelope_parse(env_bytes, env_len, &env), EXIT_BAD_INPUT);
        assert_int_equal(
            envelope_parse((const unsigned char *)"TPMCTLE2xxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 37,
                           &env),
            EXIT_BAD_INPUT);
        free(env_bytes);
}

static void nonces_differ(void **state)
{
        unsigned char *a, *b;
        size_t a_len, b_len;
        (void)state;
        seal("same", 4, &a, &a_len);
        seal("same", 4, &b, &b_len);
        assert_int_equal(a_len, b_len);
        assert_memory_not_equal(a + 8 + 2 + sizeof(wrapped), b + 8 + 2 + sizeof(wrapped), 12);
        free(a);
        free(b);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(round_trip),
            cmocka_unit_test(empty_data),
            cmocka_unit_test(every_flipped_bit_is_caught),
            cmocka_unit_test(wrong_key_is_caught),
            cmocka_unit_test(malformed_headers_are_refused),
            cmocka_unit_test(nonces_differ),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
