/* Reading JSON that tpmctl did not write: strictly, with limits. */
#pragma once

#include <json-c/json.h>
#include <stddef.h>

#define JSON_MAX_BYTES (1u << 20) /* no config or policy is near this */
#define JSON_MAX_DEPTH 32

/* Parses text as exactly one JSON value: the whole input must be consumed
 * (json-c accepts trailing garbage otherwise), nesting is limited. `what`
 * names the input in the error. Returns 0 or EXIT_BAD_INPUT. */
int json_parse_strict(const char *text, size_t len, const char *what, json_object **out);

/* Reads and parses a file the same way; EXIT_NOT_FOUND when it is missing. */
int json_file_read(const char *path, json_object **out);
