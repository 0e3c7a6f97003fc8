/* tpmctl serve: the operations of ops.h over HTTP/1.1 and JSON
 * (libmicrohttpd), on a unix socket or, with a bearer token, TCP. One TPM
 * context serves every request, one request at a time, as `tpmctl batch`
 * serves a stream. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "settings.h"

/* Largest request body by default. */
#define SERVE_MAX_BODY_DEFAULT (16u << 20)
/* Most connections at once by default. */
#define SERVE_MAX_CLIENTS_DEFAULT 64

struct serve_options {
        const char *listen;     /* "unix:PATH", "tcp:HOST:PORT", "tcp:PORT"; NULL: the default */
        const char *token_file; /* the bearer token; required on TCP */
        const char *tls_cert;   /* PEM files: HTTPS */
        const char *tls_key;
        size_t max_body;      /* bytes; 0: SERVE_MAX_BODY_DEFAULT */
        unsigned max_clients; /* 0: SERVE_MAX_CLIENTS_DEFAULT */
};

/* Serves until SIGTERM or SIGINT: then stops accepting, lets the requests
 * under way finish (for at most the settings' timeout), closes the TPM
 * context and returns 0. SIGHUP closes the TPM context: the next request
 * opens the keystore afresh. Returns an exit code, the error recorded, when
 * the service cannot start. */
int serve_run(const struct settings *s, const struct serve_options *o);

/* The OpenAPI 3 document of the service, made from the table of operations:
 * a JSON string to free(). */
char *serve_openapi(void);
