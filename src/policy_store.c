/* PCR policies stored in the keystore for FAPI to compute a new object's
 * authPolicy from; see policy_store.h. */
#include "policy_store.h"

#include <dirent.h>
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_rc.h>

#include "cleanup.h"
#include "errors.h"
#include "esys_resource.h"
#include "fapi_object.h"
#include "fileio.h"
#include "keys.h"
#include "keystore.h"
#include "hex.h"
#include "jsonfile.h"
#include "path.h"
#include "pcr.h"
#include "policy.h"
#include "pubkey.h"

/* Stores policy at a fresh path /policy/tpmctl-PURPOSE-<12 hex digits>. */
static int import_fresh(struct tpm *tpm, json_object *policy, const char *purpose, char *path,
                        size_t size)
{
        unsigned char tag[6];
        char tag_hex[2 * sizeof(tag) + 1];
        TSS2_RC rc;

        if (RAND_bytes(tag, sizeof(tag)) != 1)
                return error_set(EXIT_TPM, "no random numbers from OpenSSL");
        hex_encode(tag, sizeof(tag), tag_hex);
        snprintf(path, size, "/policy/tpmctl-%s-%s", purpose, tag_hex);
        rc = Fapi_Import(tpm->fapi, path,
                         json_object_to_json_string_ext(policy, JSON_C_TO_STRING_PLAIN));
        if (rc != TSS2_RC_SUCCESS) {
                path[0] = '\0';
                return error_rc(rc, "storing the policy");
        }
        return 0;
}

int pcr_policy_import(struct tpm *tpm, const char *spec, bool with_auth, char *policy_path,
                      size_t size)
{
        _cleanup_json_ json_object *policy = NULL;
        _cleanup_free_ struct pcr_values *values = calloc(1, sizeof(*values));
        TPML_PCR_SELECTION sel;
        int r;

        if (!values)
                return error_set(EXIT_TPM, "out of memory");
        if ((r = pcr_spec_parse(spec, &sel)) || (r = pcr_read(tpm->esys, &sel, values)))
                return r;
        policy = policy_json_for_pcrs(values, with_auth);
        return import_fresh(tpm, policy, "seal", policy_path, size);
}

/* Whether FAPI's digests of the policy (in exported, as Fapi_ExportPolicy
 * computes them) differ from tpmctl's for p. */
static int fapi_digests_differ(json_object *exported, const struct policy *p, bool *differ)
{
        json_object *list = NULL;
        int r;

        *differ = false;
        if (!json_object_object_get_ex(exported, "policyDigests", &list) ||
            !json_object_is_type(list, json_type_array))
                return 0;
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                json_object *entry = json_object_array_get_idx(list, i), *alg_json, *digest_json;
                char hex[2 * sizeof(TPMU_HA) + 1];
                TPMI_ALG_HASH alg;
                TPM2B_DIGEST ours;

                if (!json_object_object_get_ex(entry, "hashAlg", &alg_json) ||
                    !json_object_object_get_ex(entry, "digest", &digest_json) ||
                    bank_parse(json_object_get_string(alg_json), &alg)) {
                        error_clear();
                        continue;
                }
                if ((r = policy_digest(p, alg, &ours)))
                        return r;
                hex_encode(ours.buffer, ours.size, hex);
                if (strcasecmp(hex, json_object_get_string(digest_json)) != 0)
                        *differ = true;
        }
        return 0;
}

