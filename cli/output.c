/* Where a command's binary result goes: the output file or stdout as it is,
 * or with --json one JSON document (the bytes as base64 under the batch
 * op's field name, or what was written where). */
#include <openssl/crypto.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../src/error_json.h"
#include "../src/errors.h"
#include "../src/fileio.h"
#include "../src/op_json.h"
#include "cli.h"

int write_result(const struct settings *s, const char *output, const unsigned char *data,
                 size_t len, unsigned flags, const char *field, json_object *extra)
{
        json_object *doc = extra ? extra : json_object_new_object();
        int r = 0;

        if (!s->json) {
                json_object_put(doc);
                return file_write(output, data, len, flags);
        }
        if (strcmp(output, "-") == 0) {
                r = json_add_base64(doc, field, data, len);
        } else if (!(r = file_write(output, data, len, flags))) {
                json_object_object_add(doc, "output", json_object_new_string(output));
                json_object_object_add(doc, "bytes", json_object_new_int64((int64_t)len));
        }
        if (!r && (flags & WRITE_SECRET) && strcmp(output, "-") == 0) {
                /* The secret's base64 and the document's text are json-c's
                 * buffers: wiped before they are freed. */
                json_object *b64 = json_object_object_get(doc, field);
                const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
                                                                           JSON_C_TO_STRING_SPACED);
                printf("%s\n", text);
                fflush(stdout);
                OPENSSL_cleanse((void *)(uintptr_t)text, strlen(text));
                OPENSSL_cleanse((void *)(uintptr_t)json_object_get_string(b64),
                                (size_t)json_object_get_string_len(b64));
                json_object_put(doc);
                return 0;
        }
        if (r) {
                json_object_put(doc);
                return r;
        }
        print_json(doc);
        return 0;
}

int print_invalid(const struct settings *s)
{
        if (s->json) {
                json_object *doc = json_object_new_object();
                json_object_object_add(doc, "valid", json_object_new_boolean(false));
                error_json_add(doc, EXIT_INVALID);
                json_error_printed = true;
                print_json(doc);
        }
        return EXIT_INVALID;
}
