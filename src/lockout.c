/* The dictionary-attack answers; see lockout.h. */
#include "lockout.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <tss2/tss2_tpm2_types.h>

#include "session.h"

int da_state_read(ESYS_CONTEXT *esys, struct da_state *da)
{
        TPMS_CAPABILITY_DATA *cap = NULL;
        unsigned found = 0;
        TSS2_RC rc;

        rc = Esys_GetCapability(esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                TPM2_CAP_TPM_PROPERTIES, TPM2_PT_LOCKOUT_COUNTER, 4, NULL, &cap);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "reading the TPM's dictionary-attack state");
        for (UINT32 i = 0; i < cap->data.tpmProperties.count; i++) {
                const TPMS_TAGGED_PROPERTY *p = &cap->data.tpmProperties.tpmProperty[i];
                switch (p->property) {
                case TPM2_PT_LOCKOUT_COUNTER:
                        da->failures = p->value;
                        found |= 1;
                        break;
                case TPM2_PT_MAX_AUTH_FAIL:
                        da->max_tries = p->value;
                        found |= 2;
                        break;
                case TPM2_PT_LOCKOUT_INTERVAL:
                        da->interval = p->value;
                        found |= 4;
                        break;
                case TPM2_PT_LOCKOUT_RECOVERY:
                        da->recovery = p->value;
                        found |= 8;
                        break;
                }
        }
        Esys_Free(cap);
        if (found != 15)
                return error_set(EXIT_TPM, "the TPM did not tell its dictionary-attack state");
        return 0;
}

int lockout_error(ESYS_CONTEXT *esys, TSS2_RC rc, const char *fmt, ...)
{
        unsigned code = tpm_rc_code(rc);
        struct da_state da = {0};
        char context[512], sentence[512];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(context, sizeof(context), fmt, ap);
        va_end(ap);
        if (esys && (code == TPM2_RC_AUTH_FAIL || code == TPM2_RC_LOCKOUT) &&
            da_state_read(esys, &da) == 0 &&
            da_sentence(rc, &da, time(NULL), sentence, sizeof(sentence)))
                return error_set(EXIT_AUTH, "%s: %s (%s)", context, sentence, rc_text(rc));
        return error_rc(rc, "%s", context);
}

int lockout_status_read(ESYS_CONTEXT *esys, struct lockout_status *st)
{
        TPMS_CAPABILITY_DATA *cap = NULL;
        TSS2_RC rc;
        int r;

        *st = (struct lockout_status){.now = time(NULL)};
        if ((r = da_state_read(esys, &st->da)))
                return r;
        rc = Esys_GetCapability(esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                TPM2_CAP_TPM_PROPERTIES, TPM2_PT_PERMANENT, 1, NULL, &cap);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "reading whether the TPM is in lockout");
        if (cap->data.tpmProperties.count < 1 ||
            cap->data.tpmProperties.tpmProperty[0].property != TPM2_PT_PERMANENT) {
                Esys_Free(cap);
                return error_set(EXIT_TPM, "the TPM did not tell whether it is in lockout");
        }
        st->in_lockout = cap->data.tpmProperties.tpmProperty[0].value & TPMA_PERMANENT_INLOCKOUT;
        Esys_Free(cap);
        return 0;
}

long lockout_next_try(const struct lockout_status *st)
{
        if (!st->in_lockout)
                return 0;
        if (st->da.interval == 0 || st->da.max_tries == 0)
                return -1;
        return (long)st->da.interval;
}

json_object *lockout_status_json(const struct lockout_status *st)
{
        json_object *o = json_object_new_object();
        long next = lockout_next_try(st);

        json_object_object_add(o, "failed_tries", json_object_new_int64(st->da.failures));
        json_object_object_add(o, "max_tries", json_object_new_int64(st->da.max_tries));
        json_object_object_add(o, "recovery_time", json_object_new_int64(st->da.interval));
        json_object_object_add(o, "lockout_recovery", json_object_new_int64(st->da.recovery));
        json_object_object_add(o, "locked_out", json_object_new_boolean(st->in_lockout));
        json_object_object_add(o, "next_try_in", next < 0 ? NULL : json_object_new_int64(next));
        if (next > 0) {
                time_t when = st->now + next;
                struct tm tm;
                char at[32];

                if (gmtime_r(&when, &tm) && strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm))
                        json_object_object_add(o, "next_try_at", json_object_new_string(at));
        }
        if (!json_object_object_get_ex(o, "next_try_at", NULL))
                json_object_object_add(o, "next_try_at", NULL);
        return o;
}

