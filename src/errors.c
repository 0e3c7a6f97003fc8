/* Turns TSS return codes into what happened, what to do, and an exit code. */
#include "errors.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tpm2_types.h>

static char message[1024];
/* The TSS code of the recorded error and what it means (error_rc), for
 * --json's "code" and "hint"; 0 and "" for an error tpmctl found itself. */
static TSS2_RC message_rc;
static char message_hint[512];

const char *error_message(void)
{
        return message;
}

TSS2_RC error_code(void)
{
        return message_rc;
}

const char *error_hint(void)
{
        return message_hint;
}

void error_clear(void)
{
        message[0] = '\0';
        message_rc = 0;
        message_hint[0] = '\0';
}

/* A message that ends in rc_text()'s "(0xRC: DECODED)" (callers that write
 * their own sentence for a code) has that code behind it. */
static void message_code_from_text(void)
{
        const char *open = NULL;
        char *end;
        unsigned long rc;

        message_rc = 0;
        message_hint[0] = '\0';
        for (const char *p = message; (p = strstr(p, " (0x")); p++)
                open = p + 1;
        if (!open)
                return;
        rc = strtoul(open + 1, &end, 16);
        if (*end != ':' || rc == 0 || rc > UINT32_MAX)
                return;
        message_rc = (TSS2_RC)rc;
        snprintf(message_hint, sizeof(message_hint), "%s", rc_meaning(message_rc).sentence);
}

int error_set(enum exit_code exit_code, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(message, sizeof(message), fmt, ap);
        va_end(ap);
        message_code_from_text();
        return exit_code;
}

static const struct rc_meaning meaning_tpm_error = {
    EXIT_TPM, "the TPM refused the command; run with -v for FAPI's log"};

unsigned tpm_rc_code(TSS2_RC rc)
{
        unsigned layer = (rc & TSS2_RC_LAYER_MASK) >> TSS2_RC_LAYER_SHIFT;
        unsigned code = rc & 0xfffu;

        if (layer != 0 && layer != 12) /* the TPM, or relayed by a resource manager */
                return 0;
        if (code & TPM2_RC_FMT1)
                code = (code & 0x3fu) | TPM2_RC_FMT1;
        return code;
}

