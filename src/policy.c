/* Policies in the TCG FAPI policy language; see policy.h. */
#include "policy.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_mu.h>

#include "cleanup.h"
#include "esys_resource.h"
#include "errors.h"
#include "fapi_object.h"
#include "fileio.h"
#include "hex.h"
#include "jsonfile.h"
#include "names.h"
#include "pubkey.h"

static const struct {
        const char *name;
        enum policy_type type;
} known_types[] = {
    {"POLICYPCR", POLICY_PCR},
    {"POLICYAUTHVALUE", POLICY_AUTHVALUE},
    {"POLICYPASSWORD", POLICY_PASSWORD},
    {"POLICYSECRET", POLICY_SECRET},
    {"POLICYOR", POLICY_OR},
    {"POLICYCOMMANDCODE", POLICY_COMMANDCODE},
    {"POLICYAUTHORIZE", POLICY_AUTHORIZE},
};

/* Types the FAPI policy language has that tpmctl does not handle yet. */
static const char *const other_types[] = {
    "POLICYSIGNED",
    "POLICYLOCALITY",
    "POLICYNV",
    "POLICYCOUNTERTIMER",
    "POLICYCPHASH",
    "POLICYNAMEHASH",
    "POLICYPHYSICALPRESENCE",
    "POLICYDUPLICATIONSELECT",
    "POLICYNVWRITTEN",
    "POLICYTEMPLATE",
    "POLICYAUTHORIZENV",
    "POLICYACTION",
};

static int bad(const char *pointer, const char *what)
{
        return error_set(EXIT_BAD_INPUT, "policy %s: %s", *pointer ? pointer : "/", what);
}

/* out := base + the formatted suffix: the JSON pointer of a member. Depth
 * and element counts are bounded, so 256 bytes always hold it. */
static void __attribute__((format(printf, 3, 4)))
pointer_to(char out[256], const char *base, const char *fmt, ...)
{
        char suffix[64];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(suffix, sizeof(suffix), fmt, ap);
        va_end(ap);
        snprintf(out, 256, "%.190s%s", base, suffix);
}

static json_object *field(json_object *obj, const char *key)
{
        json_object *v = NULL;
        return json_object_object_get_ex(obj, key, &v) ? v : NULL;
}

/* A PCR index: an integer from 0 to 23, nothing else. */
static int pcr_index(json_object *v, const char *pointer, unsigned *index)
{
        int64_t n;

        if (!v || !json_object_is_type(v, json_type_int))
                return bad(pointer, "a PCR index must be a number from 0 to 23");
        n = json_object_get_int64(v);
        if (n < 0 || n >= PCR_COUNT) {
                char what[96];
                snprintf(what, sizeof(what), "%lld is not a PCR index (0 to 23)", (long long)n);
                return bad(pointer, what);
        }
        *index = (unsigned)n;
        return 0;
}

static int parse_pcr_value(json_object *item, const char *pointer, struct policy_element *e)
{
        char ptr[256], what[160];
        json_object *hash = field(item, "hashAlg"), *digest = field(item, "digest");
        TPMI_ALG_HASH bank;
        struct pcr_value *v;
        size_t len, want;
        int r;

        if (!json_object_is_type(item, json_type_object))
                return bad(pointer, "each PCR value must be an object with pcr, hashAlg, digest");
        pointer_to(ptr, pointer, "/pcr");
        if ((r = pcr_index(field(item, "pcr"), ptr, &(unsigned){0})))
                return r;
        pointer_to(ptr, pointer, "/hashAlg");
        if (!hash || !json_object_is_type(hash, json_type_string) ||
            bank_parse(json_object_get_string(hash), &bank))
                return bad(ptr, "hashAlg must name a PCR bank (TPM2_ALG_SHA1, _SHA256, "
                                "_SHA384, _SHA512)");
        if (e->values->n == PCR_MAX_VALUES)
                return bad(pointer, "too many PCR values");
        v = &e->values->v[e->values->n];
        v->bank = bank;
        v->index = (unsigned)json_object_get_int64(field(item, "pcr"));
        want = tpm_hash_size(bank);
        pointer_to(ptr, pointer, "/digest");
        if (!digest || !json_object_is_type(digest, json_type_string) ||
            !hex_decode(json_object_get_string(digest), v->digest.buffer, sizeof(v->digest.buffer),
                        &len) ||
            len != want) {
                snprintf(what, sizeof(what), "digest must be %zu bytes of hex for %s", want,
                         bank_name(bank));
                return bad(ptr, what);
        }
        v->digest.size = (UINT16)len;
        e->values->n++;
        return pcr_select(&e->pcrs, bank, v->index) ? bad(pointer, error_message()) : 0;
}

/* Keeps the values in selection order (bank by bank, index ascending), the
 * order TPM2_PolicyPCR hashes them in. */
static void order_values(struct policy_element *e)
{
        struct pcr_values sorted = {0};

        PCR_FOREACH(&e->pcrs, b, i)
        {
                for (unsigned k = 0; k < e->values->n; k++) {
                        struct pcr_value *v = &e->values->v[k];
                        if (v->bank == e->pcrs.pcrSelections[b].hash && v->index == i) {
                                sorted.v[sorted.n++] = *v;
                                break;
                        }
                }
        }
        *e->values = sorted;
}

