/* The JSON adapters of the operations, for the table in ops.c: each reads a
 * request object into its typed request (parse), runs its operation and
 * adds the result to reply (run), and lists the fields a request may hold. */
#pragma once

#include <json-c/json.h>

#include "op.h"

struct op_parsed;

#define OP_ADAPTER(name)                                                                           \
        int op_##name##_parse(json_object *request, struct op_parsed *parsed);                     \
        int op_##name##_run(struct op_context *ctx, const struct op_parsed *parsed,                \
                            json_object *reply);                                                   \
        extern const char *const op_##name##_fields[]

OP_ADAPTER(sign);
OP_ADAPTER(verify);
OP_ADAPTER(encrypt);
OP_ADAPTER(decrypt);
OP_ADAPTER(seal);
OP_ADAPTER(unseal);
OP_ADAPTER(random);
OP_ADAPTER(pcr_read);
OP_ADAPTER(pcr_extend);
OP_ADAPTER(key_create);
OP_ADAPTER(key_show);
OP_ADAPTER(list);
OP_ADAPTER(delete);
OP_ADAPTER(nv_define);
OP_ADAPTER(nv_write);
OP_ADAPTER(nv_read);
OP_ADAPTER(nv_increment);
OP_ADAPTER(nv_extend);
OP_ADAPTER(nv_setbits);
OP_ADAPTER(lockout_status);
OP_ADAPTER(lockout_clear);
OP_ADAPTER(hmac);
OP_ADAPTER(quote);
OP_ADAPTER(verify_quote);
OP_ADAPTER(import);
