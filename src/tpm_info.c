/* What the TPM says about itself (TPM2_GetCapability). */
#include "tpm_info.h"

#include <string.h>
#include <tss2/tss2_rc.h>

#include "errors.h"
#include "names.h"

static int get_capability(ESYS_CONTEXT *esys, TPM2_CAP cap, UINT32 property, UINT32 count,
                          TPMS_CAPABILITY_DATA **data)
{
        TSS2_RC rc = Esys_GetCapability(esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, cap,
                                        property, count, NULL, data);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "cannot read the TPM's capabilities");
        return 0;
}

/* Four characters packed big-endian in a property value; NULs dropped. */
static void put_chars(char *out, uint32_t value)
{
        char c[4] = {(char)(value >> 24), (char)(value >> 16), (char)(value >> 8), (char)value};
        size_t len = strlen(out);

        for (int i = 0; i < 4; i++)
                if (c[i] >= 0x20 && c[i] < 0x7f)
                        out[len++] = c[i];
        out[len] = '\0';
}

static void take_property(struct tpm_info *info, TPM2_PT property, uint32_t value)
{
        switch (property) {
        case TPM2_PT_FAMILY_INDICATOR:
                put_chars(info->family, value);
                break;
        case TPM2_PT_REVISION:
                info->revision = value;
                break;
        case TPM2_PT_DAY_OF_YEAR:
                info->spec_day = value;
                break;
        case TPM2_PT_YEAR:
                info->spec_year = value;
                break;
        case TPM2_PT_MANUFACTURER:
                put_chars(info->manufacturer, value);
                break;
        case TPM2_PT_VENDOR_STRING_1:
        case TPM2_PT_VENDOR_STRING_2:
        case TPM2_PT_VENDOR_STRING_3:
        case TPM2_PT_VENDOR_STRING_4:
                put_chars(info->vendor, value);
                break;
        case TPM2_PT_FIRMWARE_VERSION_1:
                info->firmware[0] = value;
                break;
        case TPM2_PT_FIRMWARE_VERSION_2:
                info->firmware[1] = value;
                break;
        case TPM2_PT_PERMANENT:
                info->in_lockout = value & TPMA_PERMANENT_INLOCKOUT;
                break;
        case TPM2_PT_LOCKOUT_COUNTER:
                info->lockout_counter = value;
                break;
        case TPM2_PT_MAX_AUTH_FAIL:
                info->max_auth_fail = value;
                break;
        case TPM2_PT_LOCKOUT_INTERVAL:
                info->lockout_interval = value;
                break;
        case TPM2_PT_LOCKOUT_RECOVERY:
                info->lockout_recovery = value;
                break;
        }
}

static int read_properties(ESYS_CONTEXT *esys, TPM2_PT first, struct tpm_info *info)
{
        TPMS_CAPABILITY_DATA *cap = NULL;
        int r;

        if ((r = get_capability(esys, TPM2_CAP_TPM_PROPERTIES, first, TPM2_MAX_TPM_PROPERTIES,
                                &cap)))
                return r;
        for (UINT32 i = 0; i < cap->data.tpmProperties.count; i++)
                take_property(info, cap->data.tpmProperties.tpmProperty[i].property,
                              cap->data.tpmProperties.tpmProperty[i].value);
        Esys_Free(cap);
        return 0;
}

static int read_algorithms(ESYS_CONTEXT *esys, struct tpm_info *info)
{
        TPMS_CAPABILITY_DATA *cap = NULL;
        int r;

        if ((r = get_capability(esys, TPM2_CAP_ALGS, TPM2_ALG_FIRST, TPM2_MAX_CAP_ALGS, &cap)))
                return r;
        for (UINT32 i = 0; i < cap->data.algorithms.count && info->n_algorithms < INFO_MAX_ALGS;
             i++) {
                const char *name = alg_name(cap->data.algorithms.algProperties[i].alg);
                if (name)
                        info->algorithms[info->n_algorithms++] = name;
        }
        Esys_Free(cap);
        return 0;
}

static bool any_selected(const TPMS_PCR_SELECTION *sel)
{
        for (UINT8 i = 0; i < sel->sizeofSelect; i++)
                if (sel->pcrSelect[i])
                        return true;
        return false;
}

static int read_pcr_banks(ESYS_CONTEXT *esys, struct tpm_info *info)
{
        TPMS_CAPABILITY_DATA *cap = NULL;
        int r;

        if ((r = get_capability(esys, TPM2_CAP_PCRS, 0, 1, &cap)))
                return r;
        for (UINT32 i = 0; i < cap->data.assignedPCR.count && info->n_pcr_banks < INFO_MAX_BANKS;
             i++) {
                const TPMS_PCR_SELECTION *sel = &cap->data.assignedPCR.pcrSelections[i];
                const char *name = alg_name(sel->hash);
                if (name && any_selected(sel))
                        info->pcr_banks[info->n_pcr_banks++] = name;
        }
        Esys_Free(cap);
        return 0;
}

int tpm_info_read(ESYS_CONTEXT *esys, struct tpm_info *info)
{
        int r;

        memset(info, 0, sizeof(*info));
        if ((r = read_properties(esys, TPM2_PT_FIXED, info)) ||
            (r = read_properties(esys, TPM2_PT_VAR, info)) || (r = read_algorithms(esys, info)))
                return r;
        return read_pcr_banks(esys, info);
}
