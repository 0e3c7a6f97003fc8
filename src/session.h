/* Sessions tpmctl starts itself through ESYS. */
#pragma once

#include <tss2/tss2_esys.h>

#include "context.h"

/* A session of type (TPM2_SE_HMAC or TPM2_SE_POLICY) whose hash is alg,
 * salted with the SRK of the profile of the object at for_path (NULL: the
 * active profile's; see srk.h for why the keystore's copy of the SRK is
 * enough), with attrs (TPMA_SESSION_*). Without
 * TPMA_SESSION_CONTINUESESSION it serves one command, after which the TPM
 * flushes it: session_done() then. Flushed by tpm_close() until then. */
int session_start(struct tpm *tpm, const char *for_path, TPM2_SE type, TPMI_ALG_HASH alg,
                  TPMA_SESSION attrs, ESYS_TR *session);

/* The error of a TPM command that failed with rc while starting a session
 * salted with the SRK of for_path's profile, or that such a session served:
 * srk_failure()'s when the SRK is missing or another key (the salt went to
 * a key that cannot decrypt it), else error_rc(rc, "CONTEXT"). */
int session_error(struct tpm *tpm, const char *for_path, TSS2_RC rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* After the command a one-command session served, with its result rc: on
 * success the TPM flushed it and ESYS's record goes; on failure the TPM
 * keeps it, and it is flushed. *session becomes ESYS_TR_NONE. */
void session_done(struct tpm *tpm, ESYS_TR *session, TSS2_RC rc);

/* session_start()'s HMAC session with SHA-256, whose parameters are
 * encrypted with XOR obfuscation (TPM 2.0 Part 1, 21.2: a one-time mask
 * from KDFa over the session key and both nonces) rather than AES-128-CFB:
 * as secret on the bus, and it needs no cipher in tpmctl (ossl_lean.c). */
int session_start_xor(struct tpm *tpm, const char *for_path, TPMA_SESSION attrs, ESYS_TR *session);

/* An HMAC session with command and response parameter encryption, kept
 * for several commands: what the TPM returns (random bytes, unsealed data)
 * crosses the bus encrypted. */
int session_start_encrypted(struct tpm *tpm, const char *for_path, ESYS_TR *session);

/* The SRK that is the parent of the object at full_path (/P_.../HS/SRK/...),
 * as a new ESYS object the caller closes (Esys_TR_Close); see srk.h. */
int srk_object(struct tpm *tpm, const char *full_path, ESYS_TR *srk);
