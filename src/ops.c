/* The one table of operations: the name a batch (or HTTP) request gives in
 * "op", and the adapter that turns it into the typed request of ops.h. The
 * commands of cli/ call the same operations, so a command and its batch
 * form do the same thing. */
#include "ops.h"

#include <string.h>

#include "errors.h"
#include "op_adapters.h"

const struct op_entry op_table[] = {
    {"sign", op_sign_json, op_sign_fields},
    {"verify", op_verify_json, op_verify_fields},
    {"encrypt", op_encrypt_json, op_encrypt_fields},
    {"decrypt", op_decrypt_json, op_decrypt_fields},
    {"seal", op_seal_json, op_seal_fields},
    {"unseal", op_unseal_json, op_unseal_fields},
    {"random", op_random_json, op_random_fields},
    {"pcr_read", op_pcr_read_json, op_pcr_read_fields},
    {"pcr_extend", op_pcr_extend_json, op_pcr_extend_fields},
    {"key_create", op_key_create_json, op_key_create_fields},
    {"key_show", op_key_show_json, op_key_show_fields},
    {"list", op_list_json, op_list_fields},
    {"delete", op_delete_json, op_delete_fields},
    {NULL, NULL, NULL},
};

static bool field_known(const struct op_entry *op, const char *name)
{
        if (strcmp(name, "id") == 0 || strcmp(name, "op") == 0)
                return true;
        for (const char *const *f = op->fields; *f; f++)
                if (strcmp(*f, name) == 0)
                        return true;
        return false;
}

int op_run_json(struct op_context *ctx, json_object *request, json_object *reply)
{
        const struct op_entry *op = NULL;
        json_object *name;

        if (!json_object_is_type(request, json_type_object))
                return error_set(EXIT_USAGE, "a request must be a JSON object");
        if (!json_object_object_get_ex(request, "op", &name) ||
            !json_object_is_type(name, json_type_string))
                return error_set(EXIT_USAGE, "the request has no \"op\" string");
        for (const struct op_entry *e = op_table; e->name; e++)
                if (strcmp(e->name, json_object_get_string(name)) == 0)
                        op = e;
        if (!op)
                return error_set(EXIT_USAGE, "unknown op \"%.64s\"", json_object_get_string(name));
        json_object_object_foreach(request, key, value)
        {
                (void)value;
                if (!field_known(op, key))
                        return error_set(EXIT_USAGE, "%s takes no field \"%.64s\"", op->name, key);
        }
        return op->json(ctx, request, reply);
}
