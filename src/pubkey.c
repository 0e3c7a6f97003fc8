/* TPM public areas as OpenSSL keys. */
#include "pubkey.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>
#include <tss2/tss2_mu.h>

#include "cleanup.h"
#include "errors.h"
#include "names.h"
#include "fileio.h"

int public_unmarshal(const uint8_t *data, size_t size, TPM2B_PUBLIC *pub)
{
        size_t offset = 0;
        TSS2_RC rc;

        memset(pub, 0, sizeof(*pub));
        rc = Tss2_MU_TPM2B_PUBLIC_Unmarshal(data, size, &offset, pub);
        if (rc != TSS2_RC_SUCCESS || offset != size)
                return error_set(EXIT_BAD_INPUT, "the public area is malformed (%s)",
                                 rc ? rc_text(rc) : "trailing bytes");
        return 0;
}

const EVP_MD *tpm_hash_md(TPMI_ALG_HASH alg)
{
        switch (alg) {
        case TPM2_ALG_SHA1:
                return EVP_sha1();
        case TPM2_ALG_SHA256:
                return EVP_sha256();
        case TPM2_ALG_SHA384:
                return EVP_sha384();
        case TPM2_ALG_SHA512:
                return EVP_sha512();
        default:
                return NULL;
        }
}

size_t tpm_hash_size(TPMI_ALG_HASH alg)
{
        const EVP_MD *md = tpm_hash_md(alg);
        return md ? (size_t)EVP_MD_get_size(md) : 0;
}

static void param_bld_freep(OSSL_PARAM_BLD **b)
{
        OSSL_PARAM_BLD_free(*b);
}

static void params_freep(OSSL_PARAM **p)
{
        OSSL_PARAM_free(*p);
}

static int from_params(const char *type, OSSL_PARAM_BLD *bld, EVP_PKEY **key)
{
        _cleanup_(params_freep) OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
        _cleanup_(pkey_ctx_freep) EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);

        *key = NULL;
        if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
            EVP_PKEY_fromdata(ctx, key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
                return error_set(EXIT_BAD_INPUT, "OpenSSL cannot use the key's public part");
        return 0;
}

static int rsa_to_evp(const TPMT_PUBLIC *pub, EVP_PKEY **key)
{
        _cleanup_(param_bld_freep) OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
        UINT32 exponent =
            pub->parameters.rsaDetail.exponent ? pub->parameters.rsaDetail.exponent : 65537;
        _cleanup_(bn_freep) BIGNUM *n =
            BN_bin2bn(pub->unique.rsa.buffer, pub->unique.rsa.size, NULL);
        _cleanup_(bn_freep) BIGNUM *e = BN_new();

        if (!bld || !n || !e || !BN_set_word(e, exponent) ||
            !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
            !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
                return error_set(EXIT_TPM, "out of memory");
        return from_params("RSA", bld, key);
}

static int ecc_to_evp(const TPMT_PUBLIC *pub, EVP_PKEY **key)
{
        _cleanup_(param_bld_freep) OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
        const char *group = curve_group(pub->parameters.eccDetail.curveID);
        const TPMS_ECC_POINT *q = &pub->unique.ecc;
        unsigned char point[1 + 2 * TPM2_MAX_ECC_KEY_BYTES];
        size_t len;

        if (!group)
                return error_set(EXIT_BAD_INPUT, "the key's curve (0x%x) is not supported",
                                 pub->parameters.eccDetail.curveID);
        if (q->x.size != q->y.size || q->x.size > TPM2_MAX_ECC_KEY_BYTES)
                return error_set(EXIT_BAD_INPUT, "the key's public point is malformed");
        point[0] = POINT_CONVERSION_UNCOMPRESSED;
        memcpy(point + 1, q->x.buffer, q->x.size);
        memcpy(point + 1 + q->x.size, q->y.buffer, q->y.size);
        len = 1 + 2u * q->x.size;
        if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) ||
            !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, len))
                return error_set(EXIT_TPM, "out of memory");
        return from_params("EC", bld, key);
}

