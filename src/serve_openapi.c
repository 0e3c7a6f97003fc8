/* The OpenAPI 3 document of tpmctl serve, made from the table of operations
 * (ops.c): every operation there is a POST /v1/op/{op}, with the fields its
 * batch request takes, so that the document is the service whatever ops are
 * added. */
#include <string.h>

#include "config.h"
#include "ops.h"
#include "serve.h"

/* The JSON type of the request fields the operations share. A field not
 * listed is documented without a type (any JSON value). */
static const struct {
        const char *name, *type, *format;
} field_types[] = {
    {"auth", "string", "password"}, {"bytes", "integer", NULL},  {"force", "boolean", NULL},
    {"noda", "boolean", NULL},      {"offset", "integer", NULL}, {"pcr", "integer", NULL},
    {"random", "integer", NULL},    {"size", "integer", NULL},
};

static json_object *str(const char *s)
{
        return json_object_new_string(s);
}

static json_object *ref(const char *name)
{
        json_object *o = json_object_new_object();
        char path[128];

        snprintf(path, sizeof(path), "#/components/%s", name);
        json_object_object_add(o, "$ref", str(path));
        return o;
}

static json_object *field_schema(const char *name)
{
        json_object *s = json_object_new_object();
        size_t n = strlen(name);

        if (n > 4 && strcmp(name + n - 4, "_b64") == 0) {
                json_object_object_add(s, "type", str("string"));
                json_object_object_add(s, "format", str("byte"));
                return s;
        }
        for (size_t i = 0; i < sizeof(field_types) / sizeof(field_types[0]); i++) {
                if (strcmp(field_types[i].name, name) != 0)
                        continue;
                json_object_object_add(s, "type", str(field_types[i].type));
                if (field_types[i].format)
                        json_object_object_add(s, "format", str(field_types[i].format));
                return s;
        }
        json_object_object_add(s, "description",
                               str("as in the op's `tpmctl batch` request (man tpmctl)"));
        return s;
}

static json_object *json_content(json_object *schema)
{
        json_object *c = json_object_new_object(), *mt = json_object_new_object();

        json_object_object_add(mt, "schema", schema);
        json_object_object_add(c, "application/json", mt);
        return c;
}

static json_object *response(const char *description, json_object *schema)
{
        json_object *r = json_object_new_object();

        json_object_object_add(r, "description", str(description));
        json_object_object_add(r, "content", json_content(schema));
        return r;
}

static json_object *object_schema(void)
{
        json_object *s = json_object_new_object();

        json_object_object_add(s, "type", str("object"));
        return s;
}

/* The responses every route may give besides its own. */
static void error_responses(json_object *responses)
{
        json_object_object_add(responses, "401", ref("responses/Unauthorized"));
        json_object_object_add(responses, "default", ref("responses/Error"));
}

static json_object *get_route(const char *id, const char *summary, json_object *ok_schema)
{
        json_object *path = json_object_new_object(), *op = json_object_new_object(),
                    *responses = json_object_new_object();

        json_object_object_add(op, "operationId", str(id));
        json_object_object_add(op, "summary", str(summary));
        json_object_object_add(responses, "200", response("success", ok_schema));
        error_responses(responses);
        json_object_object_add(op, "responses", responses);
        json_object_object_add(path, "get", op);
        return path;
}

static json_object *op_route(const struct op_entry *e)
{
        json_object *path = json_object_new_object(), *op = json_object_new_object(),
                    *responses = json_object_new_object(), *body = json_object_new_object(),
                    *schema = object_schema(), *props = json_object_new_object();
        char summary[160];

        for (const char *const *f = e->fields; *f; f++)
                json_object_object_add(props, *f, field_schema(*f));
        json_object_object_add(schema, "properties", props);
        json_object_object_add(schema, "additionalProperties", json_object_new_boolean(false));
        json_object_object_add(body, "required", json_object_new_boolean(false));
        json_object_object_add(body, "content", json_content(schema));
        snprintf(summary, sizeof(summary),
                 "%s: the `tpmctl batch` request without \"id\" and \"op\"; the reply's fields "
                 "without \"id\" and \"ok\"",
                 e->name);
        json_object_object_add(op, "operationId", str(e->name));
        json_object_object_add(op, "summary", str(summary));
        json_object_object_add(op, "requestBody", body);
        json_object_object_add(responses, "200", response("success", object_schema()));
        json_object_object_add(responses, "413", ref("responses/TooLarge"));
        error_responses(responses);
        json_object_object_add(op, "responses", responses);
        json_object_object_add(path, "post", op);
        return path;
}

