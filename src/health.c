/* Whether tpmctl can work; see health.h. */
#include "health.h"

#include <stdio.h>
#include <time.h>
#include <tss2/tss2_rc.h>

#include "errors.h"
#include "provision.h"
#include "srk.h"
#include "tpm_info.h"

int health_check(struct tpm *tpm)
{
        return health_check_warn(tpm, NULL, 0);
}

int health_check_warn(struct tpm *tpm, char *warning, size_t size)
{
        const char *profile = tpm->setup.profile;
        struct tpm_info info;
        enum srk_presence presence;
        unsigned srk;
        int r;

        if ((r = tpm_info_read(tpm->esys, &info)))
                return r;
        if (!tpm_provisioned(tpm, profile))
                return error_set(EXIT_NOT_FOUND,
                                 "the keystore is not provisioned for %s: run `tpmctl provision`",
                                 profile);
        srk = srk_persistent_handle(tpm, profile);
        if (srk) {
                if ((r = srk_presence(tpm, profile, &presence, &srk)))
                        return r;
                if (presence == SRK_MISSING)
                        return error_set(EXIT_NOT_FOUND,
                                         "the keystore's storage root key 0x%08x is not in the "
                                         "TPM (was the TPM cleared?): run `tpmctl provision "
                                         "--force`",
                                         srk);
                if (presence == SRK_OTHER)
                        return error_set(EXIT_TPM,
                                         "the key at 0x%08x is not the storage root key this "
                                         "keystore was provisioned with: this is another TPM, or "
                                         "it was cleared since; on another TPM, use the keystore "
                                         "with its own; if this one was cleared, the keystore's "
                                         "keys are lost and `tpmctl provision --force` starts "
                                         "anew (it replaces the key at 0x%08x)",
                                         srk, srk);
        }
        if (warning && size)
                warning[0] = '\0';
        if (info.in_lockout && (info.lockout_interval == 0 || info.max_auth_fail == 0))
                return error_set(EXIT_AUTH,
                                 "the TPM is in dictionary-attack lockout after %u failed "
                                 "tries, which does not end by itself (its recovery time is 0): "
                                 "clear it with `tpmctl lockout clear`",
                                 info.lockout_counter);
        if (info.in_lockout) {
                time_t until = time(NULL) + (time_t)info.lockout_interval;
                struct tm tm;
                char at[16];

                if (!localtime_r(&until, &tm) || !strftime(at, sizeof(at), "%H:%M:%S", &tm))
                        snprintf(at, sizeof(at), "?");
                return error_set(EXIT_AUTH,
                                 "the TPM is in dictionary-attack lockout after %u failed "
                                 "tries: the next try is possible within %u s (by %s), or clear "
                                 "it with `tpmctl lockout clear`",
                                 info.lockout_counter, info.lockout_interval, at);
        }
        if (warning && size && info.lockout_counter > 0) {
                if (info.lockout_interval)
                        snprintf(warning, size,
                                 "%u of %u failed tries toward dictionary-attack lockout (one "
                                 "forgotten every %u s); `tpmctl lockout status` shows more",
                                 info.lockout_counter, info.max_auth_fail, info.lockout_interval);
                else
                        snprintf(warning, size,
                                 "%u of %u failed tries toward dictionary-attack lockout (never "
                                 "forgotten: the recovery time is 0); `tpmctl lockout clear` "
                                 "clears them",
                                 info.lockout_counter, info.max_auth_fail);
        }
        return 0;
}
