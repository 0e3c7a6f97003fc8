/* Reading JSON that tpmctl did not write: strictly, with limits. */
#include "jsonfile.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "cleanup.h"
#include "errors.h"
#include "fileio.h"

static void tokener_freep(json_tokener **t)
{
        if (*t)
                json_tokener_free(*t);
}

/* json-c 0.16 accepts 'single-quoted' strings even in strict mode; JSON does
 * not. Returns the offset of the first quote outside a string, or len. */
static size_t single_quote_at(const char *text, size_t len)
{
        bool in_string = false;

        for (size_t i = 0; i < len; i++) {
                if (in_string && text[i] == '\\')
                        i++;
                else if (text[i] == '"')
                        in_string = !in_string;
                else if (!in_string && text[i] == '\'')
                        return i;
        }
        return len;
}

int json_parse_strict(const char *text, size_t len, const char *what, json_object **out)
{
        _cleanup_(tokener_freep) json_tokener *tok = json_tokener_new_ex(JSON_MAX_DEPTH);
        json_object *obj;
        size_t quote;

        if (!tok)
                return error_set(EXIT_TPM, "out of memory");
        if (len > JSON_MAX_BYTES)
                return error_set(EXIT_BAD_INPUT, "%s: larger than %u bytes", what, JSON_MAX_BYTES);
        if (memchr(text, '\0', len))
                return error_set(EXIT_BAD_INPUT, "%s: contains a NUL byte", what);
        if ((quote = single_quote_at(text, len)) < len)
                return error_set(EXIT_BAD_INPUT,
                                 "%s: not valid JSON at byte %zu: strings take "
                                 "double quotes",
                                 what, quote);
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
        obj = json_tokener_parse_ex(tok, text, (int)len);
        if (!obj || json_tokener_get_error(tok) != json_tokener_success) {
                enum json_tokener_error e = json_tokener_get_error(tok);
                json_object_put(obj);
                return error_set(EXIT_BAD_INPUT, "%s: not valid JSON at byte %zu: %s", what,
                                 json_tokener_get_parse_end(tok),
                                 e == json_tokener_continue ? "unexpected end of input"
                                                            : json_tokener_error_desc(e));
        }
        if (json_tokener_get_parse_end(tok) < len) {
                size_t end = json_tokener_get_parse_end(tok);
                while (end < len && strchr(" \t\r\n", text[end]))
                        end++;
                if (end < len) {
                        json_object_put(obj);
                        return error_set(EXIT_BAD_INPUT,
                                         "%s: unexpected data after the JSON value at byte %zu",
                                         what, end);
                }
        }
        *out = obj;
        return 0;
}

int json_file_read(const char *path, json_object **out)
{
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r;

        if ((r = file_read(path, JSON_MAX_BYTES, (unsigned char **)&text, &len)))
                return r;
        return json_parse_strict(text, len, path, out);
}
