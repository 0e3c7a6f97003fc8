/* Keystore objects (FAPI 3.2.1's object.json) read without FAPI: the public
 * and private areas FAPI would hand to the TPM, and what tpmctl needs to
 * know about an object, read once from its file. */
#pragma once

#include <json-c/json.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>
#include <tss2/tss2_tpm2_types.h>

#include "context.h"
#include "keys.h"
#include "objects.h"

/* FAPI's objectType values (IFAPI_OBJECT_TYPE_CONSTANT). */
enum fapi_object_type {
        FAPI_OBJECT_KEY = 1,
        FAPI_OBJECT_NV = 2,
        FAPI_OBJECT_EXT_PUB_KEY = 3,
        FAPI_OBJECT_HIERARCHY = 4,
        FAPI_OBJECT_DUPLICATE = 5,
};

/* The TPM2B_PUBLIC of a keystore object's "public" field ({"size",
 * "publicArea": {"type", "nameAlg", "objectAttributes", "authPolicy",
 * "parameters", "unique"}}), with every spelling FAPI 3.2.1's reader takes
 * (names or numbers, attributes as an object, array or number, bytes as
 * hex or an array). Its size is what Tss2_MU_TPM2B_PUBLIC_Marshal writes,
 * so marshalling it gives the bytes Fapi_GetTpmBlobs returns. Pure: 0, or
 * EXIT_BAD_INPUT with the field at fault recorded. */
int fapi_object_public(json_object *public, TPM2B_PUBLIC *out);

/* The TPM2B_PRIVATE of the "private" field (hex of the TPM2B's buffer);
 * NULL (no such field, e.g. a persistent SRK) gives size 0, as FAPI does.
 * Pure: 0 or EXIT_BAD_INPUT. */
int fapi_object_private(json_object *private, TPM2B_PRIVATE *out);

/* What identifies one version of a file: a long-lived process compares it
 * with the file's current one (keystore_object_changed()). */
struct file_stamp {
        dev_t dev;
        ino_t ino;
        struct timespec mtime;
        off_t size;
};

struct keystore_object {
        char path[FAPI_PATH_MAX]; /* full FAPI path, with /PROFILE for keys */
        char file[PATH_MAX * 2];  /* its object.json */
        json_object *json;        /* the whole object; keystore_object_free() */
        int type;                 /* enum fapi_object_type */
        bool has_public;          /* keys and external public keys */
        TPM2B_PUBLIC public;
        TPM2B_PRIVATE private; /* size 0 when the file has none (persistent SRK) */
        bool with_auth;        /* FAPI's with_auth: FAPI asks for a password */
        enum object_auth auth; /* what tpmctl knows of it (keys.h) */
        unsigned persistent;   /* persistent_handle; 0 when not persistent */
        bool has_policy;       /* the object carries a FAPI policy ("policy") */
        struct file_stamp stamp;
};

/* Reads the object a user names (object_resolve() rules: a bare name is
 * /HS/SRK/NAME, looked up under every profile) from its file: read once,
 * parsed, and its public and private areas decoded. EXIT_NOT_FOUND when no
 * such object, EXIT_BAD_INPUT naming the file when it is malformed. */
int keystore_object_read(const struct tpm *tpm, const char *user_path, struct keystore_object *o);

/* The same for an object.json file whose FAPI path is already known. */
int keystore_object_read_file(const char *file, const char *full_path, struct keystore_object *o);

/* Whether the object's file is no longer the one read (rewritten, replaced,
 * deleted). */
bool keystore_object_changed(const struct keystore_object *o);

/* Marshalled as Fapi_GetTpmBlobs returns them (TPM2B_PUBLIC, TPM2B_PRIVATE). */
int keystore_object_blobs(const struct keystore_object *o, uint8_t *pub, size_t pub_max,
                          size_t *pub_size, uint8_t *priv, size_t priv_max, size_t *priv_size);

/* Wipes the private blob and frees the JSON. */
void keystore_object_free(struct keystore_object *o);
