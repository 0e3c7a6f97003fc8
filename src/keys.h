/* Keys: creating them, and what tpmctl needs to know about one. */
#pragma once

#include <stdbool.h>
#include <tss2/tss2_tpm2_types.h>

#include "auth.h"
#include "cleanup.h"
#include "context.h"
#include "fapi_object.h"
#include "objects.h"

enum key_type {
        KEY_SIGN,
        KEY_DECRYPT,
        KEY_RESTRICTED_SIGN,
        KEY_RESTRICTED_DECRYPT,
};

struct key_spec {
        enum key_type type;
        bool noda;           /* also without it when the key has no password: see key_create() */
        const char *policy;  /* a keystore policy path, or NULL */
        const char *pcrs;    /* bind to these PCRs' values now (SPEC), or NULL */
        unsigned persistent; /* 0x81xxxxxx, or 0 */
        const char *description; /* or NULL */
};

/* The --alg names and their profiles, ending with {0} (the completion
 * offers them too). */
struct key_alg {
        const char *alg, *profile;
};
extern const struct key_alg key_algs[];

/* "rsa2048" -> "P_RSA2048SHA256" etc.; EXIT_BAD_INPUT for what FAPI 3.2.1
 * cannot do (rsa3072: its profile parser accepts 1024 and 2048 bits only). */
int alg_profile(const char *alg, const char **profile);

/* The --type names in enum key_type's order, then NULL. */
extern const char *const key_type_names[];

/* "sign" -> KEY_SIGN etc. */
int key_type_parse(const char *name, enum key_type *type);

/* FAPI's type string for a spec: "sign,noda,0x81000010". Pure. */
void key_type_string(const struct key_spec *spec, char *out, size_t size);

/* FAPI's type string for sealed data: the flags the user gave (or NULL),
 * with "noda" added when it has no password (as key_create() does). Pure. */
void seal_type_string(const char *type, bool has_password, char *out, size_t size);

/* Creates a key at a FAPI path under the active profile's SRK. The password
 * (or NULL for none) becomes the key's auth value. A key without a password
 * gets noda whatever spec says: dictionary-attack protection guards nothing
 * there, yet a TPM in lockout would refuse the key, and a TPM that loses
 * power mid-command counts a failure against it. */
int key_create(struct tpm *tpm, const char *path, const struct key_spec *spec,
               const struct secret *password);

/* Whether to read a password to use an object by its auth value (no
 * policy): always when the user named a source, whatever the keystore says,
 * since a given password must be used; else when the keystore says the
 * object has one. UNKNOWN without a source: no, the empty password is
 * tried (once: no prompt, and no retries). */
bool object_auth_wanted(json_object *obj, const struct auth_source *src);

/* What is known about an existing key. */
struct key_info {
        char path[FAPI_PATH_MAX]; /* full, with /PROFILE */
        TPM2B_PUBLIC public;
        TPM2B_PRIVATE private; /* as the TPM loads it; size 0 for a persistent SRK */
        bool with_auth;        /* FAPI will ask for a password */
        bool auth_unknown;     /* ... and the keystore does not know (OBJECT_AUTH_UNKNOWN) */
        unsigned persistent;   /* 0 when not persistent */
        char description[256];
        char signing_scheme[16]; /* "RSAPSS", "RSASSA", "ECDSA", "" */
        bool has_policy;
        json_object *json; /* the keystore object; key_info_free() */
};

void key_info_free(struct key_info *info);

/* Looks up a key (as object_resolve() does) and reads what the keystore and
 * its public area say, from the keystore file alone (fapi_object.h): no FAPI
 * or TPM needed. EXIT_NOT_FOUND for objects that are not keys or sealed data. */
int key_info_read(struct tpm *tpm, const char *user_path, struct key_info *info);
