/* The random operation and its JSON form. */
#include <stdlib.h>

#include "errors.h"
#include "op_adapters.h"
#include "op_json.h"
#include "ops.h"
#include "tpm_random.h"

static const unsigned random_needs = NEED_ESYS | LOCK_SHARED;

int op_random(struct op_context *ctx, const struct random_request *req, struct random_result *res)
{
        struct tpm *tpm;
        int r;

        *res = (struct random_result){0};
        if (req->bytes > RANDOM_MAX)
                return error_set(EXIT_USAGE, "%zu: give a number of bytes from 0 to %u", req->bytes,
                                 RANDOM_MAX);
        if (!(res->data.data = malloc(req->bytes ? req->bytes : 1)))
                return error_set(EXIT_TPM, "out of memory");
        res->data.size = req->bytes;
        if ((r = op_tpm(ctx, random_needs, NULL, &tpm)))
                return r;
        return tpm_random(tpm, res->data.data, res->data.size);
}

void random_result_free(struct random_result *res)
{
        secret_wipe(&res->data);
}

int op_random_parse(json_object *request, struct op_parsed *p)
{
        unsigned long bytes;
        int r;

        if ((r = json_get_uint(request, "bytes", true, RANDOM_MAX, &bytes, NULL)))
                return r;
        p->req.random.bytes = bytes;
        return 0;
}

int op_random_run(struct op_context *ctx, const struct op_parsed *p, json_object *reply)
{
        _cleanup_(random_result_free) struct random_result res = {0};
        int r;

        if ((r = op_random(ctx, &p->req.random, &res)))
                return r;
        return json_add_base64(reply, "data_b64", res.data.data, res.data.size);
}

const char *const op_random_fields[] = {"bytes", NULL};
