/* Policies stored in the keystore for FAPI to compute a new object's
 * authPolicy from (Fapi_CreateKey and Fapi_CreateSeal take a policy path). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

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
