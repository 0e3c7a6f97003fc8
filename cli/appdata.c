/* tpmctl appdata: the group of application data commands. */
#include "cli.h"

static const struct command *const appdata_commands[] = {
    &cmd_appdata_set,
    &cmd_appdata_get,
    NULL,
};

const struct command cmd_appdata = {
    .name = "appdata",
    .args = "COMMAND",
    .summary = "keep an application's own bytes with a key, sealed object or NV index",
    .details = "Stored in the keystore (not the TPM), in clear, at most 256 KiB.",
    .subcommands = appdata_commands,
};
