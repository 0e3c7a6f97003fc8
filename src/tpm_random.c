/* Random bytes from the TPM, read through an encrypted session. */
#include "tpm_random.h"

#include <openssl/crypto.h>
#include <string.h>
#include <tss2/tss2_rc.h>

#include "errors.h"
#include "session.h"
#include "watchdog.h"

/* TPM2_GetRandom returns at most its largest digest's size per call; every
 * TPM has SHA-256, so 32 bytes always come back whole and the request that
 * ends the session is known to be the last. */
#define CHUNK 32

int tpm_random(struct tpm *tpm, unsigned char *out, size_t len)
{
        ESYS_TR session = ESYS_TR_NONE;
        size_t done = 0;
        int r;

        if (len > RANDOM_MAX)
                return error_set(EXIT_BAD_INPUT, "at most %u bytes at a time", RANDOM_MAX);
        if (len &&
            (r = session_start(tpm, NULL, TPM2_SE_HMAC, TPM2_ALG_SHA256,
                               TPMA_SESSION_CONTINUESESSION | TPMA_SESSION_ENCRYPT, &session)))
                return r;
        while (done < len) {
                TPM2B_DIGEST *bytes = NULL;
                size_t want = len - done < CHUNK ? len - done : CHUNK;
                bool last = done + want == len;
                TSS2_RC rc;

                watchdog_kick();
                /* The last request ends the session: the TPM flushes it,
                 * which saves a TPM2_FlushContext. */
                if (last && (rc = Esys_TRSess_SetAttributes(tpm->esys, session, 0,
                                                            TPMA_SESSION_CONTINUESESSION)))
                        return error_rc(rc, "setting the session's attributes");
                rc = Esys_GetRandom(tpm->esys, session, ESYS_TR_NONE, ESYS_TR_NONE, (UINT16)want,
                                    &bytes);
                if (last || rc != TSS2_RC_SUCCESS)
                        session_done(tpm, &session, rc);
                if (rc != TSS2_RC_SUCCESS)
                        return session_error(tpm, NULL, rc, "reading random bytes from the TPM");
                if (bytes->size == 0 || bytes->size > want) {
                        Esys_Free(bytes);
                        session_done(tpm, &session, TPM2_RC_FAILURE);
                        return error_set(EXIT_TPM, "the TPM returned no random bytes");
                }
                memcpy(out + done, bytes->buffer, bytes->size);
                done += bytes->size;
                OPENSSL_cleanse(bytes->buffer, bytes->size);
                Esys_Free(bytes);
        }
        return 0;
}
