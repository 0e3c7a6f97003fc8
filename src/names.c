/* The name tables; see names.h. */
#include "names.h"

#include <openssl/obj_mac.h>
#include <strings.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
        TPM2_ALG_ID id;
        const char *name;      /* tpmctl's, lower case */
        const char *fapi_name; /* FAPI's JSON */
} algs[] = {
    {TPM2_ALG_RSA, "rsa", "RSA"},
    {TPM2_ALG_TDES, "tdes", "TDES"},
    {TPM2_ALG_SHA1, "sha1", "SHA1"},
    {TPM2_ALG_HMAC, "hmac", "HMAC"},
    {TPM2_ALG_AES, "aes", "AES"},
    {TPM2_ALG_MGF1, "mgf1", "MGF1"},
    {TPM2_ALG_KEYEDHASH, "keyedhash", "KEYEDHASH"},
    {TPM2_ALG_XOR, "xor", "XOR"},
    {TPM2_ALG_SHA256, "sha256", "SHA256"},
    {TPM2_ALG_SHA384, "sha384", "SHA384"},
    {TPM2_ALG_SHA512, "sha512", "SHA512"},
    {TPM2_ALG_NULL, "null", "NULL"},
    {TPM2_ALG_SM3_256, "sm3_256", "SM3_256"},
    {TPM2_ALG_SM4, "sm4", "SM4"},
    {TPM2_ALG_RSASSA, "rsassa", "RSASSA"},
    {TPM2_ALG_RSAES, "rsaes", "RSAES"},
    {TPM2_ALG_RSAPSS, "rsapss", "RSAPSS"},
    {TPM2_ALG_OAEP, "oaep", "OAEP"},
    {TPM2_ALG_ECDSA, "ecdsa", "ECDSA"},
    {TPM2_ALG_ECDH, "ecdh", "ECDH"},
    {TPM2_ALG_ECDAA, "ecdaa", "ECDAA"},
    {TPM2_ALG_SM2, "sm2", "SM2"},
    {TPM2_ALG_ECSCHNORR, "ecschnorr", "ECSCHNORR"},
    {TPM2_ALG_ECMQV, "ecmqv", "ECMQV"},
    {TPM2_ALG_KDF1_SP800_56A, "kdf1_sp800_56a", "KDF1_SP800_56A"},
    {TPM2_ALG_KDF2, "kdf2", "KDF2"},
    {TPM2_ALG_KDF1_SP800_108, "kdf1_sp800_108", "KDF1_SP800_108"},
    {TPM2_ALG_ECC, "ecc", "ECC"},
    {TPM2_ALG_SYMCIPHER, "symcipher", "SYMCIPHER"},
    {TPM2_ALG_CAMELLIA, "camellia", "CAMELLIA"},
    {TPM2_ALG_SHA3_256, "sha3_256", "SHA3_256"},
    {TPM2_ALG_SHA3_384, "sha3_384", "SHA3_384"},
    {TPM2_ALG_SHA3_512, "sha3_512", "SHA3_512"},
    {TPM2_ALG_CMAC, "cmac", "CMAC"},
    {TPM2_ALG_CTR, "ctr", "CTR"},
    {TPM2_ALG_OFB, "ofb", "OFB"},
    {TPM2_ALG_CBC, "cbc", "CBC"},
    {TPM2_ALG_CFB, "cfb", "CFB"},
    {TPM2_ALG_ECB, "ecb", "ECB"},
};

static const struct {
        TPMI_ECC_CURVE id;
        const char *fapi_name;
        const char *group;
        unsigned bits;
} curves[] = {
    {TPM2_ECC_NIST_P256, "NIST_P256", SN_X9_62_prime256v1, 256},
    {TPM2_ECC_NIST_P384, "NIST_P384", SN_secp384r1, 384},
    {TPM2_ECC_NIST_P521, "NIST_P521", SN_secp521r1, 521},
};

const struct attribute_name object_attributes[] = {
    {TPMA_OBJECT_FIXEDTPM, "fixedTPM"},
    {TPMA_OBJECT_STCLEAR, "stClear"},
    {TPMA_OBJECT_FIXEDPARENT, "fixedParent"},
    {TPMA_OBJECT_SENSITIVEDATAORIGIN, "sensitiveDataOrigin"},
    {TPMA_OBJECT_USERWITHAUTH, "userWithAuth"},
    {TPMA_OBJECT_ADMINWITHPOLICY, "adminWithPolicy"},
    {TPMA_OBJECT_NODA, "noDA"},
    {TPMA_OBJECT_ENCRYPTEDDUPLICATION, "encryptedDuplication"},
    {TPMA_OBJECT_RESTRICTED, "restricted"},
    {TPMA_OBJECT_DECRYPT, "decrypt"},
    {TPMA_OBJECT_SIGN_ENCRYPT, "sign"},
};
const size_t object_attributes_count = COUNT(object_attributes);

const char *alg_name(TPM2_ALG_ID alg)
{
        for (size_t i = 0; i < COUNT(algs); i++)
                if (algs[i].id == alg)
                        return algs[i].name;
        return NULL;
}

const char *alg_fapi_name(TPM2_ALG_ID alg)
{
        for (size_t i = 0; i < COUNT(algs); i++)
                if (algs[i].id == alg)
                        return algs[i].fapi_name;
        return "NULL";
}

bool alg_from_name(const char *name, TPM2_ALG_ID *alg)
{
        if (strncasecmp(name, "TPM2_ALG_", 9) == 0)
                name += 9;
        for (size_t i = 0; i < COUNT(algs); i++) {
                if (strcasecmp(name, algs[i].name) == 0) {
                        *alg = algs[i].id;
                        return true;
                }
        }
        return false;
}

const char *curve_fapi_name(TPMI_ECC_CURVE curve)
{
        for (size_t i = 0; i < COUNT(curves); i++)
                if (curves[i].id == curve)
                        return curves[i].fapi_name;
        return "NONE";
}

const char *curve_group(TPMI_ECC_CURVE curve)
{
        for (size_t i = 0; i < COUNT(curves); i++)
                if (curves[i].id == curve)
                        return curves[i].group;
        return NULL;
}

unsigned curve_bits(TPMI_ECC_CURVE curve)
{
        for (size_t i = 0; i < COUNT(curves); i++)
                if (curves[i].id == curve)
                        return curves[i].bits;
        return 0;
}
