/* Sealing and unsealing; see seal.h. */
#include "seal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>
#include <unistd.h>

#include "cleanup.h"
#include "envelope.h"
#include "esys_wipe.h"
#include "errors.h"
#include "fapi_object.h"
#include "fapi_auth.h"
#include "fileio.h"
#include "hex.h"
#include "jsonfile.h"
#include "journal.h"
#include "keys.h"
#include "keystore.h"
#include "objects.h"
#include "pcr.h"
#include "policy.h"
#include "policy_session.h"
#include "policy_store.h"
#include "object_load.h"
#include "pubkey.h"
#include "recovery.h"
#include "tpm_random.h"

/* What the envelope's "wrapped key" field holds for sealed data: the key
 * itself is in the TPM. */
static const unsigned char sealed_marker[] = "tpmctl-sealed-key";

/* What the TPM holds for a secret kept in an envelope: this prefix, then
 * the AES key. Unsealing it without the envelope is an error, never the
 * key passed off as the secret. */
#define KEY_PREFIX     "tpmctl envelope key v1:"
#define KEY_PREFIX_LEN (sizeof(KEY_PREFIX) - 1)

static bool holds_envelope_key(const unsigned char *data, size_t len)
{
        return len == KEY_PREFIX_LEN + ENVELOPE_KEY_LEN &&
               memcmp(data, KEY_PREFIX, KEY_PREFIX_LEN) == 0;
}

static int envelope_file(const struct tpm *tpm, const char *full_path, char *out, size_t size)
{
        int n = snprintf(out, size, "%s%s/" SEAL_ENVELOPE_FILE, tpm->setup.user_dir, full_path);
        if (n < 0 || (size_t)n >= size)
                return error_set(EXIT_BAD_INPUT, "path too long: %s", full_path);
        return 0;
}

int seal_type_check(const char *type)
{
        char copy[128], *save = NULL;

        if (!type)
                return 0;
        if (strlen(type) >= sizeof(copy))
                return error_set(EXIT_USAGE, "--type %s: too long", type);
        strcpy(copy, type);
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
                if (strcmp(t, "noda") != 0 && !(strncmp(t, "0x81", 4) == 0 && strlen(t) == 10 &&
                                                strspn(t + 2, "0123456789abcdefABCDEF") == 8))
                        return error_set(EXIT_USAGE,
                                         "--type %s: \"%s\" is not a seal flag "
                                         "(noda, or a 0x81xxxxxx handle)",
                                         type, t);
        return 0;
}

/* The secret's envelope, written before FAPI makes the object: an
 * object.json never exists without it. */
static int write_envelope(const struct tpm *tpm, const char *full, const unsigned char *envelope,
                          size_t envelope_len)
{
        char dir[PATH_MAX], file[PATH_MAX];
        int r, n = snprintf(dir, sizeof(dir), "%s%s", tpm->setup.user_dir, full);

        if (n < 0 || (size_t)n >= sizeof(dir))
                return error_set(EXIT_BAD_INPUT, "path too long: %s", full);
        if ((r = envelope_file(tpm, full, file, sizeof(file))) || (r = mkdir_private(dir)))
                return r;
        return file_write(file, envelope, envelope_len, WRITE_SECRET);
}

int seal_policy_ref(const char *text, TPM2B_NONCE *ref)
{
        memset(ref, 0, sizeof(*ref));
        if (!text)
                return 0;
        if (strlen(text) > 32)
                return error_set(EXIT_USAGE, "--ref %s: at most 32 bytes", text);
        ref->size = (UINT16)strlen(text);
        memcpy(ref->buffer, text, ref->size);
        return 0;
}

/* Room for FAPI's objects: first what this context keeps loaded for later
 * requests (a batch's cache of keys), else what nobody here uses. */
static bool make_room(struct tpm *tpm)
{
        ESYS_TR cached[1];

        if (tpm->cache_handles && tpm->cache_handles(tpm, cached, 1) > 0) {
                tpm_cache_clear(tpm);
                return true;
        }
        return tpm_make_room(tpm);
}

