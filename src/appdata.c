/* Descriptions and application data of keystore objects; see appdata.h. */
#include "appdata.h"

#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_fapi.h>

#include "errors.h"

/* The object must exist first: FAPI's own answer to a missing path names no
 * path the user gave. */
static int resolve(struct tpm *tpm, const char *user_path, char *full, size_t size)
{
        if (!user_path || !*user_path)
                return error_set(EXIT_USAGE, "give the path of a key, sealed object or NV index");
        return object_resolve(tpm, user_path, full, size);
}

/* FAPI keeps these for keys, sealed objects and NV indices only. */
static int metadata_error(TSS2_RC rc, const char *doing, const char *full)
{
        if (rc == TSS2_FAPI_RC_BAD_PATH || rc == TSS2_FAPI_RC_BAD_VALUE)
                return error_set(EXIT_BAD_INPUT,
                                 "%s %s: only keys, sealed objects and NV indices have it (%s)",
                                 doing, full, rc_text(rc));
        return error_rc(rc, "%s %s", doing, full);
}

int description_set(struct tpm *tpm, const char *user_path, const char *text, char *full,
                    size_t size)
{
        TSS2_RC rc;
        int r;

        if (strlen(text) > DESCRIPTION_MAX)
                return error_set(EXIT_BAD_INPUT, "a description has at most %u bytes",
                                 DESCRIPTION_MAX);
        for (const char *c = text; *c; c++)
                if ((unsigned char)*c < 0x20 || *c == 0x7f)
                        return error_set(EXIT_BAD_INPUT,
                                         "a description is one line of text, without control "
                                         "characters");
        if ((r = resolve(tpm, user_path, full, size)))
                return r;
        rc = Fapi_SetDescription(tpm->fapi, full, text);
        if (rc != TSS2_RC_SUCCESS)
                return metadata_error(rc, "setting the description of", full);
        return 0;
}

int appdata_set(struct tpm *tpm, const char *user_path, const uint8_t *data, size_t len, char *full,
                size_t size)
{
        TSS2_RC rc;
        int r;

        if (len > APPDATA_MAX)
                return error_set(EXIT_BAD_INPUT, "application data has at most %u bytes",
                                 APPDATA_MAX);
        if ((r = resolve(tpm, user_path, full, size)))
                return r;
        rc = Fapi_SetAppData(tpm->fapi, full, len ? data : NULL, len);
        if (rc != TSS2_RC_SUCCESS)
                return metadata_error(rc, "setting the application data of", full);
        return 0;
}

int appdata_get(struct tpm *tpm, const char *user_path, struct secret *data, char *full,
                size_t size)
{
        uint8_t *got = NULL;
        size_t len = 0;
        TSS2_RC rc;
        int r;

        *data = (struct secret){0};
        if ((r = resolve(tpm, user_path, full, size)))
                return r;
        rc = Fapi_GetAppData(tpm->fapi, full, &got, &len);
        if (rc != TSS2_RC_SUCCESS)
                return metadata_error(rc, "reading the application data of", full);
        if (!len) {
                Fapi_Free(got);
                return 0;
        }
        if (!(data->data = malloc(len))) {
                Fapi_Free(got);
                return error_set(EXIT_TPM, "out of memory");
        }
        memcpy(data->data, got, len);
        data->size = len;
        Fapi_Free(got);
        return 0;
}
