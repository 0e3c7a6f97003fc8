/* Keystore objects written without FAPI; see fapi_object.h. The JSON is
 * what FAPI 3.2.1 writes (ifapi_json_serialize.c), so that FAPI and
 * fapi_object.c read it back. */
#include "fapi_object.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_mu.h>
#include <unistd.h>

#include "cleanup.h"
#include "errors.h"
#include "fileio.h"
#include "hex.h"
#include "journal.h"
#include "keystore.h"
#include "names.h"

/* Hex as a JSON string; FAPI keeps blobs and digests so. */
static json_object *hex(const uint8_t *data, size_t len)
{
        _cleanup_free_ char *text = malloc(2 * len + 1);

        if (!text)
                return NULL;
        hex_encode(data, len, text);
        return json_object_new_string(text);
}

static json_object *scheme(TPM2_ALG_ID id, TPMI_ALG_HASH hash)
{
        json_object *o = json_object_new_object(), *details;

        json_object_object_add(o, "scheme", json_object_new_string(alg_fapi_name(id)));
        if (id != TPM2_ALG_NULL) {
                details = json_object_new_object();
                json_object_object_add(details, "hashAlg",
                                       json_object_new_string(alg_fapi_name(hash)));
                json_object_object_add(o, "details", details);
        }
        return o;
}

static json_object *symmetric(const TPMT_SYM_DEF_OBJECT *sym)
{
        json_object *o = json_object_new_object();

        json_object_object_add(o, "algorithm",
                               json_object_new_string(alg_fapi_name(sym->algorithm)));
        if (sym->algorithm != TPM2_ALG_NULL) {
                json_object_object_add(o, "keyBits", json_object_new_int(sym->keyBits.aes));
                json_object_object_add(o, "mode",
                                       json_object_new_string(alg_fapi_name(sym->mode.aes)));
        }
        return o;
}

static json_object *attributes(TPMA_OBJECT a)
{
        json_object *o = json_object_new_object();

        for (size_t i = 0; i < object_attributes_count; i++)
                json_object_object_add(o, object_attributes[i].name,
                                       json_object_new_int(!!(a & object_attributes[i].bit)));
        return o;
}

json_object *public_to_fapi_json(const TPM2B_PUBLIC *pub)
{
        const TPMT_PUBLIC *p = &pub->publicArea;
        json_object *root = json_object_new_object(), *area = json_object_new_object();
        json_object *params = json_object_new_object(), *unique;
        uint8_t buf[sizeof(TPMT_PUBLIC)];
        size_t size = 0;

        /* FAPI's "size" is that of the marshalled area. */
        if (Tss2_MU_TPMT_PUBLIC_Marshal(p, buf, sizeof(buf), &size) != TSS2_RC_SUCCESS) {
                json_object_put(root);
                json_object_put(area);
                json_object_put(params);
                return NULL;
        }
        json_object_object_add(area, "type",
                               json_object_new_string(p->type == TPM2_ALG_RSA   ? "RSA"
                                                      : p->type == TPM2_ALG_ECC ? "ECC"
                                                      : p->type == TPM2_ALG_SYMCIPHER
                                                          ? "SYMCIPHER"
                                                          : "KEYEDHASH"));
        json_object_object_add(area, "nameAlg", json_object_new_string(alg_fapi_name(p->nameAlg)));
        json_object_object_add(area, "objectAttributes", attributes(p->objectAttributes));
        json_object_object_add(area, "authPolicy", hex(p->authPolicy.buffer, p->authPolicy.size));
        switch (p->type) {
        case TPM2_ALG_RSA:
                json_object_object_add(params, "symmetric",
                                       symmetric(&p->parameters.rsaDetail.symmetric));
                json_object_object_add(
                    params, "scheme",
                    scheme(p->parameters.rsaDetail.scheme.scheme,
                           p->parameters.rsaDetail.scheme.details.anySig.hashAlg));
                json_object_object_add(params, "keyBits",
                                       json_object_new_int(p->parameters.rsaDetail.keyBits));
                json_object_object_add(params, "exponent",
                                       json_object_new_int64(p->parameters.rsaDetail.exponent));
                unique = hex(p->unique.rsa.buffer, p->unique.rsa.size);
                break;
        case TPM2_ALG_ECC:
                json_object_object_add(params, "symmetric",
                                       symmetric(&p->parameters.eccDetail.symmetric));
                json_object_object_add(
                    params, "scheme",
                    scheme(p->parameters.eccDetail.scheme.scheme,
                           p->parameters.eccDetail.scheme.details.anySig.hashAlg));
                json_object_object_add(
                    params, "curveID",
                    json_object_new_string(curve_fapi_name(p->parameters.eccDetail.curveID)));
                json_object_object_add(params, "kdf",
                                       scheme(p->parameters.eccDetail.kdf.scheme,
                                              p->parameters.eccDetail.kdf.details.mgf1.hashAlg));
                unique = json_object_new_object();
                json_object_object_add(unique, "x",
                                       hex(p->unique.ecc.x.buffer, p->unique.ecc.x.size));
                json_object_object_add(unique, "y",
                                       hex(p->unique.ecc.y.buffer, p->unique.ecc.y.size));
                break;
        case TPM2_ALG_SYMCIPHER:
                json_object_object_add(params, "sym", symmetric(&p->parameters.symDetail.sym));
                unique = hex(p->unique.sym.buffer, p->unique.sym.size);
                break;
        default:
                json_object_object_add(
                    params, "scheme",
                    scheme(p->parameters.keyedHashDetail.scheme.scheme,
                           p->parameters.keyedHashDetail.scheme.details.hmac.hashAlg));
                unique = hex(p->unique.keyedHash.buffer, p->unique.keyedHash.size);
        }
        json_object_object_add(area, "parameters", params);
        json_object_object_add(area, "unique", unique);
        json_object_object_add(root, "size", json_object_new_int((int)size));
        json_object_object_add(root, "publicArea", area);
        return root;
}

