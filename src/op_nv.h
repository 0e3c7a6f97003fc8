/* The NV index operations (nv define, write, read, increment, extend,
 * setbits) with typed requests and results, as ops.h has the others. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "nv.h"
#include "objects.h"
#include "op.h"

struct nv_define_request {
        const char *path;   /* NAME or /nv/Owner/NAME */
        const char *type;   /* "ordinary" (NULL), "counter", "bitfield", "extend" */
        size_t size;        /* 0: the type's (not for ordinary) */
        const char *policy; /* keystore policy path, or NULL */
        bool noda;
        const struct auth_source *auth; /* the index's password: none when not given */
};
struct nv_define_result {
        char path[FAPI_PATH_MAX];
        struct nv_info nv; /* what the keystore now says */
};
int op_nv_define(struct op_context *ctx, const struct nv_define_request *req,
                 struct nv_define_result *res);
void nv_define_result_free(struct nv_define_result *res);
json_object *nv_define_result_json(const struct nv_define_result *res);

struct nv_write_request {
        const char *path;
        const unsigned char *data;
        size_t len;
        size_t offset;
        const struct auth_source *auth;
};
struct nv_data_result {
        char path[FAPI_PATH_MAX];
        bool warned; /* a policy index, used through FAPI: the data crossed the bus in clear */
};
int op_nv_write(struct op_context *ctx, const struct nv_write_request *req,
                struct nv_data_result *res);
/* {"path": PATH} and "warning" when the data crossed the bus in clear: what
 * nv write, increment, extend and setbits print with --json and reply. */
json_object *nv_data_result_json(const struct nv_data_result *res);

struct nv_read_request {
        const char *path;
        size_t offset;
        size_t size; /* with has_size; else to the index's end */
        bool has_size;
        const struct auth_source *auth;
};
struct nv_read_result {
        char path[FAPI_PATH_MAX];
        char type[16]; /* nv_info's */
        size_t offset;
        struct secret data;
        bool warned;
};
int op_nv_read(struct op_context *ctx, const struct nv_read_request *req,
               struct nv_read_result *res);
void nv_read_result_free(struct nv_read_result *res);
/* {"path", "type", "offset", "size", "data_b64", "data_hex"} and, for a
 * counter or bitfield, its "value" as a number. */
json_object *nv_read_result_json(const struct nv_read_result *res);

struct nv_increment_request {
        const char *path;
        const struct auth_source *auth;
};
int op_nv_increment(struct op_context *ctx, const struct nv_increment_request *req,
                    struct nv_data_result *res);

struct nv_extend_request {
        const char *path;
        const unsigned char *data;
        size_t len;
        const struct auth_source *auth;
};
int op_nv_extend(struct op_context *ctx, const struct nv_extend_request *req,
                 struct nv_data_result *res);

struct nv_setbits_request {
        const char *path;
        uint64_t bits;
        const struct auth_source *auth;
};
int op_nv_setbits(struct op_context *ctx, const struct nv_setbits_request *req,
                  struct nv_data_result *res);

/* The warning printed (or replied) when an index's data crossed the bus in clear. */
#define NV_FAPI_WARNING                                                                            \
        "this index has a policy, which FAPI runs: its data crossed the TPM bus in clear"
