/* tpmctl auth: the group of password commands. */
#include "cli.h"

static const struct command *const auth_commands[] = {&cmd_auth_change, NULL};

const struct command cmd_auth = {
    .name = "auth",
    .args = "COMMAND",
    .summary = "change the password of a key or sealed object",
    .subcommands = auth_commands,
};
