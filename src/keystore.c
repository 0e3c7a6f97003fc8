/* The keystore lock; see keystore.h for why it exists. */
#include "keystore.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.h"

int mkdir_private(const char *dir)
{
        char path[PATH_MAX];
        size_t len;

        if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
                return error_set(EXIT_BAD_INPUT, "path too long: %s", dir);
        len = strlen(path);
        for (size_t i = 1; i <= len; i++) {
                if (path[i] != '/' && path[i] != '\0')
                        continue;
                path[i] = '\0';
                if (mkdir(path, 0700) < 0 && errno != EEXIST)
                        return error_set(EXIT_TPM, "cannot create directory %s: %s", path,
                                         strerror(errno));
                if (i < len)
                        path[i] = '/';
        }
        return 0;
}

int keystore_lock(const char *lock_file, bool exclusive, int *fd_out)
{
        char dir[PATH_MAX];
        char *slash;
        int fd, r;

        snprintf(dir, sizeof(dir), "%s", lock_file);
        if ((slash = strrchr(dir, '/')) && slash != dir) {
                *slash = '\0';
                if ((r = mkdir_private(dir)))
                        return r;
        }
        fd = open(lock_file, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0)
                return error_set(EXIT_TPM, "cannot open the keystore lock %s: %s", lock_file,
                                 strerror(errno));
        while (flock(fd, exclusive ? LOCK_EX : LOCK_SH) < 0) {
                if (errno == EINTR)
                        continue;
                r = errno;
                close(fd);
                return error_set(EXIT_TPM, "cannot lock the keystore (%s): %s", lock_file,
                                 strerror(r));
        }
        *fd_out = fd;
        return 0;
}