static int parse_pcr(json_object *el, const char *pointer, struct policy_element *e)
{
        json_object *pcrs = field(el, "pcrs"), *current = field(el, "currentPCRs");
        char ptr[256];
        int r;

        if (!!pcrs == !!current)
                return bad(pointer, "a POLICYPCR needs either \"pcrs\" or \"currentPCRs\"");
        if (current) {
                size_t n;
                if (!json_object_is_type(current, json_type_array) ||
                    (n = json_object_array_length(current)) == 0 || n > PCR_COUNT)
                        return bad(pointer, "currentPCRs must be a list of 1 to 24 PCR indices");
                for (size_t i = 0; i < n; i++) {
                        unsigned index;
                        pointer_to(ptr, pointer, "/currentPCRs/%zu", i);
                        if ((r = pcr_index(json_object_array_get_idx(current, i), ptr, &index)))
                                return r;
                        pcr_select(&e->pcrs, TPM2_ALG_SHA256, index);
                }
                return 0;
        }
        if (!json_object_is_type(pcrs, json_type_array) || json_object_array_length(pcrs) == 0 ||
            json_object_array_length(pcrs) > PCR_MAX_VALUES)
                return bad(pointer, "pcrs must be a list of 1 to 128 PCR values");
        if (!(e->values = calloc(1, sizeof(*e->values))))
                return error_set(EXIT_TPM, "out of memory");
        for (size_t i = 0; i < json_object_array_length(pcrs); i++) {
                pointer_to(ptr, pointer, "/pcrs/%zu", i);
                if ((r = parse_pcr_value(json_object_array_get_idx(pcrs, i), ptr, e)))
                        return r;
        }
        if (e->values->n != json_object_array_length(pcrs))
                return bad(pointer, "a PCR appears twice");
        order_values(e);
        if (e->values->n != json_object_array_length(pcrs))
                return bad(pointer, "a PCR appears twice");
        return 0;
}

static int parse_list(json_object *list, const char *pointer, unsigned depth, struct policy *p);
static void each_node(json_object *json, void (*f)(json_object *));
static void drop_digests(json_object *node);

static int parse_or(json_object *el, const char *pointer, unsigned depth, struct policy_element *e)
{
        json_object *branches = field(el, "branches");
        char ptr[256];
        size_t n;
        int r;

        if (!branches || !json_object_is_type(branches, json_type_array) ||
            (n = json_object_array_length(branches)) < 2 || n > POLICY_MAX_BRANCHES)
                return bad(pointer, "a POLICYOR needs \"branches\": a list of 2 to 8 branches");
        if (!(e->branches = calloc(n, sizeof(*e->branches))))
                return error_set(EXIT_TPM, "out of memory");
        e->n_branches = (unsigned)n;
        for (size_t i = 0; i < n; i++) {
                json_object *branch = json_object_array_get_idx(branches, i), *name, *policy;
                pointer_to(ptr, pointer, "/branches/%zu", i);
                if (!json_object_is_type(branch, json_type_object))
                        return bad(ptr, "a branch must be an object with name and policy");
                name = field(branch, "name");
                if (!name || !json_object_is_type(name, json_type_string) ||
                    !field(branch, "description") ||
                    !json_object_is_type(field(branch, "description"), json_type_string))
                        return bad(ptr, "a branch needs \"name\" and \"description\" strings");
                policy = field(branch, "policy");
                pointer_to(ptr, pointer, "/branches/%zu/policy", i);
                if ((r = parse_list(policy, ptr, depth + 1, &e->branches[i])))
                        return r;
        }
        return 0;
}

static int parse_secret(json_object *el, const char *pointer, struct policy_element *e)
{
        json_object *name = field(el, "objectName"), *path = field(el, "objectPath");
        size_t len;

        if (!!name == !!path)
                return bad(pointer, "a POLICYSECRET needs either objectName or objectPath");
        if (path) {
                if (!json_object_is_type(path, json_type_string) ||
                    json_object_get_string_len(path) == 0 ||
                    (size_t)json_object_get_string_len(path) >= sizeof(e->secret_path))
                        return bad(pointer, "objectPath must be a keystore path");
                snprintf(e->secret_path, sizeof(e->secret_path), "%s",
                         json_object_get_string(path));
                return 0;
        }
        if (!json_object_is_type(name, json_type_string) ||
            !hex_decode(json_object_get_string(name), e->secret_name.name,
                        sizeof(e->secret_name.name), &len) ||
            len < 4)
                return bad(pointer, "objectName must be the object's name in hex");
        e->secret_name.size = (UINT16)len;
        return 0;
}

