/* The keystore's journal: a small file beside the keystore lock in which the
 * process holding the lock says what it has under way, so that the next one
 * can clean up after a process that was killed (kill -9, a timeout):
 *
 *   - the TPM record: the holder may have objects or sessions loaded in the
 *     TPM. Kept only without a resource manager, where the TPM's few slots
 *     are every process's and nobody else may use them while the lock is
 *     held: a record left set means the holder died with them loaded.
 *   - the keystore record: an object being created or deleted. Left set, the
 *     object may be half there, and the next command finishes or undoes it.
 *
 * Each record is one pwrite() at its own offset; no fsync for the TPM record
 * (a crash of the machine resets the TPM anyway). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define JOURNAL_FILE     "tpmctl.journal"
#define JOURNAL_PATH_MAX 512 /* FAPI_PATH_MAX */

enum journal_op {
        JOURNAL_NONE = 0,
        JOURNAL_CREATE = 'C',  /* an object being made at path */
        JOURNAL_DELETE = 'D',  /* an object being deleted at path */
        JOURNAL_REPLACE = 'R', /* an object's file being rewritten (auth change) */
};

/* What a journal says. */
struct journal_state {
        bool tpm_busy;
        enum journal_op op;
        char path[JOURNAL_PATH_MAX];
};

struct journal {
        bool active; /* open: false in a zeroed struct (no lock held yet) */
        int fd;
        bool tpm_records;           /* keep the TPM record (no resource manager) */
        bool tpm_marked;            /* this process set the TPM record */
        unsigned op_depth;          /* nested journal_op_begin() calls */
        struct journal_state found; /* what it said when the lock was taken */
};

/* Opens (creating it 0600) the journal beside lock_file. */
int journal_open(struct journal *j, const char *lock_file, bool tpm_records);
void journal_close(struct journal *j);

/* Reads the journal as it is now. */
int journal_read(const struct journal *j, struct journal_state *st);

/* Parses a journal's bytes. Pure. */
void journal_parse(const char *data, size_t len, struct journal_state *st);

/* Sets the TPM record (once until journal_tpm_idle()); with force, clears it
 * whoever set it. Nothing without tpm_records. */
void journal_tpm_busy(struct journal *j);
void journal_tpm_idle(struct journal *j, bool force);

/* Records op on path before the first change to the keystore; nested calls
 * (a writer inside a journaled operation) record nothing more. */
int journal_op_begin(struct journal *j, enum journal_op op, const char *path);
/* After the last change: the record is cleared (outermost call only). */
void journal_op_end(struct journal *j);
/* After a failure that leaves the record for the next command to act on
 * (a delete half done): this process writes a new one next time. */
void journal_op_abandon(struct journal *j);
/* Clears the keystore record, whoever wrote it (after recovery). */
void journal_op_clear(struct journal *j);
