/* Loading a keystore object through ESYS, and the context's cache of
 * loaded objects; see object_load.h. */
#include "object_load.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>

#include "cleanup.h"
#include "errors.h"
#include "settings.h"
#include "esys_resource.h"
#include "fapi_object.h"
#include "keys.h"
#include "lockout.h"
#include "objects.h"
#include "policy_session.h"
#include "pubkey.h"
#include "recovery.h"
#include "session.h"
#include "srk.h"

/* Transient objects the cache holds when the TPM cannot say. */
#define DEFAULT_SLOTS 2

/* One object the context loaded, and what identifies its keystore file. */
struct cache_entry {
        char path[FAPI_PATH_MAX];
        dev_t dev;
        ino_t ino;
        struct timespec mtime;
        off_t size;
        ESYS_TR handle;
        bool persistent;        /* an ESYS record of a persistent object: closed, not flushed */
        struct secret password; /* given for it once; data NULL when none was */
        unsigned long used;     /* when it was last asked for (a counter) */
};

struct object_cache {
        struct cache_entry *entries;
        unsigned n, capacity;
        unsigned slots; /* transient objects it may hold; 0: not asked yet */
        unsigned long clock;
};

static void policy_freep(struct policy *p)
{
        policy_free(p);
}

static void entry_drop(struct tpm *tpm, struct object_cache *c, unsigned i)
{
        struct cache_entry *e = &c->entries[i];

        if (e->persistent)
                Esys_TR_Close(tpm->esys, &e->handle);
        else
                Esys_FlushContext(tpm->esys, e->handle);
        secret_wipe(&e->password);
        c->entries[i] = c->entries[--c->n];
        memset(&c->entries[c->n], 0, sizeof(c->entries[c->n]));
}

void tpm_cache_clear(struct tpm *tpm)
{
        struct object_cache *c = tpm->cache;

        while (c && c->n > 0)
                entry_drop(tpm, c, c->n - 1);
}

static void cache_free(struct tpm *tpm)
{
        tpm_cache_clear(tpm);
        if (tpm->cache) {
                free(tpm->cache->entries);
                free(tpm->cache);
        }
        tpm->cache = NULL;
        tpm->cache_free = NULL;
        tpm->cache_handles = NULL;
}

static size_t cache_handles(const struct tpm *tpm, ESYS_TR *out, size_t max)
{
        const struct object_cache *c = tpm->cache;
        size_t n = 0;

        for (unsigned i = 0; c && i < c->n && n < max; i++)
                if (!c->entries[i].persistent)
                        out[n++] = c->entries[i].handle;
        return n;
}

static struct object_cache *cache_of(struct tpm *tpm)
{
        if (!tpm->cache && (tpm->cache = calloc(1, sizeof(*tpm->cache)))) {
                tpm->cache_free = cache_free;
                tpm->cache_handles = cache_handles;
        }
        return tpm->cache;
}

/* The keystore file of the object at path: the user keystore's, else the
 * system one's (the SRK and other hierarchy objects). */
static int object_file_stat(const struct tpm *tpm, const char *path, struct stat *st)
{
        return keystore_object_stat(tpm, path, st);
}

