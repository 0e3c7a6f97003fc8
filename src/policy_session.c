/* tpmctl's own policy engine; see policy_session.h. */
#include "policy_session.h"

#include <stdio.h>
#include <string.h>
#include <tss2/tss2_rc.h>

#include "errors.h"
#include "pcr.h"
#include "pubkey.h"

enum object_policy_use object_policy(json_object *object, const TPMT_PUBLIC *pub, struct policy *p)
{
        json_object *stored;
        TPM2B_DIGEST digest;

        memset(p, 0, sizeof(*p));
        if (pub->authPolicy.size == 0)
                return POLICY_NONE;
        if (!json_object_object_get_ex(object, "policy", &stored) || policy_parse(stored, p)) {
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

/* Whether p can be satisfied now for command cc: every PCR element holds
 * and every PolicyCommandCode names cc; the first changed PCRs in `why`. */
static int pcrs_hold(ESYS_CONTEXT *esys, const struct policy *p, TPM2_CC cc, char *why, size_t size,
                     bool *hold)
{
        int r;

        *hold = true;
        for (unsigned i = 0; i < p->n && *hold; i++) {
                const struct policy_element *e = &p->e[i];
                bool changed = false, any = false;

                if (e->type == POLICY_PCR) {
                        if ((r = changed_pcrs(esys, e, why, size, &changed)))
                                return r;
                        *hold = !changed;
                } else if (e->type == POLICY_COMMANDCODE && e->code != cc) {
                        snprintf(why, size, "the policy does not allow this command");
                        *hold = false;
                } else if (e->type == POLICY_OR) {
                        for (unsigned b = 0; b < e->n_branches && !any; b++) {
                                bool branch_holds;
                                char ignored[256] = "";
                                if ((r = pcrs_hold(esys, &e->branches[b], cc, ignored,
                                                   sizeof(ignored), &branch_holds)))
                                        return r;
                                any = branch_holds;
                        }
                        if (!any) {
                                snprintf(why, size,
                                         "no branch of the OR matches the PCRs now (or allows "
                                         "this command)");
                                *hold = false;
                        }
                }
        }
        return 0;
}

int policy_check_pcrs(ESYS_CONTEXT *esys, const struct policy *p, TPM2_CC cc)
{
        char why[512] = "";
        bool hold, pcr;
        int r;

        if ((r = pcrs_hold(esys, p, cc, why, sizeof(why), &hold)))
                return r;
        pcr = !strstr(why, "branch") && !strstr(why, "command");
        if (!hold)
                return error_set(EXIT_POLICY, "policy not satisfied: %s%s%s", pcr ? "PCR " : "",
                                 why, pcr ? " changed since sealing" : "");
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
                char why[256] = "";
                bool hold;

                branches.digests[b] = *running;
                if ((r = policy_digest_extend(&e->branches[b], alg, &branches.digests[b])))
                        return r;
                if (chosen >= 0)
                        continue;
                if ((r = pcrs_hold(esys, &e->branches[b], cc, why, sizeof(why), &hold)))
                        return r;
                if (hold)
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
        memset(running->buffer, 0, running->size);
        return 0;
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
