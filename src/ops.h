/* The operations of tpmctl with typed requests and results: what the
 * commands sign, verify, encrypt, decrypt, seal, unseal, random, pcr read,
 * pcr extend, key create, key show, list and delete do, once, for the
 * command line and for `tpmctl batch` (whose JSON adapters, one per
 * operation, are listed in the table of ops.c). Results own their memory:
 * each has a _free function; secrets in them are wiped. */
#pragma once

#include <json-c/json.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>
#include <tss2/tss2_tpm2_types.h>

#include "attest.h"
#include "cleanup.h"
#include "keys.h"
#include "lockout.h"
#include "nv_info.h"
#include "objects.h"
#include "op.h"
#include "op_nv.h"
#include "pcr.h"

/* Data to sign, verify or hash: in memory, or (the command line) a file
 * that is read as it is hashed, so that its size does not matter. */
struct op_input {
        const unsigned char *data;
        size_t len;
        const char *file; /* when not NULL: this file ("-": stdin) instead of data */
};

struct sign_request {
        const char *path;
        struct op_input input;
        bool is_digest;     /* the input is the digest already */
        const char *scheme; /* "rsapss", "rsassa", "ecdsa" or NULL for the key's */
        const struct auth_source *auth;
};
struct sign_result {
        unsigned char *signature;
        size_t len;
};
int op_sign(struct op_context *ctx, const struct sign_request *req, struct sign_result *res);
void sign_result_free(struct sign_result *res);

struct verify_request {
        const char *path; /* a keystore key, or NULL with pubkey */
        EVP_PKEY *pubkey; /* a public key (no TPM needed), or NULL */
        struct op_input input;
        bool is_digest;
        const unsigned char *signature;
        size_t signature_len;
        const char *scheme; /* NULL: the key's */
        const char *hash;   /* "sha256", "sha384", "sha512"; NULL: the key's */
};
struct verify_result {
        bool valid; /* false: the error message says why */
};
int op_verify(struct op_context *ctx, const struct verify_request *req, struct verify_result *res);

struct encrypt_request {
        const char *path;
        const unsigned char *data;
        size_t len;
        const struct auth_source *auth; /* AES keys (in the TPM); NULL: none */
};
struct encrypt_result {
        unsigned char *ciphertext;
        size_t len;
};
int op_encrypt(struct op_context *ctx, const struct encrypt_request *req,
               struct encrypt_result *res);
void encrypt_result_free(struct encrypt_result *res);

struct decrypt_request {
        const char *path;
        const unsigned char *ciphertext;
        size_t len;
        const struct auth_source *auth;
};
struct decrypt_result {
        struct secret plaintext;
};
int op_decrypt(struct op_context *ctx, const struct decrypt_request *req,
               struct decrypt_result *res);
void decrypt_result_free(struct decrypt_result *res);

struct seal_request {
        const char *path;
        const unsigned char *data; /* the secret, or NULL with random_len */
        size_t len;
        const char *data_name;          /* where the data came from, for messages */
        size_t random_len;              /* seal this many TPM random bytes instead */
        const char *pcrs;               /* SPEC, or NULL */
        const char *policy;             /* keystore policy path, or NULL */
        const char *type;               /* extra FAPI flags ("noda"), or NULL */
        const struct auth_source *auth; /* the new object's password: none when not given */
};
struct seal_result {
        char path[FAPI_PATH_MAX]; /* full, with its profile */
        size_t bytes;
        bool needs_password;
};
int op_seal(struct op_context *ctx, const struct seal_request *req, struct seal_result *res);
/* The result as `seal --json` prints it and batch replies with it. */
json_object *seal_result_json(const struct seal_request *req, const struct seal_result *res);

struct unseal_request {
        const char *path;
        const struct auth_source *auth;
};
struct unseal_result {
        struct secret data;
        bool warned; /* FAPI ran the policy: the secret crossed the bus in clear */
};
int op_unseal(struct op_context *ctx, const struct unseal_request *req, struct unseal_result *res);
void unseal_result_free(struct unseal_result *res);
#define UNSEAL_FAPI_WARNING                                                                        \
        "this object's policy is run by FAPI, which in this libtss2 returns the secret in clear "  \
        "on the TPM bus"

struct random_request {
        size_t bytes; /* up to RANDOM_MAX */
};
struct random_result {
        struct secret data;
};
int op_random(struct op_context *ctx, const struct random_request *req, struct random_result *res);
void random_result_free(struct random_result *res);

struct pcr_read_request {
        const char *pcrs; /* SPEC, or NULL for every PCR of every bank */
};
struct pcr_read_result {
        struct pcr_values values;
};
int op_pcr_read(struct op_context *ctx, const struct pcr_read_request *req,
                struct pcr_read_result *res);
