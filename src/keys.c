/* Keys: creating them, and what tpmctl needs to know about one. */
#include "keys.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <tss2/tss2_rc.h>

#include "errors.h"
#include "fapi_object.h"
#include "hex.h"
#include "policy_store.h"
#include "provision.h"
#include "pubkey.h"

const struct key_alg key_algs[] = {
    {"rsa2048", "P_RSA2048SHA256"},
    {"ecc256", "P_ECCP256SHA256"},
    {"ecc384", "P_ECCP384SHA384"},
    {0},
};

int alg_profile(const char *alg, const char **profile)
{
        for (const struct key_alg *a = key_algs; a->alg; a++) {
                if (strcmp(alg, a->alg) == 0) {
                        *profile = a->profile;
                        return 0;
                }
        }
        if (strcmp(alg, "rsa3072") == 0)
                return error_set(EXIT_USAGE,
                                 "--alg rsa3072: this FAPI (tpm2-tss 3.2.1) cannot make RSA-3072 "
                                 "keys (its profiles accept 1024 and 2048 bits); use rsa2048 or "
                                 "ecc384");
        return error_set(EXIT_USAGE, "--alg %s: use rsa2048, ecc256 or ecc384", alg);
}

const char *const key_type_names[] = {"sign", "decrypt", "restricted-sign", "restricted-decrypt",
                                      NULL};

int key_type_parse(const char *name, enum key_type *type)
{
        for (size_t i = 0; key_type_names[i]; i++) {
                if (strcmp(name, key_type_names[i]) == 0) {
                        *type = (enum key_type)i;
                        return 0;
                }
        }
        return error_set(EXIT_USAGE,
                         "--type %s: use sign, decrypt, restricted-sign or restricted-decrypt",
                         name);
}

void key_type_string(const struct key_spec *spec, char *out, size_t size)
{
        static const char *const flags[] = {"sign", "decrypt", "sign,restricted",
                                            "decrypt,restricted"};
        int n = snprintf(out, size, "%s%s", flags[spec->type], spec->noda ? ",noda" : "");

        if (spec->persistent && n > 0 && (size_t)n < size)
                snprintf(out + n, size - (size_t)n, ",0x%08x", spec->persistent);
}

static bool has_flag(const char *list, const char *flag)
{
        size_t len = strlen(flag);

        for (const char *p = list; p && *p;) {
                size_t n = strcspn(p, ",");
                if (n == len && strncmp(p, flag, len) == 0)
                        return true;
                p += n + (p[n] == ',');
        }
        return false;
}

void seal_type_string(const char *type, bool has_password, char *out, size_t size)
{
        bool add = !has_password && !has_flag(type, "noda");

        snprintf(out, size, "%s%s%s", add ? "noda" : "", add && type && *type ? "," : "",
                 type ? type : "");
}

int key_create(struct tpm *tpm, const char *path, const struct key_spec *spec,
               const struct secret *password)
{
        char type[64], pcr_policy[128] = "";
        bool taken = false;
        TSS2_RC rc;
        int r;

        if (spec->persistent) {
                if ((spec->persistent & 0xff000000u) != 0x81000000u)
                        return error_set(EXIT_USAGE,
                                         "--persistent 0x%08x is not a persistent handle "
                                         "(0x81000000 to 0x81ffffff)",
                                         spec->persistent);
                if ((r = persistent_handle_present(tpm->esys, spec->persistent, &taken)))
                        return r;
                if (taken)
                        return error_set(EXIT_EXISTS,
                                         "the TPM already holds a persistent object at 0x%08x",
                                         spec->persistent);
        }
        key_type_string(&(struct key_spec){.type = spec->type,
                                           .noda = spec->noda || !password || !password->size,
                                           .persistent = spec->persistent},
                        type, sizeof(type));
        if (spec->pcrs && (r = pcr_policy_import(tpm, spec->pcrs, password && password->size,
                                                 pcr_policy, sizeof(pcr_policy))))
                return r;
        /* A copy with tpmctl's digests where FAPI would compute them wrong. */
        if (spec->policy &&
            (r = policy_import_for_create(tpm, spec->policy, pcr_policy, sizeof(pcr_policy))))
                return r;
        rc = Fapi_CreateKey(tpm->fapi, path, type,
                            pcr_policy[0]  ? pcr_policy
                            : spec->policy ? spec->policy
                                           : "",
                            password && password->data ? (const char *)password->data : "");
        if (pcr_policy[0])
                Fapi_Delete(tpm->fapi, pcr_policy); /* the key keeps its own copy */
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "creating %s", path);
        if (spec->description && *spec->description) {
                rc = Fapi_SetDescription(tpm->fapi, path, spec->description);
                if (rc != TSS2_RC_SUCCESS)
                        return error_rc(rc, "setting the description of %s", path);
        }
        return 0;
}

bool object_auth_wanted(json_object *obj, const struct auth_source *src)
{
        return auth_given(src) || object_auth(obj) == OBJECT_AUTH_YES;
}

void key_info_free(struct key_info *info)
{
        OPENSSL_cleanse(&info->private, sizeof(info->private));
        json_object_put(info->json);
        info->json = NULL;
}

int key_info_read(struct tpm *tpm, const char *user_path, struct key_info *info)
{
        struct keystore_object o;
        const char *s;
        int r;

        memset(info, 0, sizeof(*info));
        r = keystore_object_read(tpm, user_path, &o);
        snprintf(info->path, sizeof(info->path), "%s", o.path);
        info->json = steal_ptr(o.json);
        if (!r && o.type != FAPI_OBJECT_KEY)
                r = error_set(EXIT_NOT_FOUND, "%s is not a key or sealed object", o.path);
        if (r) {
                keystore_object_free(&o);
                return r;
        }
        info->public = o.public;
        info->private = o.private;
        info->with_auth = o.with_auth;
        info->auth_unknown = o.auth == OBJECT_AUTH_UNKNOWN;
        info->persistent = o.persistent;
        keystore_object_free(&o);
        snprintf(info->description, sizeof(info->description), "%s",
                 keystore_object_description(info->json));
        if ((s = keystore_object_signing_scheme(info->json)))
                snprintf(info->signing_scheme, sizeof(info->signing_scheme), "%s", s);
        info->has_policy = info->public.publicArea.authPolicy.size > 0;
        return 0;
}