/* What FAPI signs with when the key leaves the scheme open, as its profiles
 * do: RSA-PSS or ECDSA with the key's name hash. */
static json_object *signing_scheme(const TPMT_PUBLIC *p)
{
        /* FAPI 3.2.1 reads no key object without one, decrypt keys included;
         * but for keyed-hash objects, and AES keys have none to give. */
        if (p->type == TPM2_ALG_SYMCIPHER)
                return scheme(TPM2_ALG_NULL, TPM2_ALG_NULL);
        if (p->type != TPM2_ALG_RSA && p->type != TPM2_ALG_ECC)
                return NULL;
        if (p->type == TPM2_ALG_RSA && p->parameters.rsaDetail.scheme.scheme != TPM2_ALG_NULL &&
            (p->objectAttributes & TPMA_OBJECT_SIGN_ENCRYPT))
                return scheme(p->parameters.rsaDetail.scheme.scheme,
                              p->parameters.rsaDetail.scheme.details.anySig.hashAlg);
        if (p->type == TPM2_ALG_ECC && p->parameters.eccDetail.scheme.scheme != TPM2_ALG_NULL)
                return scheme(p->parameters.eccDetail.scheme.scheme,
                              p->parameters.eccDetail.scheme.details.anySig.hashAlg);
        return scheme(p->type == TPM2_ALG_RSA ? TPM2_ALG_RSAPSS : TPM2_ALG_ECDSA, p->nameAlg);
}

int keystore_object_new_key(const TPM2B_PUBLIC *public, const TPM2B_PRIVATE *private,
                            const TPM2B_NAME *name, enum object_auth auth, json_object **out)
{
        _cleanup_json_ json_object *obj = json_object_new_object();
        json_object *public_json, *scheme_json;
        int r;

        *out = NULL;
        if (!(public_json = public_to_fapi_json(public)))
                return error_set(EXIT_BAD_INPUT, "the public blob cannot be marshalled again");
        json_object_object_add(obj, "objectType", json_object_new_int(FAPI_OBJECT_KEY));
        json_object_object_add(obj, "system", json_object_new_string("NO"));
        json_object_object_add(obj, "with_auth", json_object_new_string("NO")); /* below */
        json_object_object_add(obj, "persistent_handle", json_object_new_int(0));
        json_object_object_add(obj, "public", public_json);
        json_object_object_add(obj, "serialization", json_object_new_string(""));
        json_object_object_add(obj, "private", hex(private->buffer, private->size));
        json_object_object_add(obj, "policyInstance", json_object_new_string(""));
        json_object_object_add(obj, "description", json_object_new_string(""));
        json_object_object_add(obj, "certificate", json_object_new_string(""));
        if ((scheme_json = signing_scheme(&public->publicArea)))
                json_object_object_add(obj, "signing_scheme", scheme_json);
        json_object_object_add(obj, "name", hex(name->name, name->size));
        json_object_object_add(obj, "delete_prohibited", json_object_new_string("NO"));
        json_object_object_add(obj, "ek_profile", json_object_new_string("NO"));
        if ((r = object_auth_record(obj, auth)))
                return r;
        *out = steal_ptr(obj);
        return 0;
}

