/* tpmctl lockout: the group of dictionary-attack commands. */
#include "cli.h"

static const struct command *const lockout_commands[] = {
    &cmd_lockout_status,
    &cmd_lockout_clear,
    NULL,
};

const struct command cmd_lockout = {
    .name = "lockout",
    .args = "COMMAND",
    .summary = "show and clear the TPM's dictionary-attack lockout",
    .details = "Wrong passwords on objects with a password (not --noda) count toward the\n"
               "lockout, for the whole TPM; see DICTIONARY-ATTACK LOCKOUT in tpmctl(1).",
    .subcommands = lockout_commands,
};
