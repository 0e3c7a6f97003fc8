/* Listing and deleting keystore objects. */
#pragma once

#include <stddef.h>

#include "context.h"

#define FAPI_PATH_MAX 512

/* The FAPI paths under `search` (a user path; NULL for all), newly allocated
 * and NULL-terminated. */
int objects_list(struct tpm *tpm, const char *search, char ***paths, size_t *count);
void objects_list_free(char **paths);

/* Deletes one object (and its persistent handle). Refuses the profile's
 * hierarchy objects: deleting the SRK would delete every key under it. */
int object_delete(struct tpm *tpm, const char *user_path);
