/* Answers for wrong passwords and dictionary-attack lockout that say where
 * the TPM stands: the tries left, or how long to wait. */
#pragma once

#include <tss2/tss2_esys.h>

#include "errors.h"

/* The TPM's dictionary-attack state (one TPM2_GetCapability). */
int da_state_read(ESYS_CONTEXT *esys, struct da_state *da);

/* Like error_rc(rc, "CONTEXT"), but for a wrong password on a DA-protected
 * object or a refusal in lockout it asks the TPM for its state and says
 * da_sentence()'s. Only on this failure path: a command that succeeds sends
 * nothing more. esys NULL, or the state unreadable: error_rc()'s answer. */
int lockout_error(ESYS_CONTEXT *esys, TSS2_RC rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
