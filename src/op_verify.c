/* The verify operation and its JSON form. */
#include <openssl/err.h>
#include <openssl/pem.h>
#include <string.h>

#include "errors.h"
#include "import.h"
#include "op_adapters.h"
#include "op_json.h"
#include "ops.h"
#include "pubkey.h"
#include "signature.h"

static const unsigned verify_needs = LOCK_SHARED;

/* For a PEM key the hash goes with the curve, as in the profiles. */
const char *const verify_hash_names[] = {"sha256", "sha384", "sha512", NULL};

static bool hash_allowed(const char *name)
{
        for (size_t i = 0; verify_hash_names[i]; i++)
                if (strcmp(name, verify_hash_names[i]) == 0)
                        return true;
        return false;
}

static const EVP_MD *pem_hash(EVP_PKEY *key)
{
        if (EVP_PKEY_base_id(key) != EVP_PKEY_EC)
                return EVP_sha256();
        switch (EVP_PKEY_get_bits(key)) {
        case 384:
                return EVP_sha384();
        case 521:
                return EVP_sha512();
        default:
                return EVP_sha256();
        }
}

/* The key and hash of a keystore path: a key, or an external one (/ext/). */
static int keystore_key(struct op_context *ctx, const char *path, EVP_PKEY **pkey,
                        const EVP_MD **md, char *scheme, size_t scheme_size)
{
        _cleanup_(key_info_free) struct key_info key = {0};
        struct tpm *tpm;
        int r;

        if ((r = op_tpm(ctx, verify_needs, NULL, &tpm)))
                return r;
        if (strncmp(path, "/ext/", 5) == 0) { /* imported with --pubkey */
                if ((r = external_key(tpm, path, pkey)))
                        return r;
                if (!*md)
                        *md = pem_hash(*pkey);
                return 0;
        }
        if ((r = key_info_read(tpm, path, &key)) || (r = public_to_evp(&key.public, pkey)))
                return r;
        if (!*md)
                *md = tpm_hash_md(public_sign_hash(&key.public.publicArea));
        snprintf(scheme, scheme_size, "%s", key.signing_scheme);
        return 0;
}

int op_verify(struct op_context *ctx, const struct verify_request *req, struct verify_result *res)
{
        _cleanup_pkey_ EVP_PKEY *own = NULL;
        EVP_PKEY *pkey = req->pubkey;
        unsigned char digest[EVP_MAX_MD_SIZE];
        char keystore_scheme[16] = "";
        enum sig_scheme scheme;
        const EVP_MD *md = NULL;
        size_t digest_len;
        int r;

        res->valid = false;
        if (!req->path == !req->pubkey)
                return error_set(EXIT_USAGE, "give either a key path or a public key");
        if ((r = sig_scheme_parse(req->scheme, &scheme)))
                return r;
        if (req->hash && !hash_allowed(req->hash))
                return error_set(EXIT_USAGE, "hash %s: use sha256, sha384 or sha512", req->hash);
        if (req->hash && !(md = EVP_get_digestbyname(req->hash)))
                return error_set(EXIT_USAGE, "hash %s: use sha256, sha384 or sha512", req->hash);
        if (pkey) {
                if (!md)
                        md = pem_hash(pkey);
        } else {
                if ((r = keystore_key(ctx, req->path, &own, &md, keystore_scheme,
                                      sizeof(keystore_scheme))))
                        return r;
                pkey = own;
        }
        if (scheme == SCHEME_DEFAULT)
                scheme = default_scheme(pkey, keystore_scheme[0] ? keystore_scheme : NULL);
        if ((r = op_digest(&req->input, md, req->is_digest, digest, &digest_len)))
                return r;
        r = verify_digest(pkey, scheme, md, digest, digest_len, req->signature, req->signature_len);
        if (r && r != EXIT_INVALID)
                return r;
        res->valid = r == 0;
        return 0;
}

static int pem_public(const char *pem, EVP_PKEY **key)
{
        _cleanup_(bio_freep) BIO *bio = BIO_new_mem_buf(pem, -1);

        if (!bio)
                return error_set(EXIT_TPM, "out of memory");
        *key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
        ERR_clear_error();
        if (!*key)
                return error_set(EXIT_BAD_INPUT, "\"pubkey_pem\" is not a PEM public key");
        return 0;
}

int op_verify_parse(json_object *request, struct op_parsed *p)
{
        struct verify_request *req = &p->req.verify;
        const char *pem;
        int r;

        if ((r = json_get_string(request, "path", false, &req->path)) ||
            (r = json_get_string(request, "pubkey_pem", false, &pem)) ||
            (r = json_get_string(request, "scheme", false, &req->scheme)) ||
            (r = json_get_string(request, "hash", false, &req->hash)) ||
            (r = json_get_base64(request, "data_b64", false, &p->data)) ||
            (r = json_get_base64(request, "digest_b64", false, &p->digest)) ||
            (r = json_get_base64(request, "signature_b64", true, &p->signature)))
                return r;
        if (!req->path == !pem)
                return error_set(EXIT_USAGE, "give \"path\" or \"pubkey_pem\"");
        if (!!p->data.data == !!p->digest.data)
                return error_set(EXIT_USAGE, "give \"data_b64\" or \"digest_b64\"");
        if (pem && (r = pem_public(pem, &p->pubkey)))
                return r;
        req->pubkey = p->pubkey;
        req->is_digest = p->digest.data != NULL;
        req->input.data = req->is_digest ? p->digest.data : p->data.data;
        req->input.len = req->is_digest ? p->digest.size : p->data.size;
        req->signature = p->signature.data;
        req->signature_len = p->signature.size;
        return 0;
}

int op_verify_run(struct op_context *ctx, const struct op_parsed *p, json_object *reply)
{
        struct verify_result res;
        int r;

        if ((r = op_verify(ctx, &p->req.verify, &res)))
                return r;
        json_object_object_add(reply, "valid", json_object_new_boolean(res.valid));
        return 0;
}

const char *const op_verify_fields[] = {"path",     "pubkey_pem", "scheme",        "hash",
                                        "data_b64", "digest_b64", "signature_b64", NULL};
