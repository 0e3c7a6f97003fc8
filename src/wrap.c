/* Moving an OpenSSL private key into the TPM; see wrap.h. The duplication
 * format (TPM 2.0 Part 1, 23.3): a seed encrypted to the parent with
 * RSA-OAEP (label "DUPLICATE"), an AES-CFB key and an HMAC key derived from
 * it with KDFa (kdf.h), the sensitive area encrypted under the one and
 * authenticated with the other. */
#include "wrap.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <string.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>

#include "cleanup.h"
#include "errors.h"
#include "keys.h"
#include "import.h"
#include "kdf.h"
#include "objects.h"
#include "pubkey.h"
#include "session.h"

#define SHA256_SIZE 32

static int bn_to(const BIGNUM *bn, uint8_t *out, size_t size, UINT16 *len)
{
        int n = BN_num_bytes(bn);

        if (n < 0 || (size_t)n > size || BN_bn2binpad(bn, out, n) < 0)
                return error_set(EXIT_BAD_INPUT, "the key is larger than the TPM takes");
        *len = (UINT16)n;
        return 0;
}

/* The TPM's public and sensitive areas for an OpenSSL key. */
static int areas(EVP_PKEY *key, TPM2B_PUBLIC *pub, TPMT_SENSITIVE *sens)
{
        _cleanup_(bn_freep) BIGNUM *a = NULL;
        _cleanup_(bn_freep) BIGNUM *b = NULL;
        _cleanup_(bn_freep) BIGNUM *d = NULL;
        TPMT_PUBLIC *p = &pub->publicArea;
        char group[64];
        int r;

        memset(pub, 0, sizeof(*pub));
        memset(sens, 0, sizeof(*sens));
        p->nameAlg = TPM2_ALG_SHA256;
        /* Imported: neither fixedTPM nor fixedParent; no decrypt, so any
         * signing scheme is the caller's to choose. */
        p->objectAttributes = TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_SIGN_ENCRYPT;
        if (EVP_PKEY_base_id(key) == EVP_PKEY_RSA) {
                if (!EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &a) ||
                    !EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &b) ||
                    !EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_FACTOR1, &d))
                        return error_set(EXIT_BAD_INPUT, "the RSA key lacks its private parts");
                p->type = TPM2_ALG_RSA;
                p->parameters.rsaDetail.symmetric.algorithm = TPM2_ALG_NULL;
                p->parameters.rsaDetail.scheme.scheme = TPM2_ALG_NULL;
                p->parameters.rsaDetail.keyBits = (TPMI_RSA_KEY_BITS)EVP_PKEY_get_bits(key);
                p->parameters.rsaDetail.exponent =
                    BN_get_word(b) == 65537 ? 0 : (UINT32)BN_get_word(b);
                if (p->parameters.rsaDetail.keyBits != 2048)
                        return error_set(EXIT_BAD_INPUT, "only RSA-2048 keys can be moved in");
                sens->sensitiveType = TPM2_ALG_RSA;
                if ((r = bn_to(a, p->unique.rsa.buffer, sizeof(p->unique.rsa.buffer),
                               &p->unique.rsa.size)) ||
                    (r = bn_to(d, sens->sensitive.rsa.buffer, sizeof(sens->sensitive.rsa.buffer),
                               &sens->sensitive.rsa.size)))
                        return r;
                return 0;
        }
        if (EVP_PKEY_base_id(key) != EVP_PKEY_EC ||
            !EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                            NULL))
                return error_set(EXIT_BAD_INPUT, "only RSA and EC keys can be moved into the TPM");
        p->type = TPM2_ALG_ECC;
        if (strcmp(group, "prime256v1") == 0)
                p->parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
        else
                return error_set(EXIT_BAD_INPUT, "the EC key's curve %s is not P-256", group);
        p->parameters.eccDetail.symmetric.algorithm = TPM2_ALG_NULL;
        p->parameters.eccDetail.scheme.scheme = TPM2_ALG_NULL;
        p->parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
        if (!EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &a) ||
            !EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &b) ||
            !EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &d))
                return error_set(EXIT_BAD_INPUT, "the EC key lacks its private part");
        size_t coord = 32;
        if (BN_bn2binpad(a, p->unique.ecc.x.buffer, (int)coord) < 0 ||
            BN_bn2binpad(b, p->unique.ecc.y.buffer, (int)coord) < 0 ||
            BN_bn2binpad(d, sens->sensitive.ecc.buffer, (int)coord) < 0)
                return error_set(EXIT_BAD_INPUT, "the EC key is malformed");
        p->unique.ecc.x.size = p->unique.ecc.y.size = sens->sensitive.ecc.size = (UINT16)coord;
        sens->sensitiveType = TPM2_ALG_ECC;
        return 0;
}