int public_to_evp(const TPM2B_PUBLIC *pub, EVP_PKEY **key)
{
        switch (pub->publicArea.type) {
        case TPM2_ALG_RSA:
                return rsa_to_evp(&pub->publicArea, key);
        case TPM2_ALG_ECC:
                return ecc_to_evp(&pub->publicArea, key);
        default:
                return error_set(EXIT_BAD_INPUT, "the object has no public key (it is not an "
                                                 "RSA or ECC key)");
        }
}

void public_algorithm(const TPMT_PUBLIC *pub, char *out, size_t size)
{
        switch (pub->type) {
        case TPM2_ALG_RSA:
                snprintf(out, size, "rsa%u", pub->parameters.rsaDetail.keyBits);
                break;
        case TPM2_ALG_ECC:
                snprintf(out, size, "ecc%u", curve_bits(pub->parameters.eccDetail.curveID));
                break;
        case TPM2_ALG_KEYEDHASH:
                snprintf(out, size, "keyedhash");
                break;
        case TPM2_ALG_SYMCIPHER:
                snprintf(out, size, "aes%u", pub->parameters.symDetail.sym.keyBits.aes);
                break;
        default:
                snprintf(out, size, "0x%x", pub->type);
        }
}

const char *public_usage(const TPMT_PUBLIC *pub)
{
        TPMA_OBJECT a = pub->objectAttributes;
        bool sign = a & TPMA_OBJECT_SIGN_ENCRYPT, decrypt = a & TPMA_OBJECT_DECRYPT;
        bool restricted = a & TPMA_OBJECT_RESTRICTED;

        /* Symmetric keys (symmetric.h): what they do, not their attributes. */
        if (pub->type == TPM2_ALG_SYMCIPHER)
                return "aes";
        if (pub->type == TPM2_ALG_KEYEDHASH && sign && !decrypt)
                return "hmac";
        if (sign && decrypt)
                return "sign,decrypt";
        if (sign)
                return restricted ? "restricted-sign" : "sign";
        if (decrypt)
                return restricted ? "restricted-decrypt" : "decrypt";
        return pub->type == TPM2_ALG_KEYEDHASH ? "sealed" : "none";
}

TPMI_ALG_HASH public_sign_hash(const TPMT_PUBLIC *pub)
{
        TPMI_ALG_HASH scheme_hash = TPM2_ALG_NULL;

        if (pub->type == TPM2_ALG_RSA && pub->parameters.rsaDetail.scheme.scheme != TPM2_ALG_NULL)
                scheme_hash = pub->parameters.rsaDetail.scheme.details.anySig.hashAlg;
        else if (pub->type == TPM2_ALG_ECC &&
                 pub->parameters.eccDetail.scheme.scheme != TPM2_ALG_NULL)
                scheme_hash = pub->parameters.eccDetail.scheme.details.anySig.hashAlg;
        return tpm_hash_md(scheme_hash) ? scheme_hash : pub->nameAlg;
}

int bio_text(BIO *bio, char **text, size_t *len)
{
        char *data;
        long n = BIO_get_mem_data(bio, &data);

        if (n <= 0 || !(*text = malloc((size_t)n + 1)))
                return error_set(EXIT_TPM, "out of memory");
        memcpy(*text, data, (size_t)n);
        (*text)[n] = '\0';
        *len = (size_t)n;
        return 0;
}

int evp_to_pem(EVP_PKEY *key, char **pem, size_t *len)
{
        _cleanup_(bio_freep) BIO *bio = BIO_new(BIO_s_mem());

        if (!bio || !PEM_write_bio_PUBKEY(bio, key))
                return error_set(EXIT_TPM, "cannot encode the public key as PEM");
        return bio_text(bio, pem, len);
}

int pem_read_public(const char *file, EVP_PKEY **key)
{
        _cleanup_free_ unsigned char *data = NULL;
        _cleanup_(bio_freep) BIO *bio = NULL;
        size_t len;
        int r;

        if ((r = file_read(file, 1u << 20, &data, &len)))
                return r;
        if (!(bio = BIO_new_mem_buf(data, (int)len)))
                return error_set(EXIT_TPM, "out of memory");
        *key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
        ERR_clear_error();
        if (!*key)
                return error_set(EXIT_BAD_INPUT,
                                 "%s is not a PEM public key (expected \"-----BEGIN "
                                 "PUBLIC KEY-----\")",
                                 file);
        return 0;
}
