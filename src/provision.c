/* Setting up the keystore and the TPM's storage root key for a profile. */
#include "provision.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "errors.h"
#include "fapi_object.h"
#include "jsonfile.h"

/* The objects Fapi_Provision writes under /PROFILE in the system keystore,
 * inner ones first. */
static const char *const hierarchy_objects[] = {"HS/SRK", "HS", "HE/EK", "HE", "HN", "LOCKOUT"};

/* FAPI takes a profile as provisioned while its HS directory exists, so the
 * directories go too. Keys live under the user keystore and are kept. */
static int forget_hierarchy(const struct tpm *tpm, const char *profile)
{
        for (size_t i = 0; i < sizeof(hierarchy_objects) / sizeof(hierarchy_objects[0]); i++) {
                char dir[PATH_MAX * 2], path[FAPI_PATH_MAX], file[PATH_MAX * 2];

                snprintf(path, sizeof(path), "/%s/%s", profile, hierarchy_objects[i]);
                snprintf(dir, sizeof(dir), "%s%s", tpm->setup.system_dir, path);
                keystore_object_file_in(tpm->setup.system_dir, path, file, sizeof(file));
                if (unlink(file) < 0 && errno != ENOENT)
                        return error_set(EXIT_TPM, "cannot remove %s: %s", file, strerror(errno));
                if (rmdir(dir) < 0 && errno != ENOENT)
                        return error_set(EXIT_TPM,
                                         "cannot provision again: %s holds objects other than "
                                         "the hierarchy's (%s)",
                                         dir, strerror(errno));
        }
        return 0;
}

unsigned srk_persistent_handle(const struct tpm *tpm, const char *profile)
{
        _cleanup_json_ json_object *srk = NULL;
        char path[FAPI_PATH_MAX], file[PATH_MAX * 2];

        snprintf(path, sizeof(path), "/%s/HS/SRK", profile);
        keystore_object_file_in(tpm->setup.system_dir, path, file, sizeof(file));
        if (json_file_read(file, &srk) != 0)
                return 0;
        return keystore_object_persistent_handle(srk);
}

int persistent_handle_present(ESYS_CONTEXT *esys, TPM2_HANDLE handle, bool *present)
{
        TPMS_CAPABILITY_DATA *cap = NULL;
        TSS2_RC rc = Esys_GetCapability(esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                        TPM2_CAP_HANDLES, handle, 1, NULL, &cap);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "cannot list persistent handles");
        *present = cap->data.handles.count == 1 && cap->data.handles.handle[0] == handle;
        Esys_Free(cap);
        return 0;
}

/* The persistent handle the profile's srk_template asks for
 * ("system,restricted,decrypt,noda,0x81000001"), or 0. */
static unsigned profile_srk_handle(const struct tpm *tpm, const char *profile)
{
        _cleanup_json_ json_object *json = NULL;
        json_object *template;
        char file[PATH_MAX * 2];
        const char *hex;

        snprintf(file, sizeof(file), "%s/%s.json", tpm->setup.profile_dir, profile);
        if (json_file_read(file, &json) != 0 ||
            !json_object_object_get_ex(json, "srk_template", &template) ||
            !(hex = strstr(json_object_get_string(template), "0x")))
                return 0;
        return (unsigned)strtoul(hex, NULL, 16);
}

static int evict(ESYS_CONTEXT *esys, TPM2_HANDLE handle)
{
        ESYS_TR object, gone;
        TSS2_RC rc =
            Esys_TR_FromTPMPublic(esys, handle, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &object);
        if (rc == TSS2_RC_SUCCESS)
                rc = Esys_EvictControl(esys, ESYS_TR_RH_OWNER, object, ESYS_TR_PASSWORD,
                                       ESYS_TR_NONE, ESYS_TR_NONE, handle, &gone);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "cannot remove the old storage root key at 0x%08x", handle);
        return 0;
}

static int auto_provision(struct tpm *tpm)
{
        return provision(tpm, false);
}

/* tpm_open() provisions for AUTO_PROVISION through this, without depending
 * on this file. */
__attribute__((constructor)) static void offer_auto_provision(void)
{
        tpm_auto_provision = auto_provision;
}

int provision(struct tpm *tpm, bool force)
{
        const char *profile = tpm->setup.profile;
        unsigned srk = profile_srk_handle(tpm, profile);
        bool occupied = false;
        TSS2_RC rc;
        int r;

        if (tpm_provisioned(tpm, profile) && !force)
                return error_set(EXIT_EXISTS,
                                 "the keystore is already provisioned for %s; use --force to "
                                 "provision it again",
                                 profile);
        if (srk && (r = persistent_handle_present(tpm->esys, srk, &occupied)))
                return r;
        /* FAPI 3.2.1 does not reuse an SRK already persistent at the handle: it
         * records none, and every later command re-creates the SRK. */
        if (occupied && !force)
                return error_set(EXIT_EXISTS,
                                 "the TPM already holds a persistent key at 0x%08x, which this "
                                 "keystore does not know; use --force to replace it with %s's "
                                 "storage root key",
                                 srk, profile);
        if (force && (r = forget_hierarchy(tpm, profile)))
                return r;
        if (occupied && (r = evict(tpm->esys, srk)))
                return r;
        rc = Fapi_Provision(tpm->fapi, NULL, NULL, NULL);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "provisioning %s", profile);
        return 0;
}
