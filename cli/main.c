/* tpmctl: global options, then one command from the table. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <stdlib.h>

#include "../src/error_json.h"
#include "../src/errors.h"
#include "../src/fileio.h"
#include "cli.h"

struct settings settings = {.timeout = DEFAULT_TIMEOUT};
bool opt_help, opt_version;

const struct cli_option global_options[] = {
    {"tcti", 0, OPT_STRING, &settings.tcti, "TCTI",
     "TPM to use, e.g. swtpm:path=/run/tpm.sock (env TPMCTL_TCTI; default /dev/tpmrm0)"},
    {"keystore", 0, OPT_STRING, &settings.keystore, "DIR",
     "keep the keystore under DIR (env TPMCTL_KEYSTORE; default: FAPI's)"},
    {"fapi-config", 0, OPT_STRING, &settings.fapi_config, "FILE",
     "use this FAPI config file as is"},
    {"profile", 0, OPT_STRING, &settings.profile, "NAME",
     "crypto profile (default " DEFAULT_PROFILE ")"},
    {"json", 0, OPT_FLAG, &settings.json, NULL, "print data as JSON"},
    {"quiet", 'q', OPT_FLAG, &settings.quiet, NULL, "print nothing but data and errors"},
    {"verbose", 'v', OPT_FLAG, &settings.verbose, NULL, "show FAPI's log on stderr"},
    {"timeout", 0, OPT_UINT, &settings.timeout, "SECONDS",
     "give up when the TPM does not answer (default 60; 0: wait forever)"},
    {"help", 'h', OPT_FLAG, &opt_help, NULL, "show help"},
    {"version", 0, OPT_FLAG, &opt_version, NULL, "show the version"},
    {0},
};

const struct command *const commands[] = {
    &cmd_provision,
    &cmd_info,
    &cmd_health,
    &cmd_key,
    &cmd_export_public,
    &cmd_sign,
    &cmd_verify,
    &cmd_quote,
    &cmd_verify_quote,
    &cmd_encrypt,
    &cmd_decrypt,
    &cmd_hmac,
    &cmd_random,
    &cmd_seal,
    &cmd_unseal,
    &cmd_pcr,
    &cmd_nv,
    &cmd_lockout,
    &cmd_certificate,
    &cmd_description,
    &cmd_appdata,
    &cmd_policy,
    &cmd_auth,
    &cmd_export,
    &cmd_import,
    &cmd_list,
    &cmd_delete,
    &cmd_flush,
    &cmd_batch,
    &cmd_serve,
    &cmd_config,
    &cmd_completion,
    &cmd_help,
    NULL,
};

static bool takes_argument(const char *arg)
{
        for (const struct cli_option *o = global_options; o->name; o++) {
                if (o->type == OPT_FLAG)
                        continue;
                if (arg[1] == '-' && strcmp(arg + 2, o->name) == 0)
                        return true;
                if (arg[1] != '-' && o->short_name && arg[strlen(arg) - 1] == o->short_name)
                        return true;
        }
        return false;
}

/* The index of the first command word at or after `from`, skipping global
 * options (and their separate arguments); 0 when there is none. */
static int next_word(int argc, char **argv, int from)
{
        for (int i = from; i < argc; i++) {
                const char *a = argv[i];

                if (strcmp(a, "--") == 0)
                        return i + 1 < argc ? i + 1 : 0;
                if (a[0] != '-' || a[1] == '\0')
                        return i;
                if (!strchr(a, '=') && takes_argument(a))
                        i++;
        }
        return 0;
}

/* How tpmctl ends: 0, or the error recorded for exit code r as one line on
 * stderr (after the command's name once it is known) and, with --json, as
 * the one JSON document on stdout. r < 0: help or the version was printed. */
static int finish(int r)
{
        const char *msg = error_message();

        if (r <= 0)
                return 0;
        if (!*msg)
                msg = r == EXIT_INVALID ? "verification failed" : "failed";
        if (settings.command)
                fprintf(stderr, "tpmctl: %s: %s\n", settings.command, msg);
        else
                fprintf(stderr, "tpmctl: %s\n", msg);
        if (settings.json && !json_error_printed) {
                json_object *doc = json_object_new_object();
                error_json_add(doc, r);
                print_json(doc);
        }
        return r;
}

/* Whether --json is among the global options: the command line's own
 * errors are then JSON too, wherever they are found. */
static bool json_asked(int argc, char **argv)
{
        for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
                if (strcmp(argv[i], "--json") == 0)
                        return true;
        return false;
}

int main(int argc, char **argv)
{
        const struct command *group = NULL, *cmd;
        char command_name[128];
        int word, words = 1, r;

        /* Keystore files, secrets and temporary files: private to the user.
         * Outputs that are not secret get the user's own umask back. */
        file_set_user_umask(umask(077));

        settings.json = json_asked(argc, argv);
        word = next_word(argc, argv, 1);
        if (!word) {
                r = parse_command_line(NULL, 0, &argc, &argv);
                if (r)
                        return finish(r);
                print_help(NULL);
                return EXIT_USAGE;
        }
        cmd = command_find(commands, argv[word]);
        if (!cmd)
                return finish(
                    error_set(EXIT_USAGE, "unknown command %s; see `tpmctl --help`", argv[word]));
        settings.command = cmd->name;
        if (cmd->subcommands) {
                int sub = next_word(argc, argv, word + 1);
                const struct command *inner =
                    sub ? command_find(cmd->subcommands, argv[sub]) : NULL;

                if (sub && !inner)
                        return finish(error_set(EXIT_USAGE,
                                                "unknown command %s; see `tpmctl %s --help`",
                                                argv[sub], cmd->name));
                if (!inner) {
                        r = parse_command_line(cmd, 1, &argc, &argv);
                        if (r)
                                return finish(r);
                        print_help(cmd);
                        return EXIT_USAGE;
                }
                group = cmd;
                cmd = inner;
                words = 2;
        }
        snprintf(command_name, sizeof(command_name), "%s%s%s", group ? group->name : "",
                 group ? " " : "", cmd->name);
        settings.command = command_name;

        r = parse_command_line(cmd, words, &argc, &argv);
        if (r)
                return finish(r);
        if (settings.verbose)
                setenv("TSS2_LOG", "all+warning,fapi+info", 0);
        else
                setenv("TSS2_LOG", "all+none", 1);

        return finish(cmd->run(&settings, argc, argv));
}
