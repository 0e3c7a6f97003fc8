/* NV indices in the keystore; see nv_info.h. */
#include "nv_info.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_mu.h>

#include "cleanup.h"
#include "errors.h"
#include "fapi_object.h"
#include "hex.h"

void nv_info_free(struct nv_info *info)
{
        json_object_put(info->attributes);
        info->attributes = NULL;
}

bool nv_path(const char *full_path)
{
        return strncmp(full_path, "/nv/", 4) == 0;
}

static void lower(const char *in, char *out, size_t size)
{
        size_t i = 0;

        for (; in && in[i] && i + 1 < size; i++)
                out[i] = (char)tolower((unsigned char)in[i]);
        out[i] = '\0';
}

int nv_info_read(struct tpm *tpm, const char *full_path, struct nv_info *info)
{
        _cleanup_json_ json_object *obj = NULL;
        struct keystore_nv nv;
        int r;

        memset(info, 0, sizeof(*info));
        snprintf(info->path, sizeof(info->path), "%s", full_path);
        if ((r = object_json(tpm, full_path, &obj)) ||
            (r = keystore_object_nv(obj, full_path, &nv)))
                return r;
        info->handle = nv.handle;
        info->size = nv.size;
        lower(nv.name_alg, info->hash, sizeof(info->hash));
        lower(nv.type, info->type, sizeof(info->type));
        info->has_policy = nv.has_policy;
        info->written = nv.written;
        info->with_auth = keystore_object_with_auth(obj);
        snprintf(info->description, sizeof(info->description), "%s",
                 keystore_object_description(obj));
        info->name = nv.name;
        info->attributes = json_object_new_array();
        json_object_object_foreach(nv.attributes, name, value)
        {
                char low[32];

                if (strcmp(name, "TPM2_NT") == 0 || !json_object_get_int(value))
                        continue;
                lower(name, low, sizeof(low));
                json_object_array_add(info->attributes, json_object_new_string(low));
        }
        return 0;
}

int nv_info_mark_written(struct tpm *tpm, const char *full_path, const uint8_t *serialized,
                         size_t len)
{
        _cleanup_json_ json_object *obj = NULL;
        int r;

        if ((r = object_json(tpm, full_path, &obj)) ||
            (r = keystore_object_nv_set_written(obj, full_path, serialized, len)))
                return r;
        return keystore_object_write(tpm, full_path, obj, KEYSTORE_WRITE_REPLACE);
}