static bool same_file(const struct cache_entry *e, const struct stat *st)
{
        return e->dev == st->st_dev && e->ino == st->st_ino && e->size == st->st_size &&
               e->mtime.tv_sec == st->st_mtim.tv_sec && e->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

static int entry_find(const struct object_cache *c, const char *path)
{
        for (unsigned i = 0; i < c->n; i++)
                if (strcmp(c->entries[i].path, path) == 0)
                        return (int)i;
        return -1;
}

static unsigned transient_count(const struct object_cache *c)
{
        unsigned n = 0;

        for (unsigned i = 0; i < c->n; i++)
                n += !c->entries[i].persistent;
        return n;
}

/* Flushes the least recently used transient object; false when none. */
static bool evict_one(struct tpm *tpm, struct object_cache *c)
{
        int lru = -1;

        for (unsigned i = 0; i < c->n; i++)
                if (!c->entries[i].persistent &&
                    (lru < 0 || c->entries[i].used < c->entries[lru].used))
                        lru = (int)i;
        if (lru < 0)
                return false;
        entry_drop(tpm, c, (unsigned)lru);
        return true;
}

/* How many transient objects the cache may hold: the TPM's guaranteed
 * slots less one, for the other objects a command may need. Asked only when
 * a second object is loaded, so one-shot commands do not pay for it. */
static unsigned slots(struct tpm *tpm, struct object_cache *c)
{
        TPMS_CAPABILITY_DATA *cap = NULL;
        TSS2_RC rc;

        if (c->slots)
                return c->slots;
        c->slots = DEFAULT_SLOTS;
        rc = Esys_GetCapability(tpm->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                TPM2_CAP_TPM_PROPERTIES, TPM2_PT_HR_TRANSIENT_MIN, 1, NULL, &cap);
        if (rc == TSS2_RC_SUCCESS && cap->data.tpmProperties.count == 1 &&
            cap->data.tpmProperties.tpmProperty[0].property == TPM2_PT_HR_TRANSIENT_MIN &&
            cap->data.tpmProperties.tpmProperty[0].value > 2)
                c->slots = cap->data.tpmProperties.tpmProperty[0].value - 1;
        Esys_Free(cap);
        return c->slots;
}

int object_blobs(struct tpm *tpm, const char *path, TPM2B_PUBLIC *public, TPM2B_PRIVATE *private)
{
        _cleanup_(keystore_object_free) struct keystore_object o = {0};
        char file[PATH_MAX * 2];
        int r;

        if (!object_file(tpm, path, file, sizeof(file)))
                return error_set(EXIT_NOT_FOUND, "%s does not exist", path);
        if ((r = keystore_object_read_file(file, path, &o)))
                return r;
        if (public)
                *public = o.public;
        if (private)
                *private = o.private;
        return 0;
}

/* An ESYS record of a persistent object from the keystore's public area
 * (no TPM2_ReadPublic; see srk.c for why the keystore's copy is enough). */
static int persistent_object(struct tpm *tpm, const struct object_record *rec, ESYS_TR *handle)
{
        uint8_t resource[ESYS_RESOURCE_MAX];
        size_t len;
        TSS2_RC rc;
        int r;

        if ((r = esys_resource_key(rec->persistent, rec->public, resource, sizeof(resource), &len)))
                return r;
        rc = Esys_TR_Deserialize(tpm->esys, resource, len, handle);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "using %s at 0x%08x", rec->path, rec->persistent);
        return 0;
}

static int load_transient(struct tpm *tpm, struct object_cache *c, const struct object_record *rec,
                          ESYS_TR srk, ESYS_TR *handle)
{
        TPM2B_PRIVATE read = {0};
        const TPM2B_PRIVATE *private = rec->private;
        TSS2_RC rc;
        int r;

        if (!private) {
                if ((r = object_blobs(tpm, rec->path, NULL, &read)))
                        return r;
                private = &read;
        }
        while (transient_count(c) > 0 && transient_count(c) >= slots(tpm, c) && evict_one(tpm, c))
                ;
        tpm_mark_busy(tpm);
        rc = Esys_Load(tpm->esys, srk, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, private,
                       rec->public, handle);
        /* Other programs' objects fill the TPM too: make room once, with
         * this context's own first, else with what nobody here uses. */
        if (tpm_rc_code(rc) == TPM2_RC_OBJECT_MEMORY && (evict_one(tpm, c) || tpm_make_room(tpm)))
                rc = Esys_Load(tpm->esys, srk, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
                               private, rec->public, handle);
        if (rc == TSS2_RC_SUCCESS)
                return 0;
        /* A missing SRK, or another one (its private blob fails the
         * TPM's integrity check), said as such. */
        if ((r = srk_failure(tpm, rec->path, rc, "loading %s", rec->path)))
                return r;
        return error_rc(rc, "loading %s", rec->path);
}

/* Flushes the objects whose keystore file is gone or changed: they would
 * only take the TPM's room (a changed one is loaded again when asked for). */
static void sweep(struct tpm *tpm, struct object_cache *c, const char *keep)
{
        for (unsigned i = c->n; i-- > 0;) {
                struct stat st;
                if (strcmp(c->entries[i].path, keep) != 0 &&
                    (object_file_stat(tpm, c->entries[i].path, &st) ||
                     !same_file(&c->entries[i], &st)))
                        entry_drop(tpm, c, i);
        }
}

