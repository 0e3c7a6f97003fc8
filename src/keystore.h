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
