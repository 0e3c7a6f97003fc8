/* Changing an object's password (TPM2_ObjectChangeAuth) and keeping the new
 * private blob in the keystore. */
#pragma once

#include "auth.h"
#include "context.h"

/* The current password comes from `current` (asked only when the object
 * needs one), the new one is given. Objects with a policy run it in
 * tpmctl's own engine, the others authorize with the current password. */
int auth_change(struct tpm *tpm, const char *user_path, const struct auth_source *current,
                const struct secret *new_password);