/* Whether another program can take the kept object from under us: not a
 * persistent one, nor anything behind a resource manager. */
static bool entry_may_go(struct tpm *tpm, const struct cache_entry *e)
{
        return !e->persistent && !tcti_resource_managed(tpm->setup.tcti);
}

/* Whether the TPM still holds the kept object at its handle. Without a
 * resource manager another program may have flushed it, and loaded one of
 * its own at the same handle, while batch or serve kept it: its name says.
 * A stale entry is forgotten, never flushed (the handle may be the other's). */
static bool entry_still_loaded(struct tpm *tpm, struct cache_entry *e)
{
        TPM2B_NAME *now = NULL, *kept = NULL;
        bool same;

        if (!entry_may_go(tpm, e))
                return true;
        if (Esys_ReadPublic(tpm->esys, e->handle, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, NULL,
                            &now, NULL) != TSS2_RC_SUCCESS ||
            Esys_TR_GetName(tpm->esys, e->handle, &kept) != TSS2_RC_SUCCESS) {
                Esys_Free(now);
                return false;
        }
        same = now->size == kept->size && memcmp(now->name, kept->name, now->size) == 0;
        Esys_Free(now);
        Esys_Free(kept);
        return same;
}

/* Forgets a stale entry: its ESYS object goes, nothing is flushed. */
static void entry_forget(struct tpm *tpm, struct object_cache *c, unsigned i)
{
        struct cache_entry *e = &c->entries[i];

        Esys_TR_Close(tpm->esys, &e->handle);
        secret_wipe(&e->password);
        c->entries[i] = c->entries[--c->n];
        memset(&c->entries[c->n], 0, sizeof(c->entries[c->n]));
}

/* The object loaded, from the cache or now. unasked: a kept object may be
 * used without asking the TPM whether it still holds it (*unchecked says
 * whether it was). */
static int cached_load(struct tpm *tpm, const struct object_record *rec, ESYS_TR srk, bool unasked,
                       struct cache_entry **out, bool *unchecked)
{
        struct object_cache *c = cache_of(tpm);
        struct cache_entry *e;
        struct stat st;
        ESYS_TR handle;
        int i, r;

        if (!c)
                return error_set(EXIT_TPM, "out of memory");
        i = entry_find(c, rec->path);
        if ((r = object_file_stat(tpm, rec->path, &st))) {
                if (i >= 0)
                        entry_drop(tpm, c, (unsigned)i);
                return r;
        }
        *unchecked = false;
        if (i >= 0 && same_file(&c->entries[i], &st)) {
                struct cache_entry *kept = &c->entries[i];
                *unchecked = unasked && entry_may_go(tpm, kept);
                if (*unchecked || entry_still_loaded(tpm, kept)) {
                        *out = &c->entries[i];
                        (*out)->used = ++c->clock;
                        return 0;
                }
                entry_forget(tpm, c, (unsigned)i);
                i = -1;
        }
        if (i >= 0)
                entry_drop(tpm, c, (unsigned)i); /* changed since it was loaded */
        sweep(tpm, c, rec->path);
        if (c->n == c->capacity) {
                unsigned capacity = c->capacity ? 2 * c->capacity : 4;
                struct cache_entry *grown = realloc(c->entries, capacity * sizeof(*grown));
                if (!grown)
                        return error_set(EXIT_TPM, "out of memory");
                c->entries = grown;
                c->capacity = capacity;
        }
        if ((r = rec->persistent ? persistent_object(tpm, rec, &handle)
                                 : load_transient(tpm, c, rec, srk, &handle)))
                return r;
        e = &c->entries[c->n++];
        memset(e, 0, sizeof(*e));
        snprintf(e->path, sizeof(e->path), "%s", rec->path);
        e->dev = st.st_dev;
        e->ino = st.st_ino;
        e->size = st.st_size;
        e->mtime = st.st_mtim;
        e->handle = handle;
        e->persistent = rec->persistent != 0;
        e->used = ++c->clock;
        *out = e;
        return 0;
}

