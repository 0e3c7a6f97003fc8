/* tpmctl policy show / export: a stored policy, as JSON. */
#include <stdio.h>
#include <string.h>

#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/fileio.h"
#include "../src/path.h"
#include "../src/policy_store.h"
#include "cli.h"

static const char *output = "-";
static bool force;

static int read_policy(const struct settings *s, const char *user_path, struct tpm **tpm,
                       char **json)
{
        char path[256];
        int r;

        if ((r = policy_path_normalize(user_path, path, sizeof(path))) ||
            (r = tpm_open(s, NEED_FAPI | LOCK_SHARED, tpm)))
                return r;
        return policy_store_export(*tpm, path, json);
}

static int run_show(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        _cleanup_fapi_free_ char *json = NULL;
        int r;

        (void)argc;
        if ((r = read_policy(s, argv[0], &tpm, &json)))
                return r;
        printf("%s\n", json);
        return 0;
}

static int run_export(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        _cleanup_fapi_free_ char *json = NULL;
        int r;

        (void)argc;
        if ((r = file_check_output(output, force ? WRITE_FORCE : 0)) ||
            (r = read_policy(s, argv[0], &tpm, &json)))
                return r;
        return file_write(output, json, strlen(json), force ? WRITE_FORCE : 0);
}

static const struct cli_option export_options[] = {
    {"output", 'o', OPT_STRING, &output, "FILE", "write the policy to FILE (default: stdout)"},
    {"force", 'f', OPT_FLAG, &force, NULL, "replace FILE if it exists"},
    {0},
};

const struct command cmd_policy_show = {
    .name = "show",
    .args = "POLICYPATH",
    .min_args = 1,
    .max_args = 1,
    .run = run_show,
    .summary = "print a stored policy (JSON)",
};

const struct command cmd_policy_export = {
    .name = "export",
    .args = "POLICYPATH",
    .min_args = 1,
    .max_args = 1,
    .run = run_export,
    .summary = "write a stored policy to a file, for `policy import` elsewhere",
    .options = export_options,
};
