/* Exit codes and error reporting: one table, used by every command. */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <tss2/tss2_common.h>

/* The documented exit codes (README, man page). Keep in step with both. */
enum exit_code {
        EXIT_OK = 0,
        EXIT_INVALID = 1,     /* a verification said no */
        EXIT_USAGE = 2,       /* bad command line */
        EXIT_BAD_INPUT = 3,   /* malformed file, wrong size, output exists */
        EXIT_NOT_FOUND = 4,   /* path or file does not exist */
        EXIT_AUTH = 5,        /* wrong password, lockout, no auth source */
        EXIT_POLICY = 6,      /* policy not satisfied */
        EXIT_UNAVAILABLE = 7, /* cannot reach the TPM, timeout */
        EXIT_TPM = 8,         /* any other TPM/FAPI error */
        EXIT_EXISTS = 9,      /* already exists */
};

/* What a TSS return code means for a user: an exit code and one sentence
 * saying what happened and what to do. Pure; unit-tested. */
struct rc_meaning {
        enum exit_code exit_code;
        const char *sentence;
};
struct rc_meaning rc_meaning(TSS2_RC rc);

/* Records the error for the current command and returns exit_code, so that
 * callers can write `return error_set(EXIT_NOT_FOUND, "no file %s", f);`. */
int error_set(enum exit_code exit_code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records "CONTEXT: SENTENCE (0xRC: DECODED)" for a TSS return code and returns
 * its exit code. The context says what tpmctl was doing, e.g. "deleting /HS/SRK/k". */
int error_rc(TSS2_RC rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records why a TSS call is about to fail with rc when tpmctl knows better
 * than the code (fapi_dl.c: the FAPI library cannot be loaded). The next
 * error_rc() for that rc says it in place of rc_meaning()'s sentence. */
void error_cause(TSS2_RC rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "0xRC: DECODED", for callers that know better than rc_meaning() what a
 * code means in their place and write their own sentence (static buffer). */
const char *rc_text(TSS2_RC rc);

/* The recorded message, or "" when none. */
const char *error_message(void);
void error_clear(void);
/* The TSS code behind the recorded message (error_rc) and the sentence that
 * says what it means and what to do; 0 and "" when tpmctl found the error
 * itself (error_set). */
TSS2_RC error_code(void);
const char *error_hint(void);

/* A TPM response code without its handle/session/parameter number (e.g.
 * 0x98e -> TPM2_RC_AUTH_FAIL); 0 when rc is not from the TPM. */
unsigned tpm_rc_code(TSS2_RC rc);

/* The base code of a TSS return code without its layer. */
static inline unsigned rc_base(TSS2_RC rc)
{
        return rc & 0xffffu;
}

/* The TPM's dictionary-attack state, as TPM2_GetCapability tells it. */
struct da_state {
        uint32_t failures;  /* TPM2_PT_LOCKOUT_COUNTER: wrong passwords not yet forgotten */
        uint32_t max_tries; /* TPM2_PT_MAX_AUTH_FAIL: the lockout comes at this count */
        uint32_t interval;  /* TPM2_PT_LOCKOUT_INTERVAL: seconds to forget one; 0: no DA */
        uint32_t recovery;  /* TPM2_PT_LOCKOUT_RECOVERY: seconds the lockout password waits */
};

/* What a wrong password (TPM2_RC_AUTH_FAIL: a DA-protected object) or a
 * refusal in lockout (TPM2_RC_LOCKOUT) means, given the state read after it
 * and the time now: the tries left, that the TPM is now locked out and until
 * when, or how long to wait. Written into buf; NULL when there is nothing to
 * add to rc_meaning() (another code, or DA protection off). Pure. */
const char *da_sentence(TSS2_RC rc, const struct da_state *da, time_t now, char *buf, size_t size);
