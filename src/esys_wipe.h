/* Wiping what ESYS keeps of a secret a TPM command returned: it decrypts
 * the response parameters in place, in the buffer of its SYS context, and
 * through a copy on its own stack; both outlive the command. */
#pragma once

#include <tss2/tss2_esys.h>

/* After an Esys_* call whose response held a secret (unsealed data, a
 * plaintext, random bytes): overwrites the response parameters in ESYS's
 * command buffer, and the stack below the caller, where ESYS's finished
 * calls left their copies. */
void esys_response_wipe(ESYS_CONTEXT *esys);
