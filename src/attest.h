/* Quotes: the document `tpmctl quote` writes, and its verification offline
 * with OpenSSL. Everything here is pure (no TPM, no files) and reads its
 * input as untrusted: a quote document comes from another machine.
 *
 * The document is one JSON object:
 *   {"format": "tpmctl-quote", "version": 1,
 *    "attest_b64": TPMS_ATTEST as the TPM marshaled and signed it,
 *    "signature_b64": the TPMT_SIGNATURE, marshaled,
 *    "pcrs": {"sha256": {"0": HEX, ...}, ...}  (as `pcr read --json`),
 *    "nonce_b64": the qualifying data the quote was asked with,
 *    "pubkey_pem": the signing key (information only: never trusted),
 *    "eventlog_b64": the TCG event log, when the platform has one}
 * PCR values are hex, as tpmctl prints them everywhere; the rest base64. */
#pragma once

#include <json-c/json.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tss2/tss2_tpm2_types.h>

#include "pcr.h"

#define QUOTE_FORMAT    "tpmctl-quote"
#define QUOTE_VERSION   1
#define QUOTE_NONCE_MAX 64 /* TPM2B_DATA's buffer holds a TPMT_HA; 64 fits every TPM */
#define QUOTE_NONCE_LEN 16 /* the default: random bytes */

struct quote_doc {
        unsigned char *attest; /* TPMS_ATTEST, marshaled */
        size_t attest_len;
        unsigned char *signature; /* TPMT_SIGNATURE, marshaled */
        size_t signature_len;
        struct pcr_values pcrs; /* the values listed, in the document's order */
        unsigned char nonce[QUOTE_NONCE_MAX];
        size_t nonce_len;
        bool has_nonce;
        char *pubkey_pem;        /* or NULL */
        unsigned char *eventlog; /* or NULL */
        size_t eventlog_len;
};

void quote_doc_free(struct quote_doc *doc);

/* Reads a quote document from its JSON object (or text). A document that is
 * not one (not an object, another format or version, a missing or ill-typed
 * field, bad base64 or hex): EXIT_BAD_INPUT naming the field. */
int quote_doc_from_json(json_object *obj, struct quote_doc *doc);
int quote_doc_parse(const char *text, size_t len, struct quote_doc *doc);

/* The document as JSON. */
json_object *quote_doc_to_json(const struct quote_doc *doc);

/* PCR values as `pcr read --json` prints them, {"BANK": {"INDEX": "HEX"}},
 * or an object holding that under "pcrs" (a quote document, a batch reply).
 * Each digest must have its bank's size; no PCR twice. EXIT_BAD_INPUT
 * naming `what` otherwise. */
int pcr_values_from_json(json_object *obj, const char *what, struct pcr_values *out);
json_object *pcr_values_to_json(const struct pcr_values *values);

/* The marshaled structures, all of the input and nothing more. EXIT_INVALID
 * when they do not unmarshal (a quote is judged, not refused as input). */
int attest_unmarshal(const uint8_t *data, size_t len, TPMS_ATTEST *out);
int tpm_signature_unmarshal(const uint8_t *data, size_t len, TPMT_SIGNATURE *out);

/* The hash a signature was made with (TPM2_ALG_NULL for none tpmctl knows). */
TPMI_ALG_HASH tpm_signature_hash(const TPMT_SIGNATURE *sig);

/* The PCR digest TPM2_Quote makes: hash over the selected PCRs' values in
 * the selection's order (bank by bank, index ascending within a bank).
 * EXIT_INVALID naming the PCR when values lacks one. */
int quote_pcr_digest(const TPML_PCR_SELECTION *sel, const struct pcr_values *values,
                     TPMI_ALG_HASH hash, unsigned char *out, size_t *len);

/* Whether sig (RSASSA, RSA-PSS or ECDSA, SHA-256/384/512) signs data under
 * key: 0, or EXIT_INVALID saying why not. */
int tpm_signature_check(EVP_PKEY *key, const TPMT_SIGNATURE *sig, const uint8_t *data, size_t len);

/* Replays a TCG PC Client event log (crypto-agile, or the SHA-1 format):
 * out gets the value each PCR would have from the events of the log alone,
 * for every bank of the log tpmctl knows and every PCR the log extends.
 * EXIT_INVALID for a malformed log, naming the event. */
int tcg_log_replay(const uint8_t *log, size_t len, struct pcr_values *out);

struct quote_expect {
        EVP_PKEY *key; /* the quote's signer: required */
        /* The nonce the verifier chose; NULL: the document's own is checked
         * against the attestation (no freshness). */
        const unsigned char *nonce;
        size_t nonce_len;
        const struct pcr_values *expected; /* values some PCRs must have, or NULL */
};

struct quote_verdict {
        TPMS_ATTEST attest;
        unsigned eventlog_pcrs; /* quoted PCRs the event log replayed to */
        bool eventlog;          /* the document had an event log */
};

/* Checks a quote document: the attestation unmarshals; its magic is
 * TPM_GENERATED_VALUE (what a TPM signs with a restricted key only in its
 * own attestations); its type is a quote; the signature is the key's over
 * the attestation; extraData is the nonce; the listed PCR values are the
 * ones quoted, all of them, and hash to the quoted pcrDigest; the expected
 * values are among them; the event log, when there is one, replays to the
 * quoted values of every PCR it extends. 0 when all hold, else EXIT_INVALID
 * with one line saying what failed (errors.h). */
int quote_verify(const struct quote_doc *doc, const struct quote_expect *expect,
                 struct quote_verdict *verdict);