int seal_data(struct tpm *tpm, const char *path, const unsigned char *data, size_t len,
              size_t random_len, const struct seal_spec *spec, const struct secret *password)
{
        char policy_path[128] = "", full[FAPI_PATH_MAX], type[160];
        const char *auth = password && password->data ? (const char *)password->data : "";
        unsigned char key[KEY_PREFIX_LEN + ENVELOPE_KEY_LEN];
        WIPE_ON_EXIT(key);
        _cleanup_secret_ struct secret random_data = {0};
        _cleanup_free_ unsigned char *envelope = NULL;
        const unsigned char *sealed = data;
        size_t sealed_len = data ? len : random_len, envelope_len = 0;
        TSS2_RC rc;
        int r;

        if ((r = seal_type_check(spec->type)))
                return r;
        if (!!spec->pcrs + !!spec->policy + !!spec->authorized_by > 1)
                return error_set(EXIT_USAGE, "give one of --pcrs, --policy, --authorized-by");
        if (spec->policy_ref && !spec->authorized_by)
                return error_set(EXIT_USAGE, "--ref goes with --authorized-by");
        /* Under the exclusive lock: nobody makes it meanwhile, and whatever
         * is found at its place afterwards is this command's. */
        if ((r = object_absent(tpm, path, full, sizeof(full))))
                return r;
        if (!data && random_len > SEAL_DIRECT_MAX) {
                /* More than the TPM seals itself: its random bytes, read
                 * through an encrypted session, go into an envelope. */
                if (!(random_data.data = malloc(random_len)))
                        return error_set(EXIT_TPM, "out of memory");
                random_data.size = random_len;
                if ((r = tpm_random(tpm, random_data.data, random_len)))
                        return r;
                data = random_data.data;
                len = random_len;
        }
        /* Data that looks like an envelope key goes into an envelope too, so
         * that unseal can always tell the two apart. */
        if (data && (len > SEAL_DIRECT_MAX ||
                     (len >= KEY_PREFIX_LEN && memcmp(data, KEY_PREFIX, KEY_PREFIX_LEN) == 0))) {
                memcpy(key, KEY_PREFIX, KEY_PREFIX_LEN);
                if (RAND_bytes(key + KEY_PREFIX_LEN, ENVELOPE_KEY_LEN) != 1)
                        return error_set(EXIT_TPM, "no random numbers from OpenSSL");
                if ((r = envelope_seal(key + KEY_PREFIX_LEN, sealed_marker, sizeof(sealed_marker),
                                       data, len, &envelope, &envelope_len)))
                        return r;
                sealed = key;
                sealed_len = sizeof(key);
        }
        /* From here a kill leaves the journal's word for the next command,
         * which keeps the object if FAPI wrote it whole, else removes it. */
        if ((r = journal_op_begin(&tpm->journal, JOURNAL_CREATE, full)))
                return r;
        if (envelope && (r = write_envelope(tpm, full, envelope, envelope_len)))
                goto undo;
        if (spec->pcrs && (r = pcr_policy_import(tpm, spec->pcrs, password && password->size,
                                                 policy_path, sizeof(policy_path))))
                goto undo;
        if (spec->authorized_by) {
                TPM2B_NONCE ref;
                if ((r = seal_policy_ref(spec->policy_ref, &ref)) ||
                    (r = authorize_policy_import(tpm, spec->authorized_by, &ref,
                                                 password && password->size, policy_path,
                                                 sizeof(policy_path))))
                        goto undo;
        }
        /* A copy with tpmctl's digests where FAPI would compute them wrong. */
        if (spec->policy &&
            (r = policy_import_for_create(tpm, spec->policy, policy_path, sizeof(policy_path))))
                goto undo;
        /* data NULL: the TPM makes sealed_len random bytes itself. */
        seal_type_string(spec->type, auth[0] != '\0', type, sizeof(type)); /* noda: keys.h */
        for (int tries = 0;; tries++) {
                rc = Fapi_CreateSeal(tpm->fapi, path, type, sealed_len,
                                     policy_path[0] ? policy_path
                                     : spec->policy ? spec->policy
                                                    : "",
                                     auth, data || envelope ? sealed : NULL);
                /* What others left fills the TPM: make room once. */
                if (tries > 0 ||
                    (tpm_rc_code(rc) != TPM2_RC_OBJECT_MEMORY &&
                     tpm_rc_code(rc) != TPM2_RC_SESSION_MEMORY) ||
                    !make_room(tpm))
                        break;
        }
        OPENSSL_cleanse(key, sizeof(key));
        if (policy_path[0])
                Fapi_Delete(tpm->fapi, policy_path); /* the object keeps its own copy */
        if (rc != TSS2_RC_SUCCESS) {
                r = error_rc(rc, "sealing to %s", path);
                goto undo;
        }
        journal_op_end(&tpm->journal);
        return 0;
undo:
        object_dir_clean(tpm, full, CLEAN_ALL); /* nothing half-made stays behind */
        journal_op_end(&tpm->journal);
        return r;
}

