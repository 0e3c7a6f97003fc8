/* The one table of operations: the name a batch (or HTTP) request gives in
 * "op", and the adapter that turns it into the typed request of ops.h. The
 * commands of cli/ call the same operations, so a command and its batch
 * form do the same thing. */
#include "ops.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "op_adapters.h"

const struct op_entry op_table[] = {
    {"sign", op_sign_parse, op_sign_run, op_sign_fields},
    {"verify", op_verify_parse, op_verify_run, op_verify_fields},
    {"encrypt", op_encrypt_parse, op_encrypt_run, op_encrypt_fields},
    {"decrypt", op_decrypt_parse, op_decrypt_run, op_decrypt_fields},
    {"seal", op_seal_parse, op_seal_run, op_seal_fields},
    {"unseal", op_unseal_parse, op_unseal_run, op_unseal_fields},
    {"random", op_random_parse, op_random_run, op_random_fields},
    {"pcr_read", op_pcr_read_parse, op_pcr_read_run, op_pcr_read_fields},
    {"pcr_extend", op_pcr_extend_parse, op_pcr_extend_run, op_pcr_extend_fields},
    {"key_create", op_key_create_parse, op_key_create_run, op_key_create_fields},
    {"key_show", op_key_show_parse, op_key_show_run, op_key_show_fields},
    {"list", op_list_parse, op_list_run, op_list_fields},
    {"delete", op_delete_parse, op_delete_run, op_delete_fields},
    {"nv_define", op_nv_define_parse, op_nv_define_run, op_nv_define_fields},
    {"nv_write", op_nv_write_parse, op_nv_write_run, op_nv_write_fields},
    {"nv_read", op_nv_read_parse, op_nv_read_run, op_nv_read_fields},
    {"nv_increment", op_nv_increment_parse, op_nv_increment_run, op_nv_increment_fields},
    {"nv_extend", op_nv_extend_parse, op_nv_extend_run, op_nv_extend_fields},
    {"nv_setbits", op_nv_setbits_parse, op_nv_setbits_run, op_nv_setbits_fields},
    {"lockout_status", op_lockout_status_parse, op_lockout_status_run, op_lockout_status_fields},
    {"lockout_clear", op_lockout_clear_parse, op_lockout_clear_run, op_lockout_clear_fields},
    {"hmac", op_hmac_parse, op_hmac_run, op_hmac_fields},
    {"quote", op_quote_parse, op_quote_run, op_quote_fields},
    {"verify_quote", op_verify_quote_parse, op_verify_quote_run, op_verify_quote_fields},
    {"import", op_import_parse, op_import_run, op_import_fields},
    {NULL, NULL, NULL, NULL},
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

void op_parsed_free(struct op_parsed *parsed)
{
        secret_wipe(&parsed->data);
        secret_wipe(&parsed->digest);
        secret_wipe(&parsed->signature);
        EVP_PKEY_free(parsed->pubkey);
        if (parsed->quote)
                quote_doc_free(parsed->quote);
        free(parsed->quote);
        free(parsed->pcrs);
        OPENSSL_cleanse(parsed, sizeof(*parsed));
}

int op_parse_json(json_object *request, const struct op_entry **op, struct op_parsed *parsed)
{
        json_object *name;

        *op = NULL;
        *parsed = (struct op_parsed){.auth = {.option_prefix = "auth"}};
        if (!json_object_is_type(request, json_type_object))
                return error_set(EXIT_USAGE, "a request must be a JSON object");
        if (!json_object_object_get_ex(request, "op", &name) ||
            !json_object_is_type(name, json_type_string))
                return error_set(EXIT_USAGE, "the request has no \"op\" string");
        /* The whole string: "sign" followed by a NUL and more is no op. */
        for (const struct op_entry *e = op_table; e->name; e++)
                if (strcmp(e->name, json_object_get_string(name)) == 0 &&
                    strlen(e->name) == (size_t)json_object_get_string_len(name))
                        *op = e;
        if (!*op) {
                char known[1024];
                size_t used = 0;
                for (const struct op_entry *e = op_table; e->name && used < sizeof(known); e++)
                        used += (size_t)snprintf(known + used, sizeof(known) - used, "%s%s",
                                                 used ? ", " : "", e->name);
                return error_set(EXIT_USAGE, "unknown op \"%.64s\" (the ops: %s)",
                                 json_object_get_string(name), known);
        }
        json_object_object_foreach(request, key, value)
        {
                (void)value;
                if (!field_known(*op, key))
                        return error_set(EXIT_USAGE, "%s takes no field \"%.64s\"", (*op)->name,
                                         key);
        }
        return (*op)->parse(request, parsed);
}

int op_run_json(struct op_context *ctx, json_object *request, json_object *reply)
{
        _cleanup_(op_parsed_free) struct op_parsed parsed;
        const struct op_entry *op;
        int r;

        if ((r = op_parse_json(request, &op, &parsed)))
                return r;
        return op->run(ctx, &parsed, reply);
}
