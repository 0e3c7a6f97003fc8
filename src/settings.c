/* What the user chose for this run: global options, environment, defaults. */
#include "settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"

#define DEFAULT_DEVICE "/dev/tpmrm0"

int settings_resolve(struct settings *s, bool need_tpm)
{
        const char *env;

        if (!s->tcti && (env = getenv("TPMCTL_TCTI")) && *env)
                s->tcti = env;
        if (!s->tcti && !s->fapi_config && access(DEFAULT_DEVICE, F_OK) == 0)
                s->tcti = DEFAULT_DEVICE;
        if (!s->tcti && !s->fapi_config && need_tpm)
                return error_set(EXIT_UNAVAILABLE,
                                 "no TPM found: " DEFAULT_DEVICE " does not exist; point tpmctl "
                                 "at a TPM with --tcti (e.g. --tcti swtpm:path=/run/swtpm.sock) "
                                 "or TPMCTL_TCTI");
        if (!s->keystore && (env = getenv("TPMCTL_KEYSTORE")) && *env)
                s->keystore = env;
        if (!s->profile)
                s->profile = DEFAULT_PROFILE;
        return 0;
}

bool tcti_resource_managed(const char *conf)
{
        if (!conf)
                return false;
        /* The pcap TCTI records the traffic of the TCTI it wraps. */
        while (strncmp(conf, "pcap:", 5) == 0)
                conf += 5;
        if (strncmp(conf, "device:", 7) == 0)
                conf += 7;
        return strncmp(conf, "/dev/tpmrm", 10) == 0 || strncmp(conf, "tabrmd", 6) == 0;
}

const char *tcti_conf_string(const char *tcti, char *buf, unsigned size)
{
        if (tcti && tcti[0] == '/') {
                snprintf(buf, size, "device:%s", tcti);
                return buf;
        }
        return tcti ? tcti : ""; /* none: FAPI's own default */
}
