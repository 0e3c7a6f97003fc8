/* PCR policies stored in the keystore for FAPI to compute a new object's
 * authPolicy from; see policy_store.h. */
#include "policy_store.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_rc.h>

#include "cleanup.h"
#include "errors.h"
#include "hex.h"
#include "jsonfile.h"
#include "path.h"
#include "pcr.h"
#include "policy.h"
#include "pubkey.h"

/* Stores policy at a fresh path /policy/tpmctl-PURPOSE-<12 hex digits>. */
static int import_fresh(struct tpm *tpm, json_object *policy, const char *purpose, char *path,
                        size_t size)
{
        unsigned char tag[6];
        char tag_hex[2 * sizeof(tag) + 1];
        TSS2_RC rc;

        if (RAND_bytes(tag, sizeof(tag)) != 1)
                return error_set(EXIT_TPM, "no random numbers from OpenSSL");
        hex_encode(tag, sizeof(tag), tag_hex);
        snprintf(path, size, "/policy/tpmctl-%s-%s", purpose, tag_hex);
        rc = Fapi_Import(tpm->fapi, path,
                         json_object_to_json_string_ext(policy, JSON_C_TO_STRING_PLAIN));
        if (rc != TSS2_RC_SUCCESS) {
                path[0] = '\0';
                return error_rc(rc, "storing the policy");
        }
        return 0;
}

int pcr_policy_import(struct tpm *tpm, const char *spec, bool with_auth, char *policy_path,
                      size_t size)
{
        _cleanup_json_ json_object *policy = NULL;
        _cleanup_free_ struct pcr_values *values = calloc(1, sizeof(*values));
        TPML_PCR_SELECTION sel;
        int r;

        if (!values)
                return error_set(EXIT_TPM, "out of memory");
        if ((r = pcr_spec_parse(spec, &sel)) || (r = pcr_read(tpm->esys, &sel, values)))
                return r;
        policy = policy_json_for_pcrs(values, with_auth);
        return import_fresh(tpm, policy, "seal", policy_path, size);
}

/* Whether FAPI's digests of the policy (in exported, as Fapi_ExportPolicy
 * computes them) differ from tpmctl's for p. */
static int fapi_digests_differ(json_object *exported, const struct policy *p, bool *differ)
{
        json_object *list = NULL;
        int r;

        *differ = false;
        if (!json_object_object_get_ex(exported, "policyDigests", &list) ||
            !json_object_is_type(list, json_type_array))
                return 0;
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                json_object *entry = json_object_array_get_idx(list, i), *alg_json, *digest_json;
                char hex[2 * sizeof(TPMU_HA) + 1];
                TPMI_ALG_HASH alg;
                TPM2B_DIGEST ours;

                if (!json_object_object_get_ex(entry, "hashAlg", &alg_json) ||
                    !json_object_object_get_ex(entry, "digest", &digest_json) ||
                    bank_parse(json_object_get_string(alg_json), &alg)) {
                        error_clear();
                        continue;
                }
                if ((r = policy_digest(p, alg, &ours)))
                        return r;
                hex_encode(ours.buffer, ours.size, hex);
                if (strcasecmp(hex, json_object_get_string(digest_json)) != 0)
                        *differ = true;
        }
        return 0;
}

int policy_import_for_create(struct tpm *tpm, const char *policy_path, char *out, size_t size)
{
        _cleanup_fapi_free_ char *text = NULL;
        _cleanup_json_ json_object *json = NULL;
        struct policy p = {0};
        char path[256];
        bool differ = false;
        TSS2_RC rc;
        int r;

        out[0] = '\0';
        /* What FAPI makes of the policy: PCR values and object names filled
         * in, and the digests it would give the object. When it cannot (or
         * the path is no policy's), or the policy is beyond tpmctl, FAPI
         * reports on it as before. */
        if (policy_path_normalize(policy_path, path, sizeof(path))) {
                error_clear();
                return 0;
        }
        rc = Fapi_ExportPolicy(tpm->fapi, path, &text);
        if (rc != TSS2_RC_SUCCESS)
                return 0;
        if (json_parse_strict(text, strlen(text), path, &json) || policy_parse(json, &p)) {
                error_clear();
                policy_free(&p);
                return 0;
        }
        if (!policy_offline(&p)) {
                policy_free(&p);
                return 0;
        }
        r = fapi_digests_differ(json, &p, &differ);
        if (!r && differ)
                r = policy_annotate(json, &p);
        policy_free(&p);
        if (r || !differ)
                return r;
        return import_fresh(tpm, json, "create", out, size);
}

int policy_store_import(struct tpm *tpm, const char *path, json_object *json)
{
        TSS2_RC rc;

        rc = Fapi_Import(tpm->fapi, path,
                         json_object_to_json_string_ext(json, JSON_C_TO_STRING_PLAIN));
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "storing the policy at %s", path);
        return 0;
}

int policy_store_export(struct tpm *tpm, const char *path, char **json)
{
        TSS2_RC rc;

        rc = Fapi_ExportPolicy(tpm->fapi, path, json);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "reading the policy %s", path);
        return 0;
}
