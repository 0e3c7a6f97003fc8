/* tpmctl key show: what a key is. */
#include <ctype.h>
#include <stdio.h>

#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/hex.h"
#include "../src/keys.h"
#include "../src/names.h"
#include "../src/nv_info.h"
#include "../src/objects.h"
#include "../src/pubkey.h"
#include "../src/tpm_info.h"
#include "cli.h"

/* Attribute names as tpm2-tools prints them: FAPI's, in lower case. */
static void attribute_lower(const char *name, char *out, size_t size)
{
        size_t i = 0;

        for (; name[i] && i + 1 < size; i++)
                out[i] = (char)tolower((unsigned char)name[i]);
        out[i] = '\0';
}

static int show_nv(const struct settings *s, struct tpm *tpm, const char *full)
{
        _cleanup_(nv_info_free) struct nv_info nv = {0};
        int r;

        if ((r = nv_info_read(tpm, full, &nv)))
                return r;
        if (s->json) {
                json_object *o = json_object_new_object();
                json_object_object_add(o, "path", json_object_new_string(nv.path));
                json_object_object_add(o, "type", json_object_new_string("nv"));
                json_object_object_add(o, "nv_type", json_object_new_string(nv.type));
                json_object_object_add(o, "handle", json_object_new_int64(nv.handle));
                json_object_object_add(o, "size", json_object_new_int64(nv.size));
                json_object_object_add(o, "name_hash", json_object_new_string(nv.hash));
                json_object_object_add(o, "attributes", json_object_get(nv.attributes));
                json_object_object_add(o, "has_policy", json_object_new_boolean(nv.has_policy));
                json_object_object_add(o, "description", json_object_new_string(nv.description));
                json_object_object_add(o, "needs_password", json_object_new_boolean(nv.with_auth));
                print_json(o);
                return 0;
        }
        printf("%-16s %s\n", "path", nv.path);
        printf("%-16s NV index (%s)\n", "type", nv.type);
        printf("%-16s 0x%08x\n", "handle", nv.handle);
        printf("%-16s %u bytes (name hash %s)\n", "size", nv.size, nv.hash);
        printf("%-16s", "attributes");
        for (size_t i = 0; i < json_object_array_length(nv.attributes); i++)
                printf(" %s", json_object_get_string(json_object_array_get_idx(nv.attributes, i)));
        printf("\n%-16s %s\n", "policy", nv.has_policy ? "yes" : "none");
        printf("%-16s %s\n", "description", nv.description[0] ? nv.description : "-");
        printf("%-16s %s\n", "needs password", nv.with_auth ? "yes" : "no");
        return 0;
}

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        _cleanup_(key_info_free) struct key_info key = {0};
        const TPMT_PUBLIC *pub;
        char algorithm[32], policy[2 * sizeof(TPMU_HA) + 1], full[FAPI_PATH_MAX], attr[32];
        const char *hash;
        int r;

        (void)argc;
        if ((r = tpm_open(s, LOCK_SHARED, &tpm)) ||
            (r = object_resolve(tpm, argv[0], full, sizeof(full))))
                return r;
        if (nv_path(full))
                return show_nv(s, tpm, full);
        if ((r = key_info_read(tpm, full, &key)))
                return r;
        pub = &key.public.publicArea;
        public_algorithm(pub, algorithm, sizeof(algorithm));
        hex_encode(pub->authPolicy.buffer, pub->authPolicy.size, policy);
        hash = alg_name(pub->nameAlg);
        if (s->json) {
                json_object *o = json_object_new_object(), *attrs = json_object_new_array();
                for (size_t i = 0; i < object_attributes_count; i++) {
                        if (!(pub->objectAttributes & object_attributes[i].bit))
                                continue;
                        attribute_lower(object_attributes[i].name, attr, sizeof(attr));
                        json_object_array_add(attrs, json_object_new_string(attr));
                }
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
        for (size_t i = 0; i < object_attributes_count; i++) {
                if (!(pub->objectAttributes & object_attributes[i].bit))
                        continue;
                attribute_lower(object_attributes[i].name, attr, sizeof(attr));
                printf(" %s", attr);
        }
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
