/* The AES ciphertext header (symmetric_header.h) and the templates of
 * symmetric keys (symmetric.h): pure code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../src/errors.h"
#include "../../src/symmetric.h"
#include "../../src/symmetric_header.h"

static void header_round_trip(void **state)
{
        struct sym_header h = {.version = SYM_HEADER_VERSION}, back;
        uint8_t buf[SYM_HEADER_LEN + 5];
        (void)state;

        for (unsigned i = 0; i < SYM_KEY_ID_LEN; i++)
                h.key_id[i] = (uint8_t)(0x10 + i);
        for (unsigned i = 0; i < SYM_IV_LEN; i++)
                h.iv[i] = (uint8_t)(0xa0 + i);
        assert_int_equal(SYM_HEADER_LEN, 32);
        sym_header_write(&h, buf);
        assert_memory_equal(buf, "TPMCAES\x01", 8);
        assert_int_equal(buf[8], 0x10);
        assert_int_equal(buf[16], 0xa0);
        assert_int_equal(sym_header_parse(buf, SYM_HEADER_LEN, &back), 0);
        assert_memory_equal(&back, &h, sizeof(h));
        assert_int_equal(sym_header_parse(buf, sizeof(buf), &back), 0);
}

static void header_refusals(void **state)
{
        struct sym_header h = {.version = SYM_HEADER_VERSION}, back;
        uint8_t buf[SYM_HEADER_LEN];
        (void)state;

        sym_header_write(&h, buf);
        /* Every length short of the header. */
        for (size_t len = 0; len < SYM_HEADER_LEN; len++)
                assert_int_equal(sym_header_parse(buf, len, &back), EXIT_BAD_INPUT);
        assert_non_null(strstr(error_message(), "cut short"));
        buf[0] = 'X';
        assert_int_equal(sym_header_parse(buf, sizeof(buf), &back), EXIT_BAD_INPUT);
        assert_non_null(strstr(error_message(), "not data tpmctl encrypted"));
        buf[0] = 'T';
        buf[7] = 2;
        assert_int_equal(sym_header_parse(buf, sizeof(buf), &back), EXIT_BAD_INPUT);
        assert_non_null(strstr(error_message(), "version 2"));
        /* The RSA envelope's magic is not this one. */
        assert_int_equal(
            sym_header_parse((const uint8_t *)"TPMCTLE1xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 40, &back),
            EXIT_BAD_INPUT);
        error_clear();
}

static void templates(void **state)
{
        TPM2B_PUBLIC pub;
        static unsigned char bytes[4097];
        struct secret secret = {.data = bytes, .size = 32};
        (void)state;

        assert_true(sym_alg("aes128") && sym_alg("aes256") && sym_alg("hmac"));
        assert_false(sym_alg("rsa2048") || sym_alg(NULL) || sym_alg("aes"));

        assert_int_equal(sym_template(&(struct sym_key_spec){.alg = "aes256"}, false, &pub), 0);
        assert_int_equal(pub.publicArea.type, TPM2_ALG_SYMCIPHER);
        assert_int_equal(pub.publicArea.parameters.symDetail.sym.keyBits.aes, 256);
        assert_int_equal(pub.publicArea.parameters.symDetail.sym.mode.aes, TPM2_ALG_CFB);
        assert_true(pub.publicArea.objectAttributes & TPMA_OBJECT_NODA);
        assert_true(pub.publicArea.objectAttributes & TPMA_OBJECT_DECRYPT);
        assert_true(pub.publicArea.objectAttributes & TPMA_OBJECT_SENSITIVEDATAORIGIN);

        /* A password: dictionary-attack protection stays. */
        assert_int_equal(sym_template(&(struct sym_key_spec){.alg = "aes128"}, true, &pub), 0);
        assert_false(pub.publicArea.objectAttributes & TPMA_OBJECT_NODA);

        assert_int_equal(
            sym_template(&(struct sym_key_spec){.alg = "hmac", .hash = "sha384"}, false, &pub), 0);
        assert_int_equal(pub.publicArea.type, TPM2_ALG_KEYEDHASH);
        assert_int_equal(pub.publicArea.parameters.keyedHashDetail.scheme.scheme, TPM2_ALG_HMAC);
        assert_int_equal(pub.publicArea.parameters.keyedHashDetail.scheme.details.hmac.hashAlg,
                         TPM2_ALG_SHA384);
        assert_false(pub.publicArea.objectAttributes & TPMA_OBJECT_DECRYPT);

        /* An imported secret: the TPM did not make it. */
        assert_int_equal(sym_template(&(struct sym_key_spec){.alg = "hmac", .hmac_secret = &secret},
                                      false, &pub),
                         0);
        assert_false(pub.publicArea.objectAttributes & TPMA_OBJECT_SENSITIVEDATAORIGIN);
        secret.size = 129; /* longer than a block: hashed first, as HMAC does */
        assert_int_equal(sym_template(&(struct sym_key_spec){.alg = "hmac", .hmac_secret = &secret},
                                      false, &pub),
                         0);
        secret.size = 4097;
        assert_int_equal(sym_template(&(struct sym_key_spec){.alg = "hmac", .hmac_secret = &secret},
                                      false, &pub),
                         EXIT_BAD_INPUT);
        secret.size = 0;
        assert_int_equal(sym_template(&(struct sym_key_spec){.alg = "hmac", .hmac_secret = &secret},
                                      false, &pub),
                         EXIT_BAD_INPUT);

        assert_int_equal(
            sym_template(&(struct sym_key_spec){.alg = "hmac", .hash = "md5"}, false, &pub),
            EXIT_USAGE);
        assert_int_equal(
            sym_template(&(struct sym_key_spec){.alg = "aes128", .hash = "sha256"}, false, &pub),
            EXIT_USAGE);
        assert_int_equal(sym_template(&(struct sym_key_spec){.alg = "des"}, false, &pub),
                         EXIT_USAGE);
        error_clear();
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(header_round_trip),
            cmocka_unit_test(header_refusals),
            cmocka_unit_test(templates),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
