/* Operations: what a command does, with typed requests and results, shared by
 * the command line (cli/), `tpmctl batch` and its JSON adapters (ops.h). An
 * operation asks its op_context for the TPM with the needs it declares
 * (context.h); the context opens one for this operation (the command line)
 * or hands out the one it keeps for a whole stream (batch). */
#pragma once

#include <stdbool.h>

#include "auth.h"
#include "context.h"
#include "settings.h"

struct op_context {
        const struct settings *settings;
        /* Keep one TPM context across operations (batch): the timeout then
         * lasts one operation and the keystore lock while requests follow
         * one another, see op_context_done() and op_context_idle(). */
        bool keep;
        /* The password for operations that use an object (sign, decrypt,
         * unseal) when their request gives none; NULL for none. */
        const struct auth_source *default_auth;
        struct tpm *tpm;  /* opened on first use */
        char profile[64]; /* the profile tpm was opened for; "" for the settings' */
        bool locked;      /* keep: tpm holds the keystore lock for an operation */
        unsigned uses;    /* operations since tpm was opened */
};

/* FAPI 3.2.1 keeps what it reads of the keystore until Fapi_Finalize, about
 * a kilobyte per operation: a kept context with FAPI open is opened afresh
 * after this many operations, so that a stream of any length runs in bounded
 * memory. */
#define OP_CONTEXT_RENEW 256

void op_context_init(struct op_context *ctx, const struct settings *s, bool keep);

/* The TPM for an operation: opened with `needs` (context.h) on first use.
 * profile: a crypto profile the operation must run under (key_create
 * --alg), or NULL for the settings'. A kept context is opened with ESYS
 * whatever the first operation needs, connects FAPI when an operation needs
 * it, takes the keystore lock that this one needs, and is opened again when
 * the profile changes or a profile must be provisioned first
 * (AUTO_PROVISION). */
int op_tpm(struct op_context *ctx, unsigned needs, const char *profile, struct tpm **tpm);

/* The end of one operation on a kept context, which ended with `status`:
 * flushes what it loaded for itself, wipes the password FAPI got and stops
 * the timeout. The keystore lock and the keys object_load() keeps stay for
 * the next request until op_context_idle(). After a failure in FAPI (status
 * 5 to 8 with FAPI open: FAPI 3.2.1's context fails every later command
 * after some failed ones, "function called in the wrong order"), after
 * OP_CONTEXT_RENEW operations with FAPI open, or a TPM that did not answer,
 * the context is closed, to be opened afresh by the next operation.
 * Nothing for a one-shot context (op_context_close ends it). */
void op_context_done(struct op_context *ctx, int status);

/* No request is waiting (batch is about to wait for input): gives up the
 * keystore lock and the timeout, so that other tpmctl processes run in
 * between; without a resource manager also the keys kept loaded. */
void op_context_idle(struct op_context *ctx);

/* Closes the TPM context: flushes what it loaded, unlocks. */
void op_context_close(struct op_context *ctx);

/* The auth source of an operation that uses an object: the request's own if
 * it names one, else the context's default, else `none` (no password). */
const struct auth_source *op_auth(const struct op_context *ctx, const struct auth_source *given);
