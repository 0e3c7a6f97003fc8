/* The command-line surface: commands, their options and help, as data. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>

#include "../src/settings.h"

enum opt_type {
        OPT_FLAG,   /* bool */
        OPT_STRING, /* const char * */
        OPT_UINT,   /* unsigned */
};

/* One option of a command: parsed, listed by --help and by the completion
 * from this one entry. */
struct cli_option {
        const char *name; /* long name, without "--" */
        char short_name;  /* 0 for none */
        enum opt_type type;
        void *value;     /* where the parsed value goes */
        const char *arg; /* the argument's name in help, e.g. "FILE" */
        const char *help;
};

struct command {
        const char *name;
        const char *args; /* positional arguments for usage, e.g. "PATH..." */
        int min_args;
        int max_args; /* -1: no limit */
        int (*run)(const struct settings *s, int argc, char **argv);
        const char *summary;                      /* one line */
        const char *details;                      /* more help, may be NULL */
        const struct cli_option *options;         /* ends with an entry whose name is NULL */
        const struct command *const *subcommands; /* a group: NULL-terminated */
};

/* Every command, in the order `tpmctl --help` lists them. */
extern const struct command *const commands[];
/* Options every command takes, and where they go. */
extern const struct cli_option global_options[];
extern struct settings settings;
extern bool opt_help, opt_version;

extern const struct command cmd_provision, cmd_info, cmd_health, cmd_list, cmd_delete, cmd_flush,
    cmd_help, cmd_config, cmd_completion, cmd_key, cmd_key_create, cmd_key_show, cmd_export_public,
    cmd_sign, cmd_verify, cmd_encrypt, cmd_decrypt, cmd_random, cmd_seal, cmd_unseal, cmd_pcr,
    cmd_pcr_read, cmd_pcr_extend, cmd_policy, cmd_policy_import, cmd_policy_show, cmd_policy_list,
    cmd_policy_export, cmd_policy_digest, cmd_auth, cmd_auth_change, cmd_export, cmd_import,
    cmd_batch, cmd_nv, cmd_nv_define, cmd_nv_write, cmd_nv_read, cmd_nv_increment, cmd_nv_extend,
    cmd_nv_setbits, cmd_lockout, cmd_lockout_status, cmd_lockout_clear, cmd_certificate,
    cmd_certificate_get, cmd_certificate_set, cmd_description, cmd_description_set, cmd_appdata,
    cmd_appdata_get, cmd_appdata_set, cmd_hmac, cmd_quote, cmd_verify_quote, cmd_serve;
extern const struct command cmd_policy_authorize;

/* Value lists that live next to their parsers, for the completion:
 * NULL-terminated. */
extern const char *const export_formats[];     /* export --format */
extern const char *const policy_digest_algs[]; /* policy digest --alg */

/* Finds a command by name in a NULL-terminated table. */
const struct command *command_find(const struct command *const *table, const char *name);

/* Prints a command's help (named as settings.command says, so "key create"),
 * or the overview when cmd is NULL. */
void print_help(const struct command *cmd);

/* Parses argv for a command: global options anywhere, the command's own
 * options, and `words` leading command words to skip. On return argv holds
 * only the positional arguments. Returns 0, EXIT_USAGE, or -1 when help or
 * the version was printed. */
int parse_command_line(const struct command *cmd, int words, int *argc, char ***argv);

/* Set by a command that printed its own --json document for its failure
 * (with error_json_add()'s fields): main() then prints no other. */
extern bool json_error_printed;

/* Output helpers for commands. */
void print_json(json_object *obj); /* to stdout, then frees obj */
/* A binary result (file_write's flags) to output ("-": stdout); with
 * --json one document instead: extra (taken; NULL for none) with the bytes
 * as base64 under `field` when output is stdout, else with "output" and
 * "bytes" after writing the file. */
int write_result(const struct settings *s, const char *output, const unsigned char *data,
                 size_t len, unsigned flags, const char *field, json_object *extra);
/* A verification said no (the error message says why): with --json the
 * one document {"valid": false, "exit": 1, "error": WHY}. Returns
 * EXIT_INVALID. */
int print_invalid(const struct settings *s);
/* One path per line, or a JSON array with --json. */
void print_paths(const struct settings *s, char *const *paths, size_t n);

/* --nonce HEX or --nonce-file FILE (quote, verify-quote): *len 0 for neither. */
int nonce_option(const char *hex, const char *file, unsigned char *out, size_t *len);
