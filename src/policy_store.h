/* Policies stored in the keystore for FAPI to compute a new object's
 * authPolicy from (Fapi_CreateKey and Fapi_CreateSeal take a policy path). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include <tss2/tss2_tpm2_types.h>

#include "context.h"

/* Reads the PCRs of SPEC now and stores a policy for those values (and
 * PolicyAuthValue when with_auth) at a fresh /policy/tpmctl-seal-... path,
 * written to path. The caller deletes it once the object exists: the object
 * keeps its own copy. */
int pcr_policy_import(struct tpm *tpm, const char *spec, bool with_auth, char *path, size_t size);

/* For a new object bound to the keystore policy at policy_path: when the
 * digest FAPI computes for it is not the one the TPM computes (FAPI 3.2.1
 * zeroes a digest before a POLICYOR from two bytes too early, so an OR
 * after any other element hashes in the last two bytes of the digest
 * before it; and it hashes a PCR index that a PCR element holds in two
 * banks into both banks' digest), stores a copy carrying the digests
 * tpmctl computes (policy_annotate) at a fresh /policy/tpmctl-create-...
 * path, written to out, for the caller to create the object with and then
 * delete. Otherwise out is "" and FAPI takes policy_path as it is. */
int policy_import_for_create(struct tpm *tpm, const char *policy_path, char *out, size_t size);

/* Stores the policy json at the keystore path (normalized already). */
int policy_store_import(struct tpm *tpm, const char *path, json_object *json);

/* The policy stored at the keystore path (normalized already), as FAPI's
 * JSON text in *json; the caller frees it with Fapi_Free. */
int policy_store_export(struct tpm *tpm, const char *path, char **json);

/* Signed approvals of policies (POLICYAUTHORIZE), one JSON file each in
 * tpmctl-authorizations/ beside the user keystore (beside its lock): the
 * records policy_authorization_parse() reads, named for the policy path,
 * the key's name and the policyRef, so authorizing again replaces. */
int authorizations_dir(const struct tpm *tpm, char *out, size_t size);

/* Stores record (an authorization of policy_path by the key named key_name
 * with ref), replacing the one for the same three; file: where. */
int authorization_store(struct tpm *tpm, json_object *record, const char *policy_path,
                        const TPM2B_NAME *key_name, const TPM2B_NONCE *ref, char *file,
                        size_t size);

/* The stored records for the key and ref, newest first (a JSON array in
 * *list, empty when none). Unreadable files are skipped. */
int authorizations_find(const struct tpm *tpm, const TPM2B_NAME *key_name, const TPM2B_NONCE *ref,
                        json_object **list);

/* A POLICYAUTHORIZE policy for a new sealed object: policies approved by the
 * signing key at key_path with ref (then POLICYAUTHVALUE when with_auth),
 * carrying tpmctl's digests, stored at a fresh /policy/tpmctl-seal-...
 * path (written to path) for Fapi_CreateSeal; the caller deletes it. */
int authorize_policy_import(struct tpm *tpm, const char *key_path, const TPM2B_NONCE *ref,
                            bool with_auth, char *path, size_t size);

/* The key path a policy made by authorize_policy_import() names in its
 * description, or NULL. */
const char *authorize_policy_key_path(json_object *policy);

/* What a keystore object is bound to, for `key show`. */
struct object_bindings {
        bool has_policy;    /* an authPolicy */
        bool policy_known;  /* tpmctl could read the policy stored with it */
        char pcrs[256];     /* the PCRs of its PCR elements, as a SPEC ("sha256:0,7"), or "" */
        char banks[64];     /* their banks: "sha256" */
        bool password;      /* the object has a password (PolicyAuthValue asks for it) */
        bool authorized;    /* PolicyAuthorize: */
        char key_path[512]; /* the signing key, when the policy names it, or "" */
        char key_name[2 * 68 + 1]; /* its name, hex */
        char ref[140];             /* policyRef text */
        char text[1024];           /* the policy's human form (policy_describe()) */
};

/* Reads them from a keystore object (object.json) and its public area. */
void object_bindings_read(json_object *object, const TPMT_PUBLIC *pub, bool with_auth,
                          struct object_bindings *b);

/* JSON: {"pcrs", "pcr_banks", "password", "authorized_by": {"key",
 * "key_name", "policy_ref"} or null, "policy_text"}. */
json_object *object_bindings_json(const struct object_bindings *b);
