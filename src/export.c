/* Moving keys and sealed objects out; see export.h. */
#include "export.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_rc.h>

#include "cleanup.h"
#include "errors.h"
#include "fapi_object.h"
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
        _cleanup_(keystore_object_free) struct keystore_object o = {0};
        uint8_t pub[sizeof(TPM2B_PUBLIC)], priv[sizeof(TPM2B_PRIVATE)];
        size_t pub_size = 0, priv_size = 0;
        char profile[128];
        const char *end;
        int r;

        memset(e, 0, sizeof(*e));
        WIPE_ON_EXIT(priv);
        r = keystore_object_read(tpm, user_path, &o);
        snprintf(e->path, sizeof(e->path), "%s", o.path);
        if (r)
                return r;
        if (o.type != FAPI_OBJECT_KEY || !o.private.size)
                return error_set(EXIT_BAD_INPUT, "%s has no private part to export", e->path);
        if ((r = keystore_object_blobs(&o, pub, sizeof(pub), &pub_size, priv, sizeof(priv),
                                       &priv_size)))
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
            o.public.publicArea.type == TPM2_ALG_RSA || o.public.publicArea.type == TPM2_ALG_ECC;
        e->kind = o.public.publicArea.type == TPM2_ALG_SYMCIPHER ? "an AES key"
                  : o.public.publicArea.type == TPM2_ALG_KEYEDHASH &&
                          (o.public.publicArea.objectAttributes & TPMA_OBJECT_SIGN_ENCRYPT)
                      ? "an HMAC key"
                      : "sealed data";
        e->with_auth = o.auth != OBJECT_AUTH_NO;
        e->auth_unknown = o.auth == OBJECT_AUTH_UNKNOWN;
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
                                 "%s is %s, not a key the PEM key file holds (RSA or "
                                 "ECC); use --format tpm2-tools",
                                 e->path, e->kind ? e->kind : "sealed data");
        return tss2_keyfile_write(&key, pem, len);
}
