/* A command's connection to the TPM; see context.h. */
#include "context.h"

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>
#include <unistd.h>

#include "cleanup.h"
#include "errors.h"
#include "fapi_auth.h"
#include "fapi_object.h"
#include "keystore.h"
#include "recovery.h"
#include "watchdog.h"

/* TPM handles of the EK certificates that FAPI looks for (TCG EK Credential
 * Profile: RSA 2048 and ECC P-256). */
#define EK_CERT_RSA_NV 0x01c00002
#define EK_CERT_ECC_NV 0x01c0000a

static void tcti_finalizep(TSS2_TCTI_CONTEXT **tcti)
{
        if (*tcti)
                Tss2_TctiLdr_Finalize(tcti);
}

/* The TCTI, by its library's file name first: tctildr tries the short
 * name ("swtpm") as a file in every library directory before it, which
 * costs a one-shot command some twenty failed system calls. */
static TSS2_RC tcti_load(const char *conf, TSS2_TCTI_CONTEXT **tcti)
{
        size_t name_len = conf ? strcspn(conf, ":") : 0;
        char full[PATH_MAX];

        if (name_len && !memchr(conf, '/', name_len) && !memchr(conf, '.', name_len) &&
            snprintf(full, sizeof(full), "libtss2-tcti-%.*s.so.0%s", (int)name_len, conf,
                     conf + name_len) < (int)sizeof(full) &&
            Tss2_TctiLdr_Initialize(full, tcti) == TSS2_RC_SUCCESS)
                return TSS2_RC_SUCCESS;
        return Tss2_TctiLdr_Initialize(conf && *conf ? conf : NULL, tcti);
}

static int open_tcti(const char *conf, TSS2_TCTI_CONTEXT **tcti)
{
        TSS2_RC rc = tcti_load(conf, tcti);
        int r;

        if (rc != TSS2_RC_SUCCESS && conf && (r = tcti_check(conf)))
                return r; /* no such module: said as such */
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "cannot connect to the TPM at %s",
                                conf && *conf ? conf : "the default TCTI");
        return 0;
}

static int esys_on(TSS2_TCTI_CONTEXT *tcti, ESYS_CONTEXT **esys)
{
        TSS2_RC rc = Esys_Initialize(esys, tcti, NULL);

        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "cannot start ESYS");
        return 0;
}

/* FAPI must be told before provisioning whether the TPM has an EK
 * certificate (swtpm usually has none). One short TCTI connection, closed
 * before FAPI opens its own. */
static int has_ek_certificate(const char *conf, bool *has)
{
        _cleanup_(tcti_finalizep) TSS2_TCTI_CONTEXT *tcti = NULL;
        ESYS_CONTEXT *esys = NULL;
        TPMS_CAPABILITY_DATA *cap = NULL;
        TSS2_RC rc;
        int r;

        if ((r = open_tcti(conf, &tcti)) || (r = esys_on(tcti, &esys)))
                return r;
        rc = Esys_GetCapability(esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, TPM2_CAP_HANDLES,
                                TPM2_NV_INDEX_FIRST, TPM2_MAX_CAP_HANDLES, NULL, &cap);
        Esys_Finalize(&esys);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "cannot list NV indices");
        *has = false;
        for (UINT32 i = 0; i < cap->data.handles.count; i++) {
                TPM2_HANDLE h = cap->data.handles.handle[i];
                if (h == EK_CERT_RSA_NV || h == EK_CERT_ECC_NV)
                        *has = true;
        }
        Esys_Free(cap);
        return 0;
}

int (*tpm_auto_provision)(struct tpm *tpm);

static int open_fapi(struct tpm *tpm)
{
        TSS2_RC rc;
        int r;

        if ((r = fapi_setup_write(&tpm->setup)))
                return r;
        rc = Fapi_Initialize(&tpm->fapi, NULL);
        fapi_setup_done(&tpm->setup);
        if (rc != TSS2_RC_SUCCESS) {
                tpm->fapi = NULL;
                return error_rc(rc, "cannot start FAPI with TCTI \"%s\"", tpm->setup.tcti);
        }
        tpm_mark_busy(tpm); /* FAPI loads what it needs, out of tpmctl's sight */
        return 0;
}

static void sigpipe_block(struct tpm *tpm)
{
        sigset_t pipe;

        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        tpm->sigpipe_blocked = sigprocmask(SIG_BLOCK, &pipe, &tpm->mask_before) == 0;
}

/* A SIGPIPE that came meanwhile was about a connection tpmctl is done with:
 * taken, not delivered when the mask goes back. */
static void sigpipe_restore(struct tpm *tpm)
{
        const struct timespec now = {0, 0};
        sigset_t pipe, pending;

        if (!tpm->sigpipe_blocked)
                return;
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        while (sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) &&
               sigtimedwait(&pipe, NULL, &now) == SIGPIPE)
                ;
        sigprocmask(SIG_SETMASK, &tpm->mask_before, NULL);
}

