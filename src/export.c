/* Moving keys and sealed objects out; see export.h. */
#include "export.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_rc.h>

#include "cleanup.h"
#include "errors.h"
#include "objects.h"
#include "provision.h"
#include "pubkey.h"

/* TCG "loadable key" object type of the TPM 2.0 key file format. */
#define OID_LOADABLE_KEY "2.23.133.10.1.3"

void exported_free(struct exported *e)
{
        free(e->public_blob);
        if (e->private_blob)
                OPENSSL_cleanse(e->private_blob, e->private_size);
        free(e->private_blob);
        memset(e, 0, sizeof(*e));
}

static unsigned char *copy(const uint8_t *data, size_t size)
{
        unsigned char *out = malloc(size ? size : 1);
        if (out)
                memcpy(out, data, size);
        return out;
}

int export_blobs(struct tpm *tpm, const char *user_path, struct exported *e)
{
        _cleanup_fapi_free_ uint8_t *pub = NULL, *priv = NULL;
        _cleanup_fapi_free_ char *policy = NULL;
        _cleanup_json_ json_object *obj = NULL;
        json_object *with_auth;
        TPM2B_PUBLIC public;
        char profile[128];
        const char *end;
        size_t pub_size = 0, priv_size = 0;
        TSS2_RC rc;
        int r;

        memset(e, 0, sizeof(*e));
        if ((r = object_resolve(tpm, user_path, e->path, sizeof(e->path))) ||
            (r = object_json(tpm, e->path, &obj)))
                return r;
        rc = Fapi_GetTpmBlobs(tpm->fapi, e->path, &pub, &pub_size, &priv, &priv_size, &policy);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "reading %s", e->path);
        if (!priv || !priv_size)
                return error_set(EXIT_BAD_INPUT, "%s has no private part to export", e->path);
        if ((r = public_unmarshal(pub, pub_size, &public)))
                return r;
        if (strncmp(e->path, "/P_", 3) != 0 || !(end = strchr(e->path + 1, '/')) ||
            strncmp(end, "/HS/SRK/", 8) != 0 || strchr(end + 8, '/'))
                return error_set(EXIT_BAD_INPUT, "%s is not a direct child of a storage root key",
                                 e->path);
        snprintf(profile, sizeof(profile), "%.*s", (int)(end - e->path - 1), e->path + 1);
        e->parent = srk_persistent_handle(tpm, profile);
        if (!e->parent)
                return error_set(EXIT_BAD_INPUT, "the storage root key of %s is not persistent",
                                 profile);
        e->is_key =
            public.publicArea.type == TPM2_ALG_RSA || public.publicArea.type == TPM2_ALG_ECC;
        e->with_auth = json_object_object_get_ex(obj, "with_auth", &with_auth) &&
                       strcmp(json_object_get_string(with_auth), "YES") == 0;
        e->public_blob = copy(pub, pub_size);
        e->private_blob = copy(priv, priv_size);
        e->public_size = pub_size;
        e->private_size = priv_size;
        if (!e->public_blob || !e->private_blob)
                return error_set(EXIT_TPM, "out of memory");
        return 0;
}

/* Appends the DER of one element (written by an OpenSSL i2d function). */
#define APPEND(buf, len, i2d, value)                                                               \
        do {                                                                                       \
                unsigned char *p_ = (buf) + (len);                                                 \
                int n_ = i2d((value), &p_);                                                        \
                if (n_ <= 0)                                                                       \
                        return error_set(EXIT_TPM, "cannot encode the key file");                  \
                (len) += (size_t)n_;                                                               \
        } while (0)

int export_pem(const struct exported *e, char **pem, size_t *len)
{
        static const unsigned char empty_auth[] = {0xa0, 0x03, 0x01, 0x01, 0xff};
        _cleanup_(asn1_object_freep) ASN1_OBJECT *type = OBJ_txt2obj(OID_LOADABLE_KEY, 1);
        _cleanup_(asn1_integer_freep) ASN1_INTEGER *parent = ASN1_INTEGER_new();
        _cleanup_(asn1_octets_freep) ASN1_OCTET_STRING *pub = ASN1_OCTET_STRING_new();
        _cleanup_(asn1_octets_freep) ASN1_OCTET_STRING *priv = ASN1_OCTET_STRING_new();
        _cleanup_(bio_freep) BIO *bio = BIO_new(BIO_s_mem());
        _cleanup_free_ unsigned char *der = NULL;
        size_t body = 0, total, header;
        unsigned char *start;

        if (!e->is_key)
                return error_set(EXIT_BAD_INPUT,
                                 "%s is sealed data, not a key: the PEM key file "
                                 "holds keys; use --format tpm2-tools",
                                 e->path);
        if (!type || !parent || !pub || !priv || !bio ||
            !ASN1_INTEGER_set_uint64(parent, e->parent) ||
            !ASN1_OCTET_STRING_set(pub, e->public_blob, (int)e->public_size) ||
            !ASN1_OCTET_STRING_set(priv, e->private_blob, (int)e->private_size) ||
            !(der = malloc(e->public_size + e->private_size + 128)))
                return error_set(EXIT_TPM, "out of memory");
        /* The SEQUENCE's body first, behind room for its header. */
        header = 4;
        APPEND(der + header, body, i2d_ASN1_OBJECT, type);
        if (!e->with_auth) {
                memcpy(der + header + body, empty_auth, sizeof(empty_auth));
                body += sizeof(empty_auth);
        }
        APPEND(der + header, body, i2d_ASN1_INTEGER, parent);
        APPEND(der + header, body, i2d_ASN1_OCTET_STRING, pub);
        APPEND(der + header, body, i2d_ASN1_OCTET_STRING, priv);
        if (body > 0xffff)
                return error_set(EXIT_TPM, "the key file is too large");
        /* The SEQUENCE header in DER's shortest form, right before the body. */
        {
                unsigned char head[4] = {0x30};
                size_t head_len;
                if (body < 0x80) {
                        head[1] = (unsigned char)body;
                        head_len = 2;
                } else if (body < 0x100) {
                        head[1] = 0x81;
                        head[2] = (unsigned char)body;
                        head_len = 3;
                } else {
                        head[1] = 0x82;
                        head[2] = (unsigned char)(body >> 8);
                        head[3] = (unsigned char)body;
                        head_len = 4;
                }
                memcpy(der + header - head_len, head, head_len);
                start = der + header - head_len;
                total = head_len + body;
        }
        if (!PEM_write_bio(bio, "TSS2 PRIVATE KEY", "", start, (long)total))
                return error_set(EXIT_TPM, "cannot write the PEM key file");
        return bio_text(bio, pem, len);
}
