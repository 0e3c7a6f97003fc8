/* The dictionary-attack answers; see lockout.h. */
#include "lockout.h"

#include <stdio.h>
#include <time.h>
#include <tss2/tss2_tpm2_types.h>

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
