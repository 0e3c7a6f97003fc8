/* Listing and deleting keystore objects. */
#include "objects.h"

#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_rc.h>

#include "cleanup.h"
#include "errors.h"
#include "path.h"

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
                paths[n++] = strdup(p);
                paths[n] = NULL;
        }
        *paths_out = paths;
        *count = n;
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
        static const char *const protected[] = {"/",   "/HS", "/HS/SRK", "/HE", "/HE/EK",
                                                "/HN", "/LOCKOUT", "/HE/EK/", "/HS/SRK/"};
        const char *p = without_profile(path);

        for (size_t i = 0; i < sizeof(protected) / sizeof(protected[0]); i++)
                if (strcmp(p, protected[i]) == 0)
                        return 1;
        return 0;
}

int object_delete(struct tpm *tpm, const char *user_path)
{
        char path[FAPI_PATH_MAX];
        TSS2_RC rc;
        int r;

        if ((r = path_normalize(user_path, path, sizeof(path))))
                return r;
        if (is_hierarchy_object(path))
                return error_set(EXIT_BAD_INPUT,
                                 "refusing to delete %s: it is part of the provisioned hierarchy "
                                 "and holds every key under it",
                                 path);
        rc = Fapi_Delete(tpm->fapi, path);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "deleting %s", path);
        return 0;
}
