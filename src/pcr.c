/* PCRs: selections, reading, extending. */
#include "pcr.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_rc.h>

#include "errors.h"
#include "hex.h"
#include "names.h"
#include "pubkey.h"

int bank_parse(const char *name, TPMI_ALG_HASH *alg)
{
        TPM2_ALG_ID id;

        if (alg_from_name(name, &id) && tpm_hash_md(id)) {
                *alg = id;
                return 0;
        }
        return error_set(EXIT_BAD_INPUT,
                         "unknown PCR bank \"%s\" (use sha1, sha256, sha384 or "
                         "sha512)",
                         name);
}

const char *bank_name(TPMI_ALG_HASH alg)
{
        const char *name = alg_name(alg);
        return name && tpm_hash_md(alg) ? name : "?";
}

int pcr_select(TPML_PCR_SELECTION *sel, TPMI_ALG_HASH bank, unsigned index)
{
        UINT32 b;

        if (index >= PCR_COUNT)
                return error_set(EXIT_BAD_INPUT, "PCR %u does not exist (0 to 23)", index);
        for (b = 0; b < sel->count; b++)
                if (sel->pcrSelections[b].hash == bank)
                        break;
        if (b == sel->count) {
                if (sel->count == TPM2_NUM_PCR_BANKS)
                        return error_set(EXIT_BAD_INPUT, "too many PCR banks");
                memset(&sel->pcrSelections[b], 0, sizeof(sel->pcrSelections[b]));
                sel->pcrSelections[b].hash = bank;
                sel->pcrSelections[b].sizeofSelect = 3;
                sel->count++;
        }
        sel->pcrSelections[b].pcrSelect[index / 8] |= (BYTE)(1u << (index % 8));
        return 0;
}

int pcr_spec_parse(const char *spec, TPML_PCR_SELECTION *sel)
{
        char copy[512], *group_save = NULL;

        memset(sel, 0, sizeof(*sel));
        if (!spec || !*spec || strlen(spec) >= sizeof(copy))
                return error_set(EXIT_USAGE, "empty or overlong PCR selection");
        strcpy(copy, spec);
        for (char *group = strtok_r(copy, "+", &group_save); group;
             group = strtok_r(NULL, "+", &group_save)) {
                char *colon = strchr(group, ':'), *index_save = NULL;
                TPMI_ALG_HASH bank;

                if (!colon || colon[1] == '\0')
                        return error_set(EXIT_USAGE,
                                         "PCR selection \"%s\": write BANK:LIST, e.g. "
                                         "sha256:0,7,16",
                                         spec);
                *colon = '\0';
                if (bank_parse(group, &bank))
                        return EXIT_USAGE; /* a command-line word, not input read */
                for (char *item = strtok_r(colon + 1, ",", &index_save); item;
                     item = strtok_r(NULL, ",", &index_save)) {
                        char *end;
                        unsigned long index = strtoul(item, &end, 10);
                        if (!strchr("0123456789", item[0]) || end == item || *end)
                                return error_set(EXIT_USAGE,
                                                 "PCR selection \"%s\": \"%s\" is not a PCR "
                                                 "number",
                                                 spec, item);
                        if (index >= PCR_COUNT)
                                return error_set(EXIT_USAGE,
                                                 "PCR selection \"%s\": PCR %s does not exist "
                                                 "(0 to 23)",
                                                 spec, item);
                        if (pcr_select(sel, bank, (unsigned)index))
                                return EXIT_USAGE;
                }
        }
        if (sel->count == 0)
                return error_set(EXIT_USAGE, "empty PCR selection");
        return 0;
}

static bool selection_empty(const TPML_PCR_SELECTION *sel)
{
        for (UINT32 b = 0; b < sel->count; b++)
                for (unsigned i = 0; i < sel->pcrSelections[b].sizeofSelect; i++)
                        if (sel->pcrSelections[b].pcrSelect[i])
                                return false;
        return true;
}

/* Where value (bank, index) sits in out, which holds the selection's order. */
static struct pcr_value *slot(struct pcr_values *out, TPMI_ALG_HASH bank, unsigned index)
{
        for (unsigned i = 0; i < out->n; i++)
                if (out->v[i].bank == bank && out->v[i].index == index)
                        return &out->v[i];
        return NULL;
}

