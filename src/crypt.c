/* encrypt/decrypt with a TPM RSA decrypt key; see crypt.h. */
#include "crypt.h"

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <string.h>
#include <tss2/tss2_rc.h>

#include "envelope.h"
#include "errors.h"
#include "fapi_auth.h"
#include "policy_sign.h"
#include "pubkey.h"

static int check_decrypt_key(const struct key_info *key)
{
        const TPMT_PUBLIC *pub = &key->public.publicArea;

        if (pub->type != TPM2_ALG_RSA || !(pub->objectAttributes & TPMA_OBJECT_DECRYPT) ||
            (pub->objectAttributes & TPMA_OBJECT_RESTRICTED))
                return error_set(EXIT_BAD_INPUT,
                                 "%s is not an RSA decrypt key (it is %s, %s); create one with "
                                 "`tpmctl key create NAME --type decrypt --alg rsa2048`",
                                 key->path, public_usage(pub),
                                 pub->type == TPM2_ALG_RSA ? "RSA" : "not RSA");
        return 0;
}

/* RSA-OAEP with the key's name hash, no label: what the TPM's RSA_Decrypt
 * undoes for FAPI's OAEP decrypt scheme. */
static int oaep_encrypt(const struct key_info *key, const unsigned char *in, size_t len,
                        unsigned char **out, size_t *out_len)
{
        _cleanup_pkey_ EVP_PKEY *pkey = NULL;
        _cleanup_(pkey_ctx_freep) EVP_PKEY_CTX *ctx = NULL;
        const EVP_MD *md = tpm_hash_md(key->public.publicArea.nameAlg);
        int r;

        if ((r = public_to_evp(&key->public, &pkey)))
                return r;
        if (!(ctx = EVP_PKEY_CTX_new(pkey, NULL)) || EVP_PKEY_encrypt_init(ctx) <= 0 ||
            EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) <= 0 ||
            EVP_PKEY_CTX_set_rsa_oaep_md(ctx, md) <= 0 ||
            EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) <= 0 ||
            EVP_PKEY_encrypt(ctx, NULL, out_len, in, len) <= 0 || !(*out = malloc(*out_len)) ||
            EVP_PKEY_encrypt(ctx, *out, out_len, in, len) <= 0) {
                ERR_clear_error();
                return error_set(EXIT_TPM, "RSA-OAEP encryption failed");
        }
        return 0;
}

static size_t oaep_capacity(const struct key_info *key)
{
        size_t modulus = key->public.publicArea.unique.rsa.size;
        size_t hash = tpm_hash_size(key->public.publicArea.nameAlg);
        return modulus > 2 * hash + 2 ? modulus - 2 * hash - 2 : 0;
}

int encrypt_data(const struct key_info *key, const unsigned char *in, size_t len,
                 unsigned char **out, size_t *out_len)
{
        unsigned char aes_key[ENVELOPE_KEY_LEN];
        WIPE_ON_EXIT(aes_key);
        _cleanup_free_ unsigned char *wrapped = NULL;
        size_t wrapped_len;
        int r;

        if ((r = check_decrypt_key(key)))
                return r;
        if (len <= oaep_capacity(key))
                return oaep_encrypt(key, in, len, out, out_len);
        if (RAND_bytes(aes_key, sizeof(aes_key)) != 1)
                return error_set(EXIT_TPM, "no random numbers from OpenSSL");
        if ((r = oaep_encrypt(key, aes_key, sizeof(aes_key), &wrapped, &wrapped_len)))
                return r;
        return envelope_seal(aes_key, wrapped, wrapped_len, in, len, out, out_len);
}

static int tpm_decrypt(struct tpm *tpm, const struct key_info *key, const unsigned char *in,
                       size_t len, const struct auth_source *auth, uint8_t **out, size_t *out_len)
{
        bool refuse;
        const TPM2B_PUBLIC_KEY_RSA *modulus = &key->public.publicArea.unique.rsa;
        TSS2_RC rc;
        int r;

        /* A ciphertext of the wrong size or not below the modulus cannot be
         * for this key; swtpm (libtpms) answers some of them by going into
         * failure mode, so the TPM never sees them. */
        if (len != modulus->size || memcmp(in, modulus->buffer, len) >= 0)
                return error_set(EXIT_BAD_INPUT,
                                 "decrypting with %s: the data was not encrypted "
                                 "to this key, or was changed",
                                 key->path);
        if (key_in_engine(key, &refuse)) {
                unsigned char *plain = NULL;
                size_t plain_len = 0;
                if ((r = key_decrypt_engine(tpm, key, in, len, auth, &plain, &plain_len)))
                        return r;
                /* Freed with Fapi_Free, which is free(), like FAPI's own. */
                *out = (uint8_t *)plain;
                *out_len = plain_len;
                return 0;
        }
        if (refuse)
                return EXIT_BAD_INPUT;
        if ((r = tpm_fapi_connect(tpm)))
                return r;
        rc = Fapi_Decrypt(tpm->fapi, key->path, in, len, out, out_len);

        if (rc == TSS2_RC_SUCCESS)
                return 0;
        /* A ciphertext for another key fails OAEP's check inside the TPM. */
        /* libtpms answers some OAEP failures with TPM_RC_FAILURE and keeps
         * working; a TPM really in failure mode fails the next command. */
        if (tpm_rc_code(rc) == TPM2_RC_VALUE || tpm_rc_code(rc) == TPM2_RC_FAILURE)
                return error_set(EXIT_BAD_INPUT,
                                 "decrypting with %s: the data was not "
                                 "encrypted to this key, or was changed (%s)",
                                 key->path, rc_text(rc));
        return fapi_error(tpm, rc, "decrypting with %s", key->path);
}

int decrypt_data(struct tpm *tpm, const struct key_info *key, const unsigned char *in, size_t len,
                 const struct auth_source *auth, unsigned char **out, size_t *out_len)
{
        /* From FAPI or key_decrypt_engine, both malloc()ed (Fapi_Free is
         * free()): wiped on every path. */
        _cleanup_secret_ struct secret plain = {0};
        struct envelope env;
        int r;

        if ((r = check_decrypt_key(key)))
                return r;
        if (len == key->public.publicArea.unique.rsa.size) {
                if ((r = tpm_decrypt(tpm, key, in, len, auth, &plain.data, &plain.size)))
                        return r;
                if (!(*out = malloc(plain.size ? plain.size : 1)))
                        return error_set(EXIT_TPM, "out of memory");
                memcpy(*out, plain.data, plain.size);
                *out_len = plain.size;
                return 0;
        }
        if (envelope_parse(in, len, &env))
                return error_set(EXIT_BAD_INPUT,
                                 "the input is neither one RSA block for %s (%u bytes) nor a "
                                 "tpmctl envelope",
                                 key->path, key->public.publicArea.unique.rsa.size);
        if ((r = tpm_decrypt(tpm, key, env.wrapped_key, env.wrapped_key_len, auth, &plain.data,
                             &plain.size)))
                return r;
        if (plain.size != ENVELOPE_KEY_LEN)
                return error_set(EXIT_BAD_INPUT, "the envelope's key has the wrong size");
        return envelope_open(&env, plain.data, out, out_len);
}
