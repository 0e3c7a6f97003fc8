/* tpmctl help [COMMAND [SUBCOMMAND]]. */
#include <stdio.h>

#include "../src/errors.h"
#include "cli.h"

static int run(const struct settings *s, int argc, char **argv)
{
        static char name[128];
        const struct command *cmd;

        (void)s;
        if (argc == 0) {
                print_help(NULL);
                return 0;
        }
        if (!(cmd = command_find(commands, argv[0])))
                return error_set(EXIT_USAGE, "unknown command %s; see `tpmctl --help`", argv[0]);
        snprintf(name, sizeof(name), "%s", cmd->name);
        if (argc > 1 && cmd->subcommands) {
                const struct command *inner = command_find(cmd->subcommands, argv[1]);
                if (!inner)
                        return error_set(EXIT_USAGE, "unknown command %s %s", argv[0], argv[1]);
                snprintf(name, sizeof(name), "%s %s", cmd->name, inner->name);
                cmd = inner;
        }
        settings.command = name;
        print_help(cmd);
        return 0;
}

const struct command cmd_help = {
    .name = "help",
    .args = "[COMMAND [SUBCOMMAND]]",
    .max_args = 2,
    .run = run,
    .summary = "show help for a command",
};
