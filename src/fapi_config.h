/* The FAPI configuration tpmctl writes for itself, and the paths it implies. */
#pragma once

#include <json-c/json.h>
#include <limits.h>
#include <stdbool.h>

#include "settings.h"

struct fapi_setup {
        json_object *config;        /* the FAPI config tpmctl hands to FAPI */
        char config_file[PATH_MAX]; /* where it is, for TSS2_FAPICONF */
        bool config_file_is_temp;   /* in memory: config_fd, closed once FAPI has read it */
        int config_fd;
        char user_dir[PATH_MAX];    /* user keystore, "~" expanded */
        char system_dir[PATH_MAX];  /* system keystore */
        char log_dir[PATH_MAX];     /* event logs (FAPI's config: log_dir) */
        char lock_file[PATH_MAX];   /* beside the user keystore */
        char profile_dir[PATH_MAX]; /* tpmctl's profiles */
        char tcti[PATH_MAX];        /* TCTI configuration string ("" = FAPI's default) */
        char profile[128];          /* FAPI's default profile: --profile, or the config's */
};

/* Where tpmctl's data (profiles/, policies/, fapi-config/) lives:
 * TPMCTL_DATADIR, else the installed data directory. */
const char *datadir(void);

/* Works out the FAPI config and paths for these settings without touching
 * the disk beyond reading templates. ek_cert_less: the TPM has no EK
 * certificate (swtpm), which FAPI must be told before it provisions.
 * check_tcti: see that the TCTI module can be loaded (tcti_check()); a
 * command that loads it at once may leave that to its failure path. */
int fapi_setup_prepare(const struct settings *s, bool ek_cert_less, bool check_tcti,
                       struct fapi_setup *setup);

/* The TCTI module named by conf ("swtpm:path=...") can be loaded, else
 * EXIT_UNAVAILABLE saying which module is missing. "": FAPI's default. */
int tcti_check(const char *conf);

/* The size of the profile's name hash (32 for SHA-256): the longest auth
 * value the TPM takes for objects of this profile. 0 if unknown. */
size_t profile_auth_max(const struct fapi_setup *setup);

/* Writes the config to a file in memory (memfd_create, /proc/self/fd/N)
 * unless the user gave one, and points TSS2_FAPICONF at it: nothing on disk
 * to remove, nothing left when tpmctl is killed. */
int fapi_setup_write(struct fapi_setup *setup);

/* Closes the config in memory (FAPI reads it only while it initializes). */
void fapi_setup_done(struct fapi_setup *setup);
