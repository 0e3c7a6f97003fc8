/* FAPI object paths as users type them. */
#pragma once

#include <stddef.h>

/* Writes the FAPI path for a user's PATH into out: a bare name without '/'
 * means /HS/SRK/NAME; a path with '/' is taken as FAPI takes it. Returns 0,
 * or EXIT_USAGE with the error recorded when PATH cannot be a keystore
 * path (empty, "..", characters FAPI cannot store, too long). */
int path_normalize(const char *user_path, char *out, size_t out_size);

/* The same for a path where an object is to be created (key create, seal,
 * import): it must lie below a hierarchy (/HS, /HE, /HN, after an optional
 * /P_PROFILE), not under /policy, /nv or /ext, nor be a hierarchy itself.
 * EXIT_USAGE otherwise: FAPI would say "path is bad" only once at work. */
int path_normalize_new(const char *user_path, char *out, size_t out_size);

/* The same for policies: a bare name means /policy/NAME; other paths must
 * lie under /policy. */
int policy_path_normalize(const char *user_path, char *out, size_t out_size);
