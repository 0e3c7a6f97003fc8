/* A command's connection to the TPM: the keystore lock, FAPI and ESYS on one
 * TCTI, the timeout, and cleanup of everything loaded on every exit path. */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <tss2/tss2_esys.h>
#include <tss2/tss2_fapi.h>

#include "fapi_config.h"
#include "journal.h"
#include "settings.h"

enum tpm_needs {
        NEED_FAPI = 1 << 0,      /* a FAPI context (keystore operations) */
        NEED_ESYS = 1 << 1,      /* an ESYS context on the same TCTI */
        LOCK_SHARED = 1 << 2,    /* reads the keystore */
        LOCK_EXCLUSIVE = 1 << 3, /* writes the keystore */
        EK_CERT_CHECK = 1 << 4,  /* look for an EK certificate first (provision) */
        AUTO_PROVISION = 1 << 5, /* provision the profile first if it is not yet */
};

struct object_cache; /* object_load.c */

struct tpm {
        struct settings settings; /* resolved: TCTI, keystore and profile filled in */
        FAPI_CONTEXT *fapi;
        ESYS_CONTEXT *esys;
        TSS2_TCTI_CONTEXT *own_tcti; /* when there is no FAPI to own one */
        struct fapi_setup setup;
        int lock_fd;
        bool lock_exclusive; /* lock_fd is held exclusively */
        /* Transient objects and sessions tpmctl loaded itself through ESYS;
         * flushed by tpm_close() whatever happened. */
        ESYS_TR loaded[8];
        unsigned n_loaded;
        struct fapi_auth *auth; /* fapi_auth.h: the password FAPI asked for */
        bool provisioned_now;   /* AUTO_PROVISION did provision */
        /* Objects object_load() loaded, and how to flush them: tpm_close()
         * calls cache_free first (object_load.c sets both). */
        struct object_cache *cache;
        void (*cache_free)(struct tpm *tpm);
        /* The transient objects the cache holds (at most max into out). */
        size_t (*cache_handles)(const struct tpm *tpm, ESYS_TR *out, size_t max);
        /* The SRK of srk_profile as an ESYS object (srk.c); "": none yet. */
        char srk_profile[128];
        ESYS_TR srk;
        /* What this process has under way, for the next one should it be
         * killed (journal.h); opened with the lock, its state then in
         * journal.found. */
        struct journal journal;
        bool opened; /* tpm_open() is done: tpm_relock() recovers itself */
        /* SIGPIPE is blocked while the context is open: a TPM that dies
         * under a command (the swtpm socket closed) is exit 7, not death by
         * SIGPIPE with the TPM and keystore not cleaned up. */
        sigset_t mask_before;
        bool sigpipe_blocked;
};

/* Runs provisioning for AUTO_PROVISION; provision.c sets it, so that the
 * context does not depend on the provisioning code it serves. */
extern int (*tpm_auto_provision)(struct tpm *tpm);

/* Connects as `needs` says. Returns 0 with *out set, or an exit code with the
 * error recorded. */
int tpm_open(const struct settings *s, unsigned needs, struct tpm **out);

/* Flushes what tpmctl loaded, finalizes, unlocks, and then lets a held
 * SIGINT/SIGTERM end the process. NULL is fine. */
void tpm_close(struct tpm *tpm);
static inline void tpm_closep(struct tpm **tpm)
{
        tpm_close(*tpm);
}

/* Opens FAPI for a command that has to fall back to it after all (a policy
 * only FAPI can run): opened without NEED_FAPI, ESYS moves onto FAPI's
 * connection (what tpmctl had loaded is flushed first). With NEED_FAPI:
 * nothing to do. */
int tpm_fapi_connect(struct tpm *tpm);

/* Remembers an ESYS object or session to flush in tpm_close(), and forgets
 * one flushed already. */
void tpm_track(struct tpm *tpm, ESYS_TR handle);
void tpm_untrack(struct tpm *tpm, ESYS_TR handle);

/* Records in the journal that this process may have something loaded in
 * the TPM (tpm_track() does): done before a load or a session is started
 * outside tpm_track(), so a kill leaves word of it. */
void tpm_mark_busy(struct tpm *tpm);

/* One line on stderr, as errors are ("tpmctl: COMMAND: ..."), but the
 * command goes on; nothing with --quiet. */
void tpm_note(const struct tpm *tpm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Whether the keystore holds the active profile's storage root key. */
bool tpm_provisioned(const struct tpm *tpm, const char *profile);

/* For a context kept across requests (tpmctl batch): tpm_unlock() gives up
 * the keystore lock and stops the timeout while tpmctl waits for the next
 * request; tpm_relock() takes them again as tpm_open() does for `needs`
 * (LOCK_SHARED or LOCK_EXCLUSIVE; 0 for no lock), and restarts the timeout
 * when the lock is still held (exclusively if `needs` asks for it). */
void tpm_unlock(struct tpm *tpm);
int tpm_relock(struct tpm *tpm, unsigned needs);

/* Flushes the objects and sessions tracked so far (tpm_track), as
 * tpm_close() does, for a context that goes on to the next request.
 * tpm_unlock() clears the journal's TPM record when nothing is tracked: a
 * kept context without a resource manager empties its cache before. */
void tpm_flush_loaded(struct tpm *tpm);
