/* Policies in the TCG FAPI policy language: strict validation of the JSON
 * before FAPI sees it (FAPI 3.2.1 crashes on some malformed files), and the
 * policy digest, computed offline, for the kinds tpmctl builds and runs. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <tss2/tss2_tpm2_types.h>

#include "pcr.h"

#define POLICY_MAX_ELEMENTS 16
#define POLICY_MAX_BRANCHES 8
#define POLICY_MAX_DEPTH    4
#define POLICY_MAX_BYTES    (64u << 10)

enum policy_type {
        POLICY_PCR,
        POLICY_AUTHVALUE,
        POLICY_PASSWORD,
        POLICY_SECRET,
        POLICY_OR,
        POLICY_COMMANDCODE,
        POLICY_AUTHORIZE,
};

struct policy;
struct policy_authorization;

struct policy_element {
        enum policy_type type;
        /* POLICY_PCR: the selection, and the values it was made for; none
         * ("currentPCRs") means the values at the time the object is created. */
        TPML_PCR_SELECTION pcrs;
        struct pcr_values *values;
        /* POLICY_SECRET: the name of the object whose auth is needed, or the
         * keystore path it is to be looked up at. */
        TPM2B_NAME secret_name;
        char secret_path[256];
        /* POLICY_OR */
        struct policy *branches;
        unsigned n_branches;
        /* POLICY_COMMANDCODE */
        TPM2_CC code;
        /* POLICY_AUTHORIZE: the signing key's name and the policyRef (empty:
         * none); authz, when not NULL, the approved policy to run and its
         * signature (an authorization record, see struct
         * policy_authorization), else the engine cannot run it. */
        TPM2B_NAME key_name;
        TPM2B_NONCE ref;
        struct policy_authorization *authz;
};

struct policy {
        struct policy_element e[POLICY_MAX_ELEMENTS];
        unsigned n;
};

/* A signed approval of a policy for POLICYAUTHORIZE: what `tpmctl policy
 * authorize` stores (policy_store.h) and unseal hands to the engine in the
 * element's "tpmctl_authorization" member (its JSON form, see
 * policy_authorization_parse()). */
struct policy_authorization {
        char path[256];       /* the approved policy's keystore path */
        struct policy policy; /* the approved policy: no POLICYAUTHORIZE in it */
        TPMI_ALG_HASH alg;    /* the hash approved is computed with */
        TPM2B_DIGEST approved;
        TPM2B_NONCE ref;
        TPM2B_PUBLIC key_public;  /* the signing key */
        TPM2B_NAME key_name;      /* its name */
        TPMT_SIGNATURE signature; /* over H_keyNameAlg(approved || ref) */
};

/* Reads an authorization record: {"path", "hashAlg", "approvedPolicy",
 * "policyRef", "keyPublic" (marshalled TPM2B_PUBLIC, hex), "signature"
 * (marshalled TPMT_SIGNATURE, hex), "policy" (the approved policy)}; checks
 * that approvedPolicy is the policy's digest. EXIT_BAD_INPUT when
 * malformed. policy_free(&a->policy) afterwards, in either case. */
int policy_authorization_parse(json_object *json, struct policy_authorization *a);

/* H_alg(approved || ref): the digest the key signs and TPM2_VerifySignature
 * checks, alg being the signing key's name hash. */
int policy_authorization_ahash(const TPM2B_DIGEST *approved, const TPM2B_NONCE *ref,
                               TPMI_ALG_HASH alg, TPM2B_DIGEST *out);

/* The first POLICYAUTHORIZE element at the top of p, or NULL. */
const struct policy_element *policy_find_authorize(const struct policy *p);

/* A one-line human form of p: "PCR sha256:16; password; authorized by key
 * 000b1234... (ref "x")". */
void policy_describe(const struct policy *p, char *out, size_t size);

/* Checks a policy (the whole file: {"description", "policy": [...]}, or an
 * object's stored policy with its "policyDigests") against the parts of the
 * policy language tpmctl supports, and fills p. EXIT_BAD_INPUT naming the
 * JSON pointer of the first thing wrong. */
int policy_parse(json_object *json, struct policy *p);

/* Reads, size-checks, strictly parses and validates a policy file, and
 * drops the "policyDigests" it carries (FAPI would take those as given). On
 * failure nothing is left to free. */
int policy_file_read(const char *file, json_object **json, struct policy *p);

void policy_free(struct policy *p);

/* The policy digest for name algorithm alg, as the TPM computes it. Every
 * PCR element needs its values; a POLICYSECRET needs its object's name. */
int policy_digest(const struct policy *p, TPMI_ALG_HASH alg, TPM2B_DIGEST *digest);

/* Extends d by the elements of p, as a policy session running them would. */
int policy_digest_extend(const struct policy *p, TPMI_ALG_HASH alg, TPM2B_DIGEST *d);

/* The digest TPM2_PolicyOR leaves in a session whose digest is one of
 * branches: H(zeros || TPM_CC_PolicyOR || the branches' digests). */
int policy_or_digest(const TPML_DIGEST *branches, TPMI_ALG_HASH alg, TPM2B_DIGEST *d);

/* The digest of a list of PCR values, as TPM2_PolicyPCR takes it. */
int pcr_values_digest(const struct pcr_values *v, TPMI_ALG_HASH alg, TPM2B_DIGEST *digest);

/* Whether running p needs the object's password (POLICYAUTHVALUE or
 * POLICYPASSWORD anywhere, OR branches included). */
bool policy_needs_auth(const struct policy *p);

/* Whether tpmctl's own session engine can run this policy (else FAPI must). */
bool policy_runs_in_engine(const struct policy *p);

/* Whether a PCR element covers more than one PCR: FAPI 3.2.1's executor
 * corrupts its heap on those, so FAPI must never run such a policy. */
bool policy_has_multi_pcr(const struct policy *p);

/* A PCR policy for values (with POLICYAUTHVALUE after it when with_auth),
 * in the FAPI policy language. */
json_object *policy_json_for_pcrs(const struct pcr_values *values, bool with_auth);

/* Whether every digest of p can be computed offline: PCR elements have
 * their values, POLICYSECRETs name their object. */
bool policy_offline(const struct policy *p);

/* Writes into json (which p was parsed from; policy_offline(p)) the digests
 * tpmctl computes, in place of any it carries: "policyDigests" for each
 * hash on the policy, each element and each OR branch. FAPI
 * takes a policy's digest as given rather than computing it (which FAPI
 * 3.2.1 gets wrong for some policies, see policy_store.h), and runs an OR
 * with the branch digests given. */
int policy_annotate(json_object *json, const struct policy *p);

/* policyRef as text when printable, else "hex:..." */
void policy_ref_text(const TPM2B_NONCE *ref, char *out, size_t size);
