/* hex.c: the one hex encoder and decoder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../src/hex.h"

static void encodes_lower_case(void **state)
{
        const unsigned char bytes[] = {0x00, 0x0f, 0xa5, 0xff};
        char text[9];

        (void)state;
        hex_encode(bytes, sizeof(bytes), text);
        assert_string_equal(text, "000fa5ff");
        hex_encode(bytes, 0, text);
        assert_string_equal(text, "");
}

static void decodes_either_case(void **state)
{
        unsigned char out[4];
        size_t n;

        (void)state;
        assert_true(hex_decode("000FA5ff", out, sizeof(out), &n));
        assert_int_equal(n, 4);
        assert_memory_equal(out, "\x00\x0f\xa5\xff", 4);
        assert_true(hex_decode("", out, sizeof(out), &n));
        assert_int_equal(n, 0);
}

static void refuses_what_is_not_hex(void **state)
{
        unsigned char out[4];
        size_t n;

        (void)state;
        assert_false(hex_decode("abc", out, sizeof(out), &n));        /* odd */
        assert_false(hex_decode("zz", out, sizeof(out), &n));         /* not hex */
        assert_false(hex_decode("00:11", out, sizeof(out), &n));      /* separators */
        assert_false(hex_decode("0011223344", out, sizeof(out), &n)); /* too long */
        assert_false(hex_decode("0x11", out, sizeof(out), &n));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(encodes_lower_case),
            cmocka_unit_test(decodes_either_case),
            cmocka_unit_test(refuses_what_is_not_hex),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
