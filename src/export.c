/* Moving keys and sealed objects out; see export.h. */
#include "export.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_rc.h>

#include "cleanup.h"
#include "errors.h"
#include "keys.h"
#include "objects.h"
#include "provision.h"
#include "pubkey.h"
#include "tss2_keyfile.h"

void exported_free(struct exported *e)
{
        free(e->public_blob);
        if (e->private_blob)
                OPENSSL_cleanse(e->private_blob, e->private_size);
        free(e->private_blob);
        memset(e, 0, sizeof(*e));
}

static unsigned char *copy(const uint8_t *data, size_t size)
{
        unsigned char *out = malloc(size ? size : 1);
        if (out)
                memcpy(out, data, size);
        return out;
}

int export_blobs(struct tpm *tpm, const char *user_path, struct exported *e)
{
        _cleanup_fapi_free_ uint8_t *pub = NULL, *priv = NULL;
        _cleanup_fapi_free_ char *policy = NULL;
        _cleanup_json_ json_object *obj = NULL;
        TPM2B_PUBLIC public;
        char profile[128];
        const char *end;
        size_t pub_size = 0, priv_size = 0;
        TSS2_RC rc;
        int r;

        memset(e, 0, sizeof(*e));
        if ((r = object_resolve(tpm, user_path, e->path, sizeof(e->path))) ||
            (r = object_json(tpm, e->path, &obj)))
                return r;
        rc = Fapi_GetTpmBlobs(tpm->fapi, e->path, &pub, &pub_size, &priv, &priv_size, &policy);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "reading %s", e->path);
        if (!priv || !priv_size)
                return error_set(EXIT_BAD_INPUT, "%s has no private part to export", e->path);
        if ((r = public_unmarshal(pub, pub_size, &public)))
                return r;
        if (strncmp(e->path, "/P_", 3) != 0 || !(end = strchr(e->path + 1, '/')) ||
            strncmp(end, "/HS/SRK/", 8) != 0 || strchr(end + 8, '/'))
                return error_set(EXIT_BAD_INPUT, "%s is not a direct child of a storage root key",
                                 e->path);
        snprintf(profile, sizeof(profile), "%.*s", (int)(end - e->path - 1), e->path + 1);
        e->parent = srk_persistent_handle(tpm, profile);
        if (!e->parent)
                return error_set(EXIT_BAD_INPUT, "the storage root key of %s is not persistent",
                                 profile);
        e->is_key =
            public.publicArea.type == TPM2_ALG_RSA || public.publicArea.type == TPM2_ALG_ECC;
        e->with_auth = object_auth(obj) != OBJECT_AUTH_NO;
        e->auth_unknown = object_auth(obj) == OBJECT_AUTH_UNKNOWN;
        e->public_blob = copy(pub, pub_size);
        e->private_blob = copy(priv, priv_size);
        e->public_size = pub_size;
        e->private_size = priv_size;
        if (!e->public_blob || !e->private_blob)
                return error_set(EXIT_TPM, "out of memory");
        return 0;
}

int export_pem(const struct exported *e, char **pem, size_t *len)
{
        struct tss2_keyfile key = {
            .pub = e->public_blob,
            .pub_size = e->public_size,
            .priv = e->private_blob,
            .priv_size = e->private_size,
            .parent = e->parent,
            .empty_auth = !e->with_auth,
        };

        if (!e->is_key)
                return error_set(EXIT_BAD_INPUT,
                                 "%s is sealed data, not a key: the PEM key file "
                                 "holds keys; use --format tpm2-tools",
                                 e->path);
        return tss2_keyfile_write(&key, pem, len);
}
