/* tpmctl's own policy engine; see policy_session.h. */
#include "policy_session.h"

#include <stdio.h>
#include <string.h>
#include <tss2/tss2_rc.h>

#include "errors.h"
#include "fapi_object.h"
#include "pcr.h"
#include "pubkey.h"

enum object_policy_use object_policy(json_object *object, const TPMT_PUBLIC *pub, struct policy *p)
{
        json_object *stored;
        TPM2B_DIGEST digest;

        memset(p, 0, sizeof(*p));
        if (pub->authPolicy.size == 0)
                return POLICY_NONE;
        if (!(stored = keystore_object_policy(object)) || policy_parse(stored, p)) {
                error_clear();
                return POLICY_FAPI_ONLY;
        }
        if (policy_runs_in_engine(p) && policy_digest(p, pub->nameAlg, &digest) == 0 &&
            digest.size == pub->authPolicy.size &&
            memcmp(digest.buffer, pub->authPolicy.buffer, digest.size) == 0)
                return POLICY_ENGINE;
        error_clear();
        return policy_has_multi_pcr(p) ? POLICY_REFUSE : POLICY_FAPI_ONLY;
}

/* Appends "sha256:16" for each recorded value that differs from now. */
static int changed_pcrs(ESYS_CONTEXT *esys, const struct policy_element *e, char *out, size_t size,
                        bool *changed)
{
        struct pcr_values now;
        int r;

        *changed = false;
        if ((r = pcr_read(esys, &e->pcrs, &now)))
                return r;
        for (unsigned i = 0; i < e->values->n && i < now.n; i++) {
                const struct pcr_value *then = &e->values->v[i], *cur = &now.v[i];
                if (then->digest.size == cur->digest.size &&
                    memcmp(then->digest.buffer, cur->digest.buffer, cur->digest.size) == 0)
                        continue;
                size_t len = strlen(out);
                snprintf(out + len, size - len, "%s%s:%u", *changed ? ", " : "",
                         bank_name(then->bank), then->index);
                *changed = true;
        }
        return 0;
}

/* Why a policy cannot be satisfied now. */
enum unmet { MET, PCR_CHANGED, COMMAND_NOT_ALLOWED, NO_BRANCH };

/* Whether p can be satisfied now for command cc: every PCR element holds
 * and every PolicyCommandCode names cc; for PCR_CHANGED, the changed PCRs
 * in `pcrs`. */
static int pcrs_hold(ESYS_CONTEXT *esys, const struct policy *p, TPM2_CC cc, char *pcrs,
                     size_t size, enum unmet *why)
{
        int r;

        *why = MET;
        for (unsigned i = 0; i < p->n && *why == MET; i++) {
                const struct policy_element *e = &p->e[i];
                bool changed = false;

                if (e->type == POLICY_PCR) {
                        if ((r = changed_pcrs(esys, e, pcrs, size, &changed)))
                                return r;
                        if (changed)
                                *why = PCR_CHANGED;
                } else if (e->type == POLICY_AUTHORIZE && e->authz) {
                        if ((r = pcrs_hold(esys, &e->authz->policy, cc, pcrs, size, why)))
                                return r;
                } else if (e->type == POLICY_COMMANDCODE && e->code != cc) {
                        *why = COMMAND_NOT_ALLOWED;
                } else if (e->type == POLICY_OR) {
                        enum unmet branch = NO_BRANCH;
                        for (unsigned b = 0; b < e->n_branches && branch != MET; b++) {
                                char ignored[256] = "";
                                if ((r = pcrs_hold(esys, &e->branches[b], cc, ignored,
                                                   sizeof(ignored), &branch)))
                                        return r;
                        }
                        if (branch != MET)
                                *why = NO_BRANCH;
                }
        }
        return 0;
}

