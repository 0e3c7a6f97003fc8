/* The names of TPM algorithms, curves and object attributes: one table of
 * each, for what tpmctl prints ("sha256"), what FAPI's JSON holds ("SHA256",
 * "NIST_P256", "fixedTPM") and what OpenSSL calls them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <tss2/tss2_tpm2_types.h>

/* "sha256", "rsapss", "ecc"...; NULL when tpmctl has no name for it. */
const char *alg_name(TPM2_ALG_ID alg);

/* FAPI's spelling in object JSON: "SHA256", "RSAPSS"; "NULL" when unknown. */
const char *alg_fapi_name(TPM2_ALG_ID alg);

/* The algorithm for a name in any case, with or without "TPM2_ALG_". */
bool alg_from_name(const char *name, TPM2_ALG_ID *alg);

/* FAPI's curve names ("NIST_P256"; "NONE" when unknown), OpenSSL's group
 * names (SN_X9_62_prime256v1; NULL when unknown) and the curve's size. */
const char *curve_fapi_name(TPMI_ECC_CURVE curve);
const char *curve_group(TPMI_ECC_CURVE curve);
unsigned curve_bits(TPMI_ECC_CURVE curve);

/* TPMA_OBJECT bits, with FAPI's names ("fixedTPM", "noDA", ...), in the
 * order of the bits. */
struct attribute_name {
        TPMA_OBJECT bit;
        const char *name;
};
extern const struct attribute_name object_attributes[];
extern const size_t object_attributes_count;
