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

/* What the TPM holds at the persistent handle of a profile's SRK. */
enum srk_presence {
        SRK_IN_TPM,  /* the key the keystore was provisioned with */
        SRK_MISSING, /* nothing: evicted, or the TPM was cleared */
        SRK_OTHER,   /* another key: another TPM, or a cleared one provisioned again */
};

/* Asks the TPM (one TPM2_ReadPublic) which of those the SRK of profile is;
 * *handle is its persistent handle. */
int srk_presence(struct tpm *tpm, const char *profile, enum srk_presence *presence,
                 unsigned *handle);

/* After a TPM command that used the SRK of full_path's profile (a Load under
 * it, a session salted with it, the command such a session served) failed
 * with rc: when rc may mean that the SRK is missing or another key, and the
 * TPM says it is, records "CONTEXT: why: what to do (0xRC: ...)" and returns
 * its exit code (EXIT_NOT_FOUND missing, EXIT_TPM another key). Else 0,
 * and the caller reports rc as it would have. Costs a TPM command only on
 * those failures, never on success. */
int srk_failure(struct tpm *tpm, const char *full_path, TSS2_RC rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