int tpm_open(const struct settings *s, unsigned needs, struct tpm **out)
{
        struct tpm *tpm = calloc(1, sizeof(*tpm));
        bool ek_cert = false;
        int r;

        if (!tpm)
                return error_set(EXIT_TPM, "out of memory");
        tpm->lock_fd = -1;
        *out = tpm;
        sigpipe_block(tpm);
        tpm->settings = *s;
        s = &tpm->settings;
        /* A command that reads the keystore alone (list, key show, verify)
         * runs without a TPM: no TCTI is needed for it. */
        if ((r = settings_resolve(&tpm->settings,
                                  needs & (NEED_FAPI | NEED_ESYS | AUTO_PROVISION))) ||
            (r = keystore_check(tpm->settings.keystore)))
                return r;

        /* An ESYS-only command loads the TCTI module at once: checked then
         * only if the load fails (open_tcti), which saves loading it twice. */
        if ((r = fapi_setup_prepare(s, true,
                                    !(needs & NEED_ESYS) || (needs & (NEED_FAPI | AUTO_PROVISION)),
                                    &tpm->setup)))
                return r;
        if ((needs & AUTO_PROVISION) && !tpm_provisioned(tpm, tpm->setup.profile))
                needs |= EK_CERT_CHECK | NEED_FAPI | NEED_ESYS | LOCK_EXCLUSIVE;
        else
                needs &= ~(unsigned)AUTO_PROVISION;
        if ((r = tpm_relock(tpm, needs)))
                return r;

        if (needs & EK_CERT_CHECK) {
                if ((r = has_ek_certificate(tpm->setup.tcti, &ek_cert)))
                        return r;
                if (!s->fapi_config)
                        json_object_object_add(tpm->setup.config, "ek_cert_less",
                                               json_object_new_string(ek_cert ? "no" : "yes"));
        }
        if ((needs & NEED_FAPI) && (r = open_fapi(tpm)))
                return r;
        if ((needs & NEED_ESYS) && !tpm->fapi) {
                if ((r = open_tcti(tpm->setup.tcti, &tpm->own_tcti)))
                        return r;
        }
        if (needs & NEED_ESYS) {
                TSS2_TCTI_CONTEXT *tcti = tpm->own_tcti;
                TSS2_RC rc;

                /* One connection for both: swtpm serves one client at a time,
                 * so a second connection from this process would wait forever. */
                if (!tcti && (rc = Fapi_GetTcti(tpm->fapi, &tcti)) != TSS2_RC_SUCCESS)
                        return error_rc(rc, "cannot get FAPI's TCTI");
                if ((r = esys_on(tcti, &tpm->esys)))
                        return r;
        }
        /* What a killed predecessor left: before this command adds to it. */
        if ((r = recovery_run(tpm)))
                return r;
        tpm->opened = true;
        /* Checked again under the exclusive lock: another tpmctl may have
         * provisioned the profile while this one waited for the lock. */
        if ((needs & AUTO_PROVISION) && !tpm_provisioned(tpm, tpm->setup.profile)) {
                if (!tpm_auto_provision)
                        return error_set(EXIT_TPM, "this program cannot provision the TPM");
                if ((r = tpm_auto_provision(tpm)))
                        return r;
                tpm->provisioned_now = true;
        }
        return 0;
}

int tpm_fapi_connect(struct tpm *tpm)
{
        TSS2_TCTI_CONTEXT *tcti = NULL;
        TSS2_RC rc;
        int r;

        if (tpm->fapi)
                return 0;
        /* ESYS moves to FAPI's connection: swtpm serves one client at a time
         * and /dev/tpm0 opens once, so its own one closes first. */
        if (tpm->cache_free)
                tpm->cache_free(tpm);
        while (tpm->n_loaded > 0)
                Esys_FlushContext(tpm->esys, tpm->loaded[--tpm->n_loaded]);
        tpm->srk_profile[0] = '\0'; /* goes with ESYS */
        if (tpm->esys)
                Esys_Finalize(&tpm->esys);
        if (tpm->own_tcti)
                Tss2_TctiLdr_Finalize(&tpm->own_tcti);
        if ((r = open_fapi(tpm)))
                return r;
        if ((rc = Fapi_GetTcti(tpm->fapi, &tcti)) != TSS2_RC_SUCCESS)
                return error_rc(rc, "cannot get FAPI's TCTI");
        if ((r = esys_on(tcti, &tpm->esys)))
                return r;
        return fapi_auth_reattach(tpm);
}

void tpm_mark_busy(struct tpm *tpm)
{
        journal_tpm_busy(&tpm->journal);
}

