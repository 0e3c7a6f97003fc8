/* PCR policies stored in the keystore for FAPI to compute a new object's
 * authPolicy from (Fapi_CreateKey and Fapi_CreateSeal take a policy path). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "context.h"

/* Reads the PCRs of SPEC now and stores a policy for those values (and
 * PolicyAuthValue when with_auth) at a fresh /policy/tpmctl-seal-... path,
 * written to path. The caller deletes it once the object exists: the object
 * keeps its own copy. */
int pcr_policy_import(struct tpm *tpm, const char *spec, bool with_auth, char *path, size_t size);