int policy_import_for_create(struct tpm *tpm, const char *policy_path, char *out, size_t size)
{
        _cleanup_fapi_free_ char *text = NULL;
        _cleanup_json_ json_object *json = NULL;
        struct policy p = {0};
        char path[256];
        bool differ = false;
        TSS2_RC rc;
        int r;

        out[0] = '\0';
        /* What FAPI makes of the policy: PCR values and object names filled
         * in, and the digests it would give the object. When it cannot (or
         * the path is no policy's), or the policy is beyond tpmctl, FAPI
         * reports on it as before. */
        if (policy_path_normalize(policy_path, path, sizeof(path))) {
                error_clear();
                return 0;
        }
        rc = Fapi_ExportPolicy(tpm->fapi, path, &text);
        if (rc != TSS2_RC_SUCCESS)
                return 0;
        if (json_parse_strict(text, strlen(text), path, &json) || policy_parse(json, &p)) {
                error_clear();
                policy_free(&p);
                return 0;
        }
        if (!policy_offline(&p)) {
                policy_free(&p);
                return 0;
        }
        r = fapi_digests_differ(json, &p, &differ);
        if (!r && differ)
                r = policy_annotate(json, &p);
        policy_free(&p);
        if (r || !differ)
                return r;
        return import_fresh(tpm, json, "create", out, size);
}

int policy_store_import(struct tpm *tpm, const char *path, json_object *json)
{
        TSS2_RC rc;

        rc = Fapi_Import(tpm->fapi, path,
                         json_object_to_json_string_ext(json, JSON_C_TO_STRING_PLAIN));
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "storing the policy at %s", path);
        return 0;
}

int policy_store_export(struct tpm *tpm, const char *path, char **json)
{
        TSS2_RC rc;

        rc = Fapi_ExportPolicy(tpm->fapi, path, json);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "reading the policy %s", path);
        return 0;
}

#define AUTHORIZED_PREFIX "tpmctl: policies authorized by "

int authorizations_dir(const struct tpm *tpm, char *out, size_t size)
{
        const char *slash = strrchr(tpm->setup.lock_file, '/');
        int n = snprintf(out, size, "%.*s/tpmctl-authorizations",
                         slash ? (int)(slash - tpm->setup.lock_file) : 1,
                         slash ? tpm->setup.lock_file : ".");

        if (n < 0 || (size_t)n >= size)
                return error_set(EXIT_BAD_INPUT, "the keystore's path is too long");
        return 0;
}

/* The file of one authorization: a hash of what identifies it. */
static int record_file(const struct tpm *tpm, const char *policy_path, const TPM2B_NAME *key_name,
                       const TPM2B_NONCE *ref, char *out, size_t size)
{
        unsigned char md[EVP_MAX_MD_SIZE];
        char dir[PATH_MAX], hex[2 * 16 + 1];
        unsigned int n = 0;
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
                 EVP_DigestUpdate(ctx, policy_path, strlen(policy_path) + 1) &&
                 EVP_DigestUpdate(ctx, key_name->name, key_name->size) &&
                 EVP_DigestUpdate(ctx, "", 1) && EVP_DigestUpdate(ctx, ref->buffer, ref->size) &&
                 EVP_DigestFinal_ex(ctx, md, &n);
        int r;

        EVP_MD_CTX_free(ctx);
        if (!ok)
                return error_set(EXIT_TPM, "hashing failed");
        if ((r = authorizations_dir(tpm, dir, sizeof(dir))))
                return r;
        hex_encode(md, 16, hex);
        if (snprintf(out, size, "%s/%s.json", dir, hex) >= (int)size)
                return error_set(EXIT_BAD_INPUT, "the keystore's path is too long");
        return 0;
}

int authorization_store(struct tpm *tpm, json_object *record, const char *policy_path,
                        const TPM2B_NAME *key_name, const TPM2B_NONCE *ref, char *file, size_t size)
{
        char dir[PATH_MAX];
        const char *text;
        int r;

        if ((r = authorizations_dir(tpm, dir, sizeof(dir))) || (r = mkdir_private(dir)) ||
            (r = record_file(tpm, policy_path, key_name, ref, file, size)))
                return r;
        text = json_object_to_json_string_ext(record, JSON_C_TO_STRING_PRETTY |
                                                          JSON_C_TO_STRING_NOSLASHESCAPE);
        return file_write(file, text, strlen(text), WRITE_FORCE);
}

static const char *string_member(json_object *o, const char *key)
{
        json_object *v = NULL;

        if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
                return "";
        return json_object_get_string(v);
}

