/* tpmctl key show: what a key is. */
#include <stdio.h>

#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/keys.h"
#include "../src/names.h"
#include "../src/pubkey.h"
#include "../src/tpm_info.h"
#include "cli.h"

static const struct {
        TPMA_OBJECT bit;
        const char *name;
} attribute_names[] = {
    {TPMA_OBJECT_FIXEDTPM, "fixedtpm"},
    {TPMA_OBJECT_STCLEAR, "stclear"},
    {TPMA_OBJECT_FIXEDPARENT, "fixedparent"},
    {TPMA_OBJECT_SENSITIVEDATAORIGIN, "sensitivedataorigin"},
    {TPMA_OBJECT_USERWITHAUTH, "userwithauth"},
    {TPMA_OBJECT_ADMINWITHPOLICY, "adminwithpolicy"},
    {TPMA_OBJECT_NODA, "noda"},
    {TPMA_OBJECT_ENCRYPTEDDUPLICATION, "encryptedduplication"},
    {TPMA_OBJECT_RESTRICTED, "restricted"},
    {TPMA_OBJECT_DECRYPT, "decrypt"},
    {TPMA_OBJECT_SIGN_ENCRYPT, "sign"},
};

static void hex(const uint8_t *data, size_t len, char *out)
{
        for (size_t i = 0; i < len; i++)
                sprintf(out + 2 * i, "%02x", data[i]);
        out[2 * len] = '\0';
}

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        _cleanup_(key_info_free) struct key_info key = {0};
        const TPMT_PUBLIC *pub;
        char algorithm[32], policy[2 * sizeof(TPMU_HA) + 1];
        const char *hash;
        int r;

        (void)argc;
        if ((r = tpm_open(s, NEED_FAPI | LOCK_SHARED, &tpm)) ||
            (r = key_info_read(tpm, argv[0], &key)))
                return r;
        pub = &key.public.publicArea;
        public_algorithm(pub, algorithm, sizeof(algorithm));
        hex(pub->authPolicy.buffer, pub->authPolicy.size, policy);
        hash = alg_name(pub->nameAlg);
        if (s->json) {
                json_object *o = json_object_new_object(), *attrs = json_object_new_array();
                for (size_t i = 0; i < sizeof(attribute_names) / sizeof(attribute_names[0]); i++)
                        if (pub->objectAttributes & attribute_names[i].bit)
                                json_object_array_add(
                                    attrs, json_object_new_string(attribute_names[i].name));
                json_object_object_add(o, "path", json_object_new_string(key.path));
                json_object_object_add(o, "type", json_object_new_string(public_usage(pub)));
                json_object_object_add(o, "algorithm", json_object_new_string(algorithm));
                json_object_object_add(o, "name_hash", json_object_new_string(hash ? hash : "?"));
                json_object_object_add(o, "attributes", attrs);
                json_object_object_add(o, "persistent_handle",
                                       key.persistent ? json_object_new_int64(key.persistent)
                                                      : NULL);
                json_object_object_add(o, "policy",
                                       key.has_policy ? json_object_new_string(policy) : NULL);
                json_object_object_add(o, "description", json_object_new_string(key.description));
                /* null: unknown (imported from tpm2-tools blobs). */
                json_object_object_add(o, "needs_password",
                                       key.auth_unknown ? NULL
                                                        : json_object_new_boolean(key.with_auth));
                print_json(o);
                return 0;
        }
        printf("%-16s %s\n", "path", key.path);
        printf("%-16s %s\n", "type", public_usage(pub));
        printf("%-16s %s (name hash %s)\n", "algorithm", algorithm, hash ? hash : "?");
        printf("%-16s", "attributes");
        for (size_t i = 0; i < sizeof(attribute_names) / sizeof(attribute_names[0]); i++)
                if (pub->objectAttributes & attribute_names[i].bit)
                        printf(" %s", attribute_names[i].name);
        printf("\n");
        if (key.persistent)
                printf("%-16s 0x%08x\n", "persistent", key.persistent);
        else
                printf("%-16s no\n", "persistent");
        printf("%-16s %s\n", "policy", key.has_policy ? policy : "none");
        printf("%-16s %s\n", "description", key.description[0] ? key.description : "-");
        printf("%-16s %s\n", "needs password",
               key.auth_unknown ? "unknown (imported from tpm2-tools blobs; give --auth-* if it "
                                  "has one)"
               : key.with_auth  ? "yes"
                                : "no");
        return 0;
}

const struct command cmd_key_show = {
    .name = "show",
    .args = "PATH",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "show a key's type, algorithm, attributes, handle, policy and description",
};
