/* Setting up the keystore and the TPM's storage root key for a profile. */
#pragma once

#include <stdbool.h>

#include "context.h"

/* Provisions the active profile. Already provisioned: EXIT_EXISTS, unless
 * force, which forgets the profile's hierarchy objects (not the keys under
 * the SRK: the SRK comes back the same from the same seed) and provisions
 * again. */
int provision(struct tpm *tpm, bool force);

/* Whether the TPM has a persistent object at handle. */
int persistent_handle_present(ESYS_CONTEXT *esys, TPM2_HANDLE handle, bool *present);

/* The persistent handle of the profile's SRK as the keystore records it;
 * 0 when it is not persistent or the keystore has no SRK. */
unsigned srk_persistent_handle(const struct tpm *tpm, const char *profile);
