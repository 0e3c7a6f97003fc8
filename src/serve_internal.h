/* The parts of tpmctl serve (serve.h), shared between its files: the
 * listener (serve_listen.c), the bearer token (serve_auth.c), the routes
 * (serve_routes.c) and the process around them (serve.c). */
#pragma once

#include <microhttpd.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "op.h"
#include "serve.h"

struct server {
        const struct settings *settings;
        size_t max_body;
        /* The SHA-256 of the bearer token: compared in constant time
         * whatever the length given. */
        bool token;
        unsigned char token_hash[SHA256_DIGEST_LENGTH];
        /* One TPM context for every request: TPM work under lock. */
        pthread_mutex_t lock;
        struct op_context ctx;
        struct timespec last_done; /* when the last request ended */
        struct timespec locked_at; /* when the context took the keystore lock */
        atomic_int in_flight;      /* requests received and not yet answered */
        FILE *log;                 /* the access log; NULL: stderr */
};

/* A listening socket for spec ("unix:PATH", "tcp:[HOST:]PORT", NULL for
 * the default unix socket), or the one systemd passed (LISTEN_FDS): *fd,
 * *tcp says whether it is a TCP socket, *unix_path (a buffer of unix_size)
 * the socket file made, to remove at the end ("" for none). */
int serve_listen(const char *spec, int *fd, bool *tcp, char *unix_path, size_t unix_size);
/* Whether systemd passed a socket: set by serve_listen(). */
extern bool serve_socket_activated;

/* Reads the token file into srv. */
int serve_token_load(struct server *srv, const char *file);
/* Whether an Authorization header value carries the token (or none is needed). */
bool serve_token_check(const struct server *srv, const char *authorization);

/* libmicrohttpd's callbacks: the request handler and the end of a request. */
enum MHD_Result serve_handle(void *cls, struct MHD_Connection *conn, const char *url,
                             const char *method, const char *version, const char *upload_data,
                             size_t *upload_data_size, void **con_cls);
void serve_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                     enum MHD_RequestTerminationCode toe);

/* The HTTP status of an exit code (errors.h): 0 is 200, 1 is 422, 2 and 3
 * are 400, 4 is 404, 5 is 403, 6 is 412, 7 is 503, 9 is 409, others 500. */
unsigned serve_status(int code);

/* Milliseconds from a to b. */
double serve_ms(const struct timespec *a, const struct timespec *b);
