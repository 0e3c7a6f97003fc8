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
#include "jsonfile.h"
#include "path.h"
#include "seal.h"

void objects_list_free(char **paths)
{
        for (size_t i = 0; paths && paths[i]; i++)
                free(paths[i]);
        free(paths);
}

int objects_list(struct tpm *tpm, const char *search, char ***paths_out, size_t *count)
{
        _cleanup_fapi_free_ char *joined = NULL;
        char path[FAPI_PATH_MAX];
        char **paths;
        size_t n = 0, cap = 16;
        char *save = NULL;
        TSS2_RC rc;
        int r;

        if (!search)
                strcpy(path, "/");
        else if ((r = path_normalize(search, path, sizeof(path))))
                return r;
        rc = Fapi_List(tpm->fapi, path, &joined);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "listing %s", path);
        if (!(paths = calloc(cap + 1, sizeof(*paths))))
                return error_set(EXIT_TPM, "out of memory");
        /* FAPI joins the paths with ':' (which a path cannot contain). */
        for (char *p = strtok_r(joined, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
                if (n == cap) {
                        char **bigger = realloc(paths, (2 * cap + 1) * sizeof(*paths));
                        if (!bigger) {
                                objects_list_free(paths);
                                return error_set(EXIT_TPM, "out of memory");
                        }
                        paths = bigger;
                        cap *= 2;
                }
                if (!(paths[n] = strdup(p))) {
                        objects_list_free(paths);
                        return error_set(EXIT_TPM, "out of memory");
                }
                paths[++n] = NULL;
        }
        *paths_out = paths;
        *count = n;
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

bool object_file(const struct tpm *tpm, const char *full_path, char *file, size_t size)
{
        const char *dirs[] = {tpm->setup.user_dir, tpm->setup.system_dir};

        for (size_t i = 0; i < 2; i++) {
                int n = snprintf(file, size, "%s%s/object.json", dirs[i], full_path);
                if (n > 0 && (size_t)n < size && access(file, F_OK) == 0)
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

int object_json(const struct tpm *tpm, const char *full_path, json_object **out)
{
        char file[PATH_MAX * 2];

        if (!object_file(tpm, full_path, file, sizeof(file)))
                return error_set(EXIT_NOT_FOUND, "no object %s in the keystore; see `tpmctl list`",
                                 full_path);
        return json_file_read(file, out);
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

int object_delete(struct tpm *tpm, const char *user_path)
{
        char path[FAPI_PATH_MAX], full[FAPI_PATH_MAX];
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
        if (!r) {
                /* A sealed secret's envelope lies beside its object; FAPI
                 * would leave the directory (and fail) with it there. */
                char envelope[PATH_MAX * 2];
                snprintf(envelope, sizeof(envelope), "%s%s/" SEAL_ENVELOPE_FILE,
                         tpm->setup.user_dir, full);
                unlink(envelope);
        }
        rc = Fapi_Delete(tpm->fapi, r ? path : full);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "deleting %s", path);
        return 0;
}