/* The seed, encrypted to the parent: RSA-OAEP-SHA256 with label "DUPLICATE". */
static int encrypt_seed(const TPM2B_PUBLIC *parent, const uint8_t *seed, size_t len,
                        TPM2B_ENCRYPTED_SECRET *out)
{
        _cleanup_pkey_ EVP_PKEY *key = NULL;
        _cleanup_(pkey_ctx_freep) EVP_PKEY_CTX *ctx = NULL;
        unsigned char *label = OPENSSL_memdup("DUPLICATE", 10);
        size_t out_len = sizeof(out->secret);
        int r;

        if ((r = public_to_evp(parent, &key))) {
                OPENSSL_free(label);
                return r;
        }
        if (!label || !(ctx = EVP_PKEY_CTX_new(key, NULL)) || EVP_PKEY_encrypt_init(ctx) <= 0 ||
            EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) <= 0 ||
            EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) <= 0 ||
            EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, label, 10) <= 0) {
                OPENSSL_free(label);
                return error_set(EXIT_TPM, "cannot encrypt the import seed");
        }
        if (EVP_PKEY_encrypt(ctx, out->secret, &out_len, seed, len) <= 0)
                return error_set(EXIT_TPM, "cannot encrypt the import seed");
        out->size = (UINT16)out_len;
        return 0;
}

/* Everything that holds key material on the way in: wiped on every path. */
struct wrapping {
        TPMT_SENSITIVE sens;
        TPM2B_SENSITIVE sens2b;
        uint8_t plain[sizeof(TPM2B_SENSITIVE) + 64];
        uint8_t seed[SHA256_SIZE], aes_key[16], hmac_key[SHA256_SIZE];
        TPM2B_PRIVATE duplicate;
        TPM2B_PUBLIC *srk_pub;
        TPM2B_PRIVATE *imported;
};

static void wrapping_wipe(struct wrapping *w)
{
        Esys_Free(w->srk_pub);
        Esys_Free(w->imported);
        OPENSSL_cleanse(w, sizeof(*w));
}

/* encSens = AES-128-CFB(sensitive), then outerHMAC = HMAC(encSens || name):
 * the duplicate is outerHMAC (as a TPM2B) followed by encSens. */
static int wrap_sensitive(struct wrapping *w, size_t plain_len, const uint8_t *name,
                          size_t name_len)
{
        static const uint8_t iv[16];
        uint8_t *enc = w->duplicate.buffer + 2 + SHA256_SIZE;
        EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
        unsigned int hmac_len = 0;
        int out_len = 0, tail = 0;
        int ok = ctx && EVP_EncryptInit_ex(ctx, EVP_aes_128_cfb(), NULL, w->aes_key, iv) &&
                 EVP_EncryptUpdate(ctx, enc, &out_len, w->plain, (int)plain_len) &&
                 EVP_EncryptFinal_ex(ctx, enc + out_len, &tail);

        EVP_CIPHER_CTX_free(ctx);
        if (!ok)
                return error_set(EXIT_TPM, "cannot encrypt the key for the TPM");
        out_len += tail;
        /* name goes right after encSens in plain, which is free again now. */
        memcpy(w->plain, enc, (size_t)out_len);
        memcpy(w->plain + out_len, name, name_len);
        if (!HMAC(EVP_sha256(), w->hmac_key, sizeof(w->hmac_key), w->plain,
                  (size_t)out_len + name_len, w->duplicate.buffer + 2, &hmac_len))
                return error_set(EXIT_TPM, "cannot authenticate the key for the TPM");
        w->duplicate.buffer[0] = 0;
        w->duplicate.buffer[1] = SHA256_SIZE;
        w->duplicate.size = (UINT16)(2 + SHA256_SIZE + out_len);
        return 0;
}

/* The duplicate, wrapped for the SRK (whose public key takes the seed), and
 * TPM2_Import of it: the key's private part as the SRK's child. */