/* TPM 2.0 response codes (Part 2, 6.6). */
static struct rc_meaning tpm_meaning(TSS2_RC rc)
{
        switch (tpm_rc_code(rc)) {
        case TPM2_RC_AUTH_FAIL:
        case TPM2_RC_BAD_AUTH:
                return (struct rc_meaning){EXIT_AUTH, "authorization failed: wrong password"};
        case TPM2_RC_AUTH_MISSING:
        case TPM2_RC_AUTH_UNAVAILABLE:
                return (struct rc_meaning){EXIT_AUTH,
                                           "authorization missing: the object needs a password"};
        case TPM2_RC_LOCKOUT:
                return (struct rc_meaning){
                    EXIT_AUTH, "the TPM is in dictionary-attack lockout after too many wrong "
                               "passwords: wait for the lockout interval to pass, or clear it "
                               "with `tpmctl lockout clear`"};
        case TPM2_RC_POLICY_FAIL:
        case TPM2_RC_POLICY_CC:
        case TPM2_RC_PCR_CHANGED:
        case TPM2_RC_EXPIRED:
                return (struct rc_meaning){EXIT_POLICY, "policy not satisfied"};
        case TPM2_RC_SIGNATURE:
                return (struct rc_meaning){EXIT_INVALID, "the signature is not valid"};
        case TPM2_RC_OBJECT_MEMORY:
        case TPM2_RC_SESSION_MEMORY:
        case TPM2_RC_OBJECT_HANDLES:
        case TPM2_RC_SESSION_HANDLES:
                return (struct rc_meaning){
                    EXIT_TPM, "the TPM has no room for another object or session: an earlier "
                              "program left some loaded; run `tpmctl flush`"};
        case TPM2_RC_MEMORY:
                return (struct rc_meaning){EXIT_TPM, "the TPM is out of memory; run `tpmctl "
                                                     "flush` and retry"};
        case TPM2_RC_RETRY:
        case TPM2_RC_YIELDED:
        case TPM2_RC_TESTING:
        case TPM2_RC_NV_RATE:
        case TPM2_RC_NV_UNAVAILABLE:
                return (struct rc_meaning){EXIT_TPM, "the TPM is busy; retry in a moment"};
        case TPM2_RC_INITIALIZE:
                return (struct rc_meaning){EXIT_UNAVAILABLE,
                                           "the TPM was not started (TPM2_Startup missing)"};
        case TPM2_RC_FAILURE:
                return (struct rc_meaning){EXIT_UNAVAILABLE,
                                           "the TPM is in failure mode; it needs a reset"};
        case TPM2_RC_NV_DEFINED:
                return (struct rc_meaning){EXIT_EXISTS, "that NV index is already defined"};
        case TPM2_RC_NV_SPACE:
                return (struct rc_meaning){EXIT_TPM, "the TPM's NV memory is full"};
        case TPM2_RC_HANDLE:
                return (struct rc_meaning){EXIT_NOT_FOUND, "the TPM has no object at that handle"};
        case TPM2_RC_SIZE:
        case TPM2_RC_KEY_SIZE:
        case TPM2_RC_INSUFFICIENT:
        case TPM2_RC_KEY:
        case TPM2_RC_VALUE:
        case TPM2_RC_SCHEME:
        case TPM2_RC_HASH:
        case TPM2_RC_INTEGRITY:
        case TPM2_RC_BINDING:
                return (struct rc_meaning){EXIT_BAD_INPUT, "the TPM rejected the input as invalid"};
        case TPM2_RC_ATTRIBUTES:
        case TPM2_RC_TYPE:
                return (struct rc_meaning){EXIT_BAD_INPUT,
                                           "the key cannot be used for this operation"};
        default:
                return meaning_tpm_error;
        }
}

