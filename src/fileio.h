/* Files in and out: size-limited reads, atomic writes that never overwrite
 * by accident and never leave half a file behind. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Reads a whole file ("-" is stdin) of at most max bytes into a new buffer
 * (NUL-terminated for convenience). EXIT_NOT_FOUND when missing,
 * EXIT_BAD_INPUT when larger than max (errno is then EFBIG) or unreadable.
 * The data may be secret: every buffer given up on the way is wiped, and a
 * caller holding a secret wipes the len bytes it got (_cleanup_secret_). */
int file_read(const char *path, size_t max, unsigned char **data, size_t *len);

enum write_flags {
        WRITE_FORCE = 1,  /* replace an existing file, write into a FIFO or device */
        WRITE_SECRET = 2, /* 0600 whatever the umask; only into what the user owns */
};

/* Fails early, before any TPM work, when file_write() would refuse path:
 * give it the flags file_write() will get. */
int file_check_output(const char *path, unsigned flags);

/* The umask the user had before tpmctl made its own 077: files that are not
 * secret (signatures, public keys, ciphertexts) are created with it. */
void file_set_user_umask(unsigned mask);

/* Writes data to path ("-" is stdout) through a temporary file in the same
 * directory and a rename, so readers see the old file or the whole new one.
 * Whatever exists at path is replaced (a file, a link to one) or written
 * into (a FIFO, a device) only with WRITE_FORCE, else EXIT_BAD_INPUT. With
 * WRITE_SECRET, never what belongs to another user nor through a symbolic
 * link to a FIFO or device, whatever WRITE_FORCE says (EXIT_BAD_INPUT). */
int file_write(const char *path, const void *data, size_t len, unsigned flags);