/* {"sha256": {"0": "HEX", ...}, ...}, as `pcr read --json` prints it. */
json_object *pcr_read_result_json(const struct pcr_read_result *res);

struct pcr_extend_request {
        unsigned pcr;              /* 0 to PCR_COUNT - 1 */
        const unsigned char *data; /* extend every bank with its hash ... */
        size_t len;
        const TPML_DIGEST_VALUES *digests; /* ... or with these, when not NULL */
        const char *log;                   /* text for tpmctl's event log, or NULL */
};
struct pcr_extend_result {
        TPML_DIGEST_VALUES digests; /* what the PCR was extended with */
};
int op_pcr_extend(struct op_context *ctx, const struct pcr_extend_request *req,
                  struct pcr_extend_result *res);
/* {"pcr": N, "digests": {"sha256": "HEX", ...}} */
json_object *pcr_extend_result_json(const struct pcr_extend_request *req,
                                    const struct pcr_extend_result *res);

struct key_create_request {
        const char *path;
        const char *alg;  /* "rsa2048", "ecc256", "ecc384"; NULL: the profile's */
        const char *type; /* "sign" (NULL), "decrypt", "restricted-sign", ... */
        bool noda;
        const char *policy;
        const char *pcrs;
        const char *persistent; /* "0x81xxxxxx", or NULL */
        const char *description;
        const struct auth_source *auth;   /* the new key's password: none when not given */
        const char *hash;                 /* --alg hmac: "sha256" (NULL), "sha384"... */
        const struct secret *hmac_secret; /* --alg hmac: the key's bytes (import), or NULL */
};
struct key_create_result {
        char path[FAPI_PATH_MAX];
        char profile[128];
        unsigned persistent;
        bool needs_password;
        bool provisioned_now; /* the profile was provisioned first */
};
int op_key_create(struct op_context *ctx, const struct key_create_request *req,
                  struct key_create_result *res);
json_object *key_create_result_json(const struct key_create_request *req,
                                    const struct key_create_result *res);

struct key_show_request {
        const char *path;
};
struct key_show_result {
        bool is_nv;
        struct key_info key; /* when !is_nv */
        struct nv_info nv;   /* when is_nv */
};
int op_key_show(struct op_context *ctx, const struct key_show_request *req,
                struct key_show_result *res);
void key_show_result_free(struct key_show_result *res);
/* The object `key show --json` prints. */
json_object *key_show_result_json(const struct key_show_result *res);

struct list_request {
        const char *path; /* NULL: everything */
};
struct list_result {
        char **paths; /* NULL-terminated */
        size_t n;
};
int op_list(struct op_context *ctx, const struct list_request *req, struct list_result *res);
void list_result_free(struct list_result *res);
/* `list --json` (and batch's "objects"): per object its path, type
 * ("sign", "sealed", "nv", "policy", "hierarchy", ...) and what key show
 * says of its algorithm, handle, description, bound PCRs. */
json_object *list_result_json(struct op_context *ctx, const struct list_result *res);

struct delete_request {
        const char *path; /* "/": the whole keystore, only with force */
        bool force;
};
struct delete_result {
        char **paths; /* what was deleted, NULL-terminated */
        size_t n;
        unsigned handles[64]; /* the persistent handles evicted with "/" */
        size_t n_handles;
};
int op_delete(struct op_context *ctx, const struct delete_request *req, struct delete_result *res);
void delete_result_free(struct delete_result *res);
/* {"deleted": [full paths]} and, for "/" (everything), "evicted": the
 * persistent handles as "0x81000001". */
json_object *delete_result_json(const struct delete_result *res, bool everything);

/* HMAC with an HMAC key in the TPM (symmetric.h). */
struct hmac_request {
        const char *path;
        struct op_input input; /* any size */
        const struct auth_source *auth;
};
struct hmac_result {
        unsigned char mac[64];
        size_t len;
};
int op_hmac(struct op_context *ctx, const struct hmac_request *req, struct hmac_result *res);

struct quote_request {
        const char *path;
        const char *pcrs;           /* SPEC: the PCRs to quote */
        const unsigned char *nonce; /* 1 to QUOTE_NONCE_MAX bytes; NULL: QUOTE_NONCE_LEN random */
        size_t nonce_len;
        const struct auth_source *auth;
};
struct quote_result {
        struct quote_doc doc; /* attest.h */
        char warning[256];    /* why the platform's event log was left out, or "" */
};
/* A TPM2_Quote with a restricted signing key, the PCR values it covers and
 * the platform's event log (TPMCTL_EVENTLOG, else the kernel's). */
int op_quote(struct op_context *ctx, const struct quote_request *req, struct quote_result *res);
void quote_result_free(struct quote_result *res);

