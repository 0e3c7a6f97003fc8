/* KDFa: known answers. The expected values are what tpmctl's former
 * hand-written KDFa (an HMAC-SHA256 loop over [i]32 || label || 0x00 ||
 * contextU || [bits]32, in src/wrap.c until it moved to OpenSSL's KBKDF)
 * printed for these inputs; `openssl kdf -keylen 16 -kdfopt mac:HMAC -kdfopt
 * digest:SHA256 -kdfopt hexkey:SEED -kdfopt salt:STORAGE -kdfopt
 * hexinfo:NAME KBKDF` prints the same. Key: bytes 0..31; context: a name,
 * 000b then bytes a0..bf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "../../src/kdf.h"

static uint8_t seed[32], name[34];

static int setup(void **state)
{
        (void)state;
        for (int i = 0; i < 32; i++) {
                seed[i] = (uint8_t)i;
                name[2 + i] = (uint8_t)(0xa0 + i);
        }
        name[0] = 0x00;
        name[1] = 0x0b;
        return 0;
}

static void expect(const uint8_t *out, size_t len, const char *hex)
{
        char got[2 * 64 + 1];

        assert_true(len <= 64);
        for (size_t i = 0; i < len; i++)
                sprintf(got + 2 * i, "%02x", out[i]);
        got[2 * len] = '\0';
        assert_string_equal(got, hex);
}

/* The two derivations of the duplication format: the AES key from the
 * seed and the object's name, the HMAC key from the seed alone. */
static void storage_and_integrity_keys(void **state)
{
        uint8_t out[64];
        (void)state;
        assert_int_equal(kdfa(TPM2_ALG_SHA256, seed, 32, "STORAGE", name, sizeof(name), 128, out),
                         0);
        expect(out, 16, "9320118b011ccd8738f7e77c22c0dd49");
        assert_int_equal(kdfa(TPM2_ALG_SHA256, seed, 32, "INTEGRITY", NULL, 0, 256, out), 0);
        expect(out, 32, "bacf689f634ece301e1f1b15b072d9c87db6a69585db42b1a0cb8f73ebe2692e");
}

/* More than one HMAC block: the counter goes on, and the length field is
 * the whole output's. */
static void several_blocks(void **state)
{
        uint8_t out[64];
        (void)state;
        assert_int_equal(kdfa(TPM2_ALG_SHA256, seed, 32, "INTEGRITY", NULL, 0, 512, out), 0);
        expect(out, 64,
               "d46791dd29362215dde127cc788fa5429ca2b999d5b065c0d7c2035dd1537d43"
               "278aad03e3b43947cb849dde7b8648d07baafa38888e2000759a5ebe1a2a65a2");
        assert_int_equal(kdfa(TPM2_ALG_SHA256, seed, 16, "STORAGE", name, sizeof(name), 384, out),
                         0);
        expect(out, 48,
               "340fcab600d437a23c5c246246f2bb067ae09fb5b819250dfbc193ddb53df8fb"
               "2ad7324dbaefa63a0c3b1f9d4f065b0c");
}

static void partial_bytes_refused(void **state)
{
        uint8_t out[16];
        (void)state;
        assert_int_not_equal(kdfa(TPM2_ALG_SHA256, seed, 32, "STORAGE", NULL, 0, 127, out), 0);
        assert_int_not_equal(kdfa(TPM2_ALG_SHA256, seed, 32, "STORAGE", NULL, 0, 0, out), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(storage_and_integrity_keys),
            cmocka_unit_test(several_blocks),
            cmocka_unit_test(partial_bytes_refused),
        };
        return cmocka_run_group_tests(tests, setup, NULL);
}