static int parse_command_code(json_object *el, const char *pointer, struct policy_element *e)
{
        static const struct {
                const char *name;
                TPM2_CC cc;
        } codes[] = {{"TPM2_CC_Unseal", TPM2_CC_Unseal},
                     {"TPM2_CC_Sign", TPM2_CC_Sign},
                     {"TPM2_CC_RSA_Decrypt", TPM2_CC_RSA_Decrypt},
                     {"TPM2_CC_Certify", TPM2_CC_Certify},
                     {"TPM2_CC_Quote", TPM2_CC_Quote},
                     {"TPM2_CC_ObjectChangeAuth", TPM2_CC_ObjectChangeAuth},
                     {"TPM2_CC_Duplicate", TPM2_CC_Duplicate}};
        json_object *code = field(el, "code");

        /* FAPI writes "Unseal" where a person writes "TPM2_CC_Unseal". */
        if (code && json_object_is_type(code, json_type_string))
                for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
                        if (strcmp(json_object_get_string(code), codes[i].name) == 0 ||
                            strcmp(json_object_get_string(code), codes[i].name + 8) == 0) {
                                e->code = codes[i].cc;
                                return 0;
                        }
        return bad(pointer, "code must name a command, e.g. \"TPM2_CC_Unseal\"");
}

/* POLICYAUTHORIZE: the key by "keyName" (hex) or "keyPublic" (FAPI's
 * TPMT_PUBLIC, as FAPI stores it with an object), "policyRef" (hex; none:
 * empty). FAPI's other members (approvedPolicy, rsaScheme...) do not change
 * the digest. An authorization record in "tpmctl_authorization" (unseal puts
 * it there, in memory) is what the engine runs. */
static int parse_authorize(json_object *el, const char *pointer, unsigned depth,
                           struct policy_element *e)
{
        json_object *name = field(el, "keyName"), *pub = field(el, "keyPublic");
        json_object *ref = field(el, "policyRef"), *authz = field(el, "tpmctl_authorization");
        char ptr[256];
        size_t len;
        int r;

        if (name && json_object_is_type(name, json_type_string) &&
            json_object_get_string_len(name) > 0) {
                pointer_to(ptr, pointer, "/keyName");
                if (!hex_decode(json_object_get_string(name), e->key_name.name,
                                sizeof(e->key_name.name), &len) ||
                    len < 4)
                        return bad(ptr, "keyName must be the signing key's name in hex");
                e->key_name.size = (UINT16)len;
        } else if (pub && json_object_is_type(pub, json_type_object)) {
                json_object *wrapped = json_object_new_object();
                TPM2B_PUBLIC key;
                json_object_object_add(wrapped, "publicArea", json_object_get(pub));
                r = fapi_object_public(wrapped, &key);
                json_object_put(wrapped);
                pointer_to(ptr, pointer, "/keyPublic");
                if (r || public_name(&key, &e->key_name)) {
                        error_clear();
                        return bad(ptr, "keyPublic is not a public key FAPI can read");
                }
        } else {
                return bad(pointer, "a POLICYAUTHORIZE needs the signing key: keyName (hex) or "
                                    "keyPublic (tpmctl cannot look up a keyPath or keyPEM)");
        }
        if (ref) {
                pointer_to(ptr, pointer, "/policyRef");
                if (!json_object_is_type(ref, json_type_string) ||
                    !hex_decode(json_object_get_string(ref), e->ref.buffer, sizeof(e->ref.buffer),
                                &len))
                        return bad(ptr, "policyRef must be hex, at most 64 bytes");
                e->ref.size = (UINT16)len;
        }
        if (!authz)
                return 0;
        if (depth > 0)
                return bad(pointer, "an authorization is only taken at the top of a policy");
        if (!(e->authz = calloc(1, sizeof(*e->authz))))
                return error_set(EXIT_TPM, "out of memory");
        return policy_authorization_parse(authz, e->authz);
}

static int parse_element(json_object *el, const char *pointer, unsigned depth,
                         struct policy_element *e)
{
        json_object *type = field(el, "type");
        const char *name;
        char what[160];

        if (!json_object_is_type(el, json_type_object))
                return bad(pointer, "each policy element must be an object");
        if (!type || !json_object_is_type(type, json_type_string))
                return bad(pointer, "each policy element needs a \"type\" string");
        name = json_object_get_string(type);
        for (size_t i = 0; i < sizeof(known_types) / sizeof(known_types[0]); i++) {
                if (strcmp(name, known_types[i].name) != 0)
                        continue;
                e->type = known_types[i].type;
                switch (e->type) {
                case POLICY_PCR:
                        return parse_pcr(el, pointer, e);
                case POLICY_SECRET:
                        return parse_secret(el, pointer, e);
                case POLICY_OR:
                        return parse_or(el, pointer, depth, e);
                case POLICY_COMMANDCODE:
                        return parse_command_code(el, pointer, e);
                case POLICY_AUTHORIZE:
                        return parse_authorize(el, pointer, depth, e);
                default:
                        return 0;
                }
        }
        for (size_t i = 0; i < sizeof(other_types) / sizeof(other_types[0]); i++)
                if (strcmp(name, other_types[i]) == 0) {
                        snprintf(what, sizeof(what), "%s is not supported by tpmctl yet", name);
                        return bad(pointer, what);
                }
        snprintf(what, sizeof(what), "unknown policy element type \"%.60s\"", name);
        return bad(pointer, what);
}

