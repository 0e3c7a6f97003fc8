/* FAPI loaded on first use (src/fapi_dl.c), here with a dlopen() that
 * fails (the test links with --wrap=dlopen): FAPI calls fail with a FAPI
 * error naming the library; freeing and finalizing nothing loads nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <tss2/tss2_fapi.h>

#include "../../src/errors.h"

void *__wrap_dlopen(const char *file, int flags);

static int dlopen_calls;

void *__wrap_dlopen(const char *file, int flags)
{
        (void)flags;
        assert_string_equal(file, "libtss2-fapi.so.1");
        dlopen_calls++;
        return NULL;
}

static void cleanup_loads_nothing(void **state)
{
        FAPI_CONTEXT *ctx = NULL;
        char text[] = "not FAPI's";
        (void)state;

        dlopen_calls = 0;
        Fapi_Free(NULL);
        Fapi_Free(text); /* not loaded: nothing of FAPI's can exist, nothing is freed */
        Fapi_Finalize(&ctx);
        Fapi_Finalize(NULL);
        assert_int_equal(dlopen_calls, 0);
}

static void missing_library_is_named(void **state)
{
        FAPI_CONTEXT *ctx = NULL;
        char *list = NULL;
        TSS2_RC rc;
        (void)state;

        dlopen_calls = 0;
        rc = Fapi_Initialize(&ctx, NULL);
        assert_int_equal(rc, TSS2_FAPI_RC_GENERAL_FAILURE);
        assert_int_equal(dlopen_calls, 1);
        assert_int_equal(error_rc(rc, "cannot start FAPI"), EXIT_TPM);
        assert_non_null(
            strstr(error_message(), "cannot start FAPI: cannot load libtss2-fapi.so.1"));
        /* Each call tries again, and says so again. */
        assert_int_equal(Fapi_List(ctx, "/", &list), TSS2_FAPI_RC_GENERAL_FAILURE);
        assert_int_equal(dlopen_calls, 2);
        error_rc(TSS2_FAPI_RC_GENERAL_FAILURE, "listing");
        assert_non_null(strstr(error_message(), "cannot load libtss2-fapi.so.1"));
        /* The cause is said once: a later failure has its own meaning. */
        error_rc(TSS2_FAPI_RC_GENERAL_FAILURE, "later");
        assert_null(strstr(error_message(), "libtss2-fapi"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(cleanup_loads_nothing),
            cmocka_unit_test(missing_library_is_named),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
