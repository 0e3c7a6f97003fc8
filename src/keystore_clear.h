/* Deleting the whole keystore, FAPI's path "/": every object of every
 * profile (keys, sealed data, the storage root keys and hierarchies),
 * the policies, the external keys, and the persistent handles they hold.
 * Nothing sealed or created there can be recovered afterwards. */
#pragma once

#include <stddef.h>

#include "context.h"

#define CLEAR_MAX_HANDLES 64

/* What deleting "/" removes: every path Fapi_List gives for "/", and the
 * persistent handles among them. */
struct keystore_contents {
        char **paths; /* NULL-terminated */
        size_t n_paths;
        unsigned handles[CLEAR_MAX_HANDLES];
        size_t n_handles;
};

int keystore_contents_read(struct tpm *tpm, struct keystore_contents *out);
void keystore_contents_free(struct keystore_contents *c);
static inline void keystore_contents_freep(struct keystore_contents *c)
{
        keystore_contents_free(c);
}

/* Deletes everything in c through Fapi_Delete("/") (which evicts the
 * persistent handles), after removing the sealed envelopes FAPI does not
 * know about. EXIT_NOT_FOUND when the keystore is empty. */
int keystore_clear(struct tpm *tpm, const struct keystore_contents *c);
