/* PCR policies stored in the keystore for FAPI to compute a new object's
 * authPolicy from; see policy_store.h. */
#include "policy_store.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <tss2/tss2_rc.h>

#include "cleanup.h"
#include "errors.h"
#include "pcr.h"
#include "policy.h"

int pcr_policy_import(struct tpm *tpm, const char *spec, bool with_auth, char *policy_path,
                      size_t size)
{
        _cleanup_json_ json_object *policy = NULL;
        TPML_PCR_SELECTION sel;
        struct pcr_values *values = calloc(1, sizeof(*values));
        unsigned char tag[6];
        TSS2_RC rc;
        int r;

        if (!values)
                return error_set(EXIT_TPM, "out of memory");
        if ((r = pcr_spec_parse(spec, &sel)) || (r = pcr_read(tpm->esys, &sel, values))) {
                free(values);
                return r;
        }
        policy = policy_json_for_pcrs(values, with_auth);
        free(values);
        RAND_bytes(tag, sizeof(tag));
        snprintf(policy_path, size, "/policy/tpmctl-seal-%02x%02x%02x%02x%02x%02x", tag[0], tag[1],
                 tag[2], tag[3], tag[4], tag[5]);
        rc = Fapi_Import(tpm->fapi, policy_path,
                         json_object_to_json_string_ext(policy, JSON_C_TO_STRING_PLAIN));
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "storing the PCR policy");
        return 0;
}