struct sealed_object {
        char path[FAPI_PATH_MAX];
        TPM2B_PUBLIC public;
        TPM2B_PRIVATE private;
        json_object *json; /* the keystore object */
        struct policy policy;
        enum object_policy_use use;
};

static int read_sealed(struct tpm *tpm, const char *user_path, struct sealed_object *o)
{
        _cleanup_(keystore_object_free) struct keystore_object ko = {0};
        int r;

        if ((r = keystore_object_read(tpm, user_path, &ko)))
                return r;
        snprintf(o->path, sizeof(o->path), "%s", ko.path);
        o->json = json_object_get(ko.json);
        o->public = ko.public;
        o->private = ko.private;
        if (!ko.has_public || o->public.publicArea.type != TPM2_ALG_KEYEDHASH ||
            (o->public.publicArea.objectAttributes &
             (TPMA_OBJECT_SIGN_ENCRYPT | TPMA_OBJECT_DECRYPT)))
                return error_set(EXIT_BAD_INPUT, "%s is not sealed data", o->path);
        o->use = object_policy(o->json, &o->public.publicArea, &o->policy);
        return 0;
}

/* The unsealed data comes back in an encrypted response. */
static int unseal_with_engine(struct tpm *tpm, struct sealed_object *o,
                              const struct auth_source *auth, TPM2B_SENSITIVE_DATA **data)
{
        struct object_record rec = {
            .path = o->path, .public = &o->public, .private = &o->private, .json = o->json};
        struct loaded_object lo;
        TSS2_RC rc;
        int r;

        if ((r = object_load(tpm, &rec, auth, TPM2_CC_Unseal, SECRET_RESPONSE, &lo)))
                return r;
        rc = Esys_Unseal(tpm->esys, lo.handle, lo.auth, lo.crypt, ESYS_TR_NONE, data);
        esys_response_wipe(tpm->esys); /* its copies of the secret */
        object_command_done(tpm, &lo, rc);
        if (rc != TSS2_RC_SUCCESS)
                return object_error(&lo, rc, "unsealing %s", o->path);
        return 0;
}

static int unseal_with_fapi(struct tpm *tpm, const struct sealed_object *o,
                            const struct auth_source *auth, uint8_t **data, size_t *len)
{
        TSS2_RC rc;
        int r;

        if ((r = tpm_fapi_connect(tpm)) ||
            (r = fapi_auth_attach(tpm, auth, tpm_hash_size(o->public.publicArea.nameAlg))))
                return r;
        rc = Fapi_Unseal(tpm->fapi, o->path, data, len);
        if (rc != TSS2_RC_SUCCESS)
                return fapi_error(tpm, rc, "unsealing %s", o->path);
        return 0;
}

static int open_envelope(const struct tpm *tpm, const char *full, struct secret *key,
                         struct secret *out, bool *is_envelope)
{
        _cleanup_free_ unsigned char *data = NULL;
        char file[PATH_MAX];
        struct envelope env;
        size_t len;
        int r;