static int import_under(struct tpm *tpm, ESYS_TR srk, struct wrapping *w, const TPM2B_PUBLIC *pub,
                        const uint8_t *name, size_t name_len, size_t plain_len)
{
        TPM2B_ENCRYPTED_SECRET sym_seed = {0};
        TPM2B_DATA no_key = {0};
        TPMT_SYM_DEF_OBJECT no_inner = {.algorithm = TPM2_ALG_NULL};
        TSS2_RC rc;
        int r;

        rc = Esys_ReadPublic(tpm->esys, srk, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &w->srk_pub,
                             NULL, NULL);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "reading the storage root key");
        if (w->srk_pub->publicArea.type != TPM2_ALG_RSA)
                return error_set(EXIT_BAD_INPUT, "moving keys in needs an RSA storage root key "
                                                 "(the P_RSA2048SHA256 profile)");
        if (RAND_bytes(w->seed, sizeof(w->seed)) != 1)
                return error_set(EXIT_TPM, "no random numbers");
        if ((r = encrypt_seed(w->srk_pub, w->seed, sizeof(w->seed), &sym_seed)) ||
            (r = kdfa(TPM2_ALG_SHA256, w->seed, sizeof(w->seed), "STORAGE", name, name_len, 128,
                      w->aes_key)) ||
            (r = kdfa(TPM2_ALG_SHA256, w->seed, sizeof(w->seed), "INTEGRITY", NULL, 0, 256,
                      w->hmac_key)) ||
            (r = wrap_sensitive(w, plain_len, name, name_len)))
                return r;
        rc = Esys_Import(tpm->esys, srk, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &no_key, pub,
                         &w->duplicate, &sym_seed, &no_inner, &w->imported);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "moving the key into the TPM");
        return 0;
}

int wrap_import(struct tpm *tpm, const char *path, EVP_PKEY *key, const struct secret *password)
{
        _cleanup_(wrapping_wipe) struct wrapping w = {0};
        uint8_t pub_buf[sizeof(TPM2B_PUBLIC)], priv_buf[sizeof(TPM2B_PRIVATE)];
        uint8_t name[2 + SHA256_SIZE];
        TPM2B_PUBLIC pub;
        size_t plain_len = 0, pub_len = 0, priv_len = 0, area_len = 0;
        char full[FAPI_PATH_MAX];
        ESYS_TR srk;
        int r;

        if ((r = object_absent(tpm, path, full, sizeof(full))))
                return r;
        if ((r = areas(key, &pub, &w.sens)))
                return r;
        /* Without a password, dictionary-attack protection guards nothing
         * and would only make the key unusable in lockout (keys.h). */
        if (!password || !password->size)
                pub.publicArea.objectAttributes |= TPMA_OBJECT_NODA;
        if (password && password->size > SHA256_SIZE)
                return error_set(EXIT_BAD_INPUT, "the password is longer than 32 bytes");
        if (password && password->size) {
                w.sens.authValue.size = (UINT16)password->size;
                memcpy(w.sens.authValue.buffer, password->data, password->size);
        }
        /* name = nameAlg || SHA-256(TPMT_PUBLIC) */
        if (Tss2_MU_TPMT_PUBLIC_Marshal(&pub.publicArea, pub_buf, sizeof(pub_buf), &area_len))
                return error_set(EXIT_TPM, "cannot encode the key's public part for the TPM");
        name[0] = 0x00;
        name[1] = 0x0b;
        SHA256(pub_buf, area_len, name + 2);
        if (Tss2_MU_TPM2B_PUBLIC_Marshal(&pub, pub_buf, sizeof(pub_buf), &pub_len))
                return error_set(EXIT_TPM, "cannot encode the key's public part for the TPM");
        w.sens2b.sensitiveArea = w.sens;
        if (Tss2_MU_TPM2B_SENSITIVE_Marshal(&w.sens2b, w.plain, sizeof(w.plain), &plain_len))
                return error_set(EXIT_TPM, "cannot encode the key for the TPM");
        /* The SRK, checked against the keystore. */
        if ((r = srk_object(tpm, full, &srk)))
                return r;
        r = import_under(tpm, srk, &w, &pub, name, sizeof(name), plain_len);
        Esys_TR_Close(tpm->esys, &srk);
        if (r)
                return r;
        if (Tss2_MU_TPM2B_PRIVATE_Marshal(w.imported, priv_buf, sizeof(priv_buf), &priv_len))
                return error_set(EXIT_TPM, "the TPM returned a private part too large to store");
        /* The sensitive part was built here: whether it has a password is known. */
        return import_blobs(tpm, full, pub_buf, pub_len, priv_buf, priv_len,
                            password && password->size ? OBJECT_AUTH_YES : OBJECT_AUTH_NO);
}
