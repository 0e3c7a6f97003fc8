/* Deleting the whole keystore; see keystore_clear.h. */
#include "keystore_clear.h"

#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "cleanup.h"
#include "errors.h"
#include "fapi_object.h"
#include "objects.h"
#include "seal.h"

int keystore_contents_read(struct tpm *tpm, struct keystore_contents *out)
{
        int r;

        out->n_handles = 0;
        if ((r = objects_list(tpm, NULL, &out->paths, &out->n_paths)))
                return r;
        for (size_t i = 0; i < out->n_paths; i++) {
                _cleanup_json_ json_object *obj = NULL;
                unsigned handle;

                if (object_json(tpm, out->paths[i], &obj)) {
                        error_clear(); /* policies and external keys are no objects */
                        continue;
                }
                if ((handle = keystore_object_persistent_handle(obj)) &&
                    out->n_handles < CLEAR_MAX_HANDLES)
                        out->handles[out->n_handles++] = handle;
        }
        return 0;
}

void keystore_contents_free(struct keystore_contents *c)
{
        objects_list_free(c->paths);
        c->paths = NULL;
        c->n_paths = 0;
}

int keystore_clear(struct tpm *tpm, const struct keystore_contents *c)
{
        TSS2_RC rc;

        if (c->n_paths == 0)
                return error_set(EXIT_NOT_FOUND, "the keystore is empty: nothing to delete");
        /* FAPI deletes an object's directory only when it holds nothing but
         * its object file: a sealed secret's envelope would stop it half-way. */
        for (size_t i = 0; i < c->n_paths; i++) {
                char envelope[PATH_MAX * 2];

                snprintf(envelope, sizeof(envelope), "%s%s/" SEAL_ENVELOPE_FILE,
                         tpm->setup.user_dir, c->paths[i]);
                unlink(envelope);
        }
        rc = Fapi_Delete(tpm->fapi, "/");
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "deleting the whole keystore");
        return 0;
}
