/* Sealing and unsealing; see seal.h. */
#include "seal.h"

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
                    !tpm_make_room(tpm))
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

int unseal_data(struct tpm *tpm, const char *user_path, const struct auth_source *auth,
                struct secret *out, bool *warned)
{
        _cleanup_(sealed_objectp) struct sealed_object *o = calloc(1, sizeof(*o));
        _cleanup_secret_ struct secret unsealed = {0};
        TPM2B_SENSITIVE_DATA *data = NULL;
        uint8_t *fapi_data = NULL;
        size_t fapi_len = 0;
        bool is_envelope;
        int r;

        *warned = false;
        if (!o)
                return error_set(EXIT_TPM, "out of memory");
        if ((r = read_sealed(tpm, user_path, o)))
                return r;
        if (o->use == POLICY_NONE || o->use == POLICY_ENGINE) {
                if ((r = unseal_with_engine(tpm, o, auth, &data)))
                        return r;
                unsealed.size = data->size;
                unsealed.data = malloc(data->size ? data->size : 1);
                if (unsealed.data)
                        memcpy(unsealed.data, data->buffer, data->size);
                OPENSSL_cleanse(data, sizeof(*data));
                Esys_Free(data);
        } else if (o->use == POLICY_REFUSE) {
                return error_set(EXIT_BAD_INPUT,
                                 "%s has a PCR policy tpmctl cannot reproduce (its digest is not "
                                 "the object's: FAPI 3.2.1 mis-hashes PCRs that appear in two "
                                 "banks), and FAPI 3.2.1 crashes running it; seal it again with "
                                 "tpmctl",
                                 o->path);
        } else {
                *warned = true;
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
