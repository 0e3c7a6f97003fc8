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

/* What is at an output path that exists, as file_check_output() judges it. */
enum existing {
        EXISTING_NONE,     /* nothing: created 0600 or with the user's umask */
        EXISTING_REPLACE,  /* a file or a link to one: replaced by a rename with --force */
        EXISTING_IN_PLACE, /* a FIFO or device (/dev/null, a terminal): written in place */
};

static const char *kind(mode_t mode)
{
        if (S_ISFIFO(mode))
                return "a FIFO";
        if (S_ISCHR(mode) || S_ISBLK(mode))
                return "a device";
        if (S_ISSOCK(mode))
                return "a socket";
        if (S_ISLNK(mode))
                return "a symbolic link";
        if (S_ISDIR(mode))
                return "a directory";
        return "a file";
}

/* The rules for an output that exists (man tpmctl, INPUT AND OUTPUT):
 * nothing is replaced or written into without --force; a directory never;
 * and a secret goes only into what belongs to the user tpmctl runs as. In a
 * shared directory such as /tmp another user may have put a FIFO, a link to
 * a device or a file of theirs at the name: a secret written there would be
 * theirs. So a secret replaces only a file or link the user owns, and is
 * written in place only into a FIFO or device the user owns, opened without
 * following a link (root owns /dev/null: root may write secrets there). */
static int judge(const char *path, unsigned flags, enum existing *what)
{
        struct stat st, target;

        *what = EXISTING_NONE;
        if (lstat(path, &st) < 0) {
                if (errno == ENOENT)
                        return 0;
                return error_set(EXIT_BAD_INPUT, "cannot write %s: %s", path, strerror(errno));
        }
        if (S_ISDIR(st.st_mode))
                return error_set(EXIT_BAD_INPUT, "%s is a directory; give a file name", path);
        if (!(flags & WRITE_FORCE) && S_ISREG(st.st_mode))
                return error_set(EXIT_BAD_INPUT, "%s exists; use --force to replace it", path);
        if (!(flags & WRITE_FORCE))
                return error_set(EXIT_BAD_INPUT, "%s exists; use --force to write %s (%s)", path,
                                 S_ISLNK(st.st_mode) ? "there" : "into it", kind(st.st_mode));
        if ((flags & WRITE_SECRET) && st.st_uid != geteuid())
                return error_set(EXIT_BAD_INPUT,
                                 "%s is %s of another user (uid %u): a secret is never written "
                                 "there, even with --force; choose another path or -",
                                 path, kind(st.st_mode), (unsigned)st.st_uid);
        if (S_ISREG(st.st_mode) || (S_ISLNK(st.st_mode) && stat(path, &target) < 0) ||
            (S_ISLNK(st.st_mode) && S_ISREG(target.st_mode))) {
                *what = EXISTING_REPLACE; /* the name is replaced, not what a link points to */
                return 0;
        }
        if (S_ISLNK(st.st_mode)) {
                if (S_ISDIR(target.st_mode))
                        return error_set(EXIT_BAD_INPUT, "%s is a directory; give a file name",
                                         path);
                if (flags & WRITE_SECRET)
                        return error_set(EXIT_BAD_INPUT,
                                         "%s is a symbolic link to %s: a secret is not written "
                                         "through a link; give the target itself or -",
                                         path, kind(target.st_mode));
        }
        *what = EXISTING_IN_PLACE;
        return 0;
}

int file_check_output(const char *path, unsigned flags)
{
        enum existing what;

        if (strcmp(path, "-") == 0)
                return 0;
        return judge(path, flags, &what);
}

/* Writes into an existing FIFO or device. Opened non-blocking, so that a FIFO
 * nobody reads fails at once instead of hanging; a secret's is opened without
 * following a link and checked again once open (the name may have changed
 * since judge() looked at it). */
static int write_in_place(const char *path, const void *data, size_t len, unsigned flags)
{
        int open_flags = O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
        _cleanup_close_ int fd = -1;
        struct stat st;
        int fl;

        if (flags & WRITE_SECRET)
                open_flags |= O_NOFOLLOW;
        fd = open(path, open_flags);
        if (fd < 0 && errno == ENXIO)
                return error_set(EXIT_BAD_INPUT, "cannot write %s: no process reads that FIFO",
                                 path);
        if (fd < 0 && errno == ELOOP)
                return error_set(EXIT_BAD_INPUT,
                                 "%s became a symbolic link: a secret is not written through one",
                                 path);
        if (fd < 0 || fstat(fd, &st) < 0)
                return error_set(EXIT_BAD_INPUT, "cannot write %s: %s", path, strerror(errno));
        if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
                return error_set(EXIT_BAD_INPUT,
                                 "%s changed while tpmctl was writing it; try again", path);
        if ((flags & WRITE_SECRET) && st.st_uid != geteuid())
                return error_set(EXIT_BAD_INPUT,
                                 "%s is %s of another user (uid %u): a secret is never written "
                                 "there, even with --force; choose another path or -",
                                 path, kind(st.st_mode), (unsigned)st.st_uid);
        /* Blocking again: a slow reader gets every byte. */
        if ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0 ||
            write_all(fd, data, len) < 0)
                return error_set(EXIT_BAD_INPUT, "cannot write %s: %s", path, strerror(errno));
        return 0;
}

int file_write(const char *path, const void *data, size_t len, unsigned flags)
{
        char tmp[PATH_MAX];
        _cleanup_close_ int fd = -1;
        enum existing what;
        int n;

        if (strcmp(path, "-") == 0) {
                if (write_all(STDOUT_FILENO, data, len) < 0)
                        return error_set(EXIT_BAD_INPUT, "cannot write to standard output: %s",
                                         strerror(errno));
                return 0;
        }
        if ((n = judge(path, flags, &what)))
                return n;
        if (what == EXISTING_IN_PLACE)
                return write_in_place(path, data, len, flags);
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
