/* Signing with a key that has a policy; see policy_sign.h. */
#include "policy_sign.h"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <string.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>

#include "errors.h"
#include "policy_session.h"
#include "pubkey.h"
#include "session.h"

static void policy_freep(struct policy *p)
{
        policy_free(p);
}

/* A policy is zeroed before anything can fail, so the cleanup is safe. */
#define POLICY_INIT                                                                                \
        {                                                                                          \
                .n = 0                                                                             \
        }

bool key_policy_in_engine(const struct key_info *key, bool *refuse)
{
        _cleanup_(policy_freep) struct policy p = POLICY_INIT;
        enum object_policy_use use = object_policy(key->json, &key->public.publicArea, &p);

        *refuse = use == POLICY_REFUSE;
        if (*refuse)
                error_set(EXIT_BAD_INPUT,
                          "%s has a PCR policy tpmctl cannot reproduce, and FAPI 3.2.1 crashes "
                          "running it; create the key again with tpmctl",
                          key->path);
        return use == POLICY_ENGINE;
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

/* Loads the key and satisfies its policy in a fresh policy session: what
 * every use of a policy-bound key starts with. A key without a policy (see
 * key_auth_outside_fapi) gets its password in a salted HMAC session. */
static int load_with_policy(struct tpm *tpm, const struct key_info *key,
                            const struct auth_source *auth, TPM2_CC cc, ESYS_TR *object,
                            ESYS_TR *session)
{
        _cleanup_(policy_freep) struct policy policy = POLICY_INIT;
        _cleanup_secret_ struct secret password = {0};
        _cleanup_fapi_free_ uint8_t *pub = NULL, *priv = NULL;
        _cleanup_fapi_free_ char *policy_text = NULL;
        const TPMT_PUBLIC *area = &key->public.publicArea;
        TPM2B_PRIVATE private = {0};
        size_t pub_size = 0, priv_size = 0, offset = 0;
        ESYS_TR srk;
        TSS2_RC rc;
        int r;

        enum object_policy_use use = object_policy(key->json, area, &policy);
        bool has_policy = use == POLICY_ENGINE;

        if (!has_policy && use != POLICY_NONE)
                return error_set(EXIT_BAD_INPUT, "tpmctl cannot run the policy of %s", key->path);
        /* Before anything is loaded: a changed PCR is named. */
        if ((has_policy && (r = policy_check_pcrs(tpm->esys, &policy, cc))) ||
            ((!has_policy || policy_needs_auth(&policy)) &&
             (r = auth_read(auth, key->path, false, tpm_hash_size(area->nameAlg), &password))))
                return r;
        rc = Fapi_GetTpmBlobs(tpm->fapi, key->path, &pub, &pub_size, &priv, &priv_size,
                              &policy_text);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "reading %s", key->path);
        if (Tss2_MU_TPM2B_PRIVATE_Unmarshal(priv, priv_size, &offset, &private))
                return error_set(EXIT_BAD_INPUT, "the private part of %s is malformed", key->path);
        /* Sessions first: they take and close the SRK's ESYS object. */
        if ((r = has_policy ? session_start_policy(tpm, key->path, area->nameAlg, session)
                            : session_start_encrypted(tpm, key->path, session)) ||
            (r = srk_object(tpm, key->path, &srk)))
                return r;
        rc = Esys_Load(tpm->esys, srk, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &private,
                       &key->public, object);
        Esys_TR_Close(tpm->esys, &srk); /* ESYS's record of it; the SRK stays */
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "loading %s", key->path);
        tpm_track(tpm, *object);
        if (password.size) {
                TPM2B_AUTH value = {.size = (UINT16)password.size};
                memcpy(value.buffer, password.data, password.size);
                rc = Esys_TR_SetAuth(tpm->esys, *object, &value);
                OPENSSL_cleanse(&value, sizeof(value));
                if (rc != TSS2_RC_SUCCESS)
                        return error_rc(rc, "setting the password of %s", key->path);
        }
        if (has_policy && (r = policy_run(tpm->esys, *session, &policy, area->nameAlg, cc)))
                return r;
        /* Authorization only: no parameter encryption (a signature cannot
         * be encrypted, and decryption has a session of its own for it). */
        rc = Esys_TRSess_SetAttributes(tpm->esys, *session, TPMA_SESSION_CONTINUESESSION, 0xff);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "setting the policy session's attributes");
        return 0;
}

