/* Answers for wrong passwords and dictionary-attack lockout that say where
 * the TPM stands: the tries left, or how long to wait. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <time.h>
#include <tss2/tss2_esys.h>

#include "auth.h"
#include "cleanup.h"
#include "context.h"
#include "errors.h"

/* The TPM's dictionary-attack state (one TPM2_GetCapability). */
int da_state_read(ESYS_CONTEXT *esys, struct da_state *da);

/* Like error_rc(rc, "CONTEXT"), but for a wrong password on a DA-protected
 * object or a refusal in lockout it asks the TPM for its state and says
 * da_sentence()'s. Only on this failure path: a command that succeeds sends
 * nothing more. esys NULL, or the state unreadable: error_rc()'s answer. */
int lockout_error(ESYS_CONTEXT *esys, TSS2_RC rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* `tpmctl lockout status`: the dictionary-attack state and whether the TPM
 * is locked out now (TPMA_PERMANENT inLockout). */
struct lockout_status {
        struct da_state da;
        bool in_lockout;
        time_t now; /* when it was read */
};
int lockout_status_read(ESYS_CONTEXT *esys, struct lockout_status *st);

/* Seconds until the next try on a DA-protected object is possible: 0 when
 * not locked out, at most one recovery interval in lockout (the TPM forgets
 * one failure per interval, without telling when the current one ends);
 * -1 when the lockout never ends by itself (interval 0, or max tries 0). */
long lockout_next_try(const struct lockout_status *st);

/* {"failed_tries", "max_tries", "recovery_time", "lockout_recovery",
 * "locked_out", "next_try_in" (seconds, null: never by itself),
 * "next_try_at" (UTC, ISO 8601, null when not locked out or never)}. */
json_object *lockout_status_json(const struct lockout_status *st);

/* TPM2_DictionaryAttackLockReset with the lockout hierarchy's password
 * (empty when none is given), through an HMAC session salted with the SRK
 * (unsalted when the keystore has no SRK in this TPM): the failure
 * count goes to 0 and the lockout ends. A wrong lockout password is
 * EXIT_AUTH naming the lockout recovery time it now waits. */
int lockout_clear(struct tpm *tpm, const struct secret *password);

/* The operations (ops.h): status needs nothing; clear takes the lockout
 * password's source (NULL or none given: the empty password) and returns the
 * state after. */
struct lockout_status_request {
        char unused;
};
struct lockout_clear_request {
        const struct auth_source *auth;
};
struct op_context;
int op_lockout_status(struct op_context *ctx, const struct lockout_status_request *req,
                      struct lockout_status *res);
int op_lockout_clear(struct op_context *ctx, const struct lockout_clear_request *req,
                     struct lockout_status *res);
