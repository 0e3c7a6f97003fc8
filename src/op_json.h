/* Reading the fields of a JSON request and writing those of a reply, for the
 * operations' adapters (ops.h). A missing or ill-typed field is EXIT_USAGE
 * (the request is malformed); a field whose value is wrong, such as bad
 * base64, EXIT_BAD_INPUT. Every error names the field. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "auth.h"
#include "cleanup.h"

/* A string field; *out NULL when absent and not required. */
int json_get_string(json_object *req, const char *name, bool required, const char **out);

/* A boolean field; *out unchanged when absent. */
int json_get_bool(json_object *req, const char *name, bool *out);

/* A whole number from 0 to max; *present (may be NULL) says whether it was given. */
int json_get_uint(json_object *req, const char *name, bool required, unsigned long max,
                  unsigned long *out, bool *present);

/* A base64 field, decoded into a new buffer (wiped when freed: it may be a
 * secret); out->data NULL when absent and not required. */
int json_get_base64(json_object *req, const char *name, bool required, struct secret *out);

/* The request's "auth" string, as an in-memory password source; left as it
 * is (no source) when absent. The value stays in the request object, which
 * its owner wipes (json_wipe). */
int json_get_auth(json_object *req, struct auth_source *out);

/* What most operations on an object take: "path", "auth" (json_get_auth)
 * and the bytes of the required base64 field data_field. */
int json_get_path_auth_data(json_object *req, const char **path, struct auth_source *auth,
                            const char *data_field, struct secret *data);

/* Adds a base64 string field. */
int json_add_base64(json_object *reply, const char *name, const unsigned char *data, size_t len);

/* Overwrites every string value in obj with
 * zeros: requests and replies may hold passwords and secrets. */
void json_wipe(json_object *obj);

/* Adds every field of `from` to `to`, and frees from. */
void json_merge(json_object *to, json_object *from);