struct verify_quote_request {
        const struct quote_doc *doc;
        const char *path; /* a restricted signing key, an /ext/ key, or NULL with pubkey */
        EVP_PKEY *pubkey;
        const unsigned char *nonce; /* NULL: only the document's own is checked */
        size_t nonce_len;
        const struct pcr_values *expected; /* or NULL */
};
struct verify_quote_result {
        bool valid; /* false: the error message says why */
        struct quote_verdict verdict;
};
int op_verify_quote(struct op_context *ctx, const struct verify_quote_request *req,
                    struct verify_quote_result *res);
/* {"valid": true, "pcrs": ..., "clock": ...} as `verify-quote --json` prints it. */
json_object *verify_quote_result_json(const struct verify_quote_request *req,
                                      const struct verify_quote_result *res);

/* Import of what another tool made: tpm2-tools blobs (pub and priv), a
 * TSS2 PEM key file's text, or a public key's PEM text (stored under /ext). */
struct import_request {
        const char *path;
        const unsigned char *pub, *priv; /* TPM2B_PUBLIC and TPM2B_PRIVATE, or NULL */
        size_t pub_size, priv_size;
        const char *tss2_pem;   /* "-----BEGIN TSS2 PRIVATE KEY-----...", or NULL */
        const char *public_pem; /* "-----BEGIN PUBLIC KEY-----...", or NULL */
        bool needs_auth;        /* the object has a password (not read now) */
};
struct import_result {
        char path[FAPI_PATH_MAX]; /* as stored */
};
int op_import(struct op_context *ctx, const struct import_request *req, struct import_result *res);

/* The digest of an input with md (or the input itself with is_digest, which
 * must then be md's size). */
int op_digest(const struct op_input *in, const EVP_MD *md, bool is_digest, unsigned char *out,
              size_t *len);

/* A batch (or HTTP) request read from its JSON object and checked, ready to
 * run: the typed request of its op, and what that request points into
 * besides the JSON object (decoded base64, the password's source, a PEM
 * public key). op_parsed_free() wipes and frees it. */
struct op_parsed {
        union {
                struct sign_request sign;
                struct verify_request verify;
                struct encrypt_request encrypt;
                struct decrypt_request decrypt;
                struct seal_request seal;
                struct unseal_request unseal;
                struct random_request random;
                struct pcr_read_request pcr_read;
                struct pcr_extend_request pcr_extend;
                struct key_create_request key_create;
                struct key_show_request key_show;
                struct list_request list;
                struct delete_request delete;
                struct nv_define_request nv_define;
                struct nv_write_request nv_write;
                struct nv_read_request nv_read;
                struct nv_increment_request nv_increment;
                struct nv_extend_request nv_extend;
                struct nv_setbits_request nv_setbits;
                struct lockout_clear_request lockout_clear;
                struct hmac_request hmac;
                struct quote_request quote;
                struct verify_quote_request verify_quote;
                struct import_request import;
        } req;
        struct auth_source auth;    /* "auth" */
        struct secret data;         /* "data_b64", or decrypt's "ciphertext_b64" */
        struct secret digest;       /* "digest_b64" */
        struct secret signature;    /* "signature_b64" */
        EVP_PKEY *pubkey;           /* "pubkey_pem" */
        TPML_DIGEST_VALUES digests; /* pcr_extend's "bank" and "digest_b64" */
        struct quote_doc *quote;    /* verify_quote's "quote" */
        struct pcr_values *pcrs;    /* verify_quote's "pcrs_expected" */
};
void op_parsed_free(struct op_parsed *parsed);

/* The table of operations by their batch (and HTTP) name. An adapter is
 * two steps: `parse` reads its fields from a request object (JSON) into the
 * typed request, checking all it can without a TPM, and `run` runs the
 * operation and adds the result's fields to reply. On failure each returns
 * the exit code with the error recorded (errors.h). `fields` lists what a
 * request may hold besides "id" and "op": anything else is refused before
 * the adapter's parse. */
struct op_entry {
        const char *name;
        int (*parse)(json_object *request, struct op_parsed *parsed);
        int (*run)(struct op_context *ctx, const struct op_parsed *parsed, json_object *reply);
        const char *const *fields; /* NULL-terminated */
};
extern const struct op_entry op_table[]; /* ends with a NULL name */

/* Reads one request object into *parsed without a TPM: finds its "op"
 * (*op), checks its fields and their values. Returns 0 or the exit code,
 * the error recorded; op_parsed_free(parsed) in either case. The request
 * object must outlive *parsed, which points into it. */
int op_parse_json(json_object *request, const struct op_entry **op, struct op_parsed *parsed);

/* Runs one request object: op_parse_json(), then the op. Returns 0 or the
 * exit code, the error recorded. */
int op_run_json(struct op_context *ctx, json_object *request, json_object *reply);