static int parse_list(json_object *list, const char *pointer, unsigned depth, struct policy *p)
{
        char ptr[256];
        size_t n;
        int r;

        if (depth > POLICY_MAX_DEPTH)
                return bad(pointer, "policies nest at most 4 deep");
        if (!list || !json_object_is_type(list, json_type_array))
                return bad(pointer, "\"policy\" must be a list of policy elements");
        n = json_object_array_length(list);
        if (n == 0 || n > POLICY_MAX_ELEMENTS)
                return bad(pointer, "a policy has 1 to 16 elements");
        for (size_t i = 0; i < n; i++) {
                pointer_to(ptr, pointer, "/%zu", i);
                p->n++; /* counted first: policy_free() frees a half-parsed element */
                if ((r = parse_element(json_object_array_get_idx(list, i), ptr, depth, &p->e[i])))
                        return r;
        }
        return 0;
}

int policy_parse(json_object *json, struct policy *p)
{
        json_object *description;
        int r;

        memset(p, 0, sizeof(*p));
        if (!json_object_is_type(json, json_type_object))
                return bad("",
                           "a policy file is a JSON object with \"description\" and \"policy\"");
        if ((r = parse_list(field(json, "policy"), "/policy", 0, p)))
                return r;
        /* FAPI refuses a policy without one. */
        description = field(json, "description");
        if (!description || !json_object_is_type(description, json_type_string))
                return bad("/description", "a policy needs a \"description\" string");
        return 0;
}

int policy_file_read(const char *file, json_object **json, struct policy *p)
{
        _cleanup_free_ unsigned char *text = NULL;
        size_t len;
        int r;

        memset(p, 0, sizeof(*p)); /* policy_free() is safe on every path */
        *json = NULL;
        if ((r = file_read(file, POLICY_MAX_BYTES, &text, &len)) ||
            (r = json_parse_strict((const char *)text, len, file, json)))
                return r;
        if ((r = policy_parse(*json, p))) {
                char message[1024];
                policy_free(p);
                snprintf(message, sizeof(message), "%s", error_message());
                json_object_put(*json);
                *json = NULL;
                return error_set(r, "%s: %s", file, message);
        }
        /* FAPI would take these as the policy's digest without computing
         * it; tpmctl computes its own (an exported policy carries FAPI's). */
        each_node(*json, drop_digests);
        return 0;
}

void policy_free(struct policy *p)
{
        for (unsigned i = 0; i < p->n; i++) {
                free(p->e[i].values);
                for (unsigned b = 0; b < p->e[i].n_branches; b++)
                        policy_free(&p->e[i].branches[b]);
                free(p->e[i].branches);
                if (p->e[i].authz) {
                        policy_free(&p->e[i].authz->policy);
                        free(p->e[i].authz);
                }
        }
        memset(p, 0, sizeof(*p));
}

int policy_digest_extend(const struct policy *p, TPMI_ALG_HASH alg, TPM2B_DIGEST *d);

/* digest := H(digest || parts...) */
static int extend(TPMI_ALG_HASH alg, TPM2B_DIGEST *digest, const void *a, size_t a_len,
                  const void *b, size_t b_len, const void *c, size_t c_len)
{
        const EVP_MD *md = tpm_hash_md(alg);
        unsigned int n = 0;
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        int ok = ctx && md && EVP_DigestInit_ex(ctx, md, NULL) &&
                 EVP_DigestUpdate(ctx, digest->buffer, digest->size) &&
                 EVP_DigestUpdate(ctx, a, a_len) && EVP_DigestUpdate(ctx, b, b_len) &&
                 EVP_DigestUpdate(ctx, c, c_len) && EVP_DigestFinal_ex(ctx, digest->buffer, &n);

        EVP_MD_CTX_free(ctx);
        if (!ok)
                return error_set(EXIT_TPM, "hashing the policy failed");
        digest->size = (UINT16)n;
        return 0;
}

static void cc_bytes(TPM2_CC cc, uint8_t out[4])
{
        out[0] = (uint8_t)(cc >> 24);
        out[1] = (uint8_t)(cc >> 16);
        out[2] = (uint8_t)(cc >> 8);
        out[3] = (uint8_t)cc;
}

int pcr_values_digest(const struct pcr_values *v, TPMI_ALG_HASH alg, TPM2B_DIGEST *digest)
{
        const EVP_MD *md = tpm_hash_md(alg);
        unsigned int n = 0;
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        int ok = ctx && md && EVP_DigestInit_ex(ctx, md, NULL);

        for (unsigned i = 0; ok && i < v->n; i++)
                ok = EVP_DigestUpdate(ctx, v->v[i].digest.buffer, v->v[i].digest.size);
        ok = ok && EVP_DigestFinal_ex(ctx, digest->buffer, &n);
        EVP_MD_CTX_free(ctx);
        if (!ok)
                return error_set(EXIT_TPM, "hashing PCR values failed");
        digest->size = (UINT16)n;
        return 0;
}

