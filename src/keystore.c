/* The keystore lock; see keystore.h for why it exists. */
#include "keystore.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
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

int keystore_check(const char *root)
{
        char path[PATH_MAX];
        const char *home = getenv("HOME");
        struct stat st;

        if (!root || !*root)
                return 0;
        if (strncmp(root, "~/", 2) == 0 && home)
                snprintf(path, sizeof(path), "%s%s", home, root + 1);
        else
                snprintf(path, sizeof(path), "%s", root);
        if (stat(path, &st) < 0) {
                if (errno == ENOENT)
                        return 0; /* created 0700 on first use */
                return error_set(EXIT_BAD_INPUT, "cannot use the keystore %s: %s", path,
                                 strerror(errno));
        }
        if (!S_ISDIR(st.st_mode))
                return error_set(EXIT_BAD_INPUT,
                                 "the keystore %s is not a directory: give --keystore (or "
                                 "TPMCTL_KEYSTORE) a directory, created if missing",
                                 path);
        /* As ssh checks ~/.ssh: who else may write in it could add, swap or
         * remove keys and the lock. */
        if (st.st_uid != geteuid() && st.st_uid != 0)
                return error_set(EXIT_BAD_INPUT,
                                 "the keystore %s belongs to another user (uid %u): use a "
                                 "keystore of your own, or chown it",
                                 path, (unsigned)st.st_uid);
        if (st.st_mode & (S_IWGRP | S_IWOTH))
                return error_set(EXIT_BAD_INPUT,
                                 "the keystore %s is writable by other users (mode %04o): "
                                 "chmod go-w %s",
                                 path, (unsigned)(st.st_mode & 07777), path);
        if (access(path, R_OK | W_OK | X_OK) < 0)
                return error_set(EXIT_BAD_INPUT,
                                 "the keystore %s is not readable and writable by you (mode "
                                 "%04o): chmod u+rwx %s",
                                 path, (unsigned)(st.st_mode & 07777), path);
        return 0;
}
