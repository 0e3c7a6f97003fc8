/* ossl_libctx.c: libtss2's OpenSSL contexts are the default one; everyone
 * else's are new, as they asked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "../../src/ossl_libctx.h"

static void knows_tss_libraries_by_name(void **state)
{
        (void)state;
        assert_true(ossl_libctx_caller_is_tss("/lib/x86_64-linux-gnu/libtss2-esys.so.0"));
        assert_true(ossl_libctx_caller_is_tss("/usr/lib/libtss2-fapi.so.1.0.0"));
        assert_true(ossl_libctx_caller_is_tss("libtss2-esys.so.0"));
        assert_false(ossl_libctx_caller_is_tss("/lib/x86_64-linux-gnu/libcrypto.so.3"));
        assert_false(ossl_libctx_caller_is_tss("/opt/libtss2-esys/lib/libfoo.so"));
        assert_false(ossl_libctx_caller_is_tss("/usr/bin/tpmctl"));
        assert_false(ossl_libctx_caller_is_tss(""));
        assert_false(ossl_libctx_caller_is_tss(NULL));
}

/* This test program is no libtss2 library: it gets real new contexts, each
 * its own and usable, and freeing them works as libcrypto's own would. */
static void other_callers_get_a_new_context(void **state)
{
        OSSL_LIB_CTX *first = OSSL_LIB_CTX_new();
        OSSL_LIB_CTX *second = OSSL_LIB_CTX_new();
        EVP_MD *sha256;

        (void)state;
        assert_non_null(first);
        assert_non_null(second);
        assert_ptr_not_equal(first, second);
        assert_ptr_not_equal(first, OSSL_LIB_CTX_get0_global_default());
        sha256 = EVP_MD_fetch(first, "SHA256", NULL);
        assert_non_null(sha256);
        EVP_MD_free(sha256);
        OSSL_LIB_CTX_free(first);
        OSSL_LIB_CTX_free(second);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(knows_tss_libraries_by_name),
            cmocka_unit_test(other_callers_get_a_new_context),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
