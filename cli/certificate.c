/* tpmctl certificate: the group of certificate commands. */
#include "cli.h"

static const struct command *const certificate_commands[] = {
    &cmd_certificate_get,
    &cmd_certificate_set,
    NULL,
};

const struct command cmd_certificate = {
    .name = "certificate",
    .args = "COMMAND",
    .summary = "store and read a key's X.509 certificate (PEM) in the keystore",
    .details = "PATH is a key (a bare NAME is /HS/SRK/NAME) or /HE/EK, whose certificate\n"
               "is the TPM's own when the keystore has none.",
    .subcommands = certificate_commands,
};
