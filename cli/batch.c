/* tpmctl batch: many operations through one TPM connection, as JSON lines. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../src/batch.h"
#include "../src/errors.h"
#include "cli.h"

static struct auth_source auth = {.option_prefix = "auth"};

static const struct cli_option options[] = {
    {"auth-file", 0, OPT_STRING, &auth.file, "FILE",
     "the password for requests without \"auth\" that use a key or sealed object"},
    {"auth-fd", 0, OPT_STRING, &auth.fd, "N", "the same, read from file descriptor N"},
    {"auth-env", 0, OPT_STRING, &auth.env, "VAR", "the same, from environment variable VAR"},
    {0},
};

/* Longer than any name hash: each request checks against its key's. */
#define DEFAULT_AUTH_MAX 64

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_secret_ struct secret password = {0};
        struct auth_source default_auth;
        int r;

        (void)argc;
        (void)argv;
        if ((r = auth_check(&auth)))
                return r;
        if (auth.fd && strcmp(auth.fd, "0") == 0)
                return error_set(EXIT_USAGE, "--auth-fd 0: standard input carries the requests");
        if (auth_given(&auth) && (r = auth_read_once(&auth, "the default password",
                                                     DEFAULT_AUTH_MAX, &password, &default_auth)))
                return r;
        return batch_run(s, auth_given(&auth) ? &default_auth : NULL, STDIN_FILENO, stdout);
}

const struct command cmd_batch = {
    .name = "batch",
    .run = run,
    .summary = "run operations given as JSON lines on stdin, one JSON reply line each",
    .details =
        "Each line is a request {\"id\": ID, \"op\": OP, ...}; each reply is one line\n"
        "{\"id\": ID, \"ok\": true, ...} or {\"id\": ID, \"ok\": false, \"exit\": CODE, \"error\": "
        "TEXT},\n"
        "in order. OP is sign, verify, quote, verify_quote, encrypt, decrypt, hmac, seal,\n"
        "unseal, random, pcr_read, pcr_extend, key_create, key_show, list, delete,\n"
        "nv_define, nv_write, nv_read, nv_increment, nv_extend, nv_setbits, lockout_status,\n"
        "lockout_clear, import or policy_authorize; bytes go as base64 (data_b64...),\n"
        "a password as \"auth\". One TPM connection serves the whole stream; the keystore\n"
        "is locked for each request only. Exit 0 at the end of input, 128+N after signal N\n"
        "(the request under way is answered first). See man tpmctl for every field.",
    .options = options,
};
