/* tpmctl description: the group of description commands. */
#include "cli.h"

static const struct command *const description_commands[] = {
    &cmd_description_set,
    NULL,
};

const struct command cmd_description = {
    .name = "description",
    .args = "COMMAND",
    .summary = "set the description of a key, sealed object or NV index",
    .details = "`tpmctl key show PATH` shows it.",
    .subcommands = description_commands,
};
