/* The TSS2 PRIVATE KEY file: round trips, emptyAuth written both ways, and
 * malformed files refused; and the public area import writes for FAPI. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/errors.h"
#include "../../src/import.h"
#include "../../src/tss2_keyfile.h"

static const unsigned char pub_blob[] = {0x00, 0x04, 0x00, 0x23, 0x00, 0x0b};
static const unsigned char priv_blob[] = {0x00, 0x03, 0xde, 0xad, 0x01};

/* A small DER writer for hand-made files. */
struct der {
        unsigned char b[512];
        size_t n;
};

static void put(struct der *d, const void *bytes, size_t len)
{
        assert_true(d->n + len <= sizeof(d->b));
        memcpy(d->b + d->n, bytes, len);
        d->n += len;
}

/* Appends tag, a short-form length and the body (< 128 bytes). */
static void tlv(struct der *d, unsigned char tag, const void *body, size_t len)
{
        unsigned char head[2] = {tag, (unsigned char)len};
        assert_true(len < 0x80);
        put(d, head, 2);
        put(d, body, len);
}

static const unsigned char oid_loadable[] = {0x67, 0x81, 0x05, 0x0a, 0x01, 0x03};
static const unsigned char oid_importable[] = {0x67, 0x81, 0x05, 0x0a, 0x01, 0x04};
static const unsigned char parent_rsa_srk[] = {0x00, 0x81, 0x00, 0x00, 0x01}; /* 0x81000001 */
static const unsigned char empty_auth_true[] = {0x01, 0x01, 0xff};

enum {
        NO_EMPTY_AUTH = 1 << 0,
        WRONG_OID = 1 << 1,
        NO_PARENT = 1 << 2,
        NO_PRIVKEY = 1 << 3,
        NEGATIVE_PARENT = 1 << 4,
        EXTRA_FIELD = 1 << 5,
};

static void build(struct der *out, unsigned flags)
{
        static const unsigned char negative[] = {0xff};
        struct der body = {0};

        if (flags & WRONG_OID)
                tlv(&body, 0x06, oid_importable, sizeof(oid_importable));
        else
                tlv(&body, 0x06, oid_loadable, sizeof(oid_loadable));
        if (!(flags & NO_EMPTY_AUTH))
                tlv(&body, 0xa0, empty_auth_true, sizeof(empty_auth_true));
        if (flags & NEGATIVE_PARENT)
                tlv(&body, 0x02, negative, sizeof(negative));
        else if (!(flags & NO_PARENT))
                tlv(&body, 0x02, parent_rsa_srk, sizeof(parent_rsa_srk));
        tlv(&body, 0x04, pub_blob, sizeof(pub_blob));
        if (!(flags & NO_PRIVKEY))
                tlv(&body, 0x04, priv_blob, sizeof(priv_blob));
        if (flags & EXTRA_FIELD) /* secret [2] EXPLICIT OCTET STRING, of later key files */
                tlv(&body, 0xa2, (const unsigned char[]){0x04, 0x01, 0x00}, 3);
        memset(out, 0, sizeof(*out));
        tlv(out, 0x30, body.b, body.n);
}

static int parse_der(const struct der *d, struct tss2_keyfile *key)
{
        return tss2_keyfile_parse_der(d->b, d->n, key);
}

static void hand_made_file_parses(void **state)
{
        struct tss2_keyfile key;
        struct der d;
        (void)state;
        build(&d, 0);
        assert_int_equal(parse_der(&d, &key), 0);
        assert_int_equal(key.parent, 0x81000001);
        assert_true(key.empty_auth);
        assert_int_equal(key.pub_size, sizeof(pub_blob));
        assert_memory_equal(key.pub, pub_blob, sizeof(pub_blob));
        assert_int_equal(key.priv_size, sizeof(priv_blob));
        assert_memory_equal(key.priv, priv_blob, sizeof(priv_blob));
        tss2_keyfile_free(&key);
        assert_null(key.asn1);

        /* An absent emptyAuth is no claim that the key has no password. */
        build(&d, NO_EMPTY_AUTH);
        assert_int_equal(parse_der(&d, &key), 0);
        assert_false(key.empty_auth);
        tss2_keyfile_free(&key);
}

/* The DER inside a PEM document tss2_keyfile_write made. */
static void der_of(const char *pem, size_t len, unsigned char **der, long *der_len)
{
        BIO *bio = BIO_new_mem_buf(pem, (int)len);
        char *name = NULL, *header = NULL;

        assert_non_null(bio);
        assert_true(PEM_read_bio(bio, &name, &header, der, der_len));
        assert_string_equal(name, "TSS2 PRIVATE KEY");
        OPENSSL_free(name);
        OPENSSL_free(header);
        BIO_free(bio);
}