static int secret_copy(const struct secret *from, struct secret *to)
{
        secret_wipe(to);
        if (!(to->data = malloc(from->size ? from->size : 1)))
                return error_set(EXIT_TPM, "out of memory");
        memcpy(to->data, from->data, from->size);
        to->size = from->size;
        return 0;
}

/* The password to use: the one auth names, else the one given for this
 * object before in this context, else (needed) read from auth as it says. */
static int password_for(const struct object_record *rec, const struct auth_source *auth,
                        struct cache_entry *e, struct secret *password)
{
        int r;

        if (!auth_given(auth) && e->password.data)
                return secret_copy(&e->password, password);
        if ((r = auth_read(auth, rec->path, false, tpm_hash_size(rec->public->publicArea.nameAlg),
                           password)))
                return r;
        return auth_given(auth) ? secret_copy(password, &e->password) : 0;
}

static int set_auth(struct tpm *tpm, const char *path, ESYS_TR handle, const struct secret *pw)
{
        TPM2B_AUTH value = {.size = (UINT16)pw->size};
        TSS2_RC rc;

        if (pw->size > sizeof(value.buffer))
                return error_set(EXIT_BAD_INPUT, "the password of %s is too long", path);
        if (pw->size)
                memcpy(value.buffer, pw->data, pw->size);
        rc = Esys_TR_SetAuth(tpm->esys, handle, &value);
        OPENSSL_cleanse(&value, sizeof(value));
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "setting the password of %s", path);
        return 0;
}

/* Session attributes that encrypt the first parameter of each direction
 * that holds a secret. */
static TPMA_SESSION crypt_attrs(unsigned secrets)
{
        return ((secrets & SECRET_RESPONSE) ? TPMA_SESSION_ENCRYPT : 0) |
               ((secrets & SECRET_COMMAND) ? TPMA_SESSION_DECRYPT : 0);
}

/* The sessions for the next command, into out (see object_load.h). */
static int start_sessions(struct tpm *tpm, const struct object_record *rec,
                          const struct policy *policy, bool has_password, TPM2_CC cc,
                          unsigned secrets, struct loaded_object *out)
{
        const TPMT_PUBLIC *area = &rec->public->publicArea;
        int r;

        if (policy) {
                /* The TPM keys a policy session's parameter encryption with
                 * the object's password even when the policy does not ask
                 * for it, which ESYS cannot know: with a password possible,
                 * a second session encrypts. */
                bool may_have_password =
                    policy_needs_auth(policy) || object_auth(rec->json) != OBJECT_AUTH_NO;
                TPMA_SESSION own = may_have_password ? 0 : crypt_attrs(secrets);

                if ((r = session_start(tpm, rec->path, TPM2_SE_POLICY, area->nameAlg, own,
                                       &out->auth)) ||
                    (r = policy_run(tpm->esys, out->auth, policy, area->nameAlg, cc)))
                        return r;
                if (may_have_password && secrets &&
                    (r = session_start(tpm, rec->path, TPM2_SE_HMAC, TPM2_ALG_SHA256,
                                       crypt_attrs(secrets), &out->crypt)))
                        return r;
                return 0;
        }
        /* Nothing secret either way: the empty password, in a password
         * session (no TPM2_StartAuthSession). Else a salted HMAC session,
         * so the password proves itself without crossing the bus. */
        if (!has_password && !secrets) {
                out->auth = ESYS_TR_PASSWORD;
                return 0;
        }
        return session_start(tpm, rec->path, TPM2_SE_HMAC, area->nameAlg, crypt_attrs(secrets),
                             &out->auth);
}

/* A long-lived context must not keep the sessions of a failed load until it
 * closes. */
static int sessions_failed(struct tpm *tpm, struct loaded_object *out, int r)
{
        session_done(tpm, &out->auth, TPM2_RC_FAILURE);
        session_done(tpm, &out->crypt, TPM2_RC_FAILURE);
        return r;
}

