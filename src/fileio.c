/* Files in and out: size-limited reads, atomic writes that never overwrite
 * by accident and never leave half a file behind. */
#include "fileio.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "errors.h"

/* Makes room for cap bytes and a NUL in buf, which holds used bytes: a new
 * block, the old one wiped and freed (realloc would free it unwiped). */
static int grow(struct secret *buf, size_t used, size_t cap)
{
        unsigned char *bigger = malloc(cap + 1);

        if (!bigger)
                return -1;
        if (used)
                memcpy(bigger, buf->data, used);
        secret_wipe(buf);
        buf->data = bigger;
        buf->size = cap + 1;
        return 0;
}

/* What the data may hold is secret (seal -i, --auth-file, PEMs of private
 * keys): the buffer is wiped whenever it is given up, error or not. */
static int read_fd(int fd, const char *name, size_t max, unsigned char **data, size_t *len)
{
        _cleanup_secret_ struct secret buf = {0};
        size_t cap = max < 4096 ? max + 1 : 4096, used = 0;
        struct stat st;

        /* A regular file's size is known: one block, one byte more to see
         * the end of the file (or that it grew past max). */
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
                cap = (size_t)st.st_size < max ? (size_t)st.st_size + 1 : max + 1;
        if (grow(&buf, 0, cap))
                return error_set(EXIT_TPM, "out of memory");
        for (;;) {
                ssize_t n;

                if (used == cap) {
                        if (cap > max)
                                break;
                        cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
                        if (grow(&buf, used, cap))
                                return error_set(EXIT_TPM, "out of memory");
                }
                n = read(fd, buf.data + used, cap - used);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return error_set(EXIT_BAD_INPUT, "cannot read %s: %s", name,
                                         strerror(errno));
                if (n == 0)
                        break;
                used += (size_t)n;
                if (used > max)
                        break;
        }
        if (used > max) {
                error_set(EXIT_BAD_INPUT, "%s is larger than %zu bytes", name, max);
                errno = EFBIG; /* for callers with their own message */
                return EXIT_BAD_INPUT;
        }
        buf.data[used] = '\0';
        *data = steal_ptr(buf.data);
        *len = used;
        return 0;
}

int file_read(const char *path, size_t max, unsigned char **data, size_t *len)
{
        _cleanup_close_ int fd = -1;

        if (strcmp(path, "-") == 0)
                return read_fd(STDIN_FILENO, "standard input", max, data, len);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return error_set(errno == ENOENT ? EXIT_NOT_FOUND : EXIT_BAD_INPUT,
                                 "cannot open %s: %s", path, strerror(errno));
        return read_fd(fd, path, max, data, len);
}

static mode_t user_umask = 022;

void file_set_user_umask(unsigned mask)
{
        user_umask = (mode_t)mask;
}

static int write_all(int fd, const void *data, size_t len)
{
        const unsigned char *p = data;

        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -1;
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

/* A device, FIFO or socket (/dev/null, /dev/stdout, a pipe): written to in
 * place, never replaced by a rename. */
static bool is_special(const char *path)
{
        struct stat st;
        return stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

int file_check_output(const char *path, unsigned flags)
{
        if (strcmp(path, "-") != 0 && !(flags & WRITE_FORCE) && access(path, F_OK) == 0 &&
            !is_special(path))
                return error_set(EXIT_BAD_INPUT, "%s exists; use --force to replace it", path);
        return 0;
}

static int write_in_place(const char *path, const void *data, size_t len)
{
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);

        if (fd < 0 || write_all(fd, data, len) < 0)
                return error_set(EXIT_BAD_INPUT, "cannot write %s: %s", path, strerror(errno));
        return 0;
}

int file_write(const char *path, const void *data, size_t len, unsigned flags)
{
        char tmp[PATH_MAX];
        _cleanup_close_ int fd = -1;
        int n;

        if (strcmp(path, "-") == 0) {
                if (write_all(STDOUT_FILENO, data, len) < 0)
                        return error_set(EXIT_BAD_INPUT, "cannot write to standard output: %s",
                                         strerror(errno));
                return 0;
        }
        if (is_special(path))
                return write_in_place(path, data, len);
        if ((n = file_check_output(path, flags)))
                return n;
        n = snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path);
        if (n < 0 || (size_t)n >= sizeof(tmp))
                return error_set(EXIT_BAD_INPUT, "path too long: %s", path);
        fd = mkstemp(tmp); /* 0600 */
        if (fd < 0)
                return error_set(errno == ENOENT ? EXIT_NOT_FOUND : EXIT_BAD_INPUT,
                                 "cannot create %s: %s", path, strerror(errno));
        if (!(flags & WRITE_SECRET))
                fchmod(fd, 0666 & ~user_umask);
        if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
                int e = errno;
                unlink(tmp);
                return error_set(EXIT_BAD_INPUT, "cannot write %s: %s", path, strerror(e));
        }
        if ((flags & WRITE_FORCE) ? rename(tmp, path) < 0 : link(tmp, path) < 0) {
                int e = errno;
                unlink(tmp);
                if (e == EEXIST)
                        return error_set(EXIT_BAD_INPUT, "%s exists; use --force to replace it",
                                         path);
                return error_set(EXIT_BAD_INPUT, "cannot write %s: %s", path, strerror(e));
        }
        if (!(flags & WRITE_FORCE))
                unlink(tmp); /* link() kept the new name; the temp name goes */
        return 0;
}
