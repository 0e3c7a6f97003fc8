/* Whether tpmctl can work: the TPM answers, the keystore is provisioned and
 * matches the TPM, and the TPM is not locked out. */
#pragma once

#include "context.h"

#include <stddef.h>

/* 0 when healthy; otherwise the exit code with the reason recorded. */
int health_check(struct tpm *tpm);

/* The same, and when healthy but the TPM counts failed tries (the
 * dictionary-attack counter above 0), a warning in warning ("" without). */
int health_check_warn(struct tpm *tpm, char *warning, size_t size);
