/* tpmctl nv: the group of NV index commands. */
#include "cli.h"

static const struct command *const nv_commands[] = {
    &cmd_nv_define, &cmd_nv_write,   &cmd_nv_read, &cmd_nv_increment,
    &cmd_nv_extend, &cmd_nv_setbits, NULL,
};

const struct command cmd_nv = {
    .name = "nv",
    .args = "COMMAND",
    .summary = "define, write and read NV indices (/nv/Owner/NAME)",
    .details = "NVPATH is /nv/Owner/NAME, or a bare NAME for /nv/Owner/NAME. `tpmctl delete\n"
               "NVPATH` undefines an index; `tpmctl list /nv` and `key show NVPATH` show them.",
    .subcommands = nv_commands,
};