int object_load(struct tpm *tpm, const struct object_record *rec, const struct auth_source *auth,
                TPM2_CC cc, unsigned flags, struct loaded_object *out)
{
        unsigned secrets = flags & (SECRET_RESPONSE | SECRET_COMMAND);
        _cleanup_(policy_freep) struct policy policy = {.n = 0};
        _cleanup_secret_ struct secret password = {0};
        const TPMT_PUBLIC *area = &rec->public->publicArea;
        enum object_policy_use use = object_policy(rec->json, area, &policy);
        bool has_policy = use == POLICY_ENGINE;
        bool need_auth =
            has_policy ? policy_needs_auth(&policy) : object_auth_wanted(rec->json, auth);
        struct cache_entry *entry = NULL;
        int r;

        *out = (struct loaded_object){.handle = ESYS_TR_NONE,
                                      .parent = ESYS_TR_NONE,
                                      .auth = ESYS_TR_NONE,
                                      .crypt = ESYS_TR_NONE,
                                      .src = auth,
                                      .path = rec->path,
                                      .tpm = tpm};
        if (!has_policy && use != POLICY_NONE)
                return error_set(EXIT_BAD_INPUT, "tpmctl cannot run the policy of %s", rec->path);
        if ((r = srk_esys(tpm, rec->path, &out->parent)))
                return r;
        /* A policy runs before anything is loaded: PolicyPCR compares the
         * PCRs with the values sealed to, so a changed PCR fails there, and
         * only then are the PCRs read, to name the changed ones. */
        if (has_policy) {
                if ((r = policy_check_command(&policy, cc)))
                        return r;
                if ((r = start_sessions(tpm, rec, &policy, false, cc, secrets, out))) {
                        if (r == EXIT_POLICY)
                                policy_check_pcrs(tpm->esys, &policy, cc);
                        return sessions_failed(tpm, out, r);
                }
        }
        if ((r = cached_load(tpm, rec, out->parent,
                             (flags & OBJECT_CHECKED_BY_CALLER) && !has_policy && !need_auth,
                             &entry, &out->unchecked)))
                return sessions_failed(tpm, out, r);
        out->handle = entry->handle;
        if (need_auth && (r = password_for(rec, auth, entry, &password)))
                return sessions_failed(tpm, out, r);
        /* The empty password is set too: a password kept from before goes. */
        if ((r = set_auth(tpm, rec->path, out->handle, &password)))
                return sessions_failed(tpm, out, r);
        out->tried_empty = !has_policy && !auth_given(auth) && !entry->password.data &&
                           object_auth(rec->json) == OBJECT_AUTH_UNKNOWN;
        if (!has_policy &&
            (r = start_sessions(tpm, rec, NULL, password.size > 0, cc, secrets, out)))
                return sessions_failed(tpm, out, r);
        return 0;
}

void object_forget(struct tpm *tpm, const char *path)
{
        int i = tpm->cache ? entry_find(tpm->cache, path) : -1;

        if (i >= 0)
                entry_forget(tpm, tpm->cache, (unsigned)i);
}

void object_command_done(struct tpm *tpm, struct loaded_object *lo, TSS2_RC rc)
{
        session_done(tpm, &lo->auth, rc);
        session_done(tpm, &lo->crypt, rc);
        if ((tpm_rc_code(rc) == TPM2_RC_AUTH_FAIL || tpm_rc_code(rc) == TPM2_RC_BAD_AUTH) &&
            tpm->cache) {
                int i = entry_find(tpm->cache, lo->path);
                if (i >= 0)
                        secret_wipe(&tpm->cache->entries[i].password);
        }
}

int object_error(const struct loaded_object *lo, TSS2_RC rc, const char *fmt, ...)
{
        char context[512];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(context, sizeof(context), fmt, ap);
        va_end(ap);
        if (lo->tried_empty &&
            (tpm_rc_code(rc) == TPM2_RC_AUTH_FAIL || tpm_rc_code(rc) == TPM2_RC_BAD_AUTH)) {
                const char *o = lo->src ? lo->src->option_prefix : "auth";
                return error_set(EXIT_AUTH,
                                 "%s: wrong password: the empty one was tried, as the keystore "
                                 "does not know whether %s has one (imported from tpm2-tools "
                                 "blobs); give it with --%s-file, --%s-fd, --%s-env or "
                                 "--%s-prompt (%s)",
                                 context, lo->path, o, o, o, o, rc_text(rc));
        }
        return lockout_error(lo->tpm ? lo->tpm->esys : NULL, rc, "%s", context);
}
