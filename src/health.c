/* Whether tpmctl can work; see health.h. */
#include "health.h"

#include <tss2/tss2_rc.h>

#include "errors.h"
#include "provision.h"
#include "srk.h"
#include "tpm_info.h"

int health_check(struct tpm *tpm)
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
        if (info.in_lockout)
                return error_set(EXIT_AUTH,
                                 "the TPM is in dictionary-attack lockout after %u failed "
                                 "tries: wait %u s or clear it with `tpm2_dictionarylockout "
                                 "--clear-lockout`",
                                 info.lockout_counter, info.lockout_interval);
        return 0;
}
