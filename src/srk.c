/* The storage root key as an ESYS object; see srk.h.
 *
 * ESYS salts sessions to a key's public area and checks nothing else: when
 * the public area comes from the keystore rather than from the TPM
 * (TPM2_ReadPublic), a TPM whose key at the SRK's handle is another one
 * (another TPM, a cleared one, an impostor on the bus) cannot decrypt the
 * salt, so it cannot compute the session key: every HMAC it answers fails
 * ESYS's check, and what ESYS encrypts stays unreadable to it. Objects
 * loaded under another SRK fail the TPM's integrity check. Trusting the
 * keystore's copy is therefore as safe as reading it and comparing names,
 * and saves a command. */
#include "srk.h"

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <tss2/tss2_rc.h>

#include "cleanup.h"
#include "errors.h"
#include "esys_resource.h"
#include "fapi_object.h"
#include "objects.h"
#include "provision.h"
#include "pubkey.h"

void path_profile(const struct tpm *tpm, const char *full_path, char *profile, size_t size)
{
        const char *end;

        if (full_path && strncmp(full_path, "/P_", 3) == 0 && (end = strchr(full_path + 1, '/')) &&
            (size_t)(end - full_path - 1) < size)
                snprintf(profile, size, "%.*s", (int)(end - full_path - 1), full_path + 1);
        else
                snprintf(profile, size, "%s", tpm->setup.profile);
}

int srk_public(struct tpm *tpm, const char *profile, TPM2B_PUBLIC *pub)
{
        _cleanup_(keystore_object_free) struct keystore_object o = {0};
        char path[FAPI_PATH_MAX], file[PATH_MAX * 2];
        int r;

        snprintf(path, sizeof(path), "/%s/HS/SRK", profile);
        if (!object_file(tpm, path, file, sizeof(file)))
                return error_set(EXIT_NOT_FOUND,
                                 "the keystore has no storage root key for %s: run "
                                 "`tpmctl --profile %s provision`",
                                 profile, profile);
        if ((r = keystore_object_read_file(file, path, &o)))
                return r;
        if (!o.has_public)
                return error_set(EXIT_BAD_INPUT, "%s: the storage root key has no public area",
                                 file);
        *pub = o.public;
        return 0;
}

int srk_new_esys(struct tpm *tpm, const char *full_path, ESYS_TR *srk)
{
        uint8_t resource[ESYS_RESOURCE_MAX];
        char profile[sizeof(tpm->srk_profile)];
        TPM2B_PUBLIC pub;
        size_t len;
        unsigned handle;
        TSS2_RC rc;
        int r;

        path_profile(tpm, full_path, profile, sizeof(profile));
        handle = srk_persistent_handle(tpm, profile);
        if (!handle)
                return error_set(EXIT_NOT_FOUND,
                                 "the keystore has no persistent storage root key "
                                 "for %s: run `tpmctl --profile %s provision`",
                                 profile, profile);
        if ((r = srk_public(tpm, profile, &pub)) ||
            (r = esys_resource_key(handle, &pub, resource, sizeof(resource), &len)))
                return r;
        rc = Esys_TR_Deserialize(tpm->esys, resource, len, srk);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "making an ESYS object of the storage root key 0x%08x", handle);
        return 0;
}

int srk_esys(struct tpm *tpm, const char *full_path, ESYS_TR *srk)
{
        char profile[sizeof(tpm->srk_profile)];
        int r;

        path_profile(tpm, full_path, profile, sizeof(profile));
        if (tpm->srk_profile[0] && strcmp(tpm->srk_profile, profile) == 0) {
                *srk = tpm->srk;
                return 0;
        }
        if (tpm->srk_profile[0]) {
                Esys_TR_Close(tpm->esys, &tpm->srk);
                tpm->srk_profile[0] = '\0';
        }
        if ((r = srk_new_esys(tpm, full_path, &tpm->srk)))
                return r;
        snprintf(tpm->srk_profile, sizeof(tpm->srk_profile), "%s", profile);
        *srk = tpm->srk;
        return 0;
}

