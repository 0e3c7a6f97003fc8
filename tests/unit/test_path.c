/* Path rules: bare names go under /HS/SRK, bad paths are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../src/errors.h"
#include "../../src/path.h"

static void bare_name_goes_under_srk(void **state)
{
        char out[128];
        (void)state;
        assert_int_equal(path_normalize("mykey", out, sizeof(out)), 0);
        assert_string_equal(out, "/HS/SRK/mykey");
}

static void paths_with_slash_are_kept(void **state)
{
        char out[128];
        (void)state;
        assert_int_equal(path_normalize("/P_ECCP256SHA256/HS/SRK/a", out, sizeof(out)), 0);
        assert_string_equal(out, "/P_ECCP256SHA256/HS/SRK/a");
        assert_int_equal(path_normalize("/ext/pub", out, sizeof(out)), 0);
        assert_string_equal(out, "/ext/pub");
}

static void bad_paths_are_bad_input(void **state)
{
        char out[32];
        (void)state;
        assert_int_equal(path_normalize("", out, sizeof(out)), EXIT_BAD_INPUT);
        assert_int_equal(path_normalize(NULL, out, sizeof(out)), EXIT_BAD_INPUT);
        assert_int_equal(path_normalize("/HS/SRK/../x", out, sizeof(out)), EXIT_BAD_INPUT);
        assert_int_equal(path_normalize("a b", out, sizeof(out)), EXIT_BAD_INPUT);
        assert_non_null(strstr(error_message(), "' '"));
        assert_int_equal(path_normalize("k:ey", out, sizeof(out)), EXIT_BAD_INPUT);
        assert_int_equal(path_normalize("a\"b", out, sizeof(out)), EXIT_BAD_INPUT);
        assert_int_equal(path_normalize("a-very-long-name-that-does-not-fit", out, sizeof(out)),
                         EXIT_BAD_INPUT);
        assert_non_null(strstr(error_message(), "too long"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(bare_name_goes_under_srk),
                cmocka_unit_test(paths_with_slash_are_kept),
                cmocka_unit_test(bad_paths_are_bad_input),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
