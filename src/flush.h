/* Clearing the TPM of transient objects and sessions that programs left
 * behind (without a resource manager, swtpm keeps them until it restarts). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <tss2/tss2_esys.h>

struct flush_count {
        unsigned transient;
        unsigned sessions;
};

/* Flushes every transient object and/or every loaded or saved session. */
int flush_all(ESYS_CONTEXT *esys, bool transient, bool sessions, struct flush_count *count);

/* The same, but for the TPM handles in keep (a context's own). */
int flush_others(ESYS_CONTEXT *esys, bool transient, bool sessions, const TPM2_HANDLE *keep,
                 size_t n_keep, struct flush_count *count);

/* Counts what is loaded now, without flushing. */
int count_loaded(ESYS_CONTEXT *esys, struct flush_count *count);