int srk_presence(struct tpm *tpm, const char *profile, enum srk_presence *presence,
                 unsigned *handle)
{
        TPM2B_PUBLIC *tpm_public = NULL;
        TPM2B_NAME *tpm_name = NULL, *tpm_qualified = NULL, recorded;
        char full_path[FAPI_PATH_MAX];
        TPM2B_PUBLIC pub;
        ESYS_TR srk;
        TSS2_RC rc;
        int r;

        snprintf(full_path, sizeof(full_path), "/%s/", profile);
        if ((r = srk_public(tpm, profile, &pub)) || (r = public_name(&pub, &recorded)) ||
            (r = srk_esys(tpm, full_path, &srk)))
                return r;
        *handle = srk_persistent_handle(tpm, profile);
        rc = Esys_ReadPublic(tpm->esys, srk, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &tpm_public,
                             &tpm_name, &tpm_qualified);
        if (tpm_rc_code(rc) == TPM2_RC_HANDLE) {
                *presence = SRK_MISSING;
                return 0;
        }
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "reading the storage root key 0x%08x", *handle);
        *presence = tpm_name->size == recorded.size &&
                            memcmp(tpm_name->name, recorded.name, recorded.size) == 0
                        ? SRK_IN_TPM
                        : SRK_OTHER;
        Esys_Free(tpm_public);
        Esys_Free(tpm_name);
        Esys_Free(tpm_qualified);
        return 0;
}

/* The codes a missing SRK or another key at its handle gives (found with
 * swtpm): TPM_RC_HANDLE for the parent of a Load or the salt key of
 * TPM2_StartAuthSession; TPM_RC_INTEGRITY for a private blob made under
 * another SRK; TPM_RC_VALUE for an RSA salt another key cannot decrypt; a
 * failed HMAC, in the command or in ESYS's check of the response, for an
 * ECC salt, which another key decrypts to another session key. */
static bool may_be_srk(TSS2_RC rc)
{
        switch (tpm_rc_code(rc)) {
        case TPM2_RC_HANDLE:
        case TPM2_RC_INTEGRITY:
        case TPM2_RC_VALUE:
        case TPM2_RC_BAD_AUTH:
        case TPM2_RC_AUTH_FAIL:
                return true;
        default:
                return rc_base(rc) == TSS2_BASE_RC_RSP_AUTH_FAILED;
        }
}

int srk_failure(struct tpm *tpm, const char *full_path, TSS2_RC rc, const char *fmt, ...)
{
        char profile[sizeof(tpm->srk_profile)], context[512];
        enum srk_presence presence;
        unsigned handle;
        va_list ap;

        if (!may_be_srk(rc))
                return 0;
        path_profile(tpm, full_path, profile, sizeof(profile));
        if (srk_presence(tpm, profile, &presence, &handle)) {
                error_clear(); /* the caller's error says more than this one */
                return 0;
        }
        va_start(ap, fmt);
        vsnprintf(context, sizeof(context), fmt, ap);
        va_end(ap);
        if (presence == SRK_MISSING)
                return error_set(EXIT_NOT_FOUND,
                                 "%s: the storage root key 0x%08x this keystore was provisioned "
                                 "with is not in the TPM (evicted, or the TPM was cleared): run "
                                 "`tpmctl health`; `tpmctl provision --force` makes it again, and "
                                 "the keystore's keys work again unless the TPM was cleared (%s)",
                                 context, handle, rc_text(rc));
        if (presence == SRK_OTHER)
                return error_set(EXIT_TPM,
                                 "%s: the key at 0x%08x is not the storage root key this keystore "
                                 "was provisioned with (another TPM, or a cleared one): run "
                                 "`tpmctl health`; provision again only if the TPM was cleared "
                                 "(%s)",
                                 context, handle, rc_text(rc));
        return 0;
}
