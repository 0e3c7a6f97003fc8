/* Cleaning up after a killed tpmctl; see recovery.h. */
#include "recovery.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <tss2/tss2_rc.h>
#include <unistd.h>

#include "cleanup.h"
#include "errors.h"
#include "fapi_object.h"
#include "flush.h"
#include "journal.h"
#include "seal.h"

_Static_assert(JOURNAL_PATH_MAX >= FAPI_PATH_MAX, "the journal holds any keystore path");

/* The TPM handles a context keeps for itself: its own are never flushed. */
#define OWN_MAX 32

static const char *plural(unsigned n, const char *one, const char *many)
{
        return n == 1 ? one : many;
}

/* "2 objects and 1 session", "1 session". */
static const char *counted(const struct flush_count *c, char *out, size_t size)
{
        if (c->transient && c->sessions)
                snprintf(out, size, "%u %s and %u %s", c->transient,
                         plural(c->transient, "object", "objects"), c->sessions,
                         plural(c->sessions, "session", "sessions"));
        else if (c->transient)
                snprintf(out, size, "%u %s", c->transient,
                         plural(c->transient, "object", "objects"));
        else
                snprintf(out, size, "%u %s", c->sessions,
                         plural(c->sessions, "session", "sessions"));
        return out;
}

/* Whether a file in an object's directory is one of tpmctl's: the temporary
 * file of a write (fileio.c: NAME.tmp-XXXXXX), or (envelope) the envelope. */
static bool own_file(const char *name, bool envelope)
{
        static const char *const temp[] = {"object.json.tmp-", SEAL_ENVELOPE_FILE ".tmp-"};

        if (envelope && strcmp(name, SEAL_ENVELOPE_FILE) == 0)
                return true;
        for (size_t i = 0; i < sizeof(temp) / sizeof(temp[0]); i++)
                if (strncmp(name, temp[i], strlen(temp[i])) == 0)
                        return true;
        return false;
}

void object_dir_clean(const struct tpm *tpm, const char *full_path, enum object_clean what)
{
        char dir[PATH_MAX * 2];
        _cleanup_(closedirp) DIR *d = NULL;
        struct dirent *e;

        snprintf(dir, sizeof(dir), "%s%s", tpm->setup.user_dir, full_path);
        if ((d = opendir(dir))) {
                while ((e = readdir(d)))
                        if (own_file(e->d_name, what >= CLEAN_ENVELOPE))
                                unlinkat(dirfd(d), e->d_name, 0);
        }
        if (what == CLEAN_ALL)
                keystore_object_discard(tpm, full_path);
}

/* The policies tpmctl stores only for FAPI to read while it creates an
 * object (policy_store.c: /policy/tpmctl-PURPOSE-<12 hex digits>), which a
 * kill leaves behind. */
static unsigned remove_temporary_policies(const struct tpm *tpm)
{
        static const char *const prefixes[] = {"tpmctl-seal-", "tpmctl-create-"};
        char dir[PATH_MAX * 2];
        _cleanup_(closedirp) DIR *d = NULL;
        struct dirent *e;
        unsigned n = 0;

        snprintf(dir, sizeof(dir), "%s/policy", tpm->setup.system_dir);
        if (!(d = opendir(dir)))
                return 0;
        while ((e = readdir(d))) {
                for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
                        size_t len = strlen(prefixes[i]);
                        if (strncmp(e->d_name, prefixes[i], len) == 0 &&
                            strspn(e->d_name + len, "0123456789abcdef") == 12 &&
                            strcmp(e->d_name + len + 12, ".json") == 0 &&
                            unlinkat(dirfd(d), e->d_name, 0) == 0)
                                n++;
                }
        }
        return n;
}

/* A create that did not finish: the object stays if its object.json is
 * whole (FAPI writes it last, after the envelope), else it all goes. */
static void recover_create(struct tpm *tpm, const char *path)
{
        _cleanup_(keystore_object_free) struct keystore_object o = {0};
        char file[PATH_MAX * 2], dir[PATH_MAX * 2];
        bool whole, there;

        keystore_object_file_in(tpm->setup.user_dir, path, file, sizeof(file));
        snprintf(dir, sizeof(dir), "%s%s", tpm->setup.user_dir, path);
        there = access(dir, F_OK) == 0;
        whole = access(file, F_OK) == 0 && keystore_object_read_file(file, path, &o) == 0;
        error_clear();
        object_dir_clean(tpm, path, whole ? CLEAN_TEMPORARY : CLEAN_ALL);
        if (whole)
                tpm_note(tpm, "kept %s: a killed tpmctl had made it whole", path);
        else if (there)
                tpm_note(tpm, "removed the half-made %s that a killed tpmctl left", path);
        remove_temporary_policies(tpm);
}

/* A rewrite that did not finish (the rename is the commit): the object is
 * the old one or the new one, whole; only the temporary file goes. */
static void recover_replace(struct tpm *tpm, const char *path)
{
        char dir[PATH_MAX * 2];

        snprintf(dir, sizeof(dir), "%s%s", tpm->setup.user_dir, path);
        if (access(dir, F_OK) != 0)
                return;
        object_dir_clean(tpm, path, CLEAN_TEMPORARY);
        tpm_note(tpm, "removed what a killed tpmctl left of its rewrite of %s; the object is whole",
                 path);
}

