/* The keystore lock: FAPI 3.2.1 truncates keystore files before it locks
 * them, so concurrent processes can lose keys. Every tpmctl command holds this
 * lock for its whole run: shared to read, exclusive to write. */
#pragma once

#include <stdbool.h>

/* Opens (creating it 0600 and its directory 0700) and locks lock_file.
 * Returns 0 with *fd set, or an exit code with the error recorded. */
int keystore_lock(const char *lock_file, bool exclusive, int *fd);

/* Creates dir and its parents with mode 0700 where missing. */
int mkdir_private(const char *dir);

/* The keystore given with --keystore (or TPMCTL_KEYSTORE), root, before it
 * is used: a directory (or nothing yet: created 0700) that the user can
 * read and write, owned by the user or root, not writable by group or
 * others (as ssh checks ~/.ssh). EXIT_BAD_INPUT with a line naming the path
 * and what to do otherwise. NULL (FAPI's own keystore, shared with the
 * tss2_* tools through the tss group): nothing to check. */
int keystore_check(const char *root);
