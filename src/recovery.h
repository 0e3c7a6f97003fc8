/* Cleaning up after a tpmctl process that was killed while it held the
 * keystore lock, from what its journal says (journal.h), and making room in
 * a TPM that others filled. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <tss2/tss2_esys.h>

#include "context.h"

/* Under the lock, once the TPM connection is up (tpm_open(), or a kept
 * context's tpm_relock()): flushes every transient object and session a
 * dead predecessor may have left (without a resource manager, when the
 * journal says it had something loaded; not for a context that has no TPM
 * connection: the next one does it), and finishes a half-done delete or
 * keeps or removes a half-made object, as whole as it is. Each says so on
 * stderr in one line. 0, or the exit code of taking the lock exclusively. */
int recovery_run(struct tpm *tpm);

/* After TPM_RC_OBJECT_MEMORY or TPM_RC_SESSION_MEMORY without a resource
 * manager: flushes the transient objects and sessions that are not
 * this context's (tracked, or in its cache), which under the keystore lock
 * only a dead tpmctl or another program can have left. True when something
 * was flushed, so the command is worth trying once more. */
bool tpm_make_room(struct tpm *tpm);

/* What object_dir_clean() removes from an object's directory in the user
 * keystore, each with what the one before removes. */
enum object_clean {
        CLEAN_TEMPORARY, /* the temporary files of writes that did not finish */
        CLEAN_ENVELOPE,  /* a sealed secret's envelope */
        CLEAN_ALL,       /* object.json and the directory */
};
void object_dir_clean(const struct tpm *tpm, const char *full_path, enum object_clean what);
