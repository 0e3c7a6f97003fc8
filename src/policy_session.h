/* tpmctl's own policy engine: runs the policies it builds in an ESYS policy
 * session, one function per policy element. FAPI 3.2.1's executor corrupts
 * its heap on PCR policies over more than one PCR, leaks the object on
 * failure, and returns unsealed data in clear, so tpmctl does not use it
 * for these. */
#pragma once

#include "context.h"
#include "policy.h"

/* What tpmctl can do with the policy stored in a keystore object (its
 * "policy" member): ENGINE when tpmctl parses it and its digest is the
 * object's authPolicy; FAPI_ONLY when FAPI must run it; REFUSE when FAPI
 * 3.2.1 would crash on it (a PCR element over several PCRs) and tpmctl cannot
 * reproduce it. NONE: the object has no policy. */
enum object_policy_use { POLICY_NONE, POLICY_ENGINE, POLICY_FAPI_ONLY, POLICY_REFUSE };

enum object_policy_use object_policy(json_object *object, const TPMT_PUBLIC *pub, struct policy *p);

/* Compares the PCR values a policy was made for with the TPM's, for command
 * cc: EXIT_POLICY
 * "policy not satisfied: PCR sha256:16 changed since sealing" when a PCR
 * element (or every branch of an OR) no longer holds. Nothing is loaded. */
int policy_check_pcrs(ESYS_CONTEXT *esys, const struct policy *p, TPM2_CC cc);

/* Whether the PolicyCommandCode elements of p (outside ORs) allow command
 * cc: EXIT_POLICY "policy not satisfied: the policy does not allow this
 * command" when not. Needs no TPM. */
int policy_check_command(const struct policy *p, TPM2_CC cc);

/* Runs p in a policy session whose hash is alg, for command cc (an OR runs
 * the first branch whose PCRs hold and whose PolicyCommandCode, if any, is
 * cc). */
int policy_run(ESYS_CONTEXT *esys, ESYS_TR session, const struct policy *p, TPMI_ALG_HASH alg,
               TPM2_CC cc);
