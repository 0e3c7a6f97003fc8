/* The routes of tpmctl serve: GET /v1/health, /v1/info, /v1/keys,
 * /v1/openapi.json and POST /v1/op/{op}, where {op} is any operation of the
 * table of ops.c, run as `tpmctl batch` runs it (op_run_json on the one
 * kept op_context). Replies are JSON; errors {"error": TEXT, "exit": CODE}
 * with the HTTP status of the exit code (serve_status()). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "errors.h"
#include "health.h"
#include "op_json.h"
#include "ops.h"
#include "serve_internal.h"
#include "tpm_info.h"
#include "watchdog.h"

#define OP_PREFIX "/v1/op/"

/* One HTTP request under way: libmicrohttpd's con_cls. */
struct request {
        char method[16];
        char path[160]; /* for the access log, printable */
        struct timespec start;
        unsigned status;
        bool answered;  /* a response is queued */
        bool too_large; /* the body went past --max-body: dropped */
        const struct route *route;
        const struct op_entry *op;
        unsigned char *body; /* wiped when freed: it may hold a password */
        size_t len, cap;
};

typedef int (*route_fn)(struct server *srv, struct request *req, struct MHD_Connection *conn,
                        json_object *reply);

struct route {
        const char *path; /* ends with '/': a prefix */
        const char *method;
        route_fn run;
};

