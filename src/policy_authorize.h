/* `tpmctl policy authorize`: a signing key approves a policy (e.g. the PCR
 * values after an update) for the objects sealed --authorized-by it. */
#pragma once

#include <stdbool.h>
#include <tss2/tss2_tpm2_types.h>

#include "auth.h"
#include "objects.h"
#include "op.h"

struct policy_authorize_request {
        const char *policy;             /* POLICYPATH */
        const char *key;                /* the signing key */
        const char *ref;                /* policyRef text, or NULL */
        const char *pcrs;               /* SPEC: store a PCR policy for the values now */
        bool force;                     /* with pcrs: replace the policy at POLICYPATH */
        const char *alg;                /* the sealed objects' name hash; NULL: the key's */
        const struct auth_source *auth; /* the key's password */
};
struct policy_authorize_result {
        char policy[256];
        char key[FAPI_PATH_MAX];
        TPMI_ALG_HASH alg;
        TPM2B_DIGEST approved; /* the policy's digest, as signed */
        char file[4096];       /* where the authorization is */
};

/* Stores the policy (pcrs) or reads the stored one, computes its digest
 * with the key's name hash, signs H(digest || ref) with the key (TPM2_Sign)
 * and stores the authorization (policy_store.h). The policy must give its
 * PCR values and hold no POLICYSECRET or POLICYAUTHORIZE. */
int op_policy_authorize(struct op_context *ctx, const struct policy_authorize_request *req,
                        struct policy_authorize_result *res);

json_object *policy_authorize_result_json(const struct policy_authorize_request *req,
                                          const struct policy_authorize_result *res);