int sign_with_policy(struct tpm *tpm, const struct key_info *key, enum sig_scheme scheme,
                     const unsigned char *digest, size_t len, const struct auth_source *auth,
                     unsigned char **sig, size_t *sig_len)
{
        TPMT_TK_HASHCHECK no_ticket = {.tag = TPM2_ST_HASHCHECK, .hierarchy = TPM2_RH_NULL};
        TPMT_SIG_SCHEME in_scheme = scheme_for(&key->public.publicArea, scheme);
        TPM2B_DIGEST message = {.size = (UINT16)len};
        TPMT_SIGNATURE *signature = NULL;
        ESYS_TR object, session;
        TSS2_RC rc;
        int r;

        if (len > sizeof(message.buffer))
                return error_set(EXIT_BAD_INPUT, "the digest is too long");
        memcpy(message.buffer, digest, len);
        if ((r = load_with_policy(tpm, key, auth, TPM2_CC_Sign, &object, &session)))
                return r;
        rc = Esys_Sign(tpm->esys, object, session, ESYS_TR_NONE, ESYS_TR_NONE, &message, &in_scheme,
                       &no_ticket, &signature);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "signing with %s", key->path);
        r = encode(signature, sig, sig_len);
        Esys_Free(signature);
        return r;
}

int decrypt_with_policy(struct tpm *tpm, const struct key_info *key, const unsigned char *in,
                        size_t len, const struct auth_source *auth, unsigned char **out,
                        size_t *out_len)
{
        TPMT_RSA_DECRYPT scheme = {.scheme = TPM2_ALG_OAEP,
                                   .details.oaep.hashAlg = key->public.publicArea.nameAlg};
        TPM2B_PUBLIC_KEY_RSA cipher = {.size = (UINT16)len};
        TPM2B_PUBLIC_KEY_RSA *plain = NULL;
        TPM2B_DATA label = {0};
        ESYS_TR object, session, crypt;
        TSS2_RC rc;
        int r;

        if (len > sizeof(cipher.buffer))
                return error_set(EXIT_BAD_INPUT, "the ciphertext is too long");
        memcpy(cipher.buffer, in, len);
        /* The plaintext is secret: it comes back in an encrypted response. */
        if ((r = session_start_encrypted(tpm, key->path, &crypt)) ||
            (r = load_with_policy(tpm, key, auth, TPM2_CC_RSA_Decrypt, &object, &session)))
                return r;
        rc = Esys_RSA_Decrypt(tpm->esys, object, session, crypt, ESYS_TR_NONE, &cipher, &scheme,
                              &label, &plain);
        if (rc != TSS2_RC_SUCCESS) {
                if (tpm_rc_code(rc) == TPM2_RC_VALUE || tpm_rc_code(rc) == TPM2_RC_FAILURE)
                        return error_set(EXIT_BAD_INPUT,
                                         "decrypting with %s: the data was not "
                                         "encrypted to this key, or was changed "
                                         "(%s)",
                                         key->path, rc_text(rc));
                return error_rc(rc, "decrypting with %s", key->path);
        }
        *out = malloc(plain->size ? plain->size : 1);
        if (*out)
                memcpy(*out, plain->buffer, plain->size);
        *out_len = plain->size;
        OPENSSL_cleanse(plain, sizeof(*plain));
        Esys_Free(plain);
        return *out ? 0 : error_set(EXIT_TPM, "out of memory");
}
