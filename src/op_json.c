/* JSON fields of requests and replies; see op_json.h. */
#include "op_json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "errors.h"

static int field(json_object *req, const char *name, bool required, json_type type,
                 const char *what, json_object **out)
{
        *out = NULL;
        if (!json_object_object_get_ex(req, name, out) || !*out) {
                *out = NULL;
                return required ? error_set(EXIT_USAGE, "the request has no \"%s\"", name) : 0;
        }
        if (!json_object_is_type(*out, type))
                return error_set(EXIT_USAGE, "\"%s\" must be %s", name, what);
        return 0;
}

int json_get_string(json_object *req, const char *name, bool required, const char **out)
{
        json_object *v;
        int r = field(req, name, required, json_type_string, "a string", &v);

        *out = v ? json_object_get_string(v) : NULL;
        if (!r && v && strlen(*out) != (size_t)json_object_get_string_len(v))
                r = error_set(EXIT_BAD_INPUT, "\"%s\" contains a NUL character", name);
        return r;
}

int json_get_bool(json_object *req, const char *name, bool *out)
{
        json_object *v;
        int r = field(req, name, false, json_type_boolean, "true or false", &v);

        if (!r && v)
                *out = json_object_get_boolean(v);
        return r;
}

int json_get_uint(json_object *req, const char *name, bool required, unsigned long max,
                  unsigned long *out, bool *present)
{
        json_object *v;
        int r = field(req, name, required, json_type_int, "a whole number", &v);
        int64_t n;

        if (present)
                *present = v != NULL;
        if (r || !v)
                return r;
        n = json_object_get_int64(v);
        if (n < 0 || (uint64_t)n > max)
                return error_set(EXIT_USAGE, "\"%s\" must be a number from 0 to %lu", name, max);
        *out = (unsigned long)n;
        return 0;
}

int json_get_base64(json_object *req, const char *name, bool required, struct secret *out)
{
        json_object *v;
        int r = field(req, name, required, json_type_string, "a base64 string", &v);

        out->data = NULL;
        out->size = 0;
        if (r || !v)
                return r;
        if (!base64_decode(json_object_get_string(v), (size_t)json_object_get_string_len(v),
                           &out->data, &out->size))
                return error_set(EXIT_BAD_INPUT, "\"%s\" is not valid base64", name);
        return 0;
}

int json_get_auth(json_object *req, struct auth_source *out)
{
        json_object *v;
        int r = field(req, "auth", false, json_type_string, "a string (the password)", &v);

        if (r || !v)
                return r;
        out->value = (const unsigned char *)json_object_get_string(v);
        out->value_len = (size_t)json_object_get_string_len(v);
        return 0;
}

int json_get_path_auth_data(json_object *req, const char **path, struct auth_source *auth,
                            const char *data_field, struct secret *data)
{
        int r;

        if ((r = json_get_string(req, "path", true, path)) || (r = json_get_auth(req, auth)))
                return r;
        return json_get_base64(req, data_field, true, data);
}

int json_add_base64(json_object *reply, const char *name, const unsigned char *data, size_t len)
{
        size_t text_len = base64_encoded_len(len);
        char *text = malloc(text_len + 1);

        if (!text)
                return error_set(EXIT_TPM, "out of memory");
        base64_encode(data, len, text);
        json_object_object_add(reply, name, json_object_new_string_len(text, (int)text_len));
        OPENSSL_cleanse(text, text_len + 1);
        free(text);
        return 0;
}

/* json-c hands out its strings as const; they are this process's own
 * memory, and wiping them is the point. */
static void wipe(const char *text, size_t len)
{
        if (text && len)
                OPENSSL_cleanse((void *)(uintptr_t)text, len);
}

static void wipe_values(json_object *obj)
{
        switch (json_object_get_type(obj)) {
        case json_type_string:
                wipe(json_object_get_string(obj), (size_t)json_object_get_string_len(obj));
                break;
        case json_type_object: {
                json_object_object_foreach(obj, key, value)
                {
                        (void)key;
                        wipe_values(value);
                }
                break;
        }
        case json_type_array:
                for (size_t i = 0; i < json_object_array_length(obj); i++)
                        wipe_values(json_object_array_get_idx(obj, i));
                break;
        default:
                break;
        }
}

void json_wipe(json_object *obj)
{
        if (!obj)
                return;
        wipe_values(obj);
}

void json_merge(json_object *to, json_object *from)
{
        json_object_object_foreach(from, key, value)
        {
                json_object_object_add(to, key, json_object_get(value));
        }
        json_object_put(from);
}