static int newest_first(const void *a, const void *b)
{
        json_object *const *x = a, *const *y = b;

        return strcmp(string_member(*y, "created"), string_member(*x, "created"));
}

int authorizations_find(const struct tpm *tpm, const TPM2B_NAME *key_name, const TPM2B_NONCE *ref,
                        json_object **list)
{
        char dir[PATH_MAX], name_hex[2 * sizeof(TPMU_NAME) + 1], ref_hex[2 * sizeof(TPMU_HA) + 1];
        _cleanup_(closedirp) DIR *d = NULL;
        struct dirent *e;
        int r;

        *list = json_object_new_array();
        if ((r = authorizations_dir(tpm, dir, sizeof(dir))))
                return r;
        hex_encode(key_name->name, key_name->size, name_hex);
        hex_encode(ref->buffer, ref->size, ref_hex);
        if (!(d = opendir(dir)))
                return 0;
        while ((e = readdir(d))) {
                _cleanup_free_ unsigned char *text = NULL;
                json_object *record = NULL;
                char file[PATH_MAX * 2];
                size_t len;

                if (!strstr(e->d_name, ".json") || strstr(e->d_name, ".tmp-") ||
                    strlen(e->d_name) != 2 * 16 + 5)
                        continue;
                snprintf(file, sizeof(file), "%s/%s", dir, e->d_name);
                if (file_read(file, POLICY_MAX_BYTES, &text, &len) ||
                    json_parse_strict((const char *)text, len, file, &record)) {
                        error_clear();
                        continue;
                }
                if (strcasecmp(string_member(record, "keyName"), name_hex) == 0 &&
                    strcasecmp(string_member(record, "policyRef"), ref_hex) == 0)
                        json_object_array_add(*list, record);
                else
                        json_object_put(record);
        }
        json_object_array_sort(*list, newest_first);
        return 0;
}

int authorize_policy_import(struct tpm *tpm, const char *key_path, const TPM2B_NONCE *ref,
                            bool with_auth, char *path, size_t size)
{
        _cleanup_(key_info_free) struct key_info key = {0};
        _cleanup_json_ json_object *policy = NULL;
        json_object *list, *el, *pub, *area = NULL;
        char hex[2 * sizeof(TPMU_NAME) + 1], description[FAPI_PATH_MAX + 64];
        struct policy p = {0};
        TPM2B_NAME name;
        int r;

        if ((r = key_info_read(tpm, key_path, &key)))
                return r;
        if (!(key.public.publicArea.objectAttributes & TPMA_OBJECT_SIGN_ENCRYPT) ||
            key.public.publicArea.type == TPM2_ALG_KEYEDHASH)
                return error_set(EXIT_BAD_INPUT, "--authorized-by %s: not a signing key", key.path);
        if ((r = public_name(&key.public, &name)))
                return r;
        policy = json_object_new_object();
        list = json_object_new_array();
        el = json_object_new_object();
        json_object_object_add(el, "type", json_object_new_string("POLICYAUTHORIZE"));
        hex_encode(name.name, name.size, hex);
        json_object_object_add(el, "keyName", json_object_new_string(hex));
        /* FAPI computes the name from keyPublic and keeps it with the object. */
        pub = public_to_fapi_json(&key.public);
        if (pub && json_object_object_get_ex(pub, "publicArea", &area))
                json_object_object_add(el, "keyPublic", json_object_get(area));
        json_object_put(pub);
        if (ref->size) {
                hex_encode(ref->buffer, ref->size, hex);
                json_object_object_add(el, "policyRef", json_object_new_string(hex));
        }
        json_object_array_add(list, el);
        if (with_auth) {
                json_object *auth = json_object_new_object();
                json_object_object_add(auth, "type", json_object_new_string("POLICYAUTHVALUE"));
                json_object_array_add(list, auth);
        }
        snprintf(description, sizeof(description), AUTHORIZED_PREFIX "%s", key.path);
        json_object_object_add(policy, "description", json_object_new_string(description));
        json_object_object_add(policy, "policy", list);
        r = policy_parse(policy, &p);
        if (!r)
                r = policy_annotate(policy, &p);
        policy_free(&p);
        if (r)
                return r;
        return import_fresh(tpm, policy, "seal", path, size);
}

