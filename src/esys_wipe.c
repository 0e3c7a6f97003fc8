/* Wiping ESYS's copies of a secret response; see esys_wipe.h. */
#include "esys_wipe.h"

#include <openssl/crypto.h>
#include <stdint.h>
#include <tss2/tss2_sys.h>

/* Deeper than the frames of any Esys_* call (ESYS keeps TPM2B buffers of a
 * few kilobytes on its stack while it decrypts a response). */
#define STACK_WIPE_BYTES (64 * 1024)

/* Not inlined, so that its frame lies where the finished calls' frames were. */
__attribute__((noinline)) static void stack_wipe(void)
{
        unsigned char area[STACK_WIPE_BYTES];

        OPENSSL_cleanse(area, sizeof(area));
        __asm__ volatile("" : : "r"(area) : "memory");
}

void esys_response_wipe(ESYS_CONTEXT *esys)
{
        TSS2_SYS_CONTEXT *sys = NULL;
        const uint8_t *params = NULL;
        size_t size = 0;

        /* The buffer is ESYS's own; the pointer is const only because the
         * SYS API means it to be read. */
        if (esys && Esys_GetSysContext(esys, &sys) == TSS2_RC_SUCCESS && sys &&
            Tss2_Sys_GetRpBuffer(sys, &size, &params) == TSS2_RC_SUCCESS && params && size)
                OPENSSL_cleanse((void *)(uintptr_t)params, size);
        stack_wipe();
}
