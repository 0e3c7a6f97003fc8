/* Sessions tpmctl starts itself through ESYS; see session.h. */
#include "session.h"

#include <stdio.h>
#include <string.h>
#include <tss2/tss2_rc.h>

#include "cleanup.h"
#include "errors.h"
#include "hex.h"
#include "objects.h"
#include "provision.h"

static int hex_equal(const char *hex, const uint8_t *bytes, size_t len)
{
        uint8_t decoded[sizeof(TPMU_NAME)];
        size_t n;

        return hex && hex_decode(hex, decoded, sizeof(decoded), &n) && n == len &&
               memcmp(decoded, bytes, len) == 0;
}

/* The SRK as an ESYS object, after checking that the TPM's key at the handle
 * is the one the keystore recorded when it provisioned. */
int srk_object(struct tpm *tpm, const char *full_path, ESYS_TR *srk)
{
        _cleanup_json_ json_object *obj = NULL;
        char path[FAPI_PATH_MAX], profile[128];
        const char *end;
        unsigned handle;
        json_object *name_json;
        TPM2B_NAME *name = NULL;
        TSS2_RC rc;
        int r, same;

        /* The profile is the path's first component: /P_ECCP256SHA256/HS/SRK/k. */
        if (full_path && strncmp(full_path, "/P_", 3) == 0 && (end = strchr(full_path + 1, '/')) &&
            (size_t)(end - full_path - 1) < sizeof(profile))
                snprintf(profile, sizeof(profile), "%.*s", (int)(end - full_path - 1),
                         full_path + 1);
        else
                snprintf(profile, sizeof(profile), "%s", tpm->setup.profile);
        handle = srk_persistent_handle(tpm, profile);
        if (!handle)
                return error_set(EXIT_NOT_FOUND,
                                 "the keystore has no persistent storage root key "
                                 "for %s: run `tpmctl --profile %s provision`",
                                 profile, profile);
        snprintf(path, sizeof(path), "/%s/HS/SRK", profile);
        if ((r = object_json(tpm, path, &obj)))
                return r;
        rc =
            Esys_TR_FromTPMPublic(tpm->esys, handle, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, srk);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "reading the storage root key 0x%08x", handle);
        rc = Esys_TR_GetName(tpm->esys, *srk, &name);
        if (rc != TSS2_RC_SUCCESS) {
                Esys_TR_Close(tpm->esys, srk);
                return error_rc(rc, "reading the storage root key's name");
        }
        same = json_object_object_get_ex(obj, "name", &name_json) &&
               hex_equal(json_object_get_string(name_json), name->name, name->size);
        Esys_Free(name);
        if (!same) {
                Esys_TR_Close(tpm->esys, srk);
                return error_set(EXIT_TPM,
                                 "the key at 0x%08x is not the storage root key this keystore "
                                 "was provisioned with (another TPM, or a cleared one): run "
                                 "`tpmctl health`",
                                 handle);
        }
        return 0;
}

static int start_salted(struct tpm *tpm, const char *for_path, TPM2_SE type, TPMI_ALG_HASH alg,
                        ESYS_TR *session);

int session_start_encrypted(struct tpm *tpm, const char *for_path, ESYS_TR *session)
{
        return start_salted(tpm, for_path, TPM2_SE_HMAC, TPM2_ALG_SHA256, session);
}

int session_start_policy(struct tpm *tpm, const char *for_path, TPMI_ALG_HASH alg, ESYS_TR *session)
{
        return start_salted(tpm, for_path, TPM2_SE_POLICY, alg, session);
}

static int start_salted(struct tpm *tpm, const char *for_path, TPM2_SE type, TPMI_ALG_HASH alg,
                        ESYS_TR *session)
{
        TPMT_SYM_DEF symmetric = {
            .algorithm = TPM2_ALG_AES, .keyBits = {.aes = 128}, .mode = {.aes = TPM2_ALG_CFB}};
        ESYS_TR srk;
        TSS2_RC rc;
        int r;

        if ((r = srk_object(tpm, for_path, &srk)))
                return r;
        rc = Esys_StartAuthSession(tpm->esys, srk, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                   ESYS_TR_NONE, NULL, type, &symmetric, alg, session);
        Esys_TR_Close(tpm->esys, &srk);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "starting an encrypted session");
        tpm_track(tpm, *session);
        rc = Esys_TRSess_SetAttributes(
            tpm->esys, *session,
            TPMA_SESSION_CONTINUESESSION | TPMA_SESSION_ENCRYPT | TPMA_SESSION_DECRYPT, 0xff);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "setting the session's attributes");
        return 0;
}
