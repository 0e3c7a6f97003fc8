/* The raw ESYS floor for RSA-2048 signing: what N signatures cost when one
 * process keeps one TCTI connection and one loaded key, and sends nothing but
 * TPM2_Sign per signature (password authorization, no sessions, no keystore).
 * bench/run compares `tpmctl sign` processes, `tss2_sign` processes and (when
 * it exists) `tpmctl batch` against this figure.
 *
 *   esys_sign_floor TCTI N      e.g. esys_sign_floor swtpm:path=/tmp/tpm.sock 1000
 *
 * Prints one line: "N signatures, X ms per signature". The key is a primary
 * RSA-2048 RSA-PSS/SHA-256 signing key under the owner hierarchy (created
 * before the clock starts, flushed at the end). Built by bench/run with cc and
 * pkg-config; not part of the meson build. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tss2/tss2_esys.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

static int fail(const char *what, TSS2_RC rc)
{
        fprintf(stderr, "esys_sign_floor: %s: %s\n", what, Tss2_RC_Decode(rc));
        return 1;
}

static double now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static const TPM2B_PUBLIC signing_template = {
    .publicArea =
        {
            .type = TPM2_ALG_RSA,
            .nameAlg = TPM2_ALG_SHA256,
            .objectAttributes = TPMA_OBJECT_SIGN_ENCRYPT | TPMA_OBJECT_FIXEDTPM |
                                TPMA_OBJECT_FIXEDPARENT | TPMA_OBJECT_SENSITIVEDATAORIGIN |
                                TPMA_OBJECT_USERWITHAUTH,
            .parameters.rsaDetail =
                {
                    .symmetric.algorithm = TPM2_ALG_NULL,
                    .scheme = {.scheme = TPM2_ALG_RSAPSS,
                               .details.rsapss.hashAlg = TPM2_ALG_SHA256},
                    .keyBits = 2048,
                },
        },
};

/* Signs n digests with key; each digest differs (a counter) so that no
 * layer can answer from a cache. */
static TSS2_RC sign_loop(ESYS_CONTEXT *esys, ESYS_TR key, long n)
{
        const TPMT_SIG_SCHEME scheme = {
            .scheme = TPM2_ALG_RSAPSS,
            .details.rsapss.hashAlg = TPM2_ALG_SHA256,
        };
        const TPMT_TK_HASHCHECK no_ticket = {
            .tag = TPM2_ST_HASHCHECK,
            .hierarchy = TPM2_RH_NULL,
        };
        for (long i = 0; i < n; i++) {
                TPM2B_DIGEST digest = {.size = 32};
                memcpy(digest.buffer, &i, sizeof(i));
                TPMT_SIGNATURE *signature = NULL;
                TSS2_RC rc = Esys_Sign(esys, key, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
                                       &digest, &scheme, &no_ticket, &signature);
                Esys_Free(signature);
                if (rc != TSS2_RC_SUCCESS)
                        return rc;
        }
        return TSS2_RC_SUCCESS;
}

int main(int argc, char **argv)
{
        if (argc != 3) {
                fprintf(stderr, "usage: esys_sign_floor TCTI N\n");
                return 2;
        }
        char *end;
        errno = 0;
        long n = strtol(argv[2], &end, 10);
        if (errno || *end || n < 1) {
                fprintf(stderr, "esys_sign_floor: N must be a positive number\n");
                return 2;
        }

        TSS2_TCTI_CONTEXT *tcti = NULL;
        TSS2_RC rc = Tss2_TctiLdr_Initialize(argv[1], &tcti);
        if (rc != TSS2_RC_SUCCESS)
                return fail("TCTI", rc);
        ESYS_CONTEXT *esys = NULL;
        rc = Esys_Initialize(&esys, tcti, NULL);
        if (rc != TSS2_RC_SUCCESS) {
                Tss2_TctiLdr_Finalize(&tcti);
                return fail("Esys_Initialize", rc);
        }

        const TPM2B_SENSITIVE_CREATE no_auth = {0};
        const TPM2B_DATA no_outside_info = {0};
        const TPML_PCR_SELECTION no_pcrs = {0};
        ESYS_TR key = ESYS_TR_NONE;
        rc = Esys_CreatePrimary(esys, ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                                ESYS_TR_NONE, &no_auth, &signing_template, &no_outside_info,
                                &no_pcrs, &key, NULL, NULL, NULL, NULL);
        int status = 0;
        if (rc != TSS2_RC_SUCCESS) {
                status = fail("Esys_CreatePrimary", rc);
        } else {
                /* One signature first: swtpm may answer a new key's first
                 * signature with TPM_RC_RETRY, which is no per-op cost. */
                rc = sign_loop(esys, key, 1);
                double start = now_ms();
                if (rc == TSS2_RC_SUCCESS)
                        rc = sign_loop(esys, key, n);
                double elapsed = now_ms() - start;
                if (rc != TSS2_RC_SUCCESS)
                        status = fail("Esys_Sign", rc);
                else
                        printf("%ld signatures, %.3f ms per signature\n", n, elapsed / n);
                Esys_FlushContext(esys, key);
        }
        Esys_Finalize(&esys);
        Tss2_TctiLdr_Finalize(&tcti);
        return status;
}