int policy_or_digest(const TPML_DIGEST *branches, TPMI_ALG_HASH alg, TPM2B_DIGEST *d)
{
        uint8_t cc[4], all[POLICY_MAX_BRANCHES * sizeof(TPMU_HA)];
        size_t all_len = 0, size = tpm_hash_size(alg);

        if (!size || branches->count > POLICY_MAX_BRANCHES)
                return error_set(EXIT_BAD_INPUT, "the policy's OR is malformed");
        for (unsigned b = 0; b < branches->count; b++) {
                if (branches->digests[b].size != size)
                        return error_set(EXIT_BAD_INPUT, "the policy's OR is malformed");
                memcpy(all + all_len, branches->digests[b].buffer, size);
                all_len += size;
        }
        /* The TPM checks the session's digest is one of the branches', then
         * starts again from zeros: the OR is the first thing it records. */
        memset(d, 0, sizeof(*d));
        d->size = (UINT16)size;
        cc_bytes(TPM2_CC_PolicyOR, cc);
        return extend(alg, d, cc, 4, all, all_len, NULL, 0);
}

static int element_digest(const struct policy_element *e, TPMI_ALG_HASH alg, TPM2B_DIGEST *d)
{
        /* the OR's branches go on from d */
        uint8_t cc[4], sel[sizeof(TPML_PCR_SELECTION)];
        TPM2B_DIGEST pcr_digest;
        size_t sel_len = 0;
        int r;

        switch (e->type) {
        case POLICY_PCR:
                if (!e->values)
                        return error_set(EXIT_BAD_INPUT,
                                         "the policy's PCR values are taken when an object is "
                                         "created (currentPCRs): its digest needs the TPM");
                if ((r = pcr_values_digest(e->values, alg, &pcr_digest)))
                        return r;
                if (Tss2_MU_TPML_PCR_SELECTION_Marshal(&e->pcrs, sel, sizeof(sel), &sel_len))
                        return error_set(EXIT_BAD_INPUT, "the PCR selection is malformed");
                cc_bytes(TPM2_CC_PolicyPCR, cc);
                return extend(alg, d, cc, 4, sel, sel_len, pcr_digest.buffer, pcr_digest.size);
        case POLICY_AUTHVALUE:
        case POLICY_PASSWORD: /* TPM2_PolicyPassword records PolicyAuthValue's code */
                cc_bytes(TPM2_CC_PolicyAuthValue, cc);
                return extend(alg, d, cc, 4, NULL, 0, NULL, 0);
        case POLICY_SECRET:
                if (!e->secret_name.size)
                        return error_set(EXIT_BAD_INPUT,
                                         "the POLICYSECRET names its object by "
                                         "path (%s): its digest needs the keystore",
                                         e->secret_path);
                cc_bytes(TPM2_CC_PolicySecret, cc);
                if ((r = extend(alg, d, cc, 4, e->secret_name.name, e->secret_name.size, NULL, 0)))
                        return r;
                return extend(alg, d, NULL, 0, NULL, 0, NULL, 0); /* empty policyRef */
        case POLICY_COMMANDCODE: {
                uint8_t code[4];
                cc_bytes(TPM2_CC_PolicyCommandCode, cc);
                cc_bytes(e->code, code);
                return extend(alg, d, cc, 4, code, 4, NULL, 0);
        }
        case POLICY_AUTHORIZE:
                /* TPM2_PolicyAuthorize starts again from zeros, then
                 * records the key's name and the policyRef. */
                memset(d->buffer, 0, sizeof(d->buffer));
                d->size = (UINT16)tpm_hash_size(alg);
                cc_bytes(TPM2_CC_PolicyAuthorize, cc);
                if ((r = extend(alg, d, cc, 4, e->key_name.name, e->key_name.size, NULL, 0)))
                        return r;
                return extend(alg, d, e->ref.buffer, e->ref.size, NULL, 0, NULL, 0);
        case POLICY_OR: {
                TPML_DIGEST branches = {.count = e->n_branches};
                for (unsigned b = 0; b < e->n_branches; b++) {
                        branches.digests[b] = *d; /* each branch goes on from what came before */
                        if ((r = policy_digest_extend(&e->branches[b], alg, &branches.digests[b])))
                                return r;
                }
                return policy_or_digest(&branches, alg, d);
        }
        }
        return error_set(EXIT_BAD_INPUT, "unknown policy element");
}

int policy_digest_extend(const struct policy *p, TPMI_ALG_HASH alg, TPM2B_DIGEST *d)
{
        int r;

        for (unsigned i = 0; i < p->n; i++)
                if ((r = element_digest(&p->e[i], alg, d)))
                        return r;
        return 0;
}

int policy_digest(const struct policy *p, TPMI_ALG_HASH alg, TPM2B_DIGEST *digest)
{
        size_t size = tpm_hash_size(alg);

        if (!size)
                return error_set(EXIT_BAD_INPUT, "unknown hash algorithm for the policy");
        memset(digest, 0, sizeof(*digest));
        digest->size = (UINT16)size;
        return policy_digest_extend(p, alg, digest);
}