int policy_check_pcrs(ESYS_CONTEXT *esys, const struct policy *p, TPM2_CC cc)
{
        char pcrs[512] = "";
        enum unmet why;
        int r;

        if ((r = pcrs_hold(esys, p, cc, pcrs, sizeof(pcrs), &why)))
                return r;
        switch (why) {
        case MET:
                return 0;
        case PCR_CHANGED:
                return error_set(EXIT_POLICY, "policy not satisfied: PCR %s changed since sealing",
                                 pcrs);
        case COMMAND_NOT_ALLOWED:
                return error_set(EXIT_POLICY,
                                 "policy not satisfied: the policy does not allow this command");
        case NO_BRANCH:
                break;
        }
        return error_set(EXIT_POLICY, "policy not satisfied: no branch of the OR matches the PCRs "
                                      "now (or allows this command)");
}

int policy_check_command(const struct policy *p, TPM2_CC cc)
{
        for (unsigned i = 0; i < p->n; i++)
                if (p->e[i].type == POLICY_COMMANDCODE && p->e[i].code != cc)
                        return error_set(EXIT_POLICY, "policy not satisfied: the policy does not "
                                                      "allow this command");
        return 0;
}

static int run_pcr(ESYS_CONTEXT *esys, ESYS_TR session, const struct policy_element *e,
                   TPMI_ALG_HASH alg)
{
        TPM2B_DIGEST digest;
        TSS2_RC rc;
        int r;

        if ((r = pcr_values_digest(e->values, alg, &digest)))
                return r;
        rc = Esys_PolicyPCR(esys, session, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &digest,
                            &e->pcrs);
        if (rc != TSS2_RC_SUCCESS)
                return error_set(EXIT_POLICY, "policy not satisfied: the PCR values changed (%s)",
                                 rc_text(rc));
        return 0;
}

static int run_list(ESYS_CONTEXT *esys, ESYS_TR session, const struct policy *p, TPMI_ALG_HASH alg,
                    TPM2_CC cc, TPM2B_DIGEST *running);

/* PolicyOR: the branch whose PCRs hold now runs; the TPM then checks that
 * the session's digest is one of the branches' digests. */
static int run_or(ESYS_CONTEXT *esys, ESYS_TR session, const struct policy_element *e,
                  TPMI_ALG_HASH alg, TPM2_CC cc, TPM2B_DIGEST *running)
{
        TPML_DIGEST branches = {.count = e->n_branches};
        int chosen = -1, r;
        TSS2_RC rc;

        for (unsigned b = 0; b < e->n_branches; b++) {
                char pcrs[256] = "";
                enum unmet why;

                branches.digests[b] = *running;
                if ((r = policy_digest_extend(&e->branches[b], alg, &branches.digests[b])))
                        return r;
                if (chosen >= 0)
                        continue;
                if ((r = pcrs_hold(esys, &e->branches[b], cc, pcrs, sizeof(pcrs), &why)))
                        return r;
                if (why == MET)
                        chosen = (int)b;
        }
        if (chosen < 0)
                return error_set(EXIT_POLICY, "policy not satisfied: no branch of the OR matches "
                                              "the PCRs now");
        if ((r = run_list(esys, session, &e->branches[chosen], alg, cc, running)))
                return r;
        rc = Esys_PolicyOR(esys, session, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &branches);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "running the policy's OR");
        /* What the TPM's digest is now, for the branch digests of an OR
         * further on. */
        return policy_or_digest(&branches, alg, running);
}

/* The signature over the approved policy, checked by the TPM: a ticket
 * for TPM2_PolicyAuthorize. The key is loaded public only, in the owner
 * hierarchy (a NULL hierarchy's ticket would not do), and flushed. */
static int verify_approval(ESYS_CONTEXT *esys, const struct policy_authorization *a,
                           TPMT_TK_VERIFIED **ticket)
{
        TPM2B_DIGEST ahash;
        ESYS_TR key = ESYS_TR_NONE;
        TSS2_RC rc;
        int r;

        if ((r = policy_authorization_ahash(&a->approved, &a->ref, a->key_public.publicArea.nameAlg,
                                            &ahash)))
                return r;
        rc = Esys_LoadExternal(esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, NULL, &a->key_public,
                               ESYS_TR_RH_OWNER, &key);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "loading the key that signed %s", a->path);
        rc = Esys_VerifySignature(esys, key, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &ahash,
                                  &a->signature, ticket);
        Esys_FlushContext(esys, key);
        if (rc != TSS2_RC_SUCCESS)
                return error_set(EXIT_POLICY,
                                 "policy not satisfied: the signature authorizing %s is not "
                                 "valid (%s)",
                                 a->path, rc_text(rc));
        return 0;
}

