/* tpmctl policy digest: the authPolicy a policy gives an object. */
#include <stdio.h>
#include <string.h>

#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/errors.h"
#include "../src/hex.h"
#include "../src/pcr.h"
#include "../src/policy.h"
#include "cli.h"

static const char *alg_name = "sha256";

static const struct cli_option options[] = {
    {"alg", 0, OPT_STRING, &alg_name, "HASH", "the objects' name hash: sha256 (default), sha384"},
    {0},
};

/* currentPCRs elements take their values from the TPM, as FAPI does when it
 * creates an object with the policy. */
static int fill_current(const struct settings *s, struct policy *p, struct tpm **tpm)
{
        int r;

        for (unsigned i = 0; i < p->n; i++) {
                struct policy_element *e = &p->e[i];
                if (e->type == POLICY_PCR && !e->values) {
                        if (!*tpm && (r = tpm_open(s, NEED_ESYS | LOCK_SHARED, tpm)))
                                return r;
                        if (!(e->values = calloc(1, sizeof(*e->values))))
                                return error_set(EXIT_TPM, "out of memory");
                        if ((r = pcr_read((*tpm)->esys, &e->pcrs, e->values)))
                                return r;
                }
                for (unsigned b = 0; b < e->n_branches; b++)
                        if ((r = fill_current(s, &e->branches[b], tpm)))
                                return r;
        }
        return 0;
}

const char *const policy_digest_algs[] = {"sha256", "sha384", NULL};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        _cleanup_json_ json_object *json = NULL;
        struct policy policy;
        TPM2B_DIGEST digest;
        TPMI_ALG_HASH alg;
        char hex[2 * sizeof(TPMU_HA) + 1];
        int r;

        (void)argc;
        if (strcmp(alg_name, policy_digest_algs[0]) && strcmp(alg_name, policy_digest_algs[1]))
                return error_set(EXIT_USAGE, "--alg %s: use sha256 or sha384", alg_name);
        bank_parse(alg_name, &alg);
        if ((r = policy_file_read(argv[0], &json, &policy)))
                return r;
        r = fill_current(s, &policy, &tpm);
        if (!r)
                r = policy_digest(&policy, alg, &digest);
        policy_free(&policy);
        if (r)
                return r;
        hex_encode(digest.buffer, digest.size, hex);
        if (s->json) {
                json_object *o = json_object_new_object();
                json_object_object_add(o, "alg", json_object_new_string(alg_name));
                json_object_object_add(o, "digest", json_object_new_string(hex));
                print_json(o);
        } else {
                printf("%s\n", hex);
        }
        return 0;
}

const struct command cmd_policy_digest = {
    .name = "digest",
    .args = "FILE",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "compute a policy's digest (an object's authPolicy) offline",
    .details = "Supported elements: POLICYPCR (pcrs with values, or currentPCRs, which are read\n"
               "from the TPM), POLICYAUTHVALUE, POLICYPASSWORD, POLICYSECRET (by objectName),\n"
               "POLICYCOMMANDCODE, POLICYOR and POLICYAUTHORIZE (by keyName or keyPublic, with\n"
               "an optional policyRef in hex). Anything else, or malformed JSON, exits 3 with\n"
               "the JSON pointer of what is wrong.",
    .options = options,
};
