/* names.c: one table for algorithm, curve and attribute names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../src/names.h"

static void algorithms_by_id_and_name(void **state)
{
        TPM2_ALG_ID id;

        (void)state;
        assert_string_equal(alg_name(TPM2_ALG_SHA256), "sha256");
        assert_string_equal(alg_fapi_name(TPM2_ALG_RSAPSS), "RSAPSS");
        assert_string_equal(alg_fapi_name(0x7777), "NULL");
        assert_null(alg_name(0x7777));
        assert_true(alg_from_name("TPM2_ALG_SHA384", &id));
        assert_int_equal(id, TPM2_ALG_SHA384);
        assert_true(alg_from_name("Sha1", &id));
        assert_int_equal(id, TPM2_ALG_SHA1);
        assert_false(alg_from_name("md5", &id));
}

static void curves(void **state)
{
        (void)state;
        assert_string_equal(curve_fapi_name(TPM2_ECC_NIST_P384), "NIST_P384");
        assert_string_equal(curve_group(TPM2_ECC_NIST_P256), "prime256v1");
        assert_int_equal(curve_bits(TPM2_ECC_NIST_P521), 521);
        assert_string_equal(curve_fapi_name(TPM2_ECC_BN_P256), "NONE");
        assert_null(curve_group(TPM2_ECC_BN_P256));
}

static void attributes_cover_distinct_bits(void **state)
{
        TPMA_OBJECT seen = 0;

        (void)state;
        for (size_t i = 0; i < object_attributes_count; i++) {
                assert_int_equal(seen & object_attributes[i].bit, 0);
                seen |= object_attributes[i].bit;
        }
        assert_true(seen & TPMA_OBJECT_NODA);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(algorithms_by_id_and_name),
            cmocka_unit_test(curves),
            cmocka_unit_test(attributes_cover_distinct_bits),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
