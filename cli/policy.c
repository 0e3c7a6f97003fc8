/* tpmctl policy: the group of policy commands. */
#include "cli.h"

static const struct command *const policy_commands[] = {
    &cmd_policy_import,
    &cmd_policy_show,
    &cmd_policy_list,
    &cmd_policy_export,
    &cmd_policy_digest,
    &cmd_policy_authorize,
    NULL,
};

const struct command cmd_policy = {
    .name = "policy",
    .args = "COMMAND",
    .summary = "check, store, show and compute JSON policies (TCG FAPI policy language)",
    .subcommands = policy_commands,
};
