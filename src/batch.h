/* tpmctl batch: requests as JSON lines on an input, one JSON reply line per
 * request on an output, in order, through the operations of ops.h and one
 * TPM context for the whole stream. */
#pragma once

#include <json-c/json.h>
#include <stddef.h>
#include <stdio.h>

#include "auth.h"
#include "settings.h"

/* Longest request line; a longer one is answered with an error. */
#define BATCH_LINE_MAX (16u << 20)

/* One request line (len bytes, without its newline) into a JSON object:
 * EXIT_USAGE, the error recorded, when it is not one JSON value with only
 * blanks after it. The line stays as it is; the caller wipes it. */
int batch_parse_line(const char *line, size_t len, json_object **out);

/* Reads requests from in_fd until its end or SIGINT/SIGTERM/SIGHUP (the
 * request under way is finished first), writing a reply line to out for
 * each as soon as it is made. default_auth: the password of requests without
 * "auth" that use an object (NULL: none). Returns 0 at the end of the input,
 * 128 + the signal's number after a signal, or an exit code when the
 * replies cannot be written. */
int batch_run(const struct settings *s, const struct auth_source *default_auth, int in_fd,
              FILE *out);
