/* Signing with TPM keys and verifying with OpenSSL; see signature.h. */
#include "signature.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/rsa.h>
#include <string.h>
#include <tss2/tss2_rc.h>
#include <unistd.h>

#include "errors.h"
#include "fapi_auth.h"
#include "fileio.h"
#include "pubkey.h"

const char *const sig_scheme_names[] = {"rsapss", "rsassa", "ecdsa", NULL};

int sig_scheme_parse(const char *name, enum sig_scheme *scheme)
{
        if (!name) {
                *scheme = SCHEME_DEFAULT;
                return 0;
        }
        for (size_t i = 0; sig_scheme_names[i]; i++)
                if (strcmp(name, sig_scheme_names[i]) == 0) {
                        *scheme = (enum sig_scheme)(SCHEME_RSAPSS + i);
                        return 0;
                }
        return error_set(EXIT_USAGE, "--scheme %s: use rsapss, rsassa or ecdsa", name);
}

static void md_ctx_freep(EVP_MD_CTX **c)
{
        EVP_MD_CTX_free(*c);
}

int digest_input(const char *input, const EVP_MD *md, bool is_digest, unsigned char *out,
                 size_t *len)
{
        _cleanup_(md_ctx_freep) EVP_MD_CTX *ctx = NULL;
        _cleanup_close_ int fd = -1;
        unsigned char buf[65536];
        unsigned int n = 0;
        size_t want = (size_t)EVP_MD_get_size(md);

        if (is_digest) {
                _cleanup_free_ unsigned char *data = NULL;
                size_t size;
                int r = file_read(input, 1024, &data, &size);
                if (r)
                        return r;
                if (size != want)
                        return error_set(EXIT_BAD_INPUT,
                                         "--digest: the input is %zu bytes; a %s digest is %zu",
                                         size, EVP_MD_get0_name(md), want);
                memcpy(out, data, size);
                *len = size;
                return 0;
        }
        fd = strcmp(input, "-") == 0 ? dup(STDIN_FILENO) : open(input, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return error_set(errno == ENOENT ? EXIT_NOT_FOUND : EXIT_BAD_INPUT,
                                 "cannot open %s: %s", input, strerror(errno));
        if (!(ctx = EVP_MD_CTX_new()) || !EVP_DigestInit_ex(ctx, md, NULL))
                return error_set(EXIT_TPM, "OpenSSL cannot hash");
        for (;;) {
                ssize_t got = read(fd, buf, sizeof(buf));
                if (got < 0 && errno == EINTR)
                        continue;
                if (got < 0)
                        return error_set(EXIT_BAD_INPUT, "cannot read %s: %s", input,
                                         strerror(errno));
                if (got == 0)
                        break;
                if (!EVP_DigestUpdate(ctx, buf, (size_t)got))
                        return error_set(EXIT_TPM, "OpenSSL cannot hash %s", input);
        }
        if (!EVP_DigestFinal_ex(ctx, out, &n))
                return error_set(EXIT_TPM, "OpenSSL cannot hash %s", input);
        *len = n;
        return 0;
}

int sig_scheme_fits(const TPMT_PUBLIC *pub, enum sig_scheme scheme)
{
        bool rsa = pub->type == TPM2_ALG_RSA;

        if (!(pub->objectAttributes & TPMA_OBJECT_SIGN_ENCRYPT) ||
            (pub->objectAttributes & TPMA_OBJECT_RESTRICTED) ||
            (pub->type != TPM2_ALG_RSA && pub->type != TPM2_ALG_ECC))
                return error_set(EXIT_BAD_INPUT,
                                 "the key is not an unrestricted signing key (it is %s)%s",
                                 public_usage(pub),
                                 pub->type == TPM2_ALG_KEYEDHASH ? "; use `tpmctl hmac`" : "");
        if (scheme == SCHEME_DEFAULT)
                return 0;
        if (rsa != (scheme != SCHEME_ECDSA))
                return error_set(EXIT_BAD_INPUT, "--scheme %s does not fit a%s key",
                                 scheme == SCHEME_ECDSA ? "ecdsa" : "rsa*",
                                 rsa ? "n RSA" : "n ECC");
        return 0;
}

int sign_digest(struct tpm *tpm, const struct key_info *key, enum sig_scheme scheme,
                const unsigned char *digest, size_t len, unsigned char **sig, size_t *sig_len)
{
        const char *padding = scheme == SCHEME_RSAPSS   ? "RSA_PSS"
                              : scheme == SCHEME_RSASSA ? "RSA_SSA"
                                                        : NULL;
        _cleanup_fapi_free_ uint8_t *out = NULL;
        /* FAPI 3.2.1 builds the PEM public key whether it is asked for or
         * not, and leaks it when not: ask, and free it. */
        _cleanup_fapi_free_ char *public_pem = NULL;
        size_t out_len = 0;
        TSS2_RC rc;
        int r;

        if ((r = sig_scheme_fits(&key->public.publicArea, scheme)))
                return r;
        rc = Fapi_Sign(tpm->fapi, key->path, padding, digest, len, &out, &out_len, &public_pem,
                       NULL);
        if (rc != TSS2_RC_SUCCESS)
                return fapi_error(tpm, rc, "signing with %s", key->path);
        if (!(*sig = malloc(out_len)))
                return error_set(EXIT_TPM, "out of memory");
        memcpy(*sig, out, out_len);
        *sig_len = out_len;
        return 0;
}

enum sig_scheme default_scheme(EVP_PKEY *key, const char *keystore_scheme)
{
        if (EVP_PKEY_base_id(key) != EVP_PKEY_RSA)
                return SCHEME_ECDSA;
        if (keystore_scheme && strcmp(keystore_scheme, "RSASSA") == 0)
                return SCHEME_RSASSA;
        return SCHEME_RSAPSS;
}

int verify_digest(EVP_PKEY *key, enum sig_scheme scheme, const EVP_MD *md,
                  const unsigned char *digest, size_t len, const unsigned char *sig, size_t sig_len)
{
        _cleanup_(pkey_ctx_freep) EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);
        bool rsa = EVP_PKEY_base_id(key) == EVP_PKEY_RSA;
        int ok;

        if (scheme == SCHEME_DEFAULT)
                scheme = default_scheme(key, NULL);
        if (rsa != (scheme != SCHEME_ECDSA))
                return error_set(EXIT_BAD_INPUT, "--scheme does not fit a%s key",
                                 rsa ? "n RSA" : "n ECC");
        if (!ctx || EVP_PKEY_verify_init(ctx) <= 0 || EVP_PKEY_CTX_set_signature_md(ctx, md) <= 0)
                return error_set(EXIT_TPM, "OpenSSL cannot verify with this key");
        if (rsa &&
            EVP_PKEY_CTX_set_rsa_padding(ctx, scheme == SCHEME_RSAPSS ? RSA_PKCS1_PSS_PADDING
                                                                      : RSA_PKCS1_PADDING) <= 0)
                return error_set(EXIT_TPM, "OpenSSL cannot set the RSA padding");
        if (rsa && scheme == SCHEME_RSAPSS &&
            EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_AUTO) <= 0)
                return error_set(EXIT_TPM, "OpenSSL cannot set the PSS salt length");
        ok = EVP_PKEY_verify(ctx, sig, sig_len, digest, len);
        ERR_clear_error();
        if (ok != 1)
                return error_set(EXIT_INVALID, "invalid signature");
        return 0;
}
