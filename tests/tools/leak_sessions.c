/* Leaves N sessions loaded in the TPM of TPMCTL_TCTI, as a program killed
 * between starting and flushing them does (tpm2_startauthsession saves its
 * session instead, which takes no loaded slot):
 *
 *   leak_sessions N    -> "leaked N" (exit 0), or the TPM's code (exit 1)
 *
 * A test tool for tests/bats/91-crash-recovery.bats. */
#include <stdio.h>
#include <stdlib.h>
#include <tss2/tss2_esys.h>
#include <tss2/tss2_tctildr.h>

int main(int argc, char **argv)
{
        TPMT_SYM_DEF symmetric = {.algorithm = TPM2_ALG_NULL};
        TSS2_TCTI_CONTEXT *tcti = NULL;
        ESYS_CONTEXT *esys = NULL;
        int n = argc > 1 ? atoi(argv[1]) : 1, i;
        TSS2_RC rc;

        if (Tss2_TctiLdr_Initialize(getenv("TPMCTL_TCTI"), &tcti) != TSS2_RC_SUCCESS ||
            Esys_Initialize(&esys, tcti, NULL) != TSS2_RC_SUCCESS) {
                fprintf(stderr, "no TPM at TPMCTL_TCTI\n");
                return 1;
        }
        for (i = 0; i < n; i++) {
                ESYS_TR session;
                rc = Esys_StartAuthSession(esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                           ESYS_TR_NONE, ESYS_TR_NONE, NULL, TPM2_SE_HMAC,
                                           &symmetric, TPM2_ALG_SHA256, &session);
                if (rc != TSS2_RC_SUCCESS) {
                        fprintf(stderr, "session %d: 0x%x\n", i + 1, rc);
                        return 1;
                }
        }
        Esys_Finalize(&esys); /* forgets them; the TPM keeps them */
        Tss2_TctiLdr_Finalize(&tcti);
        printf("leaked %d\n", n);
        return 0;
}
