/* What the completion offers for option values and positional arguments. */
#pragma once

#include <stddef.h>

#include "cli.h"

/* Kinds of values the completion scripts know how to complete. Anything
 * else a kind names is a value list (see completion_list_names). */
#define KIND_NONE       "none"       /* free text: offer nothing */
#define KIND_FILE       "file"       /* a file */
#define KIND_DIR        "dir"        /* a directory */
#define KIND_PATH       "path"       /* a keystore path, from `tpmctl list` */
#define KIND_NVPATH     "nvpath"     /* an NV index's path, from `tpmctl list` */
#define KIND_POLICYPATH "policypath" /* a policy's path, from `tpmctl policy list` */
#define KIND_PCRS       "pcrs"       /* a PCR bank followed by ':' */

/* The kind of an option's value in a command ("key create"; "" for the
 * global options); NULL for a flag. */
const char *completion_option_kind(const char *command, const struct cli_option *o);

/* The kind of a positional argument named as in struct command's args
 * ("PATH", "NVPATH", "FILE"...), without brackets or "...". */
const char *completion_arg_kind(const char *arg);

/* The shells `tpmctl completion` writes for, then NULL. */
extern const char *const completion_shells[];

/* The value lists' names, ending with NULL. */
extern const char *const completion_list_names[];

/* Fills out with a list's values (at most max - 1, then NULL). */
void completion_list_values(const char *name, const char **out, size_t max);