static void round_trip_both_ways(void **state)
{
        (void)state;
        for (int empty = 0; empty <= 1; empty++) {
                struct tss2_keyfile in = {.pub = pub_blob,
                                          .pub_size = sizeof(pub_blob),
                                          .priv = priv_blob,
                                          .priv_size = sizeof(priv_blob),
                                          .parent = 0x81000002,
                                          .empty_auth = empty};
                struct tss2_keyfile out;
                unsigned char *der = NULL;
                long der_len = 0;
                char *pem = NULL;
                size_t len = 0;

                assert_int_equal(tss2_keyfile_write(&in, &pem, &len), 0);
                assert_int_equal(strlen(pem), len);
                assert_non_null(strstr(pem, "-----BEGIN TSS2 PRIVATE KEY-----\n"));
                /* emptyAuth is there either way: [0] { BOOLEAN TRUE / FALSE }
                 * right after the OID. */
                der_of(pem, len, &der, &der_len);
                assert_true(der_len > 2 + 8 + 5);
                assert_memory_equal(der + 2 + 2, oid_loadable, sizeof(oid_loadable));
                assert_memory_equal(
                    der + 2 + 8,
                    ((const unsigned char[]){0xa0, 0x03, 0x01, 0x01, empty ? 0xff : 0x00}), 5);
                OPENSSL_free(der);

                assert_int_equal(tss2_keyfile_parse((const unsigned char *)pem, len, &out), 0);
                assert_int_equal(out.parent, 0x81000002);
                assert_int_equal(out.empty_auth, empty);
                assert_int_equal(out.pub_size, sizeof(pub_blob));
                assert_memory_equal(out.pub, pub_blob, sizeof(pub_blob));
                assert_int_equal(out.priv_size, sizeof(priv_blob));
                assert_memory_equal(out.priv, priv_blob, sizeof(priv_blob));
                tss2_keyfile_free(&out);
                free(pem);
        }
}

static void malformed_files_are_refused(void **state)
{
        static const unsigned flags[] = {WRONG_OID, NO_PARENT, NO_PRIVKEY, NEGATIVE_PARENT,
                                         EXTRA_FIELD};
        struct tss2_keyfile key;
        struct der d;
        (void)state;
        for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
                build(&d, flags[i]);
                assert_int_equal(parse_der(&d, &key), EXIT_BAD_INPUT);
                assert_non_null(strstr(error_message(), "not a TSS2 PRIVATE KEY file"));
                assert_null(key.asn1);
                assert_null(key.pub);
        }
        /* Trailing garbage after the SEQUENCE, and a truncated one. */
        build(&d, 0);
        put(&d, "\x00", 1);
        assert_int_equal(parse_der(&d, &key), EXIT_BAD_INPUT);
        build(&d, 0);
        d.n--;
        assert_int_equal(parse_der(&d, &key), EXIT_BAD_INPUT);
        assert_int_equal(tss2_keyfile_parse_der(d.b, 0, &key), EXIT_BAD_INPUT);
}

static void other_pem_documents_are_refused(void **state)
{
        static const char public_key[] =
            "-----BEGIN PUBLIC KEY-----\n"
            "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE4o+4ZrlMpHHkGg0wJ8vbYhVXmVhG\n"
            "1/0w9O9VqsWyGcfK5XyVj3Zy2CVoG8WUSeSHZ6HJh2PGbFw2PHv1aK3wRw==\n"
            "-----END PUBLIC KEY-----\n";
        static const char not_pem[] = "hello\n";
        struct tss2_keyfile in = {.pub = pub_blob,
                                  .pub_size = sizeof(pub_blob),
                                  .priv = priv_blob,
                                  .priv_size = sizeof(priv_blob),
                                  .parent = 0x81000001};
        struct tss2_keyfile key;
        char *pem, *renamed;
        size_t len;
        (void)state;
        assert_int_equal(
            tss2_keyfile_parse((const unsigned char *)public_key, sizeof(public_key) - 1, &key),
            EXIT_BAD_INPUT);
        assert_int_equal(
            tss2_keyfile_parse((const unsigned char *)not_pem, sizeof(not_pem) - 1, &key),
            EXIT_BAD_INPUT);
        assert_int_equal(tss2_keyfile_parse((const unsigned char *)"", 0, &key), EXIT_BAD_INPUT);
        /* The right DER under another name. */
        assert_int_equal(tss2_keyfile_write(&in, &pem, &len), 0);
        assert_non_null(renamed = malloc(len + 16));
        memcpy(renamed, pem, len + 1);
        memcpy(strstr(renamed, "BEGIN TSS2") + 6, "TSS3", 4);
        memcpy(strstr(renamed, "END TSS2") + 4, "TSS3", 4);
        assert_int_equal(tss2_keyfile_parse((const unsigned char *)renamed, len, &key),
                         EXIT_BAD_INPUT);
        free(renamed);
        free(pem);
}

/* FAPI's "size" is that of the marshalled area: an area that does not
 * marshal gives no JSON rather than a size of 0. */
static void public_json_needs_a_marshalled_area(void **state)
{
        TPM2B_PUBLIC pub = {.publicArea = {.type = TPM2_ALG_ECC, .nameAlg = TPM2_ALG_SHA256}};
        json_object *json, *size;
        (void)state;
        pub.publicArea.parameters.eccDetail.symmetric.algorithm = TPM2_ALG_NULL;
        pub.publicArea.parameters.eccDetail.scheme.scheme = TPM2_ALG_NULL;
        pub.publicArea.parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
        pub.publicArea.parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
        assert_non_null(json = public_to_fapi_json(&pub));
        assert_true(json_object_object_get_ex(json, "size", &size));
        assert_int_equal(json_object_get_int(size), 2 + 2 + 4 + 2 + 2 + 2 + 2 + 2 + 2 + 2);
        json_object_put(json);
        pub.publicArea.parameters.eccDetail.scheme.scheme = 0x7777;
        assert_null(public_to_fapi_json(&pub));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(hand_made_file_parses),
            cmocka_unit_test(round_trip_both_ways),
            cmocka_unit_test(malformed_files_are_refused),
            cmocka_unit_test(other_pem_documents_are_refused),
            cmocka_unit_test(public_json_needs_a_marshalled_area),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
