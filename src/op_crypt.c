/* The encrypt and decrypt operations and their JSON forms. */
#include <stdlib.h>

#include "crypt.h"
#include "errors.h"
#include "fapi_auth.h"
#include "op_adapters.h"
#include "op_json.h"
#include "ops.h"
#include "pubkey.h"
#include "symmetric.h"

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
        if (!key_is_aes(&key))
                return encrypt_data(&key, req->data, req->len, &res->ciphertext, &res->len);
        /* An AES key encrypts in the TPM: a context opened without ESYS
         * (what RSA keys need) is opened again with it. */
        if (!tpm->esys) {
                op_context_close(ctx);
                if ((r = op_tpm(ctx, encrypt_needs | NEED_ESYS, NULL, &tpm)))
                        return r;
        }
        if ((r = auth_check(op_auth(ctx, req->auth))))
                return r;
        return aes_encrypt(tpm, &key, op_auth(ctx, req->auth), req->data, req->len,
                           &res->ciphertext, &res->len);
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
            (r = key_info_read(tpm, req->path, &key)))
                return r;
        if (key_is_aes(&key))
                return aes_decrypt(tpm, &key, auth, req->ciphertext, req->len, &res->plaintext.data,
                                   &res->plaintext.size);
        if ((r = fapi_auth_attach(tpm, auth, tpm_hash_size(key.public.publicArea.nameAlg))))
                return r;
        return decrypt_data(tpm, &key, req->ciphertext, req->len, auth, &res->plaintext.data,
                            &res->plaintext.size);
}

void decrypt_result_free(struct decrypt_result *res)
{
        secret_wipe(&res->plaintext);
}

int op_encrypt_parse(json_object *request, struct op_parsed *p)
{
        struct encrypt_request *req = &p->req.encrypt;
        int r;

        req->auth = &p->auth;
        if ((r = json_get_path_auth_data(request, &req->path, &p->auth, "data_b64", &p->data)))
                return r;
        req->data = p->data.data;
        req->len = p->data.size;
        return 0;
}

int op_encrypt_run(struct op_context *ctx, const struct op_parsed *p, json_object *reply)
{
        _cleanup_(encrypt_result_free) struct encrypt_result res = {0};
        int r;

        if ((r = op_encrypt(ctx, &p->req.encrypt, &res)))
                return r;
        return json_add_base64(reply, "ciphertext_b64", res.ciphertext, res.len);
}

int op_decrypt_parse(json_object *request, struct op_parsed *p)
{
        struct decrypt_request *req = &p->req.decrypt;
        int r;

        req->auth = &p->auth;
        if ((r = json_get_path_auth_data(request, &req->path, &p->auth, "ciphertext_b64",
                                         &p->data)))
                return r;
        req->ciphertext = p->data.data;
        req->len = p->data.size;
        return 0;
}

int op_decrypt_run(struct op_context *ctx, const struct op_parsed *p, json_object *reply)
{
        _cleanup_(decrypt_result_free) struct decrypt_result res = {0};
        int r;

        if ((r = op_decrypt(ctx, &p->req.decrypt, &res)))
                return r;
        return json_add_base64(reply, "data_b64", res.plaintext.data, res.plaintext.size);
}

const char *const op_encrypt_fields[] = {"path", "data_b64", "auth", NULL};
const char *const op_decrypt_fields[] = {"path", "ciphertext_b64", "auth", NULL};
