/* The encrypt envelope; see envelope.h for the format. */
#include "envelope.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "errors.h"

#define LENGTH_LEN 2

bool envelope_is(const unsigned char *data, size_t len)
{
        return len >= ENVELOPE_MAGIC_LEN && memcmp(data, ENVELOPE_MAGIC, ENVELOPE_MAGIC_LEN) == 0;
}

int envelope_parse(const unsigned char *data, size_t len, struct envelope *env)
{
        size_t fixed = ENVELOPE_MAGIC_LEN + LENGTH_LEN + ENVELOPE_NONCE_LEN + ENVELOPE_TAG_LEN;
        size_t wrapped;

        if (!envelope_is(data, len))
                return error_set(EXIT_BAD_INPUT,
                                 "not a tpmctl envelope (no \"" ENVELOPE_MAGIC "\" header)");
        if (len < fixed)
                return error_set(EXIT_BAD_INPUT, "the envelope is truncated");
        wrapped = (size_t)data[ENVELOPE_MAGIC_LEN] << 8 | data[ENVELOPE_MAGIC_LEN + 1];
        if (wrapped == 0 || wrapped > len - fixed)
                return error_set(EXIT_BAD_INPUT,
                                 "the envelope is truncated or its key length "
                                 "(%zu) is wrong",
                                 wrapped);
        env->header = data;
        env->wrapped_key = data + ENVELOPE_MAGIC_LEN + LENGTH_LEN;
        env->wrapped_key_len = wrapped;
        env->nonce = env->wrapped_key + wrapped;
        env->header_len = (size_t)(env->nonce + ENVELOPE_NONCE_LEN - data);
        env->ciphertext = env->nonce + ENVELOPE_NONCE_LEN;
        env->ciphertext_len = len - env->header_len - ENVELOPE_TAG_LEN;
        env->tag = data + len - ENVELOPE_TAG_LEN;
        return 0;
}

static void cipher_ctx_freep(EVP_CIPHER_CTX **c)
{
        EVP_CIPHER_CTX_free(*c);
}

/* EVP takes int lengths; feed large buffers in pieces. */
static int gcm_update(EVP_CIPHER_CTX *ctx, bool encrypt, unsigned char *out,
                      const unsigned char *in, size_t len)
{
        const size_t step = 1u << 30;
        int n;

        for (size_t done = 0; done < len; done += step) {
                int piece = (int)(len - done < step ? len - done : step);
                if (!(encrypt
                          ? EVP_EncryptUpdate(ctx, out ? out + done : NULL, &n, in + done, piece)
                          : EVP_DecryptUpdate(ctx, out ? out + done : NULL, &n, in + done, piece)))
                        return -1;
        }
        return 0;
}

int envelope_seal(const unsigned char key[ENVELOPE_KEY_LEN], const unsigned char *wrapped_key,
                  size_t wrapped_key_len, const unsigned char *plain, size_t plain_len,
                  unsigned char **out, size_t *out_len)
{
        _cleanup_(cipher_ctx_freep) EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
        size_t header_len = ENVELOPE_MAGIC_LEN + LENGTH_LEN + wrapped_key_len + ENVELOPE_NONCE_LEN;
        size_t total = header_len + plain_len + ENVELOPE_TAG_LEN;
        unsigned char *buf, *nonce;
        int n;

        if (wrapped_key_len == 0 || wrapped_key_len > 0xffff)
                return error_set(EXIT_BAD_INPUT, "the wrapped key has a bad length");
        if (!ctx || !(buf = malloc(total)))
                return error_set(EXIT_TPM, "out of memory");
        memcpy(buf, ENVELOPE_MAGIC, ENVELOPE_MAGIC_LEN);
        buf[ENVELOPE_MAGIC_LEN] = (unsigned char)(wrapped_key_len >> 8);
        buf[ENVELOPE_MAGIC_LEN + 1] = (unsigned char)wrapped_key_len;
        memcpy(buf + ENVELOPE_MAGIC_LEN + LENGTH_LEN, wrapped_key, wrapped_key_len);
        nonce = buf + header_len - ENVELOPE_NONCE_LEN;
        if (RAND_bytes(nonce, ENVELOPE_NONCE_LEN) != 1 ||
            !EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) ||
            !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, ENVELOPE_NONCE_LEN, NULL) ||
            !EVP_EncryptInit_ex(ctx, NULL, NULL, key, nonce) ||
            gcm_update(ctx, true, NULL, buf, header_len) < 0 ||
            gcm_update(ctx, true, buf + header_len, plain, plain_len) < 0 ||
            !EVP_EncryptFinal_ex(ctx, buf + header_len + plain_len, &n) ||
            !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, ENVELOPE_TAG_LEN,
                                 buf + header_len + plain_len)) {
                free(buf);
                return error_set(EXIT_TPM, "AES-GCM encryption failed");
        }
        *out = buf;
        *out_len = total;
        return 0;
}

int envelope_open(const struct envelope *env, const unsigned char key[ENVELOPE_KEY_LEN],
                  unsigned char **plain, size_t *plain_len)
{
        _cleanup_(cipher_ctx_freep) EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
        unsigned char tag[ENVELOPE_TAG_LEN], *buf;
        int n;

        memcpy(tag, env->tag, sizeof(tag));
        if (!ctx || !(buf = malloc(env->ciphertext_len ? env->ciphertext_len : 1)))
                return error_set(EXIT_TPM, "out of memory");
        if (!EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) ||
            !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, ENVELOPE_NONCE_LEN, NULL) ||
            !EVP_DecryptInit_ex(ctx, NULL, NULL, key, env->nonce) ||
            gcm_update(ctx, false, NULL, env->header, env->header_len) < 0 ||
            gcm_update(ctx, false, buf, env->ciphertext, env->ciphertext_len) < 0 ||
            !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, ENVELOPE_TAG_LEN, tag) ||
            EVP_DecryptFinal_ex(ctx, buf + env->ciphertext_len, &n) <= 0) {
                OPENSSL_cleanse(buf, env->ciphertext_len);
                free(buf);
                return error_set(EXIT_BAD_INPUT, "the envelope does not authenticate: it was "
                                                 "changed, or it was not made for this key");
        }
        *plain = buf;
        *plain_len = env->ciphertext_len;
        return 0;
}
