/* PCRs: selections as users write them ("sha256:0,7,16+sha1:0"), reading
 * and extending them. */
#pragma once

#include <stdbool.h>
#include <tss2/tss2_esys.h>

#define PCR_COUNT      24
#define PCR_MAX_VALUES 128

/* "sha256" <-> TPM2_ALG_SHA256 (also accepts "TPM2_ALG_SHA256", "SHA256"). */
int bank_parse(const char *name, TPMI_ALG_HASH *alg);
const char *bank_name(TPMI_ALG_HASH alg);

/* Parses SPEC, as typed on the command line, into a selection (3-byte
 * select, banks in the order given); EXIT_USAGE when it is malformed. */
int pcr_spec_parse(const char *spec, TPML_PCR_SELECTION *sel);

/* Adds one PCR to a selection, keeping the banks in first-seen order. */
int pcr_select(TPML_PCR_SELECTION *sel, TPMI_ALG_HASH bank, unsigned index);

struct pcr_value {
        TPMI_ALG_HASH bank;
        unsigned index;
        TPM2B_DIGEST digest;
};

/* Values in selection order: bank by bank, PCR index ascending, which is
 * the order TPM2_PolicyPCR hashes them in. */
struct pcr_values {
        struct pcr_value v[PCR_MAX_VALUES];
        unsigned n;
};

/* Visits the selected PCRs in selection order. */
#define PCR_FOREACH(sel, b, i)                                                                     \
        for (UINT32 b = 0; b < (sel)->count; b++)                                                  \
                for (unsigned i = 0; i < PCR_COUNT; i++)                                           \
                        if ((sel)->pcrSelections[b].pcrSelect[i / 8] & (1u << (i % 8)))

int pcr_read(ESYS_CONTEXT *esys, const TPML_PCR_SELECTION *sel, struct pcr_values *out);

/* "BANK:HEX", as typed after --digest, into one digest; EXIT_USAGE when
 * malformed. */
int pcr_digest_parse(const char *text, TPML_DIGEST_VALUES *values);

/* The digest of data in every bank the TPM has allocated. */
int pcr_hash_banks(ESYS_CONTEXT *esys, const void *data, size_t len, TPML_DIGEST_VALUES *values);

/* Extends PCR index with one digest per bank given. */
int pcr_extend(ESYS_CONTEXT *esys, unsigned index, const TPML_DIGEST_VALUES *digests);

/* The selection of every PCR of every bank the TPM has allocated. */
int pcr_all_banks(ESYS_CONTEXT *esys, TPML_PCR_SELECTION *sel);
