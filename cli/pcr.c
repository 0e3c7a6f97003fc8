/* tpmctl pcr: the group of PCR commands. */
#include "cli.h"

static const struct command *const pcr_commands[] = {&cmd_pcr_read, &cmd_pcr_extend, NULL};

const struct command cmd_pcr = {
    .name = "pcr",
    .args = "COMMAND",
    .summary = "read and extend PCRs",
    .subcommands = pcr_commands,
};
