/* Strict JSON: one value, whole input, bounded depth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../src/errors.h"
#include "../../src/jsonfile.h"

static int parse(const char *text)
{
        json_object *o = NULL;
        int r = json_parse_strict(text, strlen(text), "test", &o);
        json_object_put(o);
        return r;
}

static void valid_json_parses(void **state)
{
        (void)state;
        assert_int_equal(parse("{\"a\": [1, 2, {\"b\": \"c\"}]}"), 0);
        assert_int_equal(parse("  {\"a\": 1}\n\n"), 0);
}

static void trailing_garbage_is_refused(void **state)
{
        (void)state;
        assert_int_equal(parse("{\"a\": 1} x"), EXIT_BAD_INPUT);
        assert_non_null(strstr(error_message(), "test: not valid JSON at byte 9"));
        assert_int_equal(parse("{\"a\": 1}{}"), EXIT_BAD_INPUT);
        assert_int_equal(parse("{\"a\": 1}   \n  5"), EXIT_BAD_INPUT);
        assert_int_equal(parse("{\"a\": \"it's\"}"), 0);
}

static void truncated_and_malformed_are_refused(void **state)
{
        (void)state;
        assert_int_equal(parse("{\"a\": "), EXIT_BAD_INPUT);
        assert_int_equal(parse(""), EXIT_BAD_INPUT);
        assert_int_equal(parse("{'a': 1}"), EXIT_BAD_INPUT);
        assert_int_equal(parse("{\"a\": 1,}"), EXIT_BAD_INPUT);
}

static void deep_nesting_is_refused(void **state)
{
        char deep[200];
        (void)state;
        memset(deep, '[', 100);
        memset(deep + 100, ']', 100);
        json_object *o = NULL;
        assert_int_equal(json_parse_strict(deep, sizeof(deep), "deep", &o), EXIT_BAD_INPUT);
}

static void nul_bytes_are_refused(void **state)
{
        json_object *o = NULL;
        (void)state;
        assert_int_equal(json_parse_strict("{}\0{}", 5, "nul", &o), EXIT_BAD_INPUT);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(valid_json_parses),
            cmocka_unit_test(trailing_garbage_is_refused),
            cmocka_unit_test(truncated_and_malformed_are_refused),
            cmocka_unit_test(deep_nesting_is_refused),
            cmocka_unit_test(nul_bytes_are_refused),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