        *is_envelope = holds_envelope_key(key->data, key->size);
        if (!*is_envelope)
                return 0;
        if ((r = envelope_file(tpm, full, file, sizeof(file))))
                return r;
        if (access(file, F_OK) != 0)
                return error_set(EXIT_NOT_FOUND,
                                 "the encrypted secret of %s (%s) is missing from the keystore",
                                 full, file);
        if ((r = file_read(file, SEAL_MAX_INPUT + 4096, &data, &len)) ||
            (r = envelope_parse(data, len, &env)))
                return r;
        return envelope_open(&env, key->data + KEY_PREFIX_LEN, &out->data, &out->size);
}

static void sealed_objectp(struct sealed_object **o)
{
        if (*o) {
                policy_free(&(*o)->policy);
                json_object_put((*o)->json);
                free(*o);
        }
}

/* The secret from the TPM's answer (or FAPI's) into unsealed. */
static int take_engine_data(TPM2B_SENSITIVE_DATA *data, struct secret *unsealed)
{
        unsealed->size = data->size;
        unsealed->data = malloc(data->size ? data->size : 1);
        if (unsealed->data)
                memcpy(unsealed->data, data->buffer, data->size);
        OPENSSL_cleanse(data, sizeof(*data));
        Esys_Free(data);
        return unsealed->data ? 0 : error_set(EXIT_TPM, "out of memory");
}

/* The element of the stored policy (JSON) that is its POLICYAUTHORIZE. */
static json_object *authorize_element(json_object *object)
{
        json_object *policy = keystore_object_policy(object), *list = NULL;

        if (!policy || !json_object_object_get_ex(policy, "policy", &list) ||
            !json_object_is_type(list, json_type_array))
                return NULL;
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                json_object *el = json_object_array_get_idx(list, i), *type = NULL;
                if (json_object_object_get_ex(el, "type", &type) &&
                    strcmp(json_object_get_string(type), "POLICYAUTHORIZE") == 0)
                        return el;
        }
        return NULL;
}

static void append_reason(char *out, size_t size, const char *path, const char *why)
{
        static const char prefix[] = "policy not satisfied: ";
        size_t len = strlen(out);

        const char *since = strstr(why, " since sealing");

        if (strncmp(why, prefix, sizeof(prefix) - 1) == 0)
                why += sizeof(prefix) - 1;
        /* The PCRs were those of the approval, not of the seal. */
        if (since)
                snprintf(out + len, size - len, "%s%s: %.*s since it was authorized",
                         len ? "; " : "", path, (int)(since - why), why);
        else
                snprintf(out + len, size - len, "%s%s: %s", len ? "; " : "", path, why);
}

/* PolicyAuthorize: each approved policy stored for the object's key and
 * policyRef, newest first, goes to the engine in turn (in the element's
 * "tpmctl_authorization", in memory) until one holds. */
static int unseal_authorized(struct tpm *tpm, struct sealed_object *o,
                             const struct auth_source *auth, struct secret *unsealed,
                             struct unseal_info *info)
{
        const struct policy_element *e = policy_find_authorize(&o->policy);
        json_object *el = authorize_element(o->json);
        _cleanup_json_ json_object *list = NULL;
        char reasons[1536] = "", name_hex[2 * sizeof(TPMU_NAME) + 1], ref[140];
        const char *key_path = authorize_policy_key_path(keystore_object_policy(o->json));
        TPM2B_DIGEST digest;
        size_t tried = 0;
        int r;

        if (!e || !el)
                return error_set(EXIT_BAD_INPUT, "%s: its POLICYAUTHORIZE is malformed", o->path);
        if ((r = policy_digest(&o->policy, o->public.publicArea.nameAlg, &digest)))
                return r;
        if (digest.size != o->public.publicArea.authPolicy.size ||
            memcmp(digest.buffer, o->public.publicArea.authPolicy.buffer, digest.size) != 0)
                return error_set(EXIT_BAD_INPUT,
                                 "%s: its stored policy is not the one its authPolicy says",
                                 o->path);
        hex_encode(e->key_name.name, e->key_name.size, name_hex);
        if ((r = authorizations_find(tpm, &e->key_name, &e->ref, &list)))
                return r;
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                json_object *record = json_object_array_get_idx(list, i);
                struct policy_authorization a;
                TPM2B_SENSITIVE_DATA *data = NULL;

