/* tpmctl key show: what a key is. */
#include <ctype.h>
#include <stdio.h>

#include "../src/hex.h"
#include "../src/names.h"
#include "../src/ops.h"
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

static void show_nv(const struct nv_info *nv)
{
        printf("%-16s %s\n", "path", nv->path);
        printf("%-16s NV index (%s)\n", "type", nv->type);
        printf("%-16s 0x%08x\n", "handle", nv->handle);
        printf("%-16s %u bytes (name hash %s)\n", "size", nv->size, nv->hash);
        printf("%-16s", "attributes");
        for (size_t i = 0; i < json_object_array_length(nv->attributes); i++)
                printf(" %s", json_object_get_string(json_object_array_get_idx(nv->attributes, i)));
        printf("\n%-16s %s\n", "policy", nv->has_policy ? "yes" : "none");
        printf("%-16s %s\n", "description", nv->description[0] ? nv->description : "-");
        printf("%-16s %s\n", "needs password", nv->with_auth ? "yes" : "no");
}

/* What unlocks the object. */
static void show_bindings(const struct object_bindings *b)
{
        if (b->pcrs[0])
                printf("%-16s %s (bank %s)\n", "bound to PCRs", b->pcrs, b->banks);
        if (b->authorized) {
                printf("%-16s %s (name %s)", "authorized by",
                       b->key_path[0] ? b->key_path : "a key", b->key_name);
                if (b->ref[0])
                        printf(", ref \"%s\"", b->ref);
                printf("\n");
        }
        if (b->has_policy)
                printf("%-16s %s\n", "policy (text)",
                       b->policy_known ? b->text : "(a policy tpmctl cannot read)");
}

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(op_context_close) struct op_context ctx = {0};
        _cleanup_(key_show_result_free) struct key_show_result res = {0};
        const struct key_info *key = &res.key;
        const TPMT_PUBLIC *pub = &key->public.publicArea;
        char algorithm[32], policy[2 * sizeof(TPMU_HA) + 1], attr[32];
        const char *hash;
        int r;

        (void)argc;
        op_context_init(&ctx, s, false);
        if ((r = op_key_show(&ctx, &(struct key_show_request){.path = argv[0]}, &res)))
                return r;
        if (s->json) {
                print_json(key_show_result_json(&res));
                return 0;
        }
        if (res.is_nv) {
                show_nv(&res.nv);
                return 0;
        }
        public_algorithm(pub, algorithm, sizeof(algorithm));
        hex_encode(pub->authPolicy.buffer, pub->authPolicy.size, policy);
        hash = alg_name(pub->nameAlg);
        printf("%-16s %s\n", "path", key->path);
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
        if (key->persistent)
                printf("%-16s 0x%08x\n", "persistent", key->persistent);
        else
                printf("%-16s no\n", "persistent");
        printf("%-16s %s\n", "policy", key->has_policy ? policy : "none");
        printf("%-16s %s\n", "description", key->description[0] ? key->description : "-");
        printf("%-16s %s\n", "needs password",
               key->auth_unknown ? "unknown (imported from tpm2-tools blobs; give --auth-* if it "
                                   "has one)"
               : key->with_auth  ? "yes"
                                 : "no");
        show_bindings(&res.bindings);
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