double serve_ms(const struct timespec *a, const struct timespec *b)
{
        return (double)(b->tv_sec - a->tv_sec) * 1e3 + (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

/* The HTTP status for an exit code. 1 (a verification or quote that says
 * no, when an operation reports it as an error) is 422: the request was
 * understood and its answer is "invalid". */
unsigned serve_status(int code)
{
        switch (code) {
        case EXIT_OK:
                return MHD_HTTP_OK;
        case EXIT_INVALID:
                return MHD_HTTP_UNPROCESSABLE_CONTENT;
        case EXIT_USAGE:
        case EXIT_BAD_INPUT:
                return MHD_HTTP_BAD_REQUEST;
        case EXIT_NOT_FOUND:
                return MHD_HTTP_NOT_FOUND;
        case EXIT_AUTH:
                return MHD_HTTP_FORBIDDEN;
        case EXIT_POLICY:
                return MHD_HTTP_PRECONDITION_FAILED;
        case EXIT_UNAVAILABLE:
                return MHD_HTTP_SERVICE_UNAVAILABLE;
        case EXIT_EXISTS:
                return MHD_HTTP_CONFLICT;
        default:
                return MHD_HTTP_INTERNAL_SERVER_ERROR;
        }
}

/* Frees a reply body after wiping it: replies carry unsealed and decrypted
 * data. The body is JSON text, without a NUL inside. */
static void wipe_free(void *text)
{
        if (text) {
                OPENSSL_cleanse(text, strlen(text));
                free(text);
        }
}

/* Queues reply (consumed, then wiped) with status. */
static enum MHD_Result respond(struct request *req, struct MHD_Connection *conn, unsigned status,
                               json_object *reply, const char *allow)
{
        size_t len;
        const char *text = json_object_to_json_string_length(
            reply, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
        char *copy = malloc(len + 2);
        struct MHD_Response *resp = NULL;
        enum MHD_Result ok = MHD_NO;

        if (copy) {
                memcpy(copy, text, len);
                copy[len] = '\n';
                copy[len + 1] = '\0';
                resp = MHD_create_response_from_buffer_with_free_callback(len + 1, copy, wipe_free);
                if (!resp)
                        wipe_free(copy);
        }
        OPENSSL_cleanse((void *)(uintptr_t)text, len);
        json_wipe(reply);
        json_object_put(reply);
        if (!resp)
                return MHD_NO;
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
        if (allow)
                MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
        if (status == MHD_HTTP_UNAUTHORIZED)
                MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
        ok = MHD_queue_response(conn, status, resp);
        MHD_destroy_response(resp);
        req->status = status;
        req->answered = true;
        return ok;
}

/* The error reply for exit code `code` with the recorded message, with the
 * status of the code or `status` when not 0. */
static enum MHD_Result respond_error(struct request *req, struct MHD_Connection *conn, int code,
                                     unsigned status, const char *allow)
{
        json_object *reply = json_object_new_object();
        const char *msg = error_message();

        json_object_object_add(reply, "error",
                               json_object_new_string(*msg                   ? msg
                                                      : code == EXIT_INVALID ? "verification failed"
                                                                             : "failed"));
        json_object_object_add(reply, "exit", json_object_new_int(code));
        return respond(req, conn, status ? status : serve_status(code), reply, allow);
}

/* The end of one request's TPM work (under srv->lock): what batch does after
 * a request. The keystore lock is given up by the service's idle timer (or
 * here when it was held for long), so that a burst of requests keeps its
 * keys loaded and other tpmctl processes still get their turn. */
#define LOCK_HELD_MAX_MS 500.0

static void tpm_work_done(struct server *srv, bool was_locked, int status)
{
        char msg[1024];
        struct timespec now;

        /* op_context_done() clears the error: kept for the reply. */
        snprintf(msg, sizeof(msg), "%s", error_message());
        op_context_done(&srv->ctx, status);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (!was_locked && srv->ctx.locked)
                srv->locked_at = now;
        if (srv->ctx.locked && serve_ms(&srv->locked_at, &now) > LOCK_HELD_MAX_MS)
                op_context_idle(&srv->ctx);
        srv->last_done = now;
        /* op_context_done() may have closed the context and let the signals
         * through: this thread keeps them blocked (serve.c waits for them). */
        signals_hold();
        if (status)
                error_set(status, "%s", msg);
}

static int route_op(struct server *srv, struct request *req, struct MHD_Connection *conn,
                    json_object *reply)
{
        json_object *request = NULL;
        int r;

        (void)conn;
        if (req->len == 0)
                request = json_object_new_object();
        else if ((r = batch_parse_line((const char *)req->body, req->len, &request)))
                return r;
        if (!json_object_is_type(request, json_type_object)) {
                r = error_set(EXIT_USAGE, "the body must be a JSON object");
        } else if (json_object_object_get_ex(request, "op", NULL) ||
                   json_object_object_get_ex(request, "id", NULL)) {
                /* The URL names the operation; HTTP pairs the reply. */
                r = error_set(EXIT_USAGE, "%s takes no field \"%s\"", req->op->name,
                              json_object_object_get_ex(request, "op", NULL) ? "op" : "id");
        } else {
                bool was_locked = srv->ctx.locked;

                json_object_object_add(request, "op", json_object_new_string(req->op->name));
                r = op_run_json(&srv->ctx, request, reply);
                tpm_work_done(srv, was_locked, r);
        }
        json_wipe(request);
        json_object_put(request);
        return r;
}

static int route_keys(struct server *srv, struct request *req, struct MHD_Connection *conn,
                      json_object *reply)
{
        const char *path = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "path");
        json_object *request = json_object_new_object();
        bool was_locked = srv->ctx.locked;
        int r;

        (void)req;
        json_object_object_add(request, "op", json_object_new_string("list"));
        if (path)
                json_object_object_add(request, "path", json_object_new_string(path));
        r = op_run_json(&srv->ctx, request, reply);
        tpm_work_done(srv, was_locked, r);
        json_object_put(request);
        return r;
}

static json_object *string_array(const char *const *items, unsigned n)
{
        json_object *a = json_object_new_array();

        for (unsigned i = 0; i < n; i++)
                json_object_array_add(a, json_object_new_string(items[i]));
        return a;
}

/* What `tpmctl --json info` prints. */
static int route_info(struct server *srv, struct request *req, struct MHD_Connection *conn,
                      json_object *o)
{
        bool was_locked = srv->ctx.locked;
        struct tpm_info i;
        struct tpm *tpm;
        int r;

        (void)req;
        (void)conn;
        if (!(r = op_tpm(&srv->ctx, NEED_ESYS | LOCK_SHARED, NULL, &tpm)) &&
            !(r = tpm_info_read(tpm->esys, &i))) {
                json_object *lockout = json_object_new_object();
                char firmware[32], revision[16];

                snprintf(firmware, sizeof(firmware), "%08x.%08x", i.firmware[0], i.firmware[1]);
                snprintf(revision, sizeof(revision), "%u.%02u", i.revision / 100, i.revision % 100);
                json_object_object_add(o, "manufacturer", json_object_new_string(i.manufacturer));
                json_object_object_add(o, "vendor", json_object_new_string(i.vendor));
                json_object_object_add(o, "firmware", json_object_new_string(firmware));
                json_object_object_add(o, "family", json_object_new_string(i.family));
                json_object_object_add(o, "spec_revision", json_object_new_string(revision));
                json_object_object_add(o, "spec_year", json_object_new_int64(i.spec_year));
                json_object_object_add(o, "algorithms", string_array(i.algorithms, i.n_algorithms));
                json_object_object_add(o, "pcr_banks", string_array(i.pcr_banks, i.n_pcr_banks));
                json_object_object_add(o, "profile", json_object_new_string(tpm->setup.profile));
                json_object_object_add(
                    o, "provisioned",
                    json_object_new_boolean(tpm_provisioned(tpm, tpm->setup.profile)));
                json_object_object_add(o, "keystore", json_object_new_string(tpm->setup.user_dir));
                json_object_object_add(lockout, "counter",
                                       json_object_new_int64(i.lockout_counter));
                json_object_object_add(lockout, "max_tries",
                                       json_object_new_int64(i.max_auth_fail));
                json_object_object_add(lockout, "interval_s",
                                       json_object_new_int64(i.lockout_interval));
                json_object_object_add(lockout, "recovery_s",
                                       json_object_new_int64(i.lockout_recovery));
                json_object_object_add(lockout, "locked_out",
                                       json_object_new_boolean(i.in_lockout));
                json_object_object_add(o, "lockout", lockout);
        }
        tpm_work_done(srv, was_locked, r);
        return r;
}

/* 200 {"status": "ok"}; else 503 {"status": "unavailable", "error", "exit"}
 * whatever the reason (not provisioned, lockout, no TPM). */
static int route_health(struct server *srv, struct request *req, struct MHD_Connection *conn,
                        json_object *reply)
{
        bool was_locked = srv->ctx.locked;
        struct tpm *tpm;
        int r;

        (void)req;
        (void)conn;
        if (!(r = op_tpm(&srv->ctx, NEED_ESYS | LOCK_SHARED, NULL, &tpm)))
                r = health_check(tpm);
        if (!r) {
                json_object_object_add(reply, "status", json_object_new_string("ok"));
        } else {
                const char *msg = error_message();

                json_object_object_add(reply, "status", json_object_new_string("unavailable"));
                json_object_object_add(reply, "error",
                                       json_object_new_string(*msg ? msg : "failed"));
                json_object_object_add(reply, "exit", json_object_new_int(r));
        }
        tpm_work_done(srv, was_locked, r);
        return r ? -r : 0; /* negative: the reply says it, with 503 */
}

static int route_openapi(struct server *srv, struct request *req, struct MHD_Connection *conn,
                         json_object *reply)
{
        char *text = serve_openapi();
        json_object *doc = text ? json_tokener_parse(text) : NULL;

        (void)srv;
        (void)req;
        (void)conn;
        free(text);
        if (!doc)
                return error_set(EXIT_TPM, "out of memory");
        json_merge(reply, doc);
        return 0;
}

static const struct route routes[] = {
    {"/v1/health", "GET", route_health}, {"/v1/info", "GET", route_info},
    {"/v1/keys", "GET", route_keys},     {"/v1/openapi.json", "GET", route_openapi},
    {OP_PREFIX, "POST", route_op},       {NULL, NULL, NULL},
};

static bool route_matches(const struct route *r, const char *url)
{
        size_t n = strlen(r->path);

        if (r->path[n - 1] == '/')
                return strncmp(url, r->path, n) == 0 && url[n] && !strchr(url + n, '/');
        return strcmp(url, r->path) == 0;
}

static const struct op_entry *op_find(const char *name)
{
        for (const struct op_entry *e = op_table; e->name; e++)
                if (strcmp(e->name, name) == 0)
                        return e;
        return NULL;
}

/* The path for the log: printable, bounded. */
static void log_path(char *out, size_t size, const char *url)
{
        size_t i = 0;

        for (; url[i] && i + 1 < size; i++)
                out[i] = (url[i] > ' ' && url[i] < 0x7f) ? url[i] : '?';
        out[i] = '\0';
}

static void body_free(struct request *req)
{
        if (req->body) {
                OPENSSL_cleanse(req->body, req->cap);
                free(req->body);
        }
        req->body = NULL;
        req->len = req->cap = 0;
}

/* Adds upload data to the body; past max_body it is dropped (413 at the end). */
static int body_add(struct server *srv, struct request *req, const char *data, size_t n)
{
        if (req->too_large || n > srv->max_body - req->len) {
                req->too_large = true;
                body_free(req);
                return 0;
        }
        if (req->len + n + 1 > req->cap) {
                size_t cap = req->cap ? req->cap : 4096, len = req->len;
                unsigned char *grown;

                while (cap < req->len + n + 1)
                        cap *= 2;
                if (cap > srv->max_body + 1)
                        cap = srv->max_body + 1;
                /* Not realloc: the old buffer may hold a secret. */
                if (!(grown = calloc(1, cap)))
                        return error_set(EXIT_TPM, "out of memory");
                if (req->body)
                        memcpy(grown, req->body, len);
                body_free(req);
                req->body = grown;
                req->cap = cap;
                req->len = len;
        }
        memcpy(req->body + req->len, data, n);
        req->len += n;
        return 0;
}

/* The checks made on the headers, before any body is read: the token, the
 * route, the method, the op, the declared length. A request that fails one
 * is answered at once (its body, if any, is not read). */
static enum MHD_Result check_headers(struct server *srv, struct request *req,
                                     struct MHD_Connection *conn, const char *url)
{
        const struct route *path_match = NULL;
        const char *length;

        if (!serve_token_check(srv, MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                                MHD_HTTP_HEADER_AUTHORIZATION))) {
                error_set(EXIT_AUTH, "no valid bearer token (Authorization: Bearer TOKEN)");
                return respond_error(req, conn, EXIT_AUTH, MHD_HTTP_UNAUTHORIZED, NULL);
        }
        for (const struct route *r = routes; r->path; r++) {
                if (!route_matches(r, url))
                        continue;
                path_match = r;
                if (strcmp(r->method, req->method) == 0)
                        req->route = r;
        }
        if (!path_match) {
                error_set(EXIT_NOT_FOUND, "no such resource: %.100s", req->path);
                return respond_error(req, conn, EXIT_NOT_FOUND, 0, NULL);
        }
        if (!req->route) {
                error_set(EXIT_USAGE, "%s takes %s, not %.15s", req->path, path_match->method,
                          req->method);
                return respond_error(req, conn, EXIT_USAGE, MHD_HTTP_METHOD_NOT_ALLOWED,
                                     path_match->method);
        }
        if (req->route->run == route_op && !(req->op = op_find(url + strlen(OP_PREFIX)))) {
                error_set(EXIT_NOT_FOUND, "unknown op \"%.64s\"", url + strlen(OP_PREFIX));
                return respond_error(req, conn, EXIT_NOT_FOUND, 0, NULL);
        }
        length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (length && strtoull(length, NULL, 10) > srv->max_body) {
                req->too_large = true;
                error_set(EXIT_BAD_INPUT, "the body is longer than %zu bytes", srv->max_body);
                return respond_error(req, conn, EXIT_BAD_INPUT, MHD_HTTP_CONTENT_TOO_LARGE, NULL);
        }
        return MHD_YES;
}

/* The whole request is in: runs its route under the TPM lock. */
static enum MHD_Result dispatch(struct server *srv, struct request *req,
                                struct MHD_Connection *conn)
{
        json_object *reply;
        enum MHD_Result ok;
        int r;

        if (req->too_large) {
                error_set(EXIT_BAD_INPUT, "the body is longer than %zu bytes", srv->max_body);
                return respond_error(req, conn, EXIT_BAD_INPUT, MHD_HTTP_CONTENT_TOO_LARGE, NULL);
        }
        reply = json_object_new_object();
        pthread_mutex_lock(&srv->lock);
        error_clear();
        r = req->route->run(srv, req, conn, reply);
        if (r > 0) {
                json_wipe(reply);
                json_object_put(reply);
                ok = respond_error(req, conn, r, 0, NULL);
        } else {
                ok = respond(req, conn, r < 0 ? MHD_HTTP_SERVICE_UNAVAILABLE : MHD_HTTP_OK, reply,
                             NULL);
        }
        error_clear();
        pthread_mutex_unlock(&srv->lock);
        body_free(req);
        return ok;
}

enum MHD_Result serve_handle(void *cls, struct MHD_Connection *conn, const char *url,
                             const char *method, const char *version, const char *upload_data,
                             size_t *upload_data_size, void **con_cls)
{
        struct server *srv = cls;
        struct request *req = *con_cls;
        enum MHD_Result ok;

        (void)version;
        if (!req) {
                if (!(req = calloc(1, sizeof(*req))))
                        return MHD_NO;
                *con_cls = req;
                clock_gettime(CLOCK_MONOTONIC, &req->start);
                snprintf(req->method, sizeof(req->method), "%s", method);
                log_path(req->path, sizeof(req->path), url);
                atomic_fetch_add(&srv->in_flight, 1);
                pthread_mutex_lock(&srv->lock);
                ok = check_headers(srv, req, conn, url);
                error_clear();
                pthread_mutex_unlock(&srv->lock);
                return ok;
        }
        if (req->answered) { /* answered on the headers: the body is dropped */
                *upload_data_size = 0;
                return MHD_YES;
        }
        if (*upload_data_size > 0) {
                int r = body_add(srv, req, upload_data, *upload_data_size);

                *upload_data_size = 0;
                return r ? MHD_NO : MHD_YES;
        }
        return dispatch(srv, req, conn);
}

void serve_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                     enum MHD_RequestTerminationCode toe)
{
        struct server *srv = cls;
        struct request *req = *con_cls;
        struct timespec now;

        (void)conn;
        if (!req)
                return;
        clock_gettime(CLOCK_MONOTONIC, &now);
        /* Method, path, status, time: never a body, a password or a token. */
        fprintf(srv->log ? srv->log : stderr, "tpmctl: serve: %s %s %u %.1f ms%s\n", req->method,
                req->path, req->status, serve_ms(&req->start, &now),
                toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (connection lost)");
        body_free(req);
        free(req);
        *con_cls = NULL;
        atomic_fetch_sub(&srv->in_flight, 1);
}