                r = policy_authorization_parse(record, &a);
                policy_free(&a.policy);
                if (r) { /* a damaged record: the others may do */
                        append_reason(reasons, sizeof(reasons), "(a stored authorization)",
                                      error_message());
                        error_clear();
                        continue;
                }
                if (a.alg != o->public.publicArea.nameAlg) {
                        char why[160];
                        snprintf(why, sizeof(why),
                                 "approved for %s objects, and this one's name hash is %s "
                                 "(approve it with --alg %s)",
                                 bank_name(a.alg), bank_name(o->public.publicArea.nameAlg),
                                 bank_name(o->public.publicArea.nameAlg));
                        append_reason(reasons, sizeof(reasons), a.path, why);
                        continue;
                }
                tried++;
                json_object_object_add(el, "tpmctl_authorization", json_object_get(record));
                r = unseal_with_engine(tpm, o, auth, &data);
                json_object_object_del(el, "tpmctl_authorization");
                if (r == 0) {
                        snprintf(info->authorization, sizeof(info->authorization), "%s", a.path);
                        return take_engine_data(data, unsealed);
                }
                if (r != EXIT_POLICY)
                        return r;
                append_reason(reasons, sizeof(reasons), a.path, error_message());
                error_clear();
        }
        policy_ref_text(&e->ref, ref, sizeof(ref));
        if (!json_object_array_length(list))
                return error_set(EXIT_POLICY,
                                 "policy not satisfied: no policy authorized by %s%s%s%s is "
                                 "stored; approve one with `tpmctl policy authorize POLICYPATH "
                                 "--key %s%s%s`",
                                 key_path ? key_path : name_hex, e->ref.size ? " (ref \"" : "", ref,
                                 e->ref.size ? "\")" : "", key_path ? key_path : "KEY",
                                 e->ref.size ? " --ref " : "", ref);
        if (!tried)
                return error_set(EXIT_POLICY,
                                 "policy not satisfied: none of the policies authorized by %s "
                                 "can be used: %s",
                                 key_path ? key_path : name_hex, reasons);
        return error_set(EXIT_POLICY, "policy not satisfied by any policy authorized by %s: %s",
                         key_path ? key_path : name_hex, reasons);
}

int unseal_data(struct tpm *tpm, const char *user_path, const struct auth_source *auth,
                struct secret *out, struct unseal_info *info)
{
        _cleanup_(sealed_objectp) struct sealed_object *o = calloc(1, sizeof(*o));
        _cleanup_secret_ struct secret unsealed = {0};
        TPM2B_SENSITIVE_DATA *data = NULL;
        uint8_t *fapi_data = NULL;
        size_t fapi_len = 0;
        bool is_envelope;
        int r;

        memset(info, 0, sizeof(*info));
        if (!o)
                return error_set(EXIT_TPM, "out of memory");
        if ((r = read_sealed(tpm, user_path, o)))
                return r;
        if (o->public.publicArea.authPolicy.size && policy_find_authorize(&o->policy)) {
                if ((r = unseal_authorized(tpm, o, auth, &unsealed, info)))
                        return r;
        } else if (o->use == POLICY_NONE || o->use == POLICY_ENGINE) {
                if ((r = unseal_with_engine(tpm, o, auth, &data)) ||
                    (r = take_engine_data(data, &unsealed)))
                        return r;
        } else if (o->use == POLICY_REFUSE) {
                return error_set(EXIT_BAD_INPUT,
                                 "%s has a PCR policy tpmctl cannot reproduce (its digest is not "
                                 "the object's: FAPI 3.2.1 mis-hashes PCRs that appear in two "
                                 "banks), and FAPI 3.2.1 crashes running it; seal it again with "
                                 "tpmctl",
                                 o->path);
        } else {
                info->warned = true;
                if ((r = unseal_with_fapi(tpm, o, auth, &fapi_data, &fapi_len)))
                        return r;
                unsealed.size = fapi_len;
                unsealed.data = malloc(fapi_len ? fapi_len : 1);
                if (unsealed.data)
                        memcpy(unsealed.data, fapi_data, fapi_len);
                OPENSSL_cleanse(fapi_data, fapi_len);
                Fapi_Free(fapi_data);
        }
        if (!unsealed.data)
                return error_set(EXIT_TPM, "out of memory");
        if ((r = open_envelope(tpm, o->path, &unsealed, out, &is_envelope)))
                return r;
        if (!is_envelope) {
                *out = unsealed;
                unsealed.data = NULL;
                unsealed.size = 0;
        }
        return 0;
}

