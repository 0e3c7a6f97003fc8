/* esys_resource.c: ESYS's serialization of a key object, byte for byte as
 * tpm2-tss 3.2.1 Esys_TR_Serialize writes it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../src/errors.h"
#include "../../src/esys_resource.h"
#include "../../src/hex.h"

/* A sealed-data public area: keyedhash, SHA-256, fixedTPM|fixedParent,
 * no policy, no scheme, empty unique. Marshalled:
 * 0008 000b 00000012 0000 0010 0000. */
static TPM2B_PUBLIC sealed_public(void)
{
        TPM2B_PUBLIC pub = {0};

        pub.publicArea.type = TPM2_ALG_KEYEDHASH;
        pub.publicArea.nameAlg = TPM2_ALG_SHA256;
        pub.publicArea.objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT;
        pub.publicArea.parameters.keyedHashDetail.scheme.scheme = TPM2_ALG_NULL;
        return pub;
}

static void name_is_hash_alg_then_digest(void **state)
{
        TPM2B_PUBLIC pub = sealed_public();
        TPM2B_NAME name = {0};
        char hex[2 * sizeof(name.name) + 1];

        (void)state;
        assert_int_equal(public_name(&pub, &name), 0);
        assert_int_equal(name.size, 34);
        hex_encode(name.name, name.size, hex);
        /* 000b, then SHA-256 of the 14 marshalled bytes. */
        assert_string_equal(hex, "000b069947f83fd6bd01985cac996413aaf40cb478f4777a0ed27a7fcaffecb4"
                                 "54a4");
}

static void serializes_handle_name_type_public(void **state)
{
        TPM2B_PUBLIC pub = sealed_public();
        uint8_t buf[ESYS_RESOURCE_MAX];
        char hex[2 * sizeof(buf) + 1];
        size_t len = 0;

        (void)state;
        assert_int_equal(esys_resource_key(0x81000001, &pub, buf, sizeof(buf), &len), 0);
        hex_encode(buf, len, hex);
        assert_string_equal(hex, "81000001"                                         /* handle */
                                 "0022000b069947f83fd6bd01985cac996413aaf40cb478f4" /* name */
                                 "777a0ed27a7fcaffecb454a4"
                                 "00000001"                           /* IESYSC_KEY_RSRC */
                                 "000e0008000b00000012000000100000"); /* TPM2B_PUBLIC */
}

static void refuses_unknown_hash_and_short_buffer(void **state)
{
        TPM2B_PUBLIC pub = sealed_public();
        TPM2B_NAME name;
        uint8_t buf[40];
        size_t len;

        (void)state;
        assert_int_equal(esys_resource_key(0x81000001, &pub, buf, sizeof(buf), &len),
                         EXIT_BAD_INPUT);
        pub.publicArea.nameAlg = TPM2_ALG_NULL;
        assert_int_equal(public_name(&pub, &name), EXIT_BAD_INPUT);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(name_is_hash_alg_then_digest),
            cmocka_unit_test(serializes_handle_name_type_public),
            cmocka_unit_test(refuses_unknown_hash_and_short_buffer),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