/* PolicyAuthorize: the approved policy runs, then the TPM checks the
 * signature over it and replaces the session's digest with the key's. */
static int run_authorize(ESYS_CONTEXT *esys, ESYS_TR session, const struct policy_element *e,
                         TPMI_ALG_HASH alg, TPM2_CC cc, TPM2B_DIGEST *running)
{
        const struct policy_authorization *a = e->authz;
        TPMT_TK_VERIFIED *ticket = NULL;
        struct policy one = {.n = 1};
        TSS2_RC rc;
        int r;

        if (!a)
                return error_set(EXIT_POLICY, "policy not satisfied: no authorized policy given");
        if (a->alg != alg || a->key_name.size != e->key_name.size ||
            memcmp(a->key_name.name, e->key_name.name, a->key_name.size) != 0 ||
            a->ref.size != e->ref.size || memcmp(a->ref.buffer, e->ref.buffer, a->ref.size) != 0)
                return error_set(EXIT_POLICY,
                                 "policy not satisfied: %s is authorized by another key, "
                                 "policyRef or hash",
                                 a->path);
        if ((r = run_list(esys, session, &a->policy, alg, cc, running)))
                return r;
        if ((r = verify_approval(esys, a, &ticket)))
                return r;
        rc = Esys_PolicyAuthorize(esys, session, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                  &a->approved, &e->ref, &e->key_name, ticket);
        Esys_Free(ticket);
        if (rc != TSS2_RC_SUCCESS)
                return error_set(EXIT_POLICY,
                                 "policy not satisfied: TPM2_PolicyAuthorize refused %s (%s)",
                                 a->path, rc_text(rc));
        one.e[0] = *e;
        return policy_digest_extend(&one, alg, running);
}

static int run_element(ESYS_CONTEXT *esys, ESYS_TR session, const struct policy_element *e,
                       TPMI_ALG_HASH alg, TPM2_CC cc, TPM2B_DIGEST *running)
{
        struct policy one = {.n = 1};
        TSS2_RC rc = TSS2_RC_SUCCESS;
        int r;

        switch (e->type) {
        case POLICY_PCR:
                r = run_pcr(esys, session, e, alg);
                break;
        case POLICY_AUTHVALUE:
                rc = Esys_PolicyAuthValue(esys, session, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE);
                r = 0;
                break;
        case POLICY_PASSWORD:
                rc = Esys_PolicyPassword(esys, session, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE);
                r = 0;
                break;
        case POLICY_COMMANDCODE:
                rc = Esys_PolicyCommandCode(esys, session, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                            e->code);
                r = 0;
                break;
        case POLICY_OR:
                return run_or(esys, session, e, alg, cc, running);
        case POLICY_AUTHORIZE:
                return run_authorize(esys, session, e, alg, cc, running);
        default:
                return error_set(EXIT_BAD_INPUT, "tpmctl cannot run this policy element");
        }
        if (r)
                return r;
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "running the policy");
        one.e[0] = *e;
        return policy_digest_extend(&one, alg, running);
}

static int run_list(ESYS_CONTEXT *esys, ESYS_TR session, const struct policy *p, TPMI_ALG_HASH alg,
                    TPM2_CC cc, TPM2B_DIGEST *running)
{
        int r;

        for (unsigned i = 0; i < p->n; i++)
                if ((r = run_element(esys, session, &p->e[i], alg, cc, running)))
                        return r;
        return 0;
}

int policy_run(ESYS_CONTEXT *esys, ESYS_TR session, const struct policy *p, TPMI_ALG_HASH alg,
               TPM2_CC cc)
{
        TPM2B_DIGEST running = {.size = (UINT16)tpm_hash_size(alg)};

        return run_list(esys, session, p, alg, cc, &running);
}