/* The base codes shared by the FAPI, ESYS, SYS, MU, TCTI and RM layers. */
static struct rc_meaning base_meaning(unsigned layer, unsigned base)
{
        /* FAPI's own I/O is the keystore's files, not the TPM. */
        if (layer == 6 && base == TSS2_BASE_RC_IO_ERROR)
                return (struct rc_meaning){EXIT_NOT_FOUND,
                                           "FAPI could not read or write a keystore file (a "
                                           "policy or object that is not there?); run with -v"};
        switch (base) {
        case TSS2_BASE_RC_NO_CONNECTION:
        case TSS2_BASE_RC_IO_ERROR:
        case TSS2_BASE_RC_NO_TPM:
                return (struct rc_meaning){EXIT_UNAVAILABLE,
                                           "cannot talk to the TPM: check --tcti (or TPMCTL_TCTI) "
                                           "and that the TPM or simulator is running"};
        case TSS2_BASE_RC_TRY_AGAIN:
                return (struct rc_meaning){EXIT_UNAVAILABLE, "the TPM did not answer in time"};
        case TSS2_BASE_RC_BAD_PATH:
        case TSS2_BASE_RC_PATH_NOT_FOUND:
        case TSS2_BASE_RC_KEY_NOT_FOUND:
                return (struct rc_meaning){EXIT_NOT_FOUND,
                                           "no such object in the keystore; see `tpmctl list`"};
        case TSS2_BASE_RC_NO_CERT:
                return (struct rc_meaning){EXIT_NOT_FOUND, "no certificate is stored"};
        case TSS2_BASE_RC_NO_PCR:
                return (struct rc_meaning){EXIT_NOT_FOUND, "no such PCR"};
        case TSS2_BASE_RC_NO_HANDLE:
                return (struct rc_meaning){EXIT_NOT_FOUND, "no object at that handle in the TPM"};
        case TSS2_BASE_RC_POLICY_UNKNOWN:
                return (struct rc_meaning){EXIT_NOT_FOUND, "no such policy in the keystore; see "
                                                           "`tpmctl policy list`"};
        case TSS2_BASE_RC_NOT_PROVISIONED:
                return (struct rc_meaning){
                    EXIT_NOT_FOUND, "the keystore is not provisioned: run `tpmctl provision`"};
        case TSS2_BASE_RC_PATH_ALREADY_EXISTS:
        case TSS2_BASE_RC_NAME_ALREADY_EXISTS:
                return (struct rc_meaning){EXIT_EXISTS, "an object already exists at that path"};
        case TSS2_BASE_RC_ALREADY_PROVISIONED:
                return (struct rc_meaning){EXIT_EXISTS, "the keystore is already provisioned; "
                                                        "use --force to provision again"};
        case TSS2_BASE_RC_AUTHORIZATION_FAILED:
                return (struct rc_meaning){EXIT_AUTH, "authorization failed: wrong password"};
        case TSS2_BASE_RC_AUTHORIZATION_UNKNOWN:
                return (struct rc_meaning){
                    EXIT_AUTH, "the object needs a password: use --auth-file, --auth-fd or "
                               "--auth-env"};
        case TSS2_BASE_RC_SIGNATURE_VERIFICATION_FAILED:
                return (struct rc_meaning){EXIT_INVALID, "invalid signature"};
        case TSS2_BASE_RC_BAD_VALUE:
        case TSS2_BASE_RC_BAD_SIZE:
        case TSS2_BASE_RC_BAD_TEMPLATE:
        case TSS2_BASE_RC_BAD_KEY:
        case TSS2_BASE_RC_HASH_MISMATCH:
        case TSS2_BASE_RC_INSUFFICIENT_BUFFER:
                return (struct rc_meaning){EXIT_BAD_INPUT, "the input is not valid"};
        case TSS2_BASE_RC_NOT_DELETABLE:
                return (struct rc_meaning){EXIT_BAD_INPUT, "that object may not be deleted"};
        case TSS2_BASE_RC_KEY_NOT_DUPLICABLE:
        case TSS2_BASE_RC_PCR_NOT_RESETTABLE:
        case TSS2_BASE_RC_NV_NOT_READABLE:
        case TSS2_BASE_RC_NV_NOT_WRITEABLE:
        case TSS2_BASE_RC_NV_WRONG_TYPE:
        case TSS2_BASE_RC_NV_TOO_SMALL:
                return (struct rc_meaning){EXIT_BAD_INPUT,
                                           "the object does not allow this operation"};
        case TSS2_BASE_RC_NO_CONFIG:
                return (struct rc_meaning){EXIT_BAD_INPUT, "the FAPI configuration is not valid"};
        case TSS2_BASE_RC_MEMORY:
                return (struct rc_meaning){EXIT_TPM, "out of memory"};
        case TSS2_BASE_RC_RSP_AUTH_FAILED:
                return (struct rc_meaning){EXIT_TPM, "the TPM's response failed its integrity "
                                                     "check: the connection may be tampered with"};
        case TSS2_BASE_RC_MALFORMED_RESPONSE:
        case TSS2_BASE_RC_INSUFFICIENT_RESPONSE:
                return (struct rc_meaning){EXIT_UNAVAILABLE, "the TPM sent a malformed response"};
        default:
                return (struct rc_meaning){EXIT_TPM, "the TPM software stack reported an error; "
                                                     "run with -v for FAPI's log"};
        }
}

struct rc_meaning rc_meaning(TSS2_RC rc)
{
        if (rc == TSS2_RC_SUCCESS)
                return (struct rc_meaning){EXIT_OK, "success"};
        if (tpm_rc_code(rc))
                return tpm_meaning(rc);
        return base_meaning((rc & TSS2_RC_LAYER_MASK) >> TSS2_RC_LAYER_SHIFT, rc_base(rc));
}

