/* Listing and deleting keystore objects. */
#include "objects.h"

#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <tss2/tss2_rc.h>

#include "cleanup.h"
#include "errors.h"
#include "fapi_object.h"
#include "journal.h"
#include "jsonfile.h"
#include "nv.h"
#include "nv_info.h"
#include "path.h"
#include "recovery.h"
#include "seal.h"

void objects_list_free(char **paths)
{
        for (size_t i = 0; paths && paths[i]; i++)
                free(paths[i]);
        free(paths);
}

/* A growing NULL-terminated list of paths. */
struct path_list {
        char **paths;
        size_t n, cap;
};

static int path_list_add(struct path_list *l, const char *path)
{
        if (l->n + 1 >= l->cap) {
                size_t cap = l->cap ? 2 * l->cap : 16;
                char **bigger = realloc(l->paths, cap * sizeof(*bigger));
                if (!bigger)
                        return error_set(EXIT_TPM, "out of memory");
                l->paths = bigger;
                l->cap = cap;
        }
        if (!(l->paths[l->n] = strdup(path)))
                return error_set(EXIT_TPM, "out of memory");
        l->paths[++l->n] = NULL;
        return 0;
}

/* The FAPI path of a keystore file, as Fapi_List makes it: the file's path
 * without the keystore directory, with "//" made "/", and without its last
 * part (a policy's ".json", an object's file name). */
static void fapi_path_of(const char *file, size_t root_len, char *out, size_t size)
{
        size_t n = 0, len;

        for (const char *p = file + root_len; *p && n + 1 < size; p++)
                if (!(*p == '/' && n > 0 && out[n - 1] == '/'))
                        out[n++] = *p;
        out[n] = '\0';
        len = n;
        if (len < 2)
                return;
        for (size_t i = len - 2; i > 0; i--) {
                if (out[i] == (strncmp(out, "/policy", 7) == 0 ? '.' : '/')) {
                        out[i] = '\0';
                        break;
                }
        }
}

static bool tpmctl_file(const char *name)
{
        return strcmp(name, SEAL_ENVELOPE_FILE) == 0 || strstr(name, ".tmp-") != NULL;
}

/* Every file under dir, depth first in directory order, as FAPI walks them
 * (entries that are not directories count as files). */
static int walk(const char *dir, size_t root_len, struct path_list *l)
{
        _cleanup_(closedirp) DIR *d = opendir(dir);
        struct dirent *e;
        int r;

        if (!d)
                return 0;
        while ((e = readdir(d))) {
                char path[PATH_MAX * 2], fapi_path[FAPI_PATH_MAX];
                int n;

                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                        continue;
                /* A sealed secret's envelope, a write's temporary file:
                 * tpmctl's, beside an object, and no object themselves. */
                if (e->d_type != DT_DIR && tpmctl_file(e->d_name))
                        continue;
                n = snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
                if (n < 0 || (size_t)n >= sizeof(path))
                        continue;
                if (e->d_type == DT_DIR) {
                        if ((r = walk(path, root_len, l)))
                                return r;
                        continue;
                }
                fapi_path_of(path, root_len, fapi_path, sizeof(fapi_path));
                if ((r = path_list_add(l, fapi_path)))
                        return r;
        }
        return 0;
}

static bool profile_relative(const char *path);

/* The keystore directory a search path names, as FAPI expands it: the
 * active profile in front of hierarchy paths, /HS or /HE in front of
 * /SRK and /EK. */
static int expand_search(const struct tpm *tpm, const char *path, char *out, size_t size)
{
        const char *profile = tpm->setup.profile;
        int n;

        if (strncmp(path, "/P_", 3) == 0 || strncmp(path, "/nv", 3) == 0 ||
            strncmp(path, "/policy", 7) == 0 || strncmp(path, "/ext", 4) == 0)
                n = snprintf(out, size, "%s", path);
        else if (profile_relative(path))
                n = snprintf(out, size, "/%s%s", profile, path);
        else if (strncmp(path, "/SRK", 4) == 0 && (path[4] == '/' || !path[4]))
                n = snprintf(out, size, "/%s/HS%s", profile, path);
        else if (strncmp(path, "/EK", 3) == 0 && (path[3] == '/' || !path[3]))
                n = snprintf(out, size, "/%s/HE%s", profile, path);
        else
                return error_rc(TSS2_FAPI_RC_BAD_PATH, "listing %s", path);
        if (n < 0 || (size_t)n >= size)
                return error_set(EXIT_BAD_INPUT, "path too long: %s", path);
        n = (int)strlen(out);
        if (n > 1 && out[n - 1] == '/')
                out[n - 1] = '\0';
        return 0;
}

/* Nothing found: whether the search path's first part (its profile) is in
 * the keystore at all decides between "no such path" and "not provisioned". */
