/* An error as JSON, the one form the command line's --json, `tpmctl batch`
 * and `tpmctl serve` give: {"error": LINE, "exit": N} and, when a TSS code
 * is behind it, "code": "0x98e" and "hint": what it means and what to do. */
#pragma once

#include <json-c/json.h>

/* Adds the recorded error (errors.h) of a command that ended with `exit` to
 * obj. */
void error_json_add(json_object *obj, int exit);
