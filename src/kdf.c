/* KDFa; see kdf.h. OpenSSL's KBKDF is the same function: its defaults, a
 * 32-bit counter, a zero byte between label ("salt") and context ("info")
 * and the output length in bits as a 32-bit big-endian number last, are
 * the TPM's layout. */
#include "kdf.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <stdint.h>
#include <string.h>

#include "errors.h"
#include "pubkey.h"

/* OSSL_PARAM takes non-const pointers even for inputs it only reads. */
static void *unconst(const void *p)
{
        return (void *)(uintptr_t)p;
}

int kdfa(TPMI_ALG_HASH alg, const uint8_t *key, size_t key_len, const char *label,
         const uint8_t *context, size_t context_len, unsigned bits, uint8_t *out)
{
        const EVP_MD *md = tpm_hash_md(alg);
        EVP_KDF *kdf;
        EVP_KDF_CTX *ctx;
        OSSL_PARAM params[9], *p = params;
        int separator = 1, with_l = 1, ok;

        if (!md || bits == 0 || bits % 8)
                return error_set(EXIT_TPM, "KDFa: unsupported hash or length");
        *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MODE, "counter", 0);
        *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MAC, "HMAC", 0);
        *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                                unconst(EVP_MD_get0_name(md)), 0);
        *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, unconst(key), key_len);
        *p++ =
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, unconst(label), strlen(label));
        *p++ =
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, unconst(context), context_len);
        /* The defaults, spelled out: the TPM's layout depends on them. */
        *p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_KBKDF_USE_SEPARATOR, &separator);
        *p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_KBKDF_USE_L, &with_l);
        *p = OSSL_PARAM_construct_end();
        kdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_KBKDF, NULL);
        ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
        EVP_KDF_free(kdf);
        ok = ctx && EVP_KDF_derive(ctx, out, bits / 8, params) > 0;
        EVP_KDF_CTX_free(ctx);
        if (!ok)
                return error_set(EXIT_TPM, "KDFa failed");
        return 0;
}
