/* The encrypt and decrypt operations and their JSON forms. */
#include <stdlib.h>

#include "crypt.h"
#include "errors.h"
#include "fapi_auth.h"
#include "op_adapters.h"
#include "op_json.h"
#include "ops.h"
#include "pubkey.h"

static const unsigned encrypt_needs = LOCK_SHARED;
static const unsigned decrypt_needs = NEED_ESYS | LOCK_SHARED;

int op_encrypt(struct op_context *ctx, const struct encrypt_request *req,
               struct encrypt_result *res)
{
        _cleanup_(key_info_free) struct key_info key = {0};
        struct tpm *tpm;
        int r;

        *res = (struct encrypt_result){0};
        if (req->len > CRYPT_MAX_INPUT)
                return error_set(EXIT_BAD_INPUT, "the data is larger than %u bytes",
                                 CRYPT_MAX_INPUT);
        if ((r = op_tpm(ctx, encrypt_needs, NULL, &tpm)) ||
            (r = key_info_read(tpm, req->path, &key)))
                return r;
        return encrypt_data(&key, req->data, req->len, &res->ciphertext, &res->len);
}

void encrypt_result_free(struct encrypt_result *res)
{
        free(res->ciphertext);
        *res = (struct encrypt_result){0};
}

int op_decrypt(struct op_context *ctx, const struct decrypt_request *req,
               struct decrypt_result *res)
{
        _cleanup_(key_info_free) struct key_info key = {0};
        const struct auth_source *auth = op_auth(ctx, req->auth);
        struct tpm *tpm;
        int r;

        *res = (struct decrypt_result){0};
        if ((r = auth_check(auth)) || (r = op_tpm(ctx, decrypt_needs, NULL, &tpm)) ||
            (r = key_info_read(tpm, req->path, &key)) ||
            (r = fapi_auth_attach(tpm, auth, tpm_hash_size(key.public.publicArea.nameAlg))))
                return r;
        return decrypt_data(tpm, &key, req->ciphertext, req->len, auth, &res->plaintext.data,
                            &res->plaintext.size);
}

void decrypt_result_free(struct decrypt_result *res)
{
        secret_wipe(&res->plaintext);
}

int op_encrypt_json(struct op_context *ctx, json_object *request, json_object *reply)
{
        _cleanup_secret_ struct secret data = {0};
        _cleanup_(encrypt_result_free) struct encrypt_result res = {0};
        struct encrypt_request req = {0};
        int r;

        if ((r = json_get_string(request, "path", true, &req.path)) ||
            (r = json_get_base64(request, "data_b64", true, &data)))
                return r;
        req.data = data.data;
        req.len = data.size;
        if ((r = op_encrypt(ctx, &req, &res)))
                return r;
        return json_add_base64(reply, "ciphertext_b64", res.ciphertext, res.len);
}

int op_decrypt_json(struct op_context *ctx, json_object *request, json_object *reply)
{
        _cleanup_secret_ struct secret cipher = {0};
        _cleanup_(decrypt_result_free) struct decrypt_result res = {0};
        struct auth_source auth = {.option_prefix = "auth"};
        struct decrypt_request req = {.auth = &auth};
        int r;

        if ((r = json_get_string(request, "path", true, &req.path)) ||
            (r = json_get_auth(request, &auth)) ||
            (r = json_get_base64(request, "ciphertext_b64", true, &cipher)))
                return r;
        req.ciphertext = cipher.data;
        req.len = cipher.size;
        if ((r = op_decrypt(ctx, &req, &res)))
                return r;
        return json_add_base64(reply, "data_b64", res.plaintext.data, res.plaintext.size);
}

const char *const op_encrypt_fields[] = {"path", "data_b64", NULL};
const char *const op_decrypt_fields[] = {"path", "ciphertext_b64", "auth", NULL};