int pcr_read(ESYS_CONTEXT *esys, const TPML_PCR_SELECTION *sel, struct pcr_values *out)
{
        TPML_PCR_SELECTION left = *sel;

        out->n = 0;
        PCR_FOREACH(sel, b, i)
        {
                if (out->n == PCR_MAX_VALUES)
                        return error_set(EXIT_BAD_INPUT, "too many PCRs selected");
                out->v[out->n].bank = sel->pcrSelections[b].hash;
                out->v[out->n].index = i;
                out->v[out->n].digest.size = 0;
                out->n++;
        }
        /* TPM2_PCR_Read returns at most 8 values a call. */
        while (!selection_empty(&left)) {
                TPML_PCR_SELECTION *read = NULL;
                TPML_DIGEST *values = NULL;
                UINT32 counter, k = 0;
                TSS2_RC rc = Esys_PCR_Read(esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &left,
                                           &counter, &read, &values);
                if (rc != TSS2_RC_SUCCESS)
                        return error_rc(rc, "reading PCRs");
                if (values->count == 0) {
                        Esys_Free(read);
                        Esys_Free(values);
                        return error_set(EXIT_BAD_INPUT, "the TPM has no such PCR bank or PCR");
                }
                PCR_FOREACH(read, b, i)
                {
                        struct pcr_value *v = slot(out, read->pcrSelections[b].hash, i);
                        if (v && k < values->count)
                                v->digest = values->digests[k];
                        k++;
                        for (UINT32 lb = 0; lb < left.count; lb++)
                                if (left.pcrSelections[lb].hash == read->pcrSelections[b].hash)
                                        left.pcrSelections[lb].pcrSelect[i / 8] &=
                                            (BYTE) ~(1u << (i % 8));
                }
                Esys_Free(read);
                Esys_Free(values);
        }
        return 0;
}

int pcr_extend(ESYS_CONTEXT *esys, unsigned index, const TPML_DIGEST_VALUES *digests)
{
        TSS2_RC rc;

        if (index >= PCR_COUNT)
                return error_set(EXIT_BAD_INPUT, "PCR %u does not exist (0 to 23)", index);
        rc = Esys_PCR_Extend(esys, ESYS_TR_PCR0 + index, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                             ESYS_TR_NONE, digests);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "extending PCR %u", index);
        return 0;
}

int pcr_digest_parse(const char *text, TPML_DIGEST_VALUES *values)
{
        const char *colon = strchr(text, ':');
        char bank[16];
        TPMI_ALG_HASH alg;
        size_t want, got;

        if (!colon || (size_t)(colon - text) >= sizeof(bank))
                return error_set(EXIT_USAGE, "--digest %s: write BANK:HEX", text);
        memcpy(bank, text, (size_t)(colon - text));
        bank[colon - text] = '\0';
        if (bank_parse(bank, &alg))
                return EXIT_USAGE; /* a command-line word, not input read */
        want = tpm_hash_size(alg);
        memset(values, 0, sizeof(*values));
        if (!hex_decode(colon + 1, &values->digests[0].digest, want, &got) || got != want)
                return error_set(EXIT_USAGE, "--digest: a %s digest is %zu bytes of hex",
                                 bank_name(alg), want);
        values->count = 1;
        values->digests[0].hashAlg = alg;
        return 0;
}

int pcr_hash_banks(ESYS_CONTEXT *esys, const void *data, size_t len, TPML_DIGEST_VALUES *values)
{
        TPML_PCR_SELECTION banks;
        int r;

        if ((r = pcr_all_banks(esys, &banks)))
                return r;
        memset(values, 0, sizeof(*values));
        for (UINT32 b = 0; b < banks.count; b++) {
                TPMT_HA *d = &values->digests[values->count++];

                d->hashAlg = banks.pcrSelections[b].hash;
                if (!EVP_Digest(data, len, (unsigned char *)&d->digest, NULL,
                                tpm_hash_md(d->hashAlg), NULL))
                        return error_set(EXIT_TPM, "hashing the input failed");
        }
        return 0;
}

int pcr_all_banks(ESYS_CONTEXT *esys, TPML_PCR_SELECTION *sel)
{
        TPMS_CAPABILITY_DATA *cap = NULL;
        TSS2_RC rc = Esys_GetCapability(esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                        TPM2_CAP_PCRS, 0, 1, NULL, &cap);

        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "reading the TPM's PCR banks");
        memset(sel, 0, sizeof(*sel));
        for (UINT32 b = 0; b < cap->data.assignedPCR.count; b++) {
                const TPMS_PCR_SELECTION *s = &cap->data.assignedPCR.pcrSelections[b];
                for (unsigned i = 0; i < PCR_COUNT; i++)
                        if (i / 8 < s->sizeofSelect && (s->pcrSelect[i / 8] & (1u << (i % 8))) &&
                            tpm_hash_md(s->hash))
                                pcr_select(sel, s->hash, i);
        }
        Esys_Free(cap);
        return 0;
}