/* A path beside full for the new object: full-tpmctl-new-<8 hex digits>. */
static int replacement_path(const char *full, char *out, size_t size)
{
        unsigned char tag[4];
        char hex[9];

        if (RAND_bytes(tag, sizeof(tag)) != 1)
                return error_set(EXIT_TPM, "no random numbers from OpenSSL");
        hex_encode(tag, sizeof(tag), hex);
        if (snprintf(out, size, "%s-tpmctl-new-%s", full, hex) >= (int)size)
                return error_set(EXIT_BAD_INPUT, "path too long: %s", full);
        return 0;
}

int seal_replace(struct tpm *tpm, const char *path, const unsigned char *data, size_t len,
                 size_t random_len, const struct seal_spec *spec, const struct secret *password)
{
        _cleanup_(keystore_object_free) struct keystore_object old = {0};
        char full[FAPI_PATH_MAX], fresh[FAPI_PATH_MAX], old_dir[PATH_MAX * 2],
            new_dir[PATH_MAX * 2];
        int r;

        if ((r = object_resolve(tpm, path, full, sizeof(full))) ||
            (r = keystore_object_read(tpm, full, &old)))
                return r;
        if (!old.has_public || old.public.publicArea.type != TPM2_ALG_KEYEDHASH ||
            (old.public.publicArea.objectAttributes &
             (TPMA_OBJECT_SIGN_ENCRYPT | TPMA_OBJECT_DECRYPT)))
                return error_set(EXIT_EXISTS,
                                 "%s exists and is not sealed data: --force replaces "
                                 "only sealed data",
                                 full);
        if (old.persistent)
                return error_set(EXIT_EXISTS,
                                 "%s is at persistent handle 0x%08x: delete it first to seal "
                                 "again",
                                 full, old.persistent);
        if ((r = replacement_path(full, fresh, sizeof(fresh))))
                return r;
        if (snprintf(old_dir, sizeof(old_dir), "%s%s", tpm->setup.user_dir, full) < 0 ||
            snprintf(new_dir, sizeof(new_dir), "%s%s", tpm->setup.user_dir, fresh) < 0)
                return error_set(EXIT_BAD_INPUT, "path too long: %s", full);
        /* A kill from here on: the next command deletes what is at fresh,
         * the new object (whole or half-made) before the swap, the old one
         * after it. Journaled before the new object exists, so that no kill
         * leaves it beside the old one. */
        if ((r = journal_op_begin(&tpm->journal, JOURNAL_DELETE, fresh)))
                return r;
        if ((r = seal_data(tpm, fresh, data, len, random_len, spec, password))) {
                journal_op_end(&tpm->journal);
                return r; /* the old object is untouched, nothing is at fresh */
        }
        /* One step: whoever looks finds the old object or the new one. */
        if (renameat2(AT_FDCWD, new_dir, AT_FDCWD, old_dir, RENAME_EXCHANGE) != 0) {
                int err = errno;
                object_dir_clean(tpm, fresh, CLEAN_ALL);
                journal_op_end(&tpm->journal);
                return error_set(EXIT_TPM, "replacing %s: %s", full, strerror(err));
        }
        object_dir_clean(tpm, fresh, CLEAN_ALL); /* the old object, now at fresh */
        journal_op_end(&tpm->journal);
        return 0;
}
