/* Signing and decrypting through tpmctl's own ESYS engine; see policy_sign.h. */
#include "policy_sign.h"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <string.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>

#include "errors.h"
#include "esys_wipe.h"
#include "policy_session.h"
#include "pubkey.h"
#include "object_load.h"

static void policy_freep(struct policy *p)
{
        policy_free(p);
}

/* A policy is zeroed before anything can fail, so the cleanup is safe. */
#define POLICY_INIT                                                                                \
        {                                                                                          \
                .n = 0                                                                             \
        }

bool key_in_engine(const struct key_info *key, bool *refuse)
{
        _cleanup_(policy_freep) struct policy p = POLICY_INIT;
        enum object_policy_use use = object_policy(key->json, &key->public.publicArea, &p);

        *refuse = use == POLICY_REFUSE;
        if (*refuse)
                error_set(EXIT_BAD_INPUT,
                          "%s has a PCR policy tpmctl cannot reproduce, and FAPI 3.2.1 crashes "
                          "running it; create the key again with tpmctl",
                          key->path);
        return use == POLICY_ENGINE || use == POLICY_NONE;
}

static TPMT_SIG_SCHEME scheme_for(const TPMT_PUBLIC *pub, enum sig_scheme scheme)
{
        TPMT_SIG_SCHEME s = {.details.any.hashAlg = public_sign_hash(pub)};

        if (pub->type == TPM2_ALG_ECC)
                s.scheme = TPM2_ALG_ECDSA;
        else
                s.scheme = scheme == SCHEME_RSASSA ? TPM2_ALG_RSASSA : TPM2_ALG_RSAPSS;
        return s;
}

/* The TPM's signature as OpenSSL takes it: raw for RSA, DER for ECDSA. */
static int encode(const TPMT_SIGNATURE *s, unsigned char **out, size_t *len)
{
        ECDSA_SIG *ecdsa;
        unsigned char *der = NULL;
        int n;

        if (s->sigAlg == TPM2_ALG_RSAPSS || s->sigAlg == TPM2_ALG_RSASSA) {
                const TPM2B_PUBLIC_KEY_RSA *sig = &s->signature.rsapss.sig;
                if (!(*out = malloc(sig->size)))
                        return error_set(EXIT_TPM, "out of memory");
                memcpy(*out, sig->buffer, sig->size);
                *len = sig->size;
                return 0;
        }
        if (!(ecdsa = ECDSA_SIG_new()))
                return error_set(EXIT_TPM, "out of memory");
        ECDSA_SIG_set0(ecdsa,
                       BN_bin2bn(s->signature.ecdsa.signatureR.buffer,
                                 s->signature.ecdsa.signatureR.size, NULL),
                       BN_bin2bn(s->signature.ecdsa.signatureS.buffer,
                                 s->signature.ecdsa.signatureS.size, NULL));
        n = i2d_ECDSA_SIG(ecdsa, &der);
        ECDSA_SIG_free(ecdsa);
        if (n <= 0)
                return error_set(EXIT_TPM, "cannot encode the ECDSA signature");
        *out = malloc((size_t)n);
        if (*out)
                memcpy(*out, der, (size_t)n);
        OPENSSL_free(der);
        *len = (size_t)n;
        return *out ? 0 : error_set(EXIT_TPM, "out of memory");
}

static struct object_record key_record(const struct key_info *key)
{
        return (struct object_record){.path = key->path,
                                      .public = &key->public,
                                      .private = &key->private,
                                      .json = key->json,
                                      .persistent = key->persistent};
}

/* Whether signature is the key's signature of digest: checked in software
 * (microseconds) instead of asking the TPM first whether it still holds a
 * kept key (a round trip). */
static bool signed_by(const struct key_info *key, const TPMT_SIG_SCHEME *scheme,
                      const unsigned char *digest, size_t len, const TPMT_SIGNATURE *signature)
{
        enum sig_scheme kind = scheme->scheme == TPM2_ALG_RSAPSS   ? SCHEME_RSAPSS
                               : scheme->scheme == TPM2_ALG_RSASSA ? SCHEME_RSASSA
                                                                   : SCHEME_ECDSA;
        const EVP_MD *md = tpm_hash_md(scheme->details.any.hashAlg);
        unsigned char *sig = NULL;
        EVP_PKEY *pkey = NULL;
        size_t sig_len;
        bool good = md && encode(signature, &sig, &sig_len) == 0 &&
                    public_to_evp(&key->public, &pkey) == 0 &&
                    verify_digest(pkey, kind, md, digest, len, sig, sig_len) == 0;

        EVP_PKEY_free(pkey);
        free(sig);
        error_clear();
        return good;
}

/* TPM2_Sign of digest with the key's scheme (see key_sign_engine()). A kept
 * key (batch, serve) without a password or policy is used unasked, and its
 * signature checked: without a resource manager another program may have
 * flushed it and loaded its own at the handle; then it is loaded again. */
