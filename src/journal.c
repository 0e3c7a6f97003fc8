/* The keystore's journal; see journal.h. */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "errors.h"

/* Where each record is: the TPM record is one byte, the keystore record a
 * line "C /path\n" (or "D"); "-" clears either. */
#define TPM_OFFSET 0
#define OP_OFFSET  8
#define MAX_LEN    (OP_OFFSET + 2 + JOURNAL_PATH_MAX + 1)

int journal_open(struct journal *j, const char *lock_file, bool tpm_records)
{
        char file[PATH_MAX + sizeof(JOURNAL_FILE)];
        const char *slash = strrchr(lock_file, '/');
        int n;

        if (j->active)
                return 0;
        n = slash ? snprintf(file, sizeof(file), "%.*s/" JOURNAL_FILE, (int)(slash - lock_file),
                             lock_file)
                  : snprintf(file, sizeof(file), JOURNAL_FILE);
        if (n < 0 || (size_t)n >= sizeof(file))
                return error_set(EXIT_BAD_INPUT, "path too long: %s", lock_file);
        j->fd = open(file, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (j->fd < 0)
                return error_set(EXIT_BAD_INPUT, "cannot open %s: %s", file, strerror(errno));
        j->tpm_records = tpm_records;
        j->active = true;
        return 0;
}

void journal_close(struct journal *j)
{
        if (j->active)
                close(j->fd);
        j->active = false;
}

void journal_parse(const char *data, size_t len, struct journal_state *st)
{
        const char *path, *end;

        *st = (struct journal_state){0};
        st->tpm_busy = len > TPM_OFFSET && data[TPM_OFFSET] == 'B';
        if (len < OP_OFFSET + 3 ||
            (data[OP_OFFSET] != JOURNAL_CREATE && data[OP_OFFSET] != JOURNAL_DELETE &&
             data[OP_OFFSET] != JOURNAL_REPLACE) ||
            data[OP_OFFSET + 1] != ' ' || data[OP_OFFSET + 2] != '/')
                return;
        path = data + OP_OFFSET + 2;
        /* A record without its newline was never written whole. */
        if (!(end = memchr(path, '\n', len - (size_t)(path - data))) ||
            (size_t)(end - path) >= sizeof(st->path) || memchr(path, '\0', (size_t)(end - path)))
                return;
        st->op = (enum journal_op)data[OP_OFFSET];
        memcpy(st->path, path, (size_t)(end - path));
        st->path[end - path] = '\0';
}

int journal_read(const struct journal *j, struct journal_state *st)
{
        char data[MAX_LEN];
        ssize_t n;

        *st = (struct journal_state){0};
        if (!j->active)
                return 0;
        if ((n = pread(j->fd, data, sizeof(data), 0)) < 0)
                return error_set(EXIT_BAD_INPUT, "cannot read the keystore journal: %s",
                                 strerror(errno));
        journal_parse(data, (size_t)n, st);
        return 0;
}

static void put(const struct journal *j, const char *data, size_t len, off_t at)
{
        /* Best effort: a journal that cannot be written costs a cleanup, not
         * the command. */
        if (pwrite(j->fd, data, len, at) < 0)
                return;
}

void journal_tpm_busy(struct journal *j)
{
        if (!j->active || !j->tpm_records || j->tpm_marked)
                return;
        put(j, "B", 1, TPM_OFFSET);
        j->tpm_marked = true;
}

void journal_tpm_idle(struct journal *j, bool force)
{
        if (!j->active || !j->tpm_records || !(j->tpm_marked || force))
                return;
        put(j, "-", 1, TPM_OFFSET);
        j->tpm_marked = false;
}

int journal_op_begin(struct journal *j, enum journal_op op, const char *path)
{
        char line[MAX_LEN];
        int n;

        if (!j->active || j->op_depth++ > 0)
                return 0;
        n = snprintf(line, sizeof(line), "%c %s\n", (char)op, path);
        if (n < 0 || (size_t)n >= sizeof(line)) {
                j->op_depth--;
                return error_set(EXIT_BAD_INPUT, "path too long: %s", path);
        }
        /* Synced: the files it guards are (keystore writes sync theirs). */
        if (pwrite(j->fd, line, (size_t)n, OP_OFFSET) != n || fdatasync(j->fd) < 0) {
                j->op_depth--;
                return error_set(EXIT_BAD_INPUT, "cannot write the keystore journal: %s",
                                 strerror(errno));
        }
        return 0;
}

void journal_op_end(struct journal *j)
{
        if (!j->active || j->op_depth == 0 || --j->op_depth > 0)
                return;
        put(j, "-", 1, OP_OFFSET);
}

void journal_op_abandon(struct journal *j)
{
        j->op_depth = 0;
}

void journal_op_clear(struct journal *j)
{
        j->op_depth = 0;
        if (j->active)
                put(j, "-", 1, OP_OFFSET);
}