const char *authorize_policy_key_path(json_object *policy)
{
        const char *d = string_member(policy, "description");

        return strncmp(d, AUTHORIZED_PREFIX, strlen(AUTHORIZED_PREFIX)) == 0
                   ? d + strlen(AUTHORIZED_PREFIX)
                   : NULL;
}

static void append_text(char *out, size_t size, const char *text)
{
        size_t len = strlen(out);

        snprintf(out + len, size - len, "%s", text);
}

void object_bindings_read(json_object *object, const TPMT_PUBLIC *pub, bool with_auth,
                          struct object_bindings *b)
{
        json_object *stored = keystore_object_policy(object);
        TPML_PCR_SELECTION all = {0};
        struct policy p = {0};
        const struct policy_element *a;

        memset(b, 0, sizeof(*b));
        b->has_policy = pub->authPolicy.size > 0;
        b->password = with_auth;
        if (!b->has_policy || !stored)
                return;
        if (policy_parse(stored, &p)) {
                error_clear();
                policy_free(&p);
                return;
        }
        b->policy_known = true;
        for (unsigned i = 0; i < p.n; i++)
                if (p.e[i].type == POLICY_PCR)
                        PCR_FOREACH(&p.e[i].pcrs, s, k)
                        {
                                pcr_select(&all, p.e[i].pcrs.pcrSelections[s].hash, k);
                        }
        for (UINT32 s = 0; s < all.count; s++) {
                const char *sep = ":";
                char item[16];
                if (s) {
                        append_text(b->pcrs, sizeof(b->pcrs), "+");
                        append_text(b->banks, sizeof(b->banks), ",");
                }
                append_text(b->pcrs, sizeof(b->pcrs), bank_name(all.pcrSelections[s].hash));
                append_text(b->banks, sizeof(b->banks), bank_name(all.pcrSelections[s].hash));
                for (unsigned k = 0; k < PCR_COUNT; k++)
                        if (all.pcrSelections[s].pcrSelect[k / 8] & (1u << (k % 8))) {
                                snprintf(item, sizeof(item), "%s%u", sep, k);
                                append_text(b->pcrs, sizeof(b->pcrs), item);
                                sep = ",";
                        }
        }
        if ((a = policy_find_authorize(&p))) {
                const char *path = authorize_policy_key_path(stored);
                b->authorized = true;
                snprintf(b->key_path, sizeof(b->key_path), "%s", path ? path : "");
                hex_encode(a->key_name.name, a->key_name.size, b->key_name);
                policy_ref_text(&a->ref, b->ref, sizeof(b->ref));
        }
        policy_describe(&p, b->text, sizeof(b->text));
        policy_free(&p);
}

json_object *object_bindings_json(const struct object_bindings *b)
{
        json_object *o = json_object_new_object(), *by = NULL;

        json_object_object_add(o, "pcrs", b->pcrs[0] ? json_object_new_string(b->pcrs) : NULL);
        json_object_object_add(o, "pcr_banks",
                               b->banks[0] ? json_object_new_string(b->banks) : NULL);
        json_object_object_add(o, "password", json_object_new_boolean(b->password));
        if (b->authorized) {
                by = json_object_new_object();
                json_object_object_add(by, "key",
                                       b->key_path[0] ? json_object_new_string(b->key_path) : NULL);
                json_object_object_add(by, "key_name", json_object_new_string(b->key_name));
                json_object_object_add(by, "policy_ref", json_object_new_string(b->ref));
        }
        json_object_object_add(o, "authorized_by", by);
        json_object_object_add(o, "policy_text",
                               b->policy_known ? json_object_new_string(b->text)
                               : b->has_policy
                                   ? json_object_new_string("(a policy tpmctl cannot read)")
                                   : NULL);
        return o;
}
