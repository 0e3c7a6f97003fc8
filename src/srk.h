/* The storage root key (SRK) of a profile as an ESYS object, built from what
 * the keystore recorded when it provisioned: no TPM command. */
#pragma once

#include <stddef.h>
#include <tss2/tss2_esys.h>

#include "context.h"

/* The profile of a full keystore path (/P_ECCP256SHA256/HS/SRK/k), or the
 * active one for NULL or another path. */
void path_profile(const struct tpm *tpm, const char *full_path, char *profile, size_t size);

/* The SRK's public area as the keystore holds it (/PROFILE/HS/SRK). */
int srk_public(struct tpm *tpm, const char *profile, TPM2B_PUBLIC *pub);

/* A new ESYS object for the SRK of full_path's profile, which the caller
 * closes with Esys_TR_Close (it stays in the TPM). */
int srk_new_esys(struct tpm *tpm, const char *full_path, ESYS_TR *srk);

/* The same, kept by the context for its lifetime: not to be closed. */
int srk_esys(struct tpm *tpm, const char *full_path, ESYS_TR *srk);
