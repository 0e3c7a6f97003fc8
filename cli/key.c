/* tpmctl key: the group of key commands. */
#include "cli.h"

static const struct command *const key_commands[] = {&cmd_key_create, &cmd_key_show, NULL};

const struct command cmd_key = {
    .name = "key",
    .args = "COMMAND",
    .summary = "create keys and show what they are",
    .subcommands = key_commands,
};
