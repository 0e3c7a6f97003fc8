/* Keystore objects (FAPI 3.2.1's object.json) read and written without
 * FAPI: the public and private areas FAPI would hand to the TPM, and what
 * tpmctl needs to know about an object, read once from its file. This
 * module alone knows the file's name and its fields (fapi_object.c reads,
 * fapi_object_write.c writes). */
#pragma once

#include <json-c/json.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <tss2/tss2_tpm2_types.h>

#include "context.h"
#include "objects.h"

/* FAPI's objectType values (IFAPI_OBJECT_TYPE_CONSTANT). */
enum fapi_object_type {
        FAPI_OBJECT_KEY = 1,
        FAPI_OBJECT_NV = 2,
        FAPI_OBJECT_EXT_PUB_KEY = 3,
        FAPI_OBJECT_HIERARCHY = 4,
        FAPI_OBJECT_DUPLICATE = 5,
};

/* What the keystore says about an object's password. tpm2-tools blobs do
 * not say whether the object has one, so import records UNKNOWN for them:
 * FAPI's with_auth YES (FAPI then asks tpmctl, see fapi_auth.c) and a
 * tpmctl field naming the private blob it is about. A new private blob
 * (auth change) has a known password, and the field no longer applies. */
enum object_auth {
        OBJECT_AUTH_NO = 0, /* the values of a bool "has a password" */
        OBJECT_AUTH_YES = 1,
        OBJECT_AUTH_UNKNOWN = 2,
};

/* Reads it from a keystore object. */
enum object_auth object_auth(json_object *obj);

/* Records it in a keystore object that has its "private" field already. */
int object_auth_record(json_object *obj, enum object_auth auth);

/* FAPI's with_auth is YES (what FAPI itself goes by, NV indices too). */
bool keystore_object_with_auth(json_object *obj);

/* The object's persistent handle; 0 when it has none. */
unsigned keystore_object_persistent_handle(json_object *obj);

/* What an NV index object's nvPublic says, names as FAPI writes them. */
struct keystore_nv {
        unsigned handle;         /* nvIndex */
        unsigned size;           /* dataSize */
        const char *name_alg;    /* "SHA256"; NULL when missing */
        const char *type;        /* the TPM2_NT attribute: "ORDINARY", "COUNTER"... */
        bool has_policy;         /* a non-empty authPolicy */
        bool written;            /* the WRITTEN attribute FAPI records */
        TPM2B_NAME name;         /* as FAPI recorded it; size 0 when unreadable */
        json_object *attributes; /* the attribute object: NAME -> 0/1 (borrowed) */
};

/* Reads it from an NV index object; EXIT_BAD_INPUT naming full_path when
 * the object is no NV index (pointers into obj: valid while obj is). */
int keystore_object_nv(json_object *obj, const char *full_path, struct keystore_nv *nv);

/* Records in an NV index object that the index was written, and its
 * TPM2B_NV_PUBLIC as the TPM now has it (marshalled), as FAPI does after its
 * own writes: FAPI checks the index's name against it. */
int keystore_object_nv_set_written(json_object *obj, const char *full_path,
                                   const uint8_t *serialized, size_t len);

/* The object's description; "" when it has none. */
const char *keystore_object_description(json_object *obj);

/* The signing scheme FAPI recorded for a key ("RSA_PSS", "ECDSA"...), or
 * NULL. */
const char *keystore_object_signing_scheme(json_object *obj);

/* The policy FAPI stored with the object (policy language JSON), or NULL. */
json_object *keystore_object_policy(json_object *obj);

/* An external public key object's PEM; NULL when obj is no such object. */
const char *keystore_object_ext_public_pem(json_object *obj);

/* Where the keystore keeps an object (its object.json): FAPI writes keys to
 * the user keystore and hierarchies to the system keystore. False when
 * neither holds it. */
bool object_file(const struct tpm *tpm, const char *full_path, char *file, size_t size);

/* The file an object at full_path has under one keystore directory, whether
 * or not it exists. */
void keystore_object_file_in(const char *keystore_dir, const char *full_path, char *file,
                             size_t size);

/* stat() of the object's file (object_file() rules): EXIT_NOT_FOUND when
 * neither keystore holds it, EXIT_TPM when it cannot be looked at. */
int keystore_object_stat(const struct tpm *tpm, const char *full_path, struct stat *st);

/* The keystore's JSON for an object at a full FAPI path, as it is (no
 * checks of its fields: keystore_object_read() makes them). */
int object_json(const struct tpm *tpm, const char *full_path, json_object **out);

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

/* FAPI's JSON for a public area (RSA, ECC or keyed-hash), which
 * fapi_object_public() reads back. Pure; NULL when it cannot be marshalled. */
json_object *public_to_fapi_json(const TPM2B_PUBLIC *pub);

/* A new key object as FAPI writes one for a key it created under an SRK:
 * name is the object's TPM name. EXIT_BAD_INPUT when the public area cannot
 * be marshalled. */
int keystore_object_new_key(const TPM2B_PUBLIC *public, const TPM2B_PRIVATE *private,
                            const TPM2B_NAME *name, enum object_auth auth, json_object **out);

/* Puts a new private blob in a key object, with what is known of its
 * password (the old blob's UNKNOWN no longer applies). */
int keystore_object_set_private(json_object *obj, const TPM2B_PRIVATE *private,
                                enum object_auth auth);

enum keystore_write {
        KEYSTORE_WRITE_NEW,     /* a new object in the user keystore, its directory made */
        KEYSTORE_WRITE_REPLACE, /* the existing file, in whichever keystore holds it */
};

/* Writes the object at full_path: a temporary file (0600) in the same
 * directory, synced, renamed over the old one (NEW: linked, never replacing
 * one) and the directory synced, so a crash leaves the old file or the
 * whole new one. EXIT_EXISTS (NEW) or EXIT_NOT_FOUND (REPLACE) when the
 * object is or is not there already. */
int keystore_object_write(struct tpm *tpm, const char *full_path, json_object *obj,
                          enum keystore_write how);

/* Undoes a KEYSTORE_WRITE_NEW: the file and its directory go. */
void keystore_object_discard(const struct tpm *tpm, const char *full_path);

/* Removes the system keystore's record of an NV index (/nv/...) that the
 * TPM no longer has: FAPI's delete fails on it and would leave it forever. */
void keystore_nv_discard(const struct tpm *tpm, const char *nv_path);
