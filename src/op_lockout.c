/* The lockout operations (lockout status, lockout clear) and their JSON
 * forms; see lockout.h. */
#include <stdlib.h>

#include "errors.h"
#include "lockout.h"
#include "op_adapters.h"
#include "op_json.h"
#include "ops.h"

static const unsigned status_needs = NEED_ESYS | LOCK_SHARED;
/* The salted session needs the keystore's SRK. */
static const unsigned clear_needs = NEED_ESYS | LOCK_SHARED;

int op_lockout_status(struct op_context *ctx, const struct lockout_status_request *req,
                      struct lockout_status *res)
{
        struct tpm *tpm;
        int r;

        (void)req;
        *res = (struct lockout_status){0};
        if ((r = op_tpm(ctx, status_needs, NULL, &tpm)))
                return r;
        return lockout_status_read(tpm->esys, res);
}

int op_lockout_clear(struct op_context *ctx, const struct lockout_clear_request *req,
                     struct lockout_status *res)
{
        _cleanup_secret_ struct secret password = {0};
        struct tpm *tpm;
        int r;

        *res = (struct lockout_status){0};
        if ((req->auth && (r = auth_check(req->auth))) ||
            (r = op_tpm(ctx, clear_needs, NULL, &tpm)))
                return r;
        /* No source: the empty password, as a TPM has until someone sets one. */
        if (req->auth && auth_given(req->auth) &&
            (r = auth_read(req->auth, "the lockout hierarchy", false, sizeof(TPMU_HA), &password)))
                return r;
        if ((r = lockout_clear(tpm, &password)))
                return r;
        return lockout_status_read(tpm->esys, res);
}

int op_lockout_status_parse(json_object *request, struct op_parsed *p)
{
        (void)request;
        (void)p;
        return 0;
}

int op_lockout_status_run(struct op_context *ctx, const struct op_parsed *p, json_object *reply)
{
        struct lockout_status st;
        int r;

        (void)p;
        if ((r = op_lockout_status(ctx, NULL, &st)))
                return r;
        json_merge(reply, lockout_status_json(&st));
        return 0;
}

const char *const op_lockout_status_fields[] = {NULL};

int op_lockout_clear_parse(json_object *request, struct op_parsed *p)
{
        int r;

        if ((r = json_get_auth(request, &p->auth)))
                return r;
        p->req.lockout_clear.auth = &p->auth;
        return 0;
}

int op_lockout_clear_run(struct op_context *ctx, const struct op_parsed *p, json_object *reply)
{
        struct lockout_status st;
        int r;

        if ((r = op_lockout_clear(ctx, &p->req.lockout_clear, &st)))
                return r;
        json_merge(reply, lockout_status_json(&st));
        return 0;
}

const char *const op_lockout_clear_fields[] = {"auth", NULL};