bool policy_needs_auth(const struct policy *p)
{
        for (unsigned i = 0; i < p->n; i++) {
                if (p->e[i].type == POLICY_AUTHVALUE || p->e[i].type == POLICY_PASSWORD)
                        return true;
                if (p->e[i].authz && policy_needs_auth(&p->e[i].authz->policy))
                        return true;
                for (unsigned b = 0; b < p->e[i].n_branches; b++)
                        if (policy_needs_auth(&p->e[i].branches[b]))
                                return true;
        }
        return false;
}

bool policy_has_multi_pcr(const struct policy *p)
{
        for (unsigned i = 0; i < p->n; i++) {
                const struct policy_element *e = &p->e[i];
                unsigned n = 0;
                if (e->type == POLICY_PCR)
                        PCR_FOREACH(&e->pcrs, b, k)
                        {
                                (void)k;
                                n++;
                        }
                if (n > 1)
                        return true;
                for (unsigned b = 0; b < e->n_branches; b++)
                        if (policy_has_multi_pcr(&e->branches[b]))
                                return true;
        }
        return false;
}

bool policy_runs_in_engine(const struct policy *p)
{
        for (unsigned i = 0; i < p->n; i++) {
                const struct policy_element *e = &p->e[i];
                if (e->type == POLICY_SECRET || (e->type == POLICY_PCR && !e->values))
                        return false;
                if (e->type == POLICY_AUTHORIZE &&
                    (!e->authz || !policy_runs_in_engine(&e->authz->policy)))
                        return false;
                for (unsigned b = 0; b < e->n_branches; b++)
                        if (!policy_runs_in_engine(&e->branches[b]))
                                return false;
        }
        return true;
}

/* The name FAPI's policy language gives a hash: "TPM2_ALG_SHA256". */
static json_object *alg_json_name(TPMI_ALG_HASH alg)
{
        char name[32];

        snprintf(name, sizeof(name), "TPM2_ALG_%s", alg_fapi_name(alg));
        return json_object_new_string(name);
}

/* One POLICYPCR element per bank: FAPI 3.2.1 hashes the values of a PCR
 * that appears in two banks of one element into both banks' digest, so an
 * element over sha1:0 and sha256:0 gets an authPolicy no TPM satisfies. */
json_object *policy_json_for_pcrs(const struct pcr_values *values, bool with_auth)
{
        json_object *root = json_object_new_object(), *list = json_object_new_array();
        char hex[2 * sizeof(TPMU_HA) + 1];
        TPMI_ALG_HASH done[TPM2_NUM_PCR_BANKS];
        unsigned n_done = 0;

        for (unsigned first = 0; first < values->n; first++) {
                TPMI_ALG_HASH bank = values->v[first].bank;
                json_object *pcr, *pcrs;
                bool seen = false;

                for (unsigned k = 0; k < n_done; k++)
                        seen |= done[k] == bank;
                if (seen || n_done == TPM2_NUM_PCR_BANKS)
                        continue;
                done[n_done++] = bank;
                pcr = json_object_new_object();
                pcrs = json_object_new_array();
                for (unsigned i = first; i < values->n; i++) {
                        const struct pcr_value *v = &values->v[i];
                        json_object *item;
                        if (v->bank != bank)
                                continue;
                        item = json_object_new_object();
                        hex_encode(v->digest.buffer, v->digest.size, hex);
                        json_object_object_add(item, "pcr", json_object_new_int((int)v->index));
                        json_object_object_add(item, "hashAlg", alg_json_name(bank));
                        json_object_object_add(item, "digest", json_object_new_string(hex));
                        json_object_array_add(pcrs, item);
                }
                json_object_object_add(pcr, "type", json_object_new_string("POLICYPCR"));
                json_object_object_add(pcr, "pcrs", pcrs);
                json_object_array_add(list, pcr);
        }
        if (with_auth) {
                json_object *auth = json_object_new_object();
                json_object_object_add(auth, "type", json_object_new_string("POLICYAUTHVALUE"));
                json_object_array_add(list, auth);
        }
        json_object_object_add(root, "description",
                               json_object_new_string("tpmctl: sealed to PCR values"));
        json_object_object_add(root, "policy", list);
        return root;
}

bool policy_offline(const struct policy *p)
{
        for (unsigned i = 0; i < p->n; i++) {
                const struct policy_element *e = &p->e[i];
                if ((e->type == POLICY_PCR && !e->values) ||
                    (e->type == POLICY_SECRET && !e->secret_name.size))
                        return false;
                for (unsigned b = 0; b < e->n_branches; b++)
                        if (!policy_offline(&e->branches[b]))
                                return false;
        }
        return true;
}

/* Calls f on json and on every element and branch object below it. */
static void each_node(json_object *json, void (*f)(json_object *))
{
        json_object *list = field(json, "policy");

        f(json);
        if (!list || !json_object_is_type(list, json_type_array))
                return;
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                json_object *el = json_object_array_get_idx(list, i), *branches;
                if (!json_object_is_type(el, json_type_object))
                        continue;
                f(el);
                branches = field(el, "branches");
                if (branches && json_object_is_type(branches, json_type_array))
                        for (size_t b = 0; b < json_object_array_length(branches); b++)
                                if (json_object_is_type(json_object_array_get_idx(branches, b),
                                                        json_type_object))
                                        each_node(json_object_array_get_idx(branches, b), f);
        }
}