/* A delete that did not finish is finished: the envelope may be gone. */
static void recover_delete(struct tpm *tpm, const char *path)
{
        _cleanup_(keystore_object_free) struct keystore_object o = {0};
        char file[PATH_MAX * 2], dir[PATH_MAX * 2];
        unsigned handle = 0;

        keystore_object_file_in(tpm->setup.user_dir, path, file, sizeof(file));
        snprintf(dir, sizeof(dir), "%s%s", tpm->setup.user_dir, path);
        /* seal --force journals the delete of its new object before making
         * it: a kill while it was made leaves its temporary policy too. */
        remove_temporary_policies(tpm);
        if (access(dir, F_OK) != 0)
                return;
        object_dir_clean(tpm, path, CLEAN_ENVELOPE);
        if (access(file, F_OK) == 0 && keystore_object_read_file(file, path, &o) == 0)
                handle = o.persistent;
        error_clear();
        /* A persistent object leaves the TPM through FAPI, as it came. */
        if (handle && (tpm_fapi_connect(tpm) != 0 || Fapi_Delete(tpm->fapi, path) != 0)) {
                error_clear();
                keystore_object_discard(tpm, path);
                tpm_note(tpm,
                         "finished deleting %s, which a killed tpmctl had begun; its persistent "
                         "handle 0x%08x may remain in the TPM",
                         path, handle);
                return;
        }
        if (!handle)
                keystore_object_discard(tpm, path);
        tpm_note(tpm, "finished deleting %s, which a killed tpmctl had begun", path);
}

/* Everything loaded goes: without a resource manager, under the lock, none
 * of it can be anybody's but the dead predecessor's. */
static void flush_leftovers(struct tpm *tpm)
{
        ESYS_CONTEXT *esys = tpm->esys, *own = NULL;
        struct flush_count count;
        char what[64];

        if (!esys) {
                TSS2_TCTI_CONTEXT *tcti = NULL;
                if (!tpm->fapi || Fapi_GetTcti(tpm->fapi, &tcti) != TSS2_RC_SUCCESS ||
                    Esys_Initialize(&own, tcti, NULL) != TSS2_RC_SUCCESS)
                        return;
                esys = own;
        }
        if (flush_all(esys, true, true, &count) == 0) {
                journal_tpm_idle(&tpm->journal, true);
                if (count.transient || count.sessions)
                        tpm_note(tpm, "flushed %s that a killed tpmctl left in the TPM",
                                 counted(&count, what, sizeof(what)));
        } else {
                error_clear(); /* the command finds out for itself */
        }
        if (own)
                Esys_Finalize(&own);
}

int recovery_run(struct tpm *tpm)
{
        struct journal *j = &tpm->journal;
        int r;

        if (!j->active)
                return 0;
        if (j->found.tpm_busy && j->tpm_records && (tpm->esys || tpm->fapi)) {
                flush_leftovers(tpm);
                j->found.tpm_busy = false;
        }
        if (j->found.op == JOURNAL_NONE)
                return 0;
        if (!tpm->lock_exclusive) {
                /* Taken again exclusively, and the journal read again. */
                bool opened = tpm->opened;
                tpm->opened = false;
                r = tpm_relock(tpm, LOCK_EXCLUSIVE);
                tpm->opened = opened;
                if (r)
                        return r;
        }
        if (j->found.op == JOURNAL_CREATE)
                recover_create(tpm, j->found.path);
        else if (j->found.op == JOURNAL_DELETE)
                recover_delete(tpm, j->found.path);
        else if (j->found.op == JOURNAL_REPLACE)
                recover_replace(tpm, j->found.path);
        j->found.op = JOURNAL_NONE;
        journal_op_clear(j);
        return 0;
}

bool tpm_make_room(struct tpm *tpm)
{
        ESYS_CONTEXT *esys = tpm->esys, *temporary = NULL;
        TPM2_HANDLE own[OWN_MAX];
        ESYS_TR cached[OWN_MAX];
        struct flush_count count;
        char what[64];
        size_t n = 0, n_cached;
        int r;

        if (tcti_resource_managed(tpm->setup.tcti))
                return false;
        if (!esys) { /* a FAPI command's: nothing of tpmctl's own is loaded */
                TSS2_TCTI_CONTEXT *tcti = NULL;
                if (!tpm->fapi || Fapi_GetTcti(tpm->fapi, &tcti) != TSS2_RC_SUCCESS ||
                    Esys_Initialize(&temporary, tcti, NULL) != TSS2_RC_SUCCESS)
                        return false;
                esys = temporary;
        }
        for (unsigned i = 0; i < tpm->n_loaded && n < OWN_MAX; i++)
                if (Esys_TR_GetTpmHandle(esys, tpm->loaded[i], &own[n]) == TSS2_RC_SUCCESS)
                        n++;
        n_cached = tpm->cache_handles ? tpm->cache_handles(tpm, cached, OWN_MAX) : 0;
        for (size_t i = 0; i < n_cached && n < OWN_MAX; i++)
                if (Esys_TR_GetTpmHandle(esys, cached[i], &own[n]) == TSS2_RC_SUCCESS)
                        n++;
        r = flush_others(esys, true, true, own, n, &count);
        if (temporary)
                Esys_Finalize(&temporary);
        if (r) {
                error_clear();
                return false;
        }
        if (count.transient || count.sessions)
                tpm_note(tpm, "the TPM was full: flushed %s that no tpmctl uses",
                         counted(&count, what, sizeof(what)));
        return count.transient + count.sessions > 0;
}
