/* Clearing the TPM of transient objects and sessions that programs left behind. */
#include "flush.h"

#include <tss2/tss2_rc.h>

#include "errors.h"

/* The first handles of each range, spelled out: the tss2 header's macros
 * shift a signed 0x80 by 24 bits, which is undefined behaviour in C. */
#define TRANSIENT_FIRST      0x80000000u
#define LOADED_SESSION_FIRST 0x02000000u
#define SAVED_SESSION_FIRST  0x03000000u

static int list_handles(ESYS_CONTEXT *esys, TPM2_HANDLE first, TPMS_CAPABILITY_DATA **cap)
{
        TSS2_RC rc = Esys_GetCapability(esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                        TPM2_CAP_HANDLES, first, TPM2_MAX_CAP_HANDLES, NULL, cap);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "cannot list the TPM's handles");
        return 0;
}

static bool kept(TPM2_HANDLE handle, const TPM2_HANDLE *keep, size_t n_keep)
{
        for (size_t i = 0; i < n_keep; i++)
                if (keep[i] == handle)
                        return true;
        return false;
}

static int flush_range(ESYS_CONTEXT *esys, TPM2_HANDLE first, const TPM2_HANDLE *keep,
                       size_t n_keep, unsigned *flushed)
{
        TPMS_CAPABILITY_DATA *cap = NULL;
        int r;

        if ((r = list_handles(esys, first, &cap)))
                return r;
        for (UINT32 i = 0; i < cap->data.handles.count; i++) {
                TPM2_HANDLE handle = cap->data.handles.handle[i];
                ESYS_TR tr;
                TSS2_RC rc;

                if (kept(handle, keep, n_keep))
                        continue;
                rc = Esys_TR_FromTPMPublic(esys, handle, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                           &tr);
                if (rc == TSS2_RC_SUCCESS)
                        rc = Esys_FlushContext(esys, tr);
                if (rc != TSS2_RC_SUCCESS) {
                        Esys_Free(cap);
                        return error_rc(rc, "cannot flush handle 0x%08x", handle);
                }
                (*flushed)++;
        }
        Esys_Free(cap);
        return 0;
}

int flush_others(ESYS_CONTEXT *esys, bool transient, bool sessions, const TPM2_HANDLE *keep,
                 size_t n_keep, struct flush_count *count)
{
        int r;

        count->transient = count->sessions = 0;
        if (transient && (r = flush_range(esys, TRANSIENT_FIRST, keep, n_keep, &count->transient)))
                return r;
        if (sessions &&
            ((r = flush_range(esys, LOADED_SESSION_FIRST, keep, n_keep, &count->sessions)) ||
             (r = flush_range(esys, SAVED_SESSION_FIRST, keep, n_keep, &count->sessions))))
                return r;
        return 0;
}

int flush_all(ESYS_CONTEXT *esys, bool transient, bool sessions, struct flush_count *count)
{
        return flush_others(esys, transient, sessions, NULL, 0, count);
}

static int count_range(ESYS_CONTEXT *esys, TPM2_HANDLE first, unsigned *n)
{
        TPMS_CAPABILITY_DATA *cap = NULL;
        int r;

        if ((r = list_handles(esys, first, &cap)))
                return r;
        *n += cap->data.handles.count; /* the TPM lists only the type asked for */
        Esys_Free(cap);
        return 0;
}

int count_loaded(ESYS_CONTEXT *esys, struct flush_count *count)
{
        int r;

        count->transient = count->sessions = 0;
        if ((r = count_range(esys, TRANSIENT_FIRST, &count->transient)) ||
            (r = count_range(esys, LOADED_SESSION_FIRST, &count->sessions)))
                return r;
        return count_range(esys, SAVED_SESSION_FIRST, &count->sessions);
}
