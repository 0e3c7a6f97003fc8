/* Loading a keystore object into the TPM through ESYS with the session its
 * next command needs: the one loader of sign, decrypt, unseal and auth
 * change. A context keeps what it loaded (a cache for long-lived contexts,
 * such as a batch of requests) until tpm_close() or tpm_cache_clear(). */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <tss2/tss2_esys.h>

#include "auth.h"
#include "context.h"

/* What the keystore holds about the object. */
struct object_record {
        const char *path;             /* full keystore path, with /PROFILE */
        const TPM2B_PUBLIC *public;   /* its public area */
        const TPM2B_PRIVATE *private; /* its private blob; NULL: object_blobs() reads it */
        json_object *json;            /* its keystore object (policy, with_auth) */
        unsigned persistent;          /* its persistent handle, or 0: loaded from the blobs */
};

/* Which parameters of the next command are secret, and so cross the bus
 * encrypted (the first one of each, as the TPM encrypts them). */
enum object_secrets {
        SECRET_NONE = 0,
        SECRET_RESPONSE = 1 << 0, /* what comes back: unsealed data, a plaintext */
        SECRET_COMMAND = 1 << 1,  /* what goes in: a new password */
        /* Not a secret: the caller checks the command's result against the
         * object's public key (a signature it verifies), so a kept object
         * without a password or policy is used without first asking the
         * TPM for its name (object_load()). */
        OBJECT_CHECKED_BY_CALLER = 1 << 2,
};

struct loaded_object {
        ESYS_TR handle; /* the object: the context flushes it, not the caller */
        ESYS_TR parent; /* its SRK, for commands that name it (ObjectChangeAuth) */
        /* Sessions for the next command, in the order Esys_* takes them:
         * auth authorizes the object (ESYS_TR_PASSWORD with the empty
         * password when nothing is secret; else a salted HMAC session with
         * the password, or a policy session satisfied by tpmctl's engine);
         * crypt is ESYS_TR_NONE or a second salted session that encrypts
         * the secrets when auth cannot. Both serve one command. */
        ESYS_TR auth;
        ESYS_TR crypt;
        /* For object_error(): the empty password was tried without the user
         * giving one (the keystore does not know whether it has one). */
        bool tried_empty;
        /* A kept object used unasked (OBJECT_CHECKED_BY_CALLER): when the
         * result fails the caller's check, or the command fails, the object
         * at the handle may be another program's now: object_forget(), then
         * load again without the flag. */
        bool unchecked;
        const struct auth_source *src;
        const char *path;
        struct tpm *tpm; /* for object_error() to ask about dictionary-attack lockout */
};

/* Loads rec for command cc (e.g. TPM2_CC_Sign), or finds it loaded
 * already: the same object.json (device, inode, mtime, size) as when it was
 * loaded; a changed one is flushed and loaded again, a deleted one is
 * EXIT_NOT_FOUND. Reads the password from auth when the object needs one
 * (keys.h: object_auth_wanted) or a policy asks for it, unless this context
 * was given it before and auth names no source; checks a policy's PCRs
 * first (EXIT_POLICY naming the PCR). A policy tpmctl cannot run:
 * EXIT_BAD_INPUT (callers decide on FAPI before). Full TPM (0x902): the
 * least recently used object is flushed and the load tried once more.
 * flags: enum object_secrets. */
int object_load(struct tpm *tpm, const struct object_record *rec, const struct auth_source *auth,
                TPM2_CC cc, unsigned flags, struct loaded_object *out);

/* Forgets the kept object of path without flushing it (the handle may be
 * another program's now): the next object_load() loads it again. */
void object_forget(struct tpm *tpm, const char *path);

/* After the command, with its result: the sessions are gone (the TPM flushed
 * them on success; they are flushed on failure), and a wrong password is
 * not kept. */
void object_command_done(struct tpm *tpm, struct loaded_object *lo, TSS2_RC rc);

/* The error for a failed command: a hint to give the password when the
 * empty one was tried, else lockout_error(rc, "CONTEXT") (lockout.h: a
 * wrong password says the tries left, a lockout how long to wait). */
int object_error(const struct loaded_object *lo, TSS2_RC rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The object's public area and private blob as the keystore holds them;
 * either may be NULL. */
int object_blobs(struct tpm *tpm, const char *path, TPM2B_PUBLIC *public, TPM2B_PRIVATE *private);

/* Flushes every object the context loaded and forgets the passwords it
 * was given. The context stays usable. */
void tpm_cache_clear(struct tpm *tpm);
