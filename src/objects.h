/* Listing and deleting keystore objects. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "context.h"

#define FAPI_PATH_MAX 512

/* The FAPI paths under `search` (a user path; NULL for all), newly allocated
 * and NULL-terminated: what Fapi_List gives, in its order (system keystore,
 * then user keystore, depth first in directory order), read from the
 * keystore directories without FAPI or the TPM. */
int objects_list(struct tpm *tpm, const char *search, char ***paths, size_t *count);
void objects_list_free(char **paths);

/* The full FAPI path (with its /PROFILE prefix) of an existing object that
 * the user named: a bare name or a profile-relative path (/HS/SRK/k) is
 * looked up under the active profile first, then under the others the
 * keystore holds, so `sign mykey` finds an ECC key as well as an RSA one.
 * EXIT_NOT_FOUND when no profile has it. */
int object_resolve(const struct tpm *tpm, const char *user_path, char *full, size_t size);

/* For a new object: 0 when no profile has user_path (full then holds its
 * path under the active profile), EXIT_EXISTS naming the one that does.
 * Bare names must name one object whatever its profile. */
int object_absent(const struct tpm *tpm, const char *user_path, char *full, size_t size);

/* Deletes one object (and its persistent handle). Refuses the profile's
 * hierarchy objects: deleting the SRK would delete every key under it. */
int object_delete(struct tpm *tpm, const char *user_path);
