/* The TPM 2.0 key file; see tss2_keyfile.h. */
#include "tss2_keyfile.h"

#include <limits.h>
#include <openssl/asn1t.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <stdint.h>
#include <string.h>

#include "cleanup.h"
#include "errors.h"
#include "pubkey.h"

/* TCG "TPM 2.0 Key Files": the type of a key that loads under its parent. */
#define OID_LOADABLE_KEY "2.23.133.10.1.3"
#define PEM_NAME         "TSS2 PRIVATE KEY"

typedef struct tss2_private_key_st {
        ASN1_OBJECT *type;
        ASN1_BOOLEAN empty_auth; /* -1 when absent */
        ASN1_INTEGER *parent;
        ASN1_OCTET_STRING *pubkey;
        ASN1_OCTET_STRING *privkey;
} TSS2_PRIVATE_KEY;

/* OpenSSL's template macros are not statements: kept as OpenSSL lays them out. */
/* clang-format off */
DECLARE_ASN1_FUNCTIONS(TSS2_PRIVATE_KEY)

ASN1_SEQUENCE(TSS2_PRIVATE_KEY) = {
        ASN1_SIMPLE(TSS2_PRIVATE_KEY, type, ASN1_OBJECT),
        ASN1_EXP_OPT(TSS2_PRIVATE_KEY, empty_auth, ASN1_BOOLEAN, 0),
        ASN1_SIMPLE(TSS2_PRIVATE_KEY, parent, ASN1_INTEGER),
        ASN1_SIMPLE(TSS2_PRIVATE_KEY, pubkey, ASN1_OCTET_STRING),
        ASN1_SIMPLE(TSS2_PRIVATE_KEY, privkey, ASN1_OCTET_STRING),
} ASN1_SEQUENCE_END(TSS2_PRIVATE_KEY)

IMPLEMENT_ASN1_FUNCTIONS(TSS2_PRIVATE_KEY)

static IMPLEMENT_PEM_write_bio(TSS2_PRIVATE_KEY, TSS2_PRIVATE_KEY, PEM_NAME, TSS2_PRIVATE_KEY)

static void tss2_private_key_freep(TSS2_PRIVATE_KEY **k)
{
        TSS2_PRIVATE_KEY_free(*k);
}
/* clang-format on */

void tss2_keyfile_free(struct tss2_keyfile *key)
{
        TSS2_PRIVATE_KEY_free(key->asn1);
        memset(key, 0, sizeof(*key));
}

static int not_a_key_file(void)
{
        ERR_clear_error();
        return error_set(EXIT_BAD_INPUT,
                         "not a TSS2 PRIVATE KEY file of a loadable key "
                         "(\"-----BEGIN " PEM_NAME "-----\", OID " OID_LOADABLE_KEY ")");
}

static bool is_loadable_key(const ASN1_OBJECT *type)
{
        _cleanup_(asn1_object_freep) ASN1_OBJECT *want = OBJ_txt2obj(OID_LOADABLE_KEY, 1);

        return want && OBJ_cmp(type, want) == 0;
}

int tss2_keyfile_parse_der(const unsigned char *der, size_t len, struct tss2_keyfile *key)
{
        _cleanup_(tss2_private_key_freep) TSS2_PRIVATE_KEY *k = NULL;
        const unsigned char *p = der;
        uint64_t parent;

        memset(key, 0, sizeof(*key));
        if (len > LONG_MAX || !(k = d2i_TSS2_PRIVATE_KEY(NULL, &p, (long)len)) || p != der + len ||
            !is_loadable_key(k->type) || ASN1_INTEGER_get_uint64(&parent, k->parent) != 1 ||
            parent > ULONG_MAX)
                return not_a_key_file();
        key->pub = ASN1_STRING_get0_data(k->pubkey);
        key->pub_size = (size_t)ASN1_STRING_length(k->pubkey);
        key->priv = ASN1_STRING_get0_data(k->privkey);
        key->priv_size = (size_t)ASN1_STRING_length(k->privkey);
        key->parent = (unsigned long)parent;
        key->empty_auth = k->empty_auth > 0; /* the byte read; -1 when absent */
        key->asn1 = steal_ptr(k);
        return 0;
}

int tss2_keyfile_parse(const unsigned char *pem, size_t len, struct tss2_keyfile *key)
{
        _cleanup_(bio_freep) BIO *bio = NULL;
        _cleanup_(openssl_freep) char *name = NULL;
        _cleanup_(openssl_freep) char *header = NULL;
        _cleanup_(openssl_freep) unsigned char *der = NULL;
        long der_len = 0;

        memset(key, 0, sizeof(*key));
        /* The first PEM block only, and never decrypted: no pass phrase
         * prompt for a file that claims to be encrypted. */
        if (len > INT_MAX || !(bio = BIO_new_mem_buf(pem, (int)len)) ||
            !PEM_read_bio(bio, &name, &header, &der, &der_len) || strcmp(name, PEM_NAME) != 0)
                return not_a_key_file();
        return tss2_keyfile_parse_der(der, (size_t)der_len, key);
}

int tss2_keyfile_write(const struct tss2_keyfile *key, char **pem, size_t *len)
{
        _cleanup_(tss2_private_key_freep) TSS2_PRIVATE_KEY *k = TSS2_PRIVATE_KEY_new();
        _cleanup_(bio_freep) BIO *bio = BIO_new(BIO_s_mem());

        if (!k || !bio || key->pub_size > INT_MAX || key->priv_size > INT_MAX)
                return error_set(EXIT_TPM, "out of memory");
        ASN1_OBJECT_free(k->type);
        k->empty_auth = key->empty_auth ? 0xff : 0;
        if (!(k->type = OBJ_txt2obj(OID_LOADABLE_KEY, 1)) ||
            !ASN1_INTEGER_set_uint64(k->parent, key->parent) ||
            !ASN1_OCTET_STRING_set(k->pubkey, key->pub, (int)key->pub_size) ||
            !ASN1_OCTET_STRING_set(k->privkey, key->priv, (int)key->priv_size))
                return error_set(EXIT_TPM, "out of memory");
        if (!PEM_write_bio_TSS2_PRIVATE_KEY(bio, k)) {
                ERR_clear_error();
                return error_set(EXIT_TPM, "cannot write the PEM key file");
        }
        return bio_text(bio, pem, len);
}
