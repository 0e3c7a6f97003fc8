/* What the TPM says about itself (TPM2_GetCapability). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <tss2/tss2_esys.h>

#define INFO_MAX_ALGS  64
#define INFO_MAX_BANKS 8

struct tpm_info {
        char manufacturer[5]; /* "IBM ", "INTC", "MSFT"... */
        char vendor[17];      /* vendor strings 1-4 */
        uint32_t firmware[2]; /* vendor-specific */
        char family[5];       /* "2.0" */
        uint32_t revision;    /* spec revision x 100 */
        uint32_t spec_year, spec_day;
        const char *algorithms[INFO_MAX_ALGS];
        unsigned n_algorithms;
        const char *pcr_banks[INFO_MAX_BANKS];
        unsigned n_pcr_banks;
        uint32_t lockout_counter, max_auth_fail, lockout_interval, lockout_recovery;
        bool in_lockout;
};

int tpm_info_read(ESYS_CONTEXT *esys, struct tpm_info *info);
