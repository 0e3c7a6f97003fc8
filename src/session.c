/* Sessions tpmctl starts itself through ESYS; see session.h. */
#include "session.h"

#include <stdarg.h>
#include <stdio.h>
#include <tss2/tss2_rc.h>

#include "errors.h"
#include "lockout.h"
#include "recovery.h"
#include "srk.h"

int srk_object(struct tpm *tpm, const char *full_path, ESYS_TR *srk)
{
        return srk_new_esys(tpm, full_path, srk);
}

int session_error(struct tpm *tpm, const char *for_path, TSS2_RC rc, const char *fmt, ...)
{
        char context[512];
        va_list ap;
        int r;

        va_start(ap, fmt);
        vsnprintf(context, sizeof(context), fmt, ap);
        va_end(ap);
        if ((r = srk_failure(tpm, for_path, rc, "%s", context)))
                return r;
        /* A wrong password or lockout: the tries left, or how long to wait. */
        return lockout_error(tpm->esys, rc, "%s", context);
}

static int start(struct tpm *tpm, const char *for_path, TPM2_SE type, TPMI_ALG_HASH alg,
                 TPMA_SESSION attrs, TPMT_SYM_DEF *symmetric, ESYS_TR *session)
{
        ESYS_TR srk;
        TSS2_RC rc;
        int r;

        if ((r = srk_esys(tpm, for_path, &srk)))
                return r;
        tpm_mark_busy(tpm);
        rc = Esys_StartAuthSession(tpm->esys, srk, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                   ESYS_TR_NONE, NULL, type, symmetric, alg, session);
        /* What others left fills the TPM's few slots (the salt key takes
         * an object slot while the session starts): make room once. */
        if ((tpm_rc_code(rc) == TPM2_RC_SESSION_MEMORY ||
             tpm_rc_code(rc) == TPM2_RC_OBJECT_MEMORY) &&
            tpm_make_room(tpm))
                rc = Esys_StartAuthSession(tpm->esys, srk, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                           ESYS_TR_NONE, NULL, type, symmetric, alg, session);
        if (rc != TSS2_RC_SUCCESS)
                return session_error(tpm, for_path, rc,
                                     "starting a session salted with the storage root key");
        tpm_track(tpm, *session);
        rc = Esys_TRSess_SetAttributes(tpm->esys, *session, attrs, 0xff);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "setting the session's attributes");
        return 0;
}

int session_start(struct tpm *tpm, const char *for_path, TPM2_SE type, TPMI_ALG_HASH alg,
                  TPMA_SESSION attrs, ESYS_TR *session)
{
        TPMT_SYM_DEF aes = {
            .algorithm = TPM2_ALG_AES, .keyBits = {.aes = 128}, .mode = {.aes = TPM2_ALG_CFB}};

        return start(tpm, for_path, type, alg, attrs, &aes, session);
}

int session_start_xor(struct tpm *tpm, const char *for_path, TPMA_SESSION attrs, ESYS_TR *session)
{
        TPMT_SYM_DEF xor = {.algorithm = TPM2_ALG_XOR,
                            .keyBits = {.exclusiveOr = TPM2_ALG_SHA256},
                            .mode = {.sym = TPM2_ALG_NULL}};

        return start(tpm, for_path, TPM2_SE_HMAC, TPM2_ALG_SHA256, attrs, &xor, session);
}

void session_done(struct tpm *tpm, ESYS_TR *session, TSS2_RC rc)
{
        if (*session == ESYS_TR_NONE || *session == ESYS_TR_PASSWORD)
                return;
        tpm_untrack(tpm, *session);
        if (rc == TSS2_RC_SUCCESS)
                Esys_TR_Close(tpm->esys, session);
        else
                Esys_FlushContext(tpm->esys, *session);
        *session = ESYS_TR_NONE;
}

int session_start_encrypted(struct tpm *tpm, const char *for_path, ESYS_TR *session)
{
        return session_start(
            tpm, for_path, TPM2_SE_HMAC, TPM2_ALG_SHA256,
            TPMA_SESSION_CONTINUESESSION | TPMA_SESSION_ENCRYPT | TPMA_SESSION_DECRYPT, session);
}
