/* Whether tpmctl can work: the TPM answers, the keystore is provisioned and
 * matches the TPM, and the TPM is not locked out. */
#pragma once

#include "context.h"

/* 0 when healthy; otherwise the exit code with the reason recorded. */
int health_check(struct tpm *tpm);