static int nothing_found(const struct tpm *tpm, const char *search, const char *expanded)
{
        char first[FAPI_PATH_MAX], dir[PATH_MAX * 2];
        const char *end = strchr(expanded + 1, '/');

        if (!search)
                return error_rc(TSS2_FAPI_RC_NOT_PROVISIONED, "listing /");
        snprintf(first, sizeof(first), "%.*s", end ? (int)(end - expanded) : (int)strlen(expanded),
                 expanded);
        snprintf(dir, sizeof(dir), "%s/%s", tpm->setup.user_dir, first);
        if (access(dir, F_OK) == 0)
                return error_rc(TSS2_FAPI_RC_PATH_NOT_FOUND, "listing %s", search);
        snprintf(dir, sizeof(dir), "%s/%s", tpm->setup.system_dir, first);
        if (access(dir, F_OK) == 0)
                return error_rc(TSS2_FAPI_RC_PATH_NOT_FOUND, "listing %s", search);
        return error_rc(TSS2_FAPI_RC_NOT_PROVISIONED, "listing %s", search);
}

/* What Fapi_List gives, from the keystore's directories alone: the system
 * keystore first, then the user's. */
int objects_list(struct tpm *tpm, const char *search, char ***paths_out, size_t *count)
{
        const char *roots[] = {tpm->setup.system_dir, tpm->setup.user_dir};
        char path[FAPI_PATH_MAX], expanded[FAPI_PATH_MAX] = "";
        struct path_list l = {0};
        int r;

        if (search && strcmp(search, "/") != 0) {
                if ((r = path_normalize(search, path, sizeof(path))) ||
                    (r = expand_search(tpm, path, expanded, sizeof(expanded))))
                        return r;
        }
        for (size_t i = 0; i < 2; i++) {
                char dir[PATH_MAX * 2];
                snprintf(dir, sizeof(dir), "%s%s", roots[i], expanded);
                if ((r = walk(dir, strlen(roots[i]), &l))) {
                        objects_list_free(l.paths);
                        return r;
                }
        }
        if (!l.n)
                return nothing_found(tpm, search && strcmp(search, "/") ? path : NULL, expanded);
        *paths_out = l.paths;
        *count = l.n;
        return 0;
}

/* Paths FAPI keeps per profile (the rest, /ext, /nv, /policy, are not). */
static bool profile_relative(const char *path)
{
        static const char *const roots[] = {"/HS", "/HE", "/HN", "/LOCKOUT"};

        for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
                size_t n = strlen(roots[i]);
                if (strncmp(path, roots[i], n) == 0 && (path[n] == '/' || path[n] == '\0'))
                        return true;
        }
        return false;
}

int object_absent(const struct tpm *tpm, const char *user_path, char *full, size_t size)
{
        int r = object_resolve(tpm, user_path, full, size);

        if (r == EXIT_NOT_FOUND) {
                error_clear();
                return 0;
        }
        return r ? r : error_set(EXIT_EXISTS, "%s already exists", full);
}

int object_resolve(const struct tpm *tpm, const char *user_path, char *full, size_t size)
{
        char path[FAPI_PATH_MAX], file[PATH_MAX * 2], found[FAPI_PATH_MAX] = "";
        _cleanup_(closedirp) DIR *dir = NULL;
        struct dirent *e;
        int r, n;

        if ((r = path_normalize(user_path, path, sizeof(path))))
                return r;
        n = profile_relative(path) ? snprintf(full, size, "/%s%s", tpm->setup.profile, path)
                                   : snprintf(full, size, "%s", path);
        if (n < 0 || (size_t)n >= size)
                return error_set(EXIT_BAD_INPUT, "path too long: %s", path);
        if (object_file(tpm, full, file, sizeof(file)))
                return 0;
        if (!profile_relative(path))
                return error_set(EXIT_NOT_FOUND, "no object %s in the keystore; see `tpmctl list`",
                                 path);
        /* Not under the active profile: the others the user keystore holds. */
        if ((dir = opendir(tpm->setup.user_dir))) {
                while ((e = readdir(dir))) {
                        char candidate[FAPI_PATH_MAX];

                        if (strncmp(e->d_name, "P_", 2) != 0 ||
                            strcmp(e->d_name, tpm->setup.profile) == 0)
                                continue;
                        n = snprintf(candidate, sizeof(candidate), "/%s%s", e->d_name, path);
                        if (n < 0 || (size_t)n >= sizeof(candidate) ||
                            !object_file(tpm, candidate, file, sizeof(file)))
                                continue;
                        if (found[0])
                                return error_set(EXIT_BAD_INPUT,
                                                 "%s is ambiguous: both %s and %s exist; give "
                                                 "the full path",
                                                 user_path, found, candidate);
                        snprintf(found, sizeof(found), "%s", candidate);
                }
        }
        if (!found[0])
                return error_set(EXIT_NOT_FOUND, "no object %s in the keystore; see `tpmctl list`",
                                 path);
        snprintf(full, size, "%s", found);
        return 0;
}

/* The path without a leading /PROFILE, e.g. "/HS/SRK" for
 * "/P_RSA2048SHA256/HS/SRK". */