int keystore_object_set_private(json_object *obj, const TPM2B_PRIVATE *private,
                                enum object_auth auth)
{
        /* FAPI keeps the blob's bytes without the TPM2B size in front. */
        json_object_object_add(obj, "private", hex(private->buffer, private->size));
        return object_auth_record(obj, auth);
}

/* The rename (or link) is durable once the directory is synced. */
static int sync_dir(const char *file)
{
        char dir[PATH_MAX * 2];
        char *slash;
        int fd, r = 0;

        snprintf(dir, sizeof(dir), "%s", file);
        if ((slash = strrchr(dir, '/')))
                *slash = '\0';
        if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || fsync(fd) < 0)
                r = error_set(EXIT_BAD_INPUT, "cannot write %s: %s", file, strerror(errno));
        if (fd >= 0)
                close(fd);
        return r;
}

static int write_synced(const char *file, json_object *obj, enum keystore_write how)
{
        const char *text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
                                                                   JSON_C_TO_STRING_NOSLASHESCAPE);
        int r;

        if ((r = file_write(file, text, strlen(text),
                            WRITE_SECRET | (how == KEYSTORE_WRITE_REPLACE ? WRITE_FORCE : 0))))
                return r;
        return sync_dir(file);
}

int keystore_object_write(struct tpm *tpm, const char *full_path, json_object *obj,
                          enum keystore_write how)
{
        char file[PATH_MAX * 2], dir[PATH_MAX * 2];
        int r;

        if (how == KEYSTORE_WRITE_NEW) {
                if (object_file(tpm, full_path, file, sizeof(file)))
                        return error_set(EXIT_EXISTS, "%s already exists", full_path);
                /* A kill from here on: the next command removes the
                 * directory made for it, or keeps the whole file. */
                if ((r = journal_op_begin(&tpm->journal, JOURNAL_CREATE, full_path)))
                        return r;
                snprintf(dir, sizeof(dir), "%s%s", tpm->setup.user_dir, full_path);
                keystore_object_file_in(tpm->setup.user_dir, full_path, file, sizeof(file));
                r = mkdir_private(dir);
                if (!r)
                        r = write_synced(file, obj, how);
                if (r)
                        keystore_object_discard(tpm, full_path);
                journal_op_end(&tpm->journal);
                return r;
        } else if (!object_file(tpm, full_path, file, sizeof(file))) {
                return error_set(EXIT_NOT_FOUND, "no object %s in the keystore; see `tpmctl list`",
                                 full_path);
        }
        /* A kill from here on leaves the old file or the new one, and maybe
         * the temporary file, which the next command removes. */
        if ((r = journal_op_begin(&tpm->journal, JOURNAL_REPLACE, full_path)))
                return r;
        r = write_synced(file, obj, how);
        journal_op_end(&tpm->journal);
        return r;
}

static void discard_in(const char *keystore_dir, const char *full_path)
{
        char file[PATH_MAX * 2], dir[PATH_MAX * 2];

        keystore_object_file_in(keystore_dir, full_path, file, sizeof(file));
        snprintf(dir, sizeof(dir), "%s%s", keystore_dir, full_path);
        unlink(file);
        rmdir(dir);
}

void keystore_object_discard(const struct tpm *tpm, const char *full_path)
{
        discard_in(tpm->setup.user_dir, full_path);
}

void keystore_nv_discard(const struct tpm *tpm, const char *nv_path)
{
        discard_in(tpm->setup.system_dir, nv_path);
}
