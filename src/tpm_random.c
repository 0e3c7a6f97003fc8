/* Random bytes from the TPM, read through an encrypted session. */
#include "tpm_random.h"

#include <openssl/crypto.h>
#include <string.h>
#include <tss2/tss2_rc.h>

#include "errors.h"
#include "session.h"
#include "watchdog.h"

/* TPM2_GetRandom returns at most one digest's worth per call. */
#define CHUNK 64

int tpm_random(struct tpm *tpm, unsigned char *out, size_t len)
{
        ESYS_TR session;
        size_t done = 0;
        int r;

        if (len > RANDOM_MAX)
                return error_set(EXIT_BAD_INPUT, "at most %u bytes at a time", RANDOM_MAX);
        if (len && (r = session_start_encrypted(tpm, NULL, &session)))
                return r;
        while (done < len) {
                TPM2B_DIGEST *bytes = NULL;
                size_t want = len - done < CHUNK ? len - done : CHUNK;
                TSS2_RC rc;

                watchdog_kick();
                rc = Esys_GetRandom(tpm->esys, session, ESYS_TR_NONE, ESYS_TR_NONE, (UINT16)want,
                                    &bytes);
                if (rc != TSS2_RC_SUCCESS)
                        return error_rc(rc, "reading random bytes from the TPM");
                if (bytes->size == 0) {
                        Esys_Free(bytes);
                        return error_set(EXIT_TPM, "the TPM returned no random bytes");
                }
                memcpy(out + done, bytes->buffer, bytes->size);
                done += bytes->size;
                OPENSSL_cleanse(bytes->buffer, bytes->size);
                Esys_Free(bytes);
        }
        return 0;
}
