/* The raw ESYS floor for large amounts of TPM random bytes: one process, one
 * TCTI connection, TPM2_GetRandom in a loop asking for CHUNK bytes each, with
 * no session (the bytes cross the bus in clear) or with one unsalted HMAC
 * session that encrypts the responses (what ESYS's session work costs per
 * command, without the salt tpmctl adds once). bench/random_large compares
 * `tpmctl random` with both.
 *
 *   esys_random_floor TCTI BYTES CHUNK plain|session
 *
 * Prints one line: "BYTES bytes, N commands, X s". Built by
 * bench/random_large with cc and pkg-config; not part of the meson build. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tss2/tss2_esys.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

static int fail(const char *what, TSS2_RC rc)
{
        fprintf(stderr, "esys_random_floor: %s: %s\n", what, Tss2_RC_Decode(rc));
        return 1;
}

static double now_s(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
        TSS2_TCTI_CONTEXT *tcti = NULL;
        ESYS_CONTEXT *esys = NULL;
        ESYS_TR session = ESYS_TR_NONE;
        size_t bytes, chunk, done = 0, commands = 0;
        double start;
        TSS2_RC rc;

        if (argc != 5 || (strcmp(argv[4], "plain") != 0 && strcmp(argv[4], "session") != 0)) {
                fprintf(stderr, "usage: esys_random_floor TCTI BYTES CHUNK plain|session\n");
                return 2;
        }
        bytes = strtoul(argv[2], NULL, 10);
        chunk = strtoul(argv[3], NULL, 10);
        if (!bytes || !chunk || chunk > sizeof(((TPM2B_DIGEST *)0)->buffer))
                return 2;
        if ((rc = Tss2_TctiLdr_Initialize(argv[1], &tcti)))
                return fail("Tss2_TctiLdr_Initialize", rc);
        if ((rc = Esys_Initialize(&esys, tcti, NULL)))
                return fail("Esys_Initialize", rc);
        start = now_s();
        if (strcmp(argv[4], "session") == 0) {
                TPMT_SYM_DEF sym = {
                    .algorithm = TPM2_ALG_AES, .keyBits.aes = 128, .mode.aes = TPM2_ALG_CFB};
                if ((rc = Esys_StartAuthSession(esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                                ESYS_TR_NONE, ESYS_TR_NONE, NULL, TPM2_SE_HMAC,
                                                &sym, TPM2_ALG_SHA256, &session)))
                        return fail("Esys_StartAuthSession", rc);
                commands++;
                if ((rc = Esys_TRSess_SetAttributes(
                         esys, session, TPMA_SESSION_CONTINUESESSION | TPMA_SESSION_ENCRYPT, 0xff)))
                        return fail("Esys_TRSess_SetAttributes", rc);
        }
        while (done < bytes) {
                TPM2B_DIGEST *out = NULL;
                UINT16 want = (UINT16)(bytes - done < chunk ? bytes - done : chunk);
                if ((rc = Esys_GetRandom(esys, session, ESYS_TR_NONE, ESYS_TR_NONE, want, &out)))
                        return fail("Esys_GetRandom", rc);
                commands++;
                done += out->size;
                Esys_Free(out);
        }
        printf("%zu bytes, %zu commands, %.2f s\n", bytes, commands, now_s() - start);
        if (session != ESYS_TR_NONE)
                Esys_FlushContext(esys, session);
        Esys_Finalize(&esys);
        Tss2_TctiLdr_Finalize(&tcti);
        return 0;
}
