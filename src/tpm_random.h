/* Random bytes from the TPM, read through an encrypted session. */
#pragma once

#include <stddef.h>

#include "context.h"

#define RANDOM_MAX (1u << 20)

int tpm_random(struct tpm *tpm, unsigned char *out, size_t len);
