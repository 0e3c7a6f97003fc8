/* KDFa, the TPM's key derivation (TPM 2.0 Part 1, 11.4.10.2). */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <tss2/tss2_tpm2_types.h>

/* out := KDFa(alg, key, label, context, bits): SP 800-108 counter mode
 * with HMAC-alg over [i]32 || label || 0x00 || context || [bits]32, where
 * context is contextU || contextV. bits is a whole number of bytes. */
int kdfa(TPMI_ALG_HASH alg, const uint8_t *key, size_t key_len, const char *label,
         const uint8_t *context, size_t context_len, unsigned bits, uint8_t *out);