static void drop_digests(json_object *node)
{
        json_object_object_del(node, "policyDigests");
}

/* Appends {"hashAlg": "SHA256", "digest": hex} to node's policyDigests. */
static void add_digest(json_object *node, TPMI_ALG_HASH alg, const TPM2B_DIGEST *d)
{
        json_object *list = field(node, "policyDigests"), *entry = json_object_new_object();
        char hex[2 * sizeof(TPMU_HA) + 1];

        if (!list) {
                list = json_object_new_array();
                json_object_object_add(node, "policyDigests", list);
        }
        hex_encode(d->buffer, d->size, hex);
        json_object_object_add(entry, "hashAlg", alg_json_name(alg));
        json_object_object_add(entry, "digest", json_object_new_string(hex));
        json_object_array_add(list, entry);
}

/* Annotates node (the whole policy, or an OR's branch) and its list, which
 * p was parsed from, for alg; d goes on from the digest before it. */
static int annotate(json_object *node, const struct policy *p, TPMI_ALG_HASH alg, TPM2B_DIGEST *d)
{
        json_object *list = field(node, "policy");
        struct policy one = {.n = 1};
        int r;

        for (unsigned i = 0; i < p->n; i++) {
                const struct policy_element *e = &p->e[i];
                json_object *el = json_object_array_get_idx(list, i);

                if (e->type == POLICY_OR) {
                        json_object *branches = field(el, "branches");
                        TPML_DIGEST all = {.count = e->n_branches};
                        for (unsigned b = 0; b < e->n_branches; b++) {
                                all.digests[b] = *d;
                                if ((r = annotate(json_object_array_get_idx(branches, b),
                                                  &e->branches[b], alg, &all.digests[b])))
                                        return r;
                        }
                        if ((r = policy_or_digest(&all, alg, d)))
                                return r;
                } else {
                        one.e[0] = *e;
                        if ((r = policy_digest_extend(&one, alg, d)))
                                return r;
                }
                add_digest(el, alg, d);
        }
        add_digest(node, alg, d);
        return 0;
}

int policy_annotate(json_object *json, const struct policy *p)
{
        static const TPMI_ALG_HASH algs[] = {TPM2_ALG_SHA1, TPM2_ALG_SHA256, TPM2_ALG_SHA384,
                                             TPM2_ALG_SHA512};
        int r;

        if (!policy_offline(p))
                return error_set(EXIT_BAD_INPUT, "the policy's digest needs PCR values or an "
                                                 "object's name that it does not give");
        each_node(json, drop_digests);
        for (size_t a = 0; a < sizeof(algs) / sizeof(algs[0]); a++) {
                TPM2B_DIGEST d = {.size = (UINT16)tpm_hash_size(algs[a])};
                if ((r = annotate(json, p, algs[a], &d)))
                        return r;
        }
        return 0;
}

static int hex_member(json_object *json, const char *key, void *out, size_t max, size_t *len)
{
        json_object *v = field(json, key);

        if (!v || !json_object_is_type(v, json_type_string) ||
            !hex_decode(json_object_get_string(v), out, max, len))
                return error_set(EXIT_BAD_INPUT, "authorization: \"%s\" must be hex", key);
        return 0;
}

int policy_authorization_parse(json_object *json, struct policy_authorization *a)
{
        uint8_t buf[sizeof(TPM2B_PUBLIC) + sizeof(TPMT_SIGNATURE)];
        json_object *path = field(json, "path"), *alg = field(json, "hashAlg");
        TPM2B_DIGEST digest;
        size_t len, offset = 0;
        int r;

        memset(a, 0, sizeof(*a));
        if (!json_object_is_type(json, json_type_object))
                return error_set(EXIT_BAD_INPUT, "an authorization must be a JSON object");
        if (!path || !json_object_is_type(path, json_type_string) ||
            json_object_get_string_len(path) >= (int)sizeof(a->path))
                return error_set(EXIT_BAD_INPUT, "authorization: \"path\" must be a policy path");
        snprintf(a->path, sizeof(a->path), "%s", json_object_get_string(path));
        if (!alg || !json_object_is_type(alg, json_type_string) ||
            bank_parse(json_object_get_string(alg), &a->alg))
                return error_set(EXIT_BAD_INPUT, "authorization %s: \"hashAlg\" must name a hash",
                                 a->path);
        if ((r = hex_member(json, "approvedPolicy", a->approved.buffer, sizeof(a->approved.buffer),
                            &len)))
                return r;
        a->approved.size = (UINT16)len;
        if ((r = hex_member(json, "policyRef", a->ref.buffer, sizeof(a->ref.buffer), &len)))
                return r;
        a->ref.size = (UINT16)len;
        if ((r = hex_member(json, "keyPublic", buf, sizeof(buf), &len)))
                return r;
        if (Tss2_MU_TPM2B_PUBLIC_Unmarshal(buf, len, &offset, &a->key_public) || offset != len ||
            public_name(&a->key_public, &a->key_name)) {
                error_clear();
                return error_set(EXIT_BAD_INPUT, "authorization %s: keyPublic is malformed",
                                 a->path);
        }
        offset = 0;
        if ((r = hex_member(json, "signature", buf, sizeof(buf), &len)))
                return r;
        if (Tss2_MU_TPMT_SIGNATURE_Unmarshal(buf, len, &offset, &a->signature) || offset != len)
                return error_set(EXIT_BAD_INPUT, "authorization %s: signature is malformed",
                                 a->path);
        if ((r = policy_parse(field(json, "policy"), &a->policy)))
                return r;
        if (!policy_offline(&a->policy) || !policy_runs_in_engine(&a->policy) ||
            policy_find_authorize(&a->policy))
                return error_set(EXIT_BAD_INPUT,
                                 "authorization %s: the approved policy must give its PCR values "
                                 "and hold no POLICYSECRET or POLICYAUTHORIZE",
                                 a->path);
        if ((r = policy_digest(&a->policy, a->alg, &digest)))
                return r;
        if (digest.size != a->approved.size ||
            memcmp(digest.buffer, a->approved.buffer, digest.size) != 0)
                return error_set(EXIT_BAD_INPUT,
                                 "authorization %s: approvedPolicy is not the policy's digest",
                                 a->path);
        return 0;
}

