/* Random bytes from the TPM, read through an encrypted session. */
#include "tpm_random.h"

#include <openssl/crypto.h>
#include <string.h>
#include <tss2/tss2_rc.h>

#include "errors.h"
#include "esys_wipe.h"
#include "session.h"
#include "watchdog.h"

/* TPM2_GetRandom returns at most the size of the TPM's largest digest per
 * call: 32 bytes on a TPM with SHA-256 alone, 48 or 64 with SHA-384 or
 * SHA-512. Every command through the session costs ESYS several hashes and
 * an HMAC (most of tpmctl's time for large amounts), so each asks for as
 * much as the TPM gives. */
#define CHUNK_ASKED 64
/* What every TPM returns whole, having SHA-256. */
#define CHUNK_SURE 32

int tpm_random(struct tpm *tpm, unsigned char *out, size_t len)
{
        ESYS_TR session = ESYS_TR_NONE;
        size_t done = 0, whole = CHUNK_SURE; /* what a request is known to get whole */
        bool known = false;                  /* whole is the TPM's answer, not a guess */
        int r;

        if (len > RANDOM_MAX)
                return error_set(EXIT_BAD_INPUT, "at most %u bytes at a time", RANDOM_MAX);
        if (len && (r = session_start_xor(
                        tpm, NULL, TPMA_SESSION_CONTINUESESSION | TPMA_SESSION_ENCRYPT, &session)))
                return r;
        while (done < len) {
                TPM2B_DIGEST *bytes = NULL;
                size_t rest = len - done, want;
                /* The last request ends the session (the TPM flushes it,
                 * which saves a TPM2_FlushContext): one whose answer is
                 * known to be whole. */
                bool last = rest <= whole;
                const char *wrong;
                TSS2_RC rc;

                want = last || known || rest < CHUNK_ASKED ? (last ? rest : whole) : CHUNK_ASKED;

                watchdog_kick();
                if (last && (rc = Esys_TRSess_SetAttributes(tpm->esys, session, 0,
                                                            TPMA_SESSION_CONTINUESESSION)))
                        return error_rc(rc, "setting the session's attributes");
                rc = Esys_GetRandom(tpm->esys, session, ESYS_TR_NONE, ESYS_TR_NONE, (UINT16)want,
                                    &bytes);
                if (last || rc != TSS2_RC_SUCCESS)
                        session_done(tpm, &session, rc);
                if (rc != TSS2_RC_SUCCESS)
                        return session_error(tpm, NULL, rc, "reading random bytes from the TPM");
                wrong = bytes->size > want                                 ? "more"
                        : bytes->size == 0 || (last && bytes->size < want) ? "fewer"
                                                                           : NULL;
                if (wrong) {
                        OPENSSL_cleanse(bytes, sizeof(*bytes));
                        Esys_Free(bytes);
                        session_done(tpm, &session, TPM2_RC_FAILURE);
                        return error_set(EXIT_TPM, "the TPM returned %s random bytes than asked",
                                         wrong);
                }
                /* Its answer to the largest request is the TPM's chunk size. */
                if (!known && want == CHUNK_ASKED) {
                        whole = bytes->size;
                        known = true;
                }
                memcpy(out + done, bytes->buffer, bytes->size);
                done += bytes->size;
                OPENSSL_cleanse(bytes, sizeof(*bytes));
                Esys_Free(bytes);
        }
        esys_response_wipe(tpm->esys); /* its copies of the last chunk */
        return 0;
}