void tpm_track(struct tpm *tpm, ESYS_TR handle)
{
        tpm_mark_busy(tpm);
        if (tpm->n_loaded < sizeof(tpm->loaded) / sizeof(tpm->loaded[0]))
                tpm->loaded[tpm->n_loaded++] = handle;
}

void tpm_untrack(struct tpm *tpm, ESYS_TR handle)
{
        for (unsigned i = 0; i < tpm->n_loaded; i++) {
                if (tpm->loaded[i] == handle) {
                        tpm->loaded[i] = tpm->loaded[--tpm->n_loaded];
                        return;
                }
        }
}

void tpm_close(struct tpm *tpm)
{
        if (!tpm)
                return;
        fapi_auth_wipe(tpm);
        if (tpm->cache_free)
                tpm->cache_free(tpm);
        while (tpm->n_loaded > 0)
                Esys_FlushContext(tpm->esys, tpm->loaded[--tpm->n_loaded]);
        if (tpm->esys)
                Esys_Finalize(&tpm->esys);
        if (tpm->fapi)
                Fapi_Finalize(&tpm->fapi);
        if (tpm->own_tcti)
                Tss2_TctiLdr_Finalize(&tpm->own_tcti);
        journal_tpm_idle(&tpm->journal, false); /* all flushed: nothing to say */
        journal_close(&tpm->journal);
        fapi_setup_done(&tpm->setup);
        watchdog_stop();
        if (tpm->lock_fd >= 0)
                close(tpm->lock_fd);
        sigpipe_restore(tpm);
        free(tpm);
        signals_release();
}

bool tpm_provisioned(const struct tpm *tpm, const char *profile)
{
        char path[FAPI_PATH_MAX], file[PATH_MAX * 2];

        snprintf(path, sizeof(path), "/%s/HS/SRK", profile);
        keystore_object_file_in(tpm->setup.system_dir, path, file, sizeof(file));
        return access(file, F_OK) == 0;
}

void tpm_unlock(struct tpm *tpm)
{
        if (tpm->n_loaded == 0)
                journal_tpm_idle(&tpm->journal, false);
        watchdog_stop();
        if (tpm->lock_fd >= 0)
                close(tpm->lock_fd);
        tpm->lock_fd = -1;
}

int tpm_relock(struct tpm *tpm, unsigned needs)
{
        const struct settings *s = &tpm->settings;
        char what[128];
        bool newly_locked = false;
        int r;

        /* Without a resource manager (swtpm, mssim, /dev/tpm0) the TPM holds
         * every process's objects and sessions in its few slots, and the
         * swtpm TCTI connects anew for each command, so commands of two
         * processes interleave: readers must take turns as writers do. */
        if ((needs & LOCK_SHARED) && !tcti_resource_managed(tpm->setup.tcti))
                needs |= LOCK_EXCLUSIVE;
        if (tpm->lock_fd >= 0 && (needs & LOCK_EXCLUSIVE) && !tpm->lock_exclusive)
                tpm_unlock(tpm); /* a writer after readers: taken again below */
        if (tpm->lock_fd < 0 && (needs & (LOCK_SHARED | LOCK_EXCLUSIVE))) {
                watchdog_start(s->command, s->timeout, EXIT_UNAVAILABLE,
                               "the keystore stayed locked by another tpmctl process");
                if ((r = keystore_lock(tpm->setup.lock_file, needs & LOCK_EXCLUSIVE,
                                       &tpm->lock_fd)))
                        return r;
                /* Without a journal (a keystore tpmctl may lock but not
                 * write to), nothing is recorded and nothing recovered. */
                if (journal_open(&tpm->journal, tpm->setup.lock_file,
                                 !tcti_resource_managed(tpm->setup.tcti)) ||
                    journal_read(&tpm->journal, &tpm->journal.found))
                        error_clear();
                tpm->lock_exclusive = needs & LOCK_EXCLUSIVE;
                newly_locked = true;
        }
        signals_hold();
        snprintf(what, sizeof(what), "TPM did not answer within %u s", s->timeout);
        watchdog_start(s->command, s->timeout, EXIT_UNAVAILABLE, what);
        /* A context kept across requests: another process may have died
         * holding the lock since. */
        if (newly_locked && tpm->opened) {
                if ((r = recovery_run(tpm)))
                        return r;
                /* FAPI, kept open, loads what it needs out of sight. */
                if (tpm->fapi)
                        tpm_mark_busy(tpm);
        }
        return 0;
}

void tpm_flush_loaded(struct tpm *tpm)
{
        while (tpm->n_loaded > 0)
                Esys_FlushContext(tpm->esys, tpm->loaded[--tpm->n_loaded]);
}

void tpm_note(const struct tpm *tpm, const char *fmt, ...)
{
        va_list ap;

        if (tpm->settings.quiet)
                return;
        fprintf(stderr, "tpmctl: %s: ", tpm->settings.command ? tpm->settings.command : "tpmctl");
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
}
