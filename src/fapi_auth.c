/* Answering FAPI when the TPM needs a password; see fapi_auth.h. */
#include "fapi_auth.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "fapi_object.h"
#include "flush.h"
#include "keys.h"
#include "lockout.h"
#include "objects.h"
#include "settings.h"

struct fapi_auth {
        const struct tpm *tpm;
        const struct auth_source *src;
        size_t max_len;
        struct secret value;
        int error;             /* reading the password failed with this exit code */
        char message[1024];    /* and this message */
        char tried_empty[600]; /* got "" as its password is unknown */
};

/* An object imported from tpm2-tools blobs has a password or not, and the
 * keystore does not know which (keys.h): without a source it gets the empty
 * password, without a prompt. A source given is always used. */
static bool unknown_and_no_source(const struct fapi_auth *a, const char *path)
{
        _cleanup_json_ json_object *obj = NULL;

        if (auth_given(a->src))
                return false;
        if (object_json(a->tpm, path, &obj)) {
                error_clear();
                return false;
        }
        return object_auth(obj) == OBJECT_AUTH_UNKNOWN;
}

static TSS2_RC on_auth(char const *object_path, char const *description, char const **auth,
                       void *user_data)
{
        struct fapi_auth *a = user_data;
        char what[600];
        int r;

        (void)description;
        if (a->error)
                return TSS2_FAPI_RC_AUTHORIZATION_UNKNOWN;
        /* FAPI names objects without the leading '/'. */
        snprintf(what, sizeof(what), "%s%s", object_path[0] == '/' ? "" : "/", object_path);
        if (unknown_and_no_source(a, what)) {
                snprintf(a->tried_empty, sizeof(a->tried_empty), "%s", what);
                *auth = "";
                return TSS2_RC_SUCCESS;
        }
        if (!a->value.data) {
                r = auth_read(a->src, what, false, a->max_len, &a->value);
                if (r) {
                        a->error = r;
                        snprintf(a->message, sizeof(a->message), "%s", error_message());
                        return TSS2_FAPI_RC_AUTHORIZATION_UNKNOWN;
                }
        }
        *auth = (const char *)a->value.data;
        return TSS2_RC_SUCCESS;
}

int fapi_auth_reattach(struct tpm *tpm)
{
        TSS2_RC rc;

        /* Without FAPI yet: tpm_fapi_connect() hands it over if one comes. */
        if (!tpm->auth || !tpm->fapi)
                return 0;
        rc = Fapi_SetAuthCB(tpm->fapi, on_auth, tpm->auth);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "cannot set FAPI's password callback");
        return 0;
}

int fapi_auth_attach(struct tpm *tpm, const struct auth_source *src, size_t max_len)
{
        struct fapi_auth *a = calloc(1, sizeof(*a));

        if (!a)
                return error_set(EXIT_TPM, "out of memory");
        a->tpm = tpm;
        a->src = src;
        a->max_len = max_len;
        fapi_auth_wipe(tpm); /* attached before: that one goes */
        tpm->auth = a;
        return fapi_auth_reattach(tpm);
}

/* FAPI 3.2.1 leaves the object (and its sessions) loaded when a command
 * fails, and on swtpm the TPM soon has no room left (0x902). Without a
 * resource manager tpmctl holds the keystore lock exclusively, so whatever
 * is loaded now is garbage: flush it. With one, it goes with the connection. */
static void flush_after_failure(struct tpm *tpm)
{
        struct flush_count n;

        if (tpm->esys && !tcti_resource_managed(tpm->setup.tcti)) {
                flush_all(tpm->esys, true, true, &n);
                tpm->n_loaded = 0; /* flushed with the rest */
        }
}

int fapi_error(struct tpm *tpm, TSS2_RC rc, const char *fmt, ...)
{
        char context[512];
        va_list ap;

        flush_after_failure(tpm);
        if (tpm->auth && tpm->auth->error)
                return error_set(tpm->auth->error, "%s", tpm->auth->message);
        va_start(ap, fmt);
        vsnprintf(context, sizeof(context), fmt, ap);
        va_end(ap);
        if (tpm->auth && tpm->auth->tried_empty[0] &&
            (tpm_rc_code(rc) == TPM2_RC_AUTH_FAIL || tpm_rc_code(rc) == TPM2_RC_BAD_AUTH)) {
                const char *o = tpm->auth->src->option_prefix;
                return error_set(EXIT_AUTH,
                                 "%s: wrong password: the empty one was tried, as the keystore "
                                 "does not know whether %s has one (imported from tpm2-tools "
                                 "blobs); give it with --%s-file, --%s-fd, --%s-env or "
                                 "--%s-prompt (%s)",
                                 context, tpm->auth->tried_empty, o, o, o, o, rc_text(rc));
        }
        return lockout_error(tpm->esys, rc, "%s", context);
}

void fapi_auth_wipe(struct tpm *tpm)
{
        if (!tpm->auth)
                return;
        secret_wipe(&tpm->auth->value);
        free(tpm->auth);
        tpm->auth = NULL;
}