static int unsalted_session(struct tpm *tpm, ESYS_TR *session)
{
        TPMT_SYM_DEF symmetric = {.algorithm = TPM2_ALG_NULL};
        TSS2_RC rc;

        tpm_mark_busy(tpm);
        rc = Esys_StartAuthSession(tpm->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                   ESYS_TR_NONE, ESYS_TR_NONE, NULL, TPM2_SE_HMAC, &symmetric,
                                   TPM2_ALG_SHA256, session);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "starting an HMAC session");
        tpm_track(tpm, *session);
        /* One command: the TPM flushes it after. */
        rc = Esys_TRSess_SetAttributes(tpm->esys, *session, 0, 0xff);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "setting the session's attributes");
        return 0;
}

int lockout_clear(struct tpm *tpm, const struct secret *password)
{
        TPM2B_AUTH auth = {0}, none = {0};
        ESYS_TR session = ESYS_TR_NONE;
        struct da_state da = {0};
        TSS2_RC rc;
        int r;

        if (password && password->size > sizeof(auth.buffer))
                return error_set(EXIT_BAD_INPUT, "the lockout password is longer than %zu bytes",
                                 sizeof(auth.buffer));
        if (password && password->size) {
                auth.size = (UINT16)password->size;
                memcpy(auth.buffer, password->data, password->size);
        }
        rc = Esys_TR_SetAuth(tpm->esys, ESYS_TR_RH_LOCKOUT, &auth);
        OPENSSL_cleanse(&auth, sizeof(auth));
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "setting the lockout password");
        /* Salted: the password's HMAC is no offline guess for a bus listener. */
        r = session_start(tpm, NULL, TPM2_SE_HMAC, TPM2_ALG_SHA256, 0, &session);
        /* No SRK (not provisioned, or the TPM was cleared): a lockout must
         * still be clearable, with an unsalted HMAC session, which at least
         * does not send the password. */
        if (r == EXIT_NOT_FOUND && (r = unsalted_session(tpm, &session)) == 0)
                error_clear();
        if (r) {
                Esys_TR_SetAuth(tpm->esys, ESYS_TR_RH_LOCKOUT, &none);
                return r;
        }
        rc = Esys_DictionaryAttackLockReset(tpm->esys, ESYS_TR_RH_LOCKOUT, session, ESYS_TR_NONE,
                                            ESYS_TR_NONE);
        session_done(tpm, &session, rc);
        Esys_TR_SetAuth(tpm->esys, ESYS_TR_RH_LOCKOUT, &none);
        if (rc == TSS2_RC_SUCCESS)
                return 0;
        switch (tpm_rc_code(rc)) {
        case TPM2_RC_AUTH_FAIL:
        case TPM2_RC_BAD_AUTH:
                if (da_state_read(tpm->esys, &da) == 0 && da.recovery)
                        return error_set(EXIT_AUTH,
                                         "clearing the dictionary-attack lockout: wrong lockout "
                                         "password; the lockout hierarchy now refuses every "
                                         "password for %u s (its lockout recovery time) (%s)",
                                         da.recovery, rc_text(rc));
                return error_set(EXIT_AUTH,
                                 "clearing the dictionary-attack lockout: wrong lockout "
                                 "password (%s)",
                                 rc_text(rc));
        case TPM2_RC_LOCKOUT:
                if (da_state_read(tpm->esys, &da) == 0 && da.recovery == 0)
                        return error_set(EXIT_AUTH,
                                         "clearing the dictionary-attack lockout: the lockout "
                                         "hierarchy refuses its password after a wrong one, "
                                         "until the TPM is restarted (its lockout recovery "
                                         "time is 0) (%s)",
                                         rc_text(rc));
                return error_set(EXIT_AUTH,
                                 "clearing the dictionary-attack lockout: the lockout "
                                 "hierarchy refuses its password after a wrong one: wait at "
                                 "most %u s (its lockout recovery time) (%s)",
                                 da.recovery, rc_text(rc));
        }
        return session_error(tpm, NULL, rc, "clearing the dictionary-attack lockout");
}