static int sign_tpmt(struct tpm *tpm, const struct key_info *key, enum sig_scheme scheme,
                     const unsigned char *digest, size_t len, const struct auth_source *auth,
                     TPMT_SIGNATURE **signature)
{
        TPMT_TK_HASHCHECK no_ticket = {.tag = TPM2_ST_HASHCHECK, .hierarchy = TPM2_RH_NULL};
        TPMT_SIG_SCHEME in_scheme;
        TPM2B_DIGEST message = {.size = (UINT16)len};
        struct object_record rec = key_record(key);
        unsigned flags = OBJECT_CHECKED_BY_CALLER;
        struct loaded_object lo;
        TSS2_RC rc;
        int r;

        if ((r = sig_scheme_fits(&key->public.publicArea, scheme)))
                return r;
        if (scheme == SCHEME_DEFAULT && strcmp(key->signing_scheme, "RSASSA") == 0)
                scheme = SCHEME_RSASSA;
        in_scheme = scheme_for(&key->public.publicArea, scheme);
        if (len > sizeof(message.buffer))
                return error_set(EXIT_BAD_INPUT, "the digest is too long");
        memcpy(message.buffer, digest, len);
        for (;;) {
                if ((r = object_load(tpm, &rec, auth, TPM2_CC_Sign, flags, &lo)))
                        return r;
                *signature = NULL;
                rc = Esys_Sign(tpm->esys, lo.handle, lo.auth, ESYS_TR_NONE, ESYS_TR_NONE, &message,
                               &in_scheme, &no_ticket, signature);
                object_command_done(tpm, &lo, rc);
                if (!lo.unchecked ||
                    (rc == TSS2_RC_SUCCESS && signed_by(key, &in_scheme, digest, len, *signature)))
                        break;
                Esys_Free(*signature);
                object_forget(tpm, rec.path);
                flags = SECRET_NONE;
        }
        if (rc != TSS2_RC_SUCCESS)
                return object_error(&lo, rc, "signing with %s", key->path);
        return 0;
}

int key_sign_engine(struct tpm *tpm, const struct key_info *key, enum sig_scheme scheme,
                    const unsigned char *digest, size_t len, const struct auth_source *auth,
                    unsigned char **sig, size_t *sig_len)
{
        TPMT_SIGNATURE *signature = NULL;
        int r;

        if ((r = sign_tpmt(tpm, key, scheme, digest, len, auth, &signature)))
                return r;
        r = encode(signature, sig, sig_len);
        Esys_Free(signature);
        return r;
}

int key_sign_tpmt(struct tpm *tpm, const struct key_info *key, const unsigned char *digest,
                  size_t len, const struct auth_source *auth, TPMT_SIGNATURE *out)
{
        TPMT_SIGNATURE *signature = NULL;
        int r;

        if ((r = sign_tpmt(tpm, key, SCHEME_DEFAULT, digest, len, auth, &signature)))
                return r;
        *out = *signature;
        Esys_Free(signature);
        return 0;
}

int key_decrypt_engine(struct tpm *tpm, const struct key_info *key, const unsigned char *in,
                       size_t len, const struct auth_source *auth, unsigned char **out,
                       size_t *out_len)
{
        TPMT_RSA_DECRYPT scheme = {.scheme = TPM2_ALG_OAEP,
                                   .details.oaep.hashAlg = key->public.publicArea.nameAlg};
        TPM2B_PUBLIC_KEY_RSA cipher = {.size = (UINT16)len};
        TPM2B_PUBLIC_KEY_RSA *plain = NULL;
        TPM2B_DATA label = {0};
        struct object_record rec = key_record(key);
        struct loaded_object lo;
        TSS2_RC rc;
        int r;

        if (len > sizeof(cipher.buffer))
                return error_set(EXIT_BAD_INPUT, "the ciphertext is too long");
        memcpy(cipher.buffer, in, len);
        /* The plaintext is secret: it comes back in an encrypted response. */
        if ((r = object_load(tpm, &rec, auth, TPM2_CC_RSA_Decrypt, SECRET_RESPONSE, &lo)))
                return r;
        rc = Esys_RSA_Decrypt(tpm->esys, lo.handle, lo.auth, lo.crypt, ESYS_TR_NONE, &cipher,
                              &scheme, &label, &plain);
        esys_response_wipe(tpm->esys); /* its copies of the plaintext */
        object_command_done(tpm, &lo, rc);
        if (rc != TSS2_RC_SUCCESS) {
                if (tpm_rc_code(rc) == TPM2_RC_VALUE || tpm_rc_code(rc) == TPM2_RC_FAILURE)
                        return error_set(EXIT_BAD_INPUT,
                                         "decrypting with %s: the data was not "
                                         "encrypted to this key, or was changed "
                                         "(%s)",
                                         key->path, rc_text(rc));
                return object_error(&lo, rc, "decrypting with %s", key->path);
        }
        *out = malloc(plain->size ? plain->size : 1);
        if (*out)
                memcpy(*out, plain->buffer, plain->size);
        *out_len = plain->size;
        OPENSSL_cleanse(plain, sizeof(*plain));
        Esys_Free(plain);
        return *out ? 0 : error_set(EXIT_TPM, "out of memory");
}