static const char *without_profile(const char *path)
{
        if (strncmp(path, "/P_", 3) == 0) {
                const char *next = strchr(path + 1, '/');
                return next ? next : "/";
        }
        return path;
}

static int is_hierarchy_object(const char *path)
{
        static const char *const protected[] = {"/",   "/HS",      "/HS/SRK", "/HE",     "/HE/EK",
                                                "/HN", "/LOCKOUT", "/HE/EK/", "/HS/SRK/"};
        const char *p = without_profile(path);

        for (size_t i = 0; i < sizeof(protected) / sizeof(protected[0]); i++)
                if (strcmp(p, protected[i]) == 0)
                        return 1;
        return 0;
}

/* Whether the object is a key (sealed data too) of the user keystore:
 * files alone, and the TPM only for a persistent handle. */
static bool user_key(const struct tpm *tpm, const char *full)
{
        _cleanup_(keystore_object_free) struct keystore_object o = {0};
        char file[PATH_MAX * 2];
        bool is_key;

        keystore_object_file_in(tpm->setup.user_dir, full, file, sizeof(file));
        is_key = access(file, F_OK) == 0 && keystore_object_read_file(file, full, &o) == 0 &&
                 o.type == FAPI_OBJECT_KEY;
        error_clear();
        return is_key;
}

/* Another keystore record of an NV index at the same handle as `nv` (an
 * index defined after another tool undefined nv's, exactly as nv's was:
 * the TPM cannot tell the two apart); "" for none. */
static void nv_handle_shared(struct tpm *tpm, const struct nv_info *nv, char *other, size_t size)
{
        char **paths = NULL;
        size_t n = 0;

        other[0] = '\0';
        if (objects_list(tpm, "/nv", &paths, &n)) {
                error_clear();
                return;
        }
        for (size_t i = 0; i < n && !other[0]; i++) {
                _cleanup_(nv_info_free) struct nv_info info = {0};
                if (strcmp(paths[i], nv->path) != 0 && nv_info_read(tpm, paths[i], &info) == 0 &&
                    info.handle == nv->handle)
                        snprintf(other, size, "%s", paths[i]);
                error_clear();
        }
        objects_list_free(paths);
}

/* Deletes only the keystore's record of an NV index when the TPM no longer
 * has the index (another tool undefined it) or another record names it too:
 * FAPI's delete would fail on it forever, or undefine the other's index. */
static int nv_record_only(struct tpm *tpm, const char *full, bool *done)
{
        char other[FAPI_PATH_MAX];
        _cleanup_(nv_info_free) struct nv_info info = {0};
        bool present = true;
        int r;

        *done = false;
        if (strncmp(full, "/nv/", 4) != 0)
                return 0;
        if ((r = nv_info_read(tpm, full, &info)) || (r = nv_index_present(tpm, &info, &present)))
                return r;
        nv_handle_shared(tpm, &info, other, sizeof(other));
        if (present && !other[0])
                return 0;
        keystore_nv_discard(tpm, full);
        if (present)
                tpm_note(tpm,
                         "%s: %s names the same index 0x%08x too; removed this record only, the "
                         "index stays",
                         full, other, info.handle);
        else
                tpm_note(tpm,
                         "%s: the TPM no longer has this index (0x%08x); removed the keystore's "
                         "record of it",
                         full, info.handle);
        *done = true;
        return 0;
}

int object_delete(struct tpm *tpm, const char *user_path)
{
        char path[FAPI_PATH_MAX], full[FAPI_PATH_MAX];
        bool journaled = false;
        TSS2_RC rc;
        int r;

        if ((r = path_normalize(user_path, path, sizeof(path))))
                return r;
        if (is_hierarchy_object(path))
                return error_set(EXIT_BAD_INPUT,
                                 "refusing to delete %s: it is part of the provisioned hierarchy "
                                 "and holds every key under it",
                                 path);
        r = object_resolve(tpm, user_path, full, sizeof(full));
        if (r && r != EXIT_NOT_FOUND)
                return r;
        error_clear(); /* not in the keystore's files: FAPI has the last word */
        if (!r && user_key(tpm, full)) {
                /* From here a kill leaves the journal's word, and the next
                 * command finishes the delete: the object is never left
                 * without its envelope for anyone to find. */
                if ((r = journal_op_begin(&tpm->journal, JOURNAL_DELETE, full)))
                        return r;
                journaled = true;
        }
        if (!r) {
                /* A sealed secret's envelope lies beside its object; FAPI
                 * would leave the directory (and fail) with it there. */
                object_dir_clean(tpm, full, CLEAN_ENVELOPE);
        }
        if (!r) {
                bool done;
                int s = nv_record_only(tpm, full, &done);
                if (s || done)
                        return s;
        }
        rc = Fapi_Delete(tpm->fapi, r ? path : full);
        if (rc != TSS2_RC_SUCCESS) {
                if (journaled)
                        journal_op_abandon(&tpm->journal); /* the next command finishes it */
                return error_rc(rc, "deleting %s", path);
        }
        if (journaled)
                journal_op_end(&tpm->journal);
        return 0;
}