const char *rc_text(TSS2_RC rc)
{
        static char text[256];

        snprintf(text, sizeof(text), "0x%x: %s", rc, Tss2_RC_Decode(rc));
        return text;
}

static char cause[512];
static TSS2_RC cause_rc;

void error_cause(TSS2_RC rc, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(cause, sizeof(cause), fmt, ap);
        va_end(ap);
        cause_rc = rc;
}

int error_rc(TSS2_RC rc, const char *fmt, ...)
{
        struct rc_meaning m = rc_meaning(rc);
        char context[512];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(context, sizeof(context), fmt, ap);
        va_end(ap);
        bool caused = cause[0] && rc == cause_rc;
        const char *sentence = caused ? cause : m.sentence;
        int r = error_set(m.exit_code, "%s: %s (%s)", context, sentence, rc_text(rc));

        if (caused)
                cause_rc = 0;
        message_rc = rc;
        snprintf(message_hint, sizeof(message_hint), "%s", sentence);
        return r;
}

/* "10 s", "2 min 30 s", "2 h". */
static void duration_text(uint32_t seconds, char *buf, size_t size)
{
        uint32_t h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60;
        int n = 0;

        buf[0] = '\0';
        if (h)
                n += snprintf(buf + n, size - (size_t)n, "%u h", h);
        if (m && n >= 0 && (size_t)n < size)
                n += snprintf(buf + n, size - (size_t)n, "%s%u min", n ? " " : "", m);
        if ((s || !seconds) && n >= 0 && (size_t)n < size)
                snprintf(buf + n, size - (size_t)n, "%s%u s", n ? " " : "", s);
}

/* The local time at when: the clock alone within the next 12 hours. */
static void clock_text(time_t now, time_t when, char *buf, size_t size)
{
        struct tm tm;

        if (!localtime_r(&when, &tm) ||
            !strftime(buf, size, when - now < 12 * 3600 ? "%H:%M:%S" : "%Y-%m-%d %H:%M:%S", &tm))
                snprintf(buf, size, "?");
}

const char *da_sentence(TSS2_RC rc, const struct da_state *da, time_t now, char *buf, size_t size)
{
        static const char clear[] =
            "or clear it with `tpmctl lockout clear` (the lockout password)";
        unsigned code = tpm_rc_code(rc);
        char wait[64], until[64];

        if ((code != TPM2_RC_AUTH_FAIL && code != TPM2_RC_LOCKOUT) || !size)
                return NULL;
        duration_text(da->interval, wait, sizeof(wait));
        clock_text(now, now + (time_t)da->interval, until, sizeof(until));
        if (code == TPM2_RC_AUTH_FAIL) {
                if (da->interval == 0) /* the TPM counts nothing */
                        return NULL;
                if (da->failures < da->max_tries) {
                        uint32_t left = da->max_tries - da->failures;
                        snprintf(buf, size, "wrong password: %u of %u tries left before lockout",
                                 left, da->max_tries);
                        return buf;
                }
                snprintf(buf, size,
                         "wrong password, try %u of %u: the TPM is now in "
                         "dictionary-attack lockout until %s (%s), then allows one try every %s; "
                         "%s",
                         da->failures, da->max_tries, until, wait, wait, clear);
                return buf;
        }
        if (da->interval == 0) {
                snprintf(buf, size,
                         "the TPM is in dictionary-attack lockout, which does not end by itself "
                         "(its lockout interval is 0): clear it with `tpmctl lockout clear` "
                         "(the lockout password)");
                return buf;
        }
        snprintf(buf, size,
                 "the TPM is in dictionary-attack lockout after %u wrong passwords: wait at most "
                 "%s (until %s) for the next try, %s",
                 da->failures, wait, until, clear);
        return buf;
}
