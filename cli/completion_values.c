/* What the completion offers for each value: one map here, so that the
 * option tables need no completion fields. An option not in the map gets its
 * kind from its argument's name (FILE: a file, PATH: a keystore path...). */
#include <string.h>
#include <tss2/tss2_tpm2_types.h>

#include "../src/keys.h"
#include "../src/names.h"
#include "../src/nv.h"
#include "../src/pubkey.h"
#include "../src/signature.h"
#include "../src/symmetric.h"
#include "completion.h"

/* Options whose value is not what their argument's name says. command NULL:
 * in every command. The first match wins. */
static const struct {
        const char *command, *option, *kind;
} option_map[] = {
    {"key create", "type", "key-type"},
    {"key create", "alg", "key-alg"},
    {"key create", "hash", "hmac-hash"},
    {"import", "hash", "hmac-hash"},
    {"nv define", "type", "nv-type"},
    {"seal", "type", KIND_NONE},
    {"policy digest", "alg", "policy-alg"},
    {"pcr extend", "digest", KIND_PCRS},
    {NULL, "scheme", "scheme"},
    {NULL, "hash", "hash"},
    {NULL, "format", "format"},
    {NULL, "profile", "profile"},
    {NULL, "pcrs", KIND_PCRS},
    {NULL, "keystore", KIND_DIR},
};

/* Argument names (of options and positionals) and their kinds. */
static const struct {
        const char *arg, *kind;
} arg_map[] = {
    {"FILE", KIND_FILE},
    {"PEMFILE", KIND_FILE},
    {"PEM", KIND_FILE},
    {"DIR", KIND_DIR},
    {"PATH", KIND_PATH},
    {"NVPATH", KIND_NVPATH},
    {"POLICYPATH", KIND_POLICYPATH},
    {"SPEC", KIND_PCRS},
    {"BANK:HEX", KIND_PCRS},
    /* help's: a command, then a group's subcommand. */
    {"COMMAND", "command"},
    {"SUBCOMMAND", "subcommand"},
    {"SHELL", "shell"},
};

const char *const completion_shells[] = {"bash", "zsh", "fish", NULL};

const char *const completion_list_names[] = {
    "key-alg",    "hmac-hash", "key-type", "nv-type", "scheme", "hash",
    "policy-alg", "format",    "profile",  "bank",    "shell",  NULL,
};

const char *completion_arg_kind(const char *arg)
{
        size_t len;

        if (!arg)
                return NULL;
        for (size_t i = 0; i < sizeof(arg_map) / sizeof(arg_map[0]); i++)
                if (strcmp(arg, arg_map[i].arg) == 0)
                        return arg_map[i].kind;
        /* INFILE, NONCE-FILE...: files too. */
        len = strlen(arg);
        if (len >= 4 && strcmp(arg + len - 4, "FILE") == 0)
                return KIND_FILE;
        return KIND_NONE;
}

const char *completion_option_kind(const char *command, const struct cli_option *o)
{
        if (o->type == OPT_FLAG)
                return NULL;
        for (size_t i = 0; i < sizeof(option_map) / sizeof(option_map[0]); i++)
                if ((!option_map[i].command || strcmp(option_map[i].command, command) == 0) &&
                    strcmp(option_map[i].option, o->name) == 0)
                        return option_map[i].kind;
        /* --auth-file, --nonce-file...: files whatever the argument says. */
        if (strlen(o->name) > 5 && strcmp(o->name + strlen(o->name) - 5, "-file") == 0)
                return KIND_FILE;
        return completion_arg_kind(o->arg);
}

static void copy_list(const char *const *list, const char **out, size_t max)
{
        size_t n = 0;

        for (; list[n] && n + 1 < max; n++)
                out[n] = list[n];
        out[n] = NULL;
}

void completion_list_values(const char *name, const char **out, size_t max)
{
        size_t n = 0;

        out[0] = NULL;
        if (max == 0)
                return;
        if (strcmp(name, "key-alg") == 0 || strcmp(name, "profile") == 0) {
                bool alg = name[0] == 'k';
                for (const struct key_alg *a = key_algs; a->alg && n + 1 < max; a++)
                        out[n++] = alg ? a->alg : a->profile;
                /* The symmetric keys' (key create --alg aes128...). */
                for (size_t i = 0; alg && sym_alg_names[i] && n + 1 < max; i++)
                        out[n++] = sym_alg_names[i];
                out[n] = NULL;
        } else if (strcmp(name, "hmac-hash") == 0) {
                for (const struct sym_hash *h = sym_hashes; h->name && n + 1 < max; h++)
                        out[n++] = h->name;
                out[n] = NULL;
        } else if (strcmp(name, "key-type") == 0) {
                copy_list(key_type_names, out, max);
        } else if (strcmp(name, "nv-type") == 0) {
                for (int t = NV_ORDINARY; t <= NV_EXTEND && n + 1 < max; t++)
                        out[n++] = nv_type_name((enum nv_type)t);
                out[n] = NULL;
        } else if (strcmp(name, "scheme") == 0) {
                copy_list(sig_scheme_names, out, max);
        } else if (strcmp(name, "hash") == 0) {
                copy_list(verify_hash_names, out, max);
        } else if (strcmp(name, "policy-alg") == 0) {
                copy_list(policy_digest_algs, out, max);
        } else if (strcmp(name, "format") == 0) {
                copy_list(export_formats, out, max);
        } else if (strcmp(name, "shell") == 0) {
                copy_list(completion_shells, out, max);
        } else if (strcmp(name, "bank") == 0) {
                /* The PCR banks bank_parse() takes: the hashes tpmctl has a
                 * name and a digest for. */
                for (unsigned id = 0; id <= 0xffff && n + 1 < max; id++)
                        if (alg_name((TPM2_ALG_ID)id) && tpm_hash_md((TPMI_ALG_HASH)id))
                                out[n++] = alg_name((TPM2_ALG_ID)id);
                out[n] = NULL;
        }
}