int policy_authorization_ahash(const TPM2B_DIGEST *approved, const TPM2B_NONCE *ref,
                               TPMI_ALG_HASH alg, TPM2B_DIGEST *out)
{
        const EVP_MD *md = tpm_hash_md(alg);
        unsigned int n = 0;
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        int ok = ctx && md && EVP_DigestInit_ex(ctx, md, NULL) &&
                 EVP_DigestUpdate(ctx, approved->buffer, approved->size) &&
                 EVP_DigestUpdate(ctx, ref->buffer, ref->size) &&
                 EVP_DigestFinal_ex(ctx, out->buffer, &n);

        EVP_MD_CTX_free(ctx);
        if (!ok)
                return error_set(EXIT_TPM, "hashing the approved policy failed");
        out->size = (UINT16)n;
        return 0;
}

const struct policy_element *policy_find_authorize(const struct policy *p)
{
        for (unsigned i = 0; i < p->n; i++)
                if (p->e[i].type == POLICY_AUTHORIZE)
                        return &p->e[i];
        return NULL;
}

static void append(char *out, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void append(char *out, size_t size, const char *fmt, ...)
{
        size_t len = strlen(out);
        va_list ap;

        if (len >= size)
                return;
        va_start(ap, fmt);
        vsnprintf(out + len, size - len, fmt, ap);
        va_end(ap);
}

/* "policyRef" as text when it is printable, else as hex. */
void policy_ref_text(const TPM2B_NONCE *ref, char *out, size_t size)
{
        bool printable = true;

        for (unsigned i = 0; i < ref->size; i++)
                printable &= ref->buffer[i] >= 0x20 && ref->buffer[i] < 0x7f;
        if (printable) {
                snprintf(out, size, "%.*s", (int)ref->size, (const char *)ref->buffer);
        } else if (size > 2 * (size_t)ref->size + 4) {
                strcpy(out, "hex:");
                hex_encode(ref->buffer, ref->size, out + 4);
        } else {
                snprintf(out, size, "(binary)");
        }
}

void policy_describe(const struct policy *p, char *out, size_t size)
{
        char hex[2 * sizeof(TPMU_NAME) + 1], ref[140];

        out[0] = '\0';
        for (unsigned i = 0; i < p->n; i++) {
                const struct policy_element *e = &p->e[i];
                if (i)
                        append(out, size, "; ");
                switch (e->type) {
                case POLICY_PCR:
                        append(out, size, "PCR ");
                        for (UINT32 b = 0; b < e->pcrs.count; b++) {
                                const char *sep = ":";
                                append(out, size, "%s%s", b ? "+" : "",
                                       bank_name(e->pcrs.pcrSelections[b].hash));
                                for (unsigned k = 0; k < PCR_COUNT; k++)
                                        if (e->pcrs.pcrSelections[b].pcrSelect[k / 8] &
                                            (1u << (k % 8))) {
                                                append(out, size, "%s%u", sep, k);
                                                sep = ",";
                                        }
                        }
                        append(out, size, e->values ? "" : " (values when created)");
                        break;
                case POLICY_AUTHVALUE:
                        append(out, size, "password");
                        break;
                case POLICY_PASSWORD:
                        append(out, size, "password (in clear)");
                        break;
                case POLICY_SECRET:
                        append(out, size, "secret of %s",
                               e->secret_path[0] ? e->secret_path : "an object");
                        break;
                case POLICY_COMMANDCODE:
                        append(out, size, "command 0x%x only", e->code);
                        break;
                case POLICY_OR:
                        append(out, size, "one of %u branches", e->n_branches);
                        break;
                case POLICY_AUTHORIZE:
                        hex_encode(e->key_name.name, e->key_name.size, hex);
                        append(out, size, "policies authorized by key %s", hex);
                        if (e->ref.size) {
                                policy_ref_text(&e->ref, ref, sizeof(ref));
                                append(out, size, " (ref \"%s\")", ref);
                        }
                        break;
                }
        }
}