static json_object *error_schema(void)
{
        json_object *s = object_schema(), *props = json_object_new_object(),
                    *req = json_object_new_array(), *error = json_object_new_object(),
                    *code = json_object_new_object();

        json_object_object_add(error, "type", str("string"));
        json_object_object_add(code, "type", str("integer"));
        json_object_object_add(code, "description",
                               str("tpmctl's exit code: 1 invalid (422), 2 usage and 3 bad input "
                                   "(400), 4 not found (404), 5 auth (403), 6 policy (412), 7 TPM "
                                   "unavailable (503), 8 TPM error (500), 9 exists (409)"));
        json_object_object_add(props, "error", error);
        json_object_object_add(props, "exit", code);
        json_object_array_add(req, str("error"));
        json_object_array_add(req, str("exit"));
        json_object_object_add(s, "properties", props);
        json_object_object_add(s, "required", req);
        return s;
}

static json_object *components(void)
{
        json_object *c = json_object_new_object(), *schemas = json_object_new_object(),
                    *responses = json_object_new_object(), *security = json_object_new_object(),
                    *bearer = json_object_new_object();

        json_object_object_add(schemas, "Error", error_schema());
        json_object_object_add(responses, "Error",
                               response("the operation failed", ref("schemas/Error")));
        json_object_object_add(responses, "Unauthorized",
                               response("no valid bearer token", ref("schemas/Error")));
        json_object_object_add(
            responses, "TooLarge",
            response("the body is longer than --max-body", ref("schemas/Error")));
        json_object_object_add(bearer, "type", str("http"));
        json_object_object_add(bearer, "scheme", str("bearer"));
        json_object_object_add(security, "bearer", bearer);
        json_object_object_add(c, "schemas", schemas);
        json_object_object_add(c, "responses", responses);
        json_object_object_add(c, "securitySchemes", security);
        return c;
}

char *serve_openapi(void)
{
        json_object *doc = json_object_new_object(), *info = json_object_new_object(),
                    *paths = json_object_new_object(), *security = json_object_new_array(),
                    *bearer = json_object_new_object(), *health = object_schema(),
                    *hprops = json_object_new_object(), *status = json_object_new_object();
        char *text;

        json_object_object_add(doc, "openapi", str("3.0.3"));
        json_object_object_add(info, "title", str("tpmctl serve"));
        json_object_object_add(info, "version", str(TPMCTL_VERSION));
        json_object_object_add(info, "description",
                               str("The TPM operations of tpmctl over HTTP/JSON; see man tpmctl, "
                                   "SERVE. A bearer token is needed on TCP, and on a unix socket "
                                   "when the server was given --token-file."));
        json_object_object_add(doc, "info", info);
        /* No token (a unix socket without --token-file), or the bearer token. */
        json_object_array_add(security, json_object_new_object());
        json_object_object_add(bearer, "bearer", json_object_new_array());
        json_object_array_add(security, bearer);
        json_object_object_add(doc, "security", security);

        json_object_object_add(status, "type", str("string"));
        json_object_object_add(hprops, "status", status);
        json_object_object_add(health, "properties", hprops);
        json_object_object_add(paths, "/v1/health",
                               get_route("health",
                                         "200 {\"status\": \"ok\"} when the TPM answers and the "
                                         "keystore is ready; else 503 with the reason",
                                         health));
        json_object_object_add(
            paths, "/v1/info",
            get_route("info", "what `tpmctl --json info` prints", object_schema()));
        {
                json_object *keys = get_route(
                    "keys", "the keystore's objects: the list op; ?path= lists under a path",
                    object_schema());
                json_object *params = json_object_new_array(), *p = json_object_new_object(),
                            *ps = json_object_new_object();
                json_object *get;

                json_object_object_add(p, "name", str("path"));
                json_object_object_add(p, "in", str("query"));
                json_object_object_add(p, "required", json_object_new_boolean(false));
                json_object_object_add(ps, "type", str("string"));
                json_object_object_add(p, "schema", ps);
                json_object_array_add(params, p);
                json_object_object_get_ex(keys, "get", &get);
                json_object_object_add(get, "parameters", params);
                json_object_object_add(paths, "/v1/keys", keys);
        }
        json_object_object_add(paths, "/v1/openapi.json",
                               get_route("openapi", "this document", object_schema()));
        for (const struct op_entry *e = op_table; e->name; e++) {
                char path[128];

                snprintf(path, sizeof(path), "/v1/op/%s", e->name);
                json_object_object_add(paths, path, op_route(e));
        }
        json_object_object_add(doc, "paths", paths);
        json_object_object_add(doc, "components", components());
        text = strdup(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
                                                              JSON_C_TO_STRING_SPACED |
                                                              JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(doc);
        return text;
}
