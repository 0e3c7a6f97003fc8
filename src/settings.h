/* What the user chose for this run: global options, environment, defaults. */
#pragma once

#include <stdbool.h>

#define DEFAULT_PROFILE "P_RSA2048SHA256"
#define DEFAULT_TIMEOUT 60

struct settings {
        const char *command;     /* for messages: "delete", "key create" */
        const char *tcti;        /* --tcti, else TPMCTL_TCTI, else /dev/tpmrm0 */
        const char *keystore;    /* --keystore, else TPMCTL_KEYSTORE, else FAPI's */
        const char *fapi_config; /* --fapi-config: used as is */
        const char *profile;     /* --profile */
        unsigned timeout;        /* --timeout, seconds */
        bool json;
        bool quiet;
        bool verbose;
};

/* Fills what the user left out from the environment and the defaults.
 * need_tpm: no TCTI at all is an error (else it is left NULL, for FAPI's
 * default). Returns 0, or an exit code with the error recorded. */
int settings_resolve(struct settings *s, bool need_tpm);

/* Whether the TCTI reaches the TPM through a resource manager (/dev/tpmrm*,
 * tabrmd), which keeps each process's objects and sessions apart. Pure. */
bool tcti_resource_managed(const char *conf);

/* The TCTI configuration string for a user's --tcti value: a device path such
 * as /dev/tpmrm0 becomes "device:/dev/tpmrm0"; anything else is passed on. */
const char *tcti_conf_string(const char *tcti, char *buf, unsigned size);
