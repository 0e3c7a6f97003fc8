/* tpmctl serve: the TPM over HTTP/JSON (src/serve.h). */
#include <stdio.h>
#include <stdlib.h>

#include "../src/errors.h"
#include "../src/serve.h"
#include "cli.h"

static const char *listen_spec, *token_file, *tls_cert, *tls_key;
static unsigned max_body, max_clients;
static bool print_openapi;

static const struct cli_option options[] = {
    {"listen", 0, OPT_STRING, &listen_spec, "WHERE",
     "unix:PATH or tcp:[HOST:]PORT (default unix:$XDG_RUNTIME_DIR/tpmctl.sock)"},
    {"token-file", 0, OPT_STRING, &token_file, "FILE",
     "clients must send this bearer token (needed on TCP)"},
    {"tls-cert", 0, OPT_STRING, &tls_cert, "PEM", "serve HTTPS with this certificate"},
    {"tls-key", 0, OPT_STRING, &tls_key, "PEM", "the certificate's private key"},
    {"max-body", 0, OPT_UINT, &max_body, "BYTES", "largest request body (default 16 MiB)"},
    {"max-clients", 0, OPT_UINT, &max_clients, "N", "most connections at once (default 64)"},
    {"openapi", 0, OPT_FLAG, &print_openapi, NULL, "print the OpenAPI document and exit"},
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        struct serve_options o = {.listen = listen_spec,
                                  .token_file = token_file,
                                  .tls_cert = tls_cert,
                                  .tls_key = tls_key,
                                  .max_body = max_body,
                                  .max_clients = max_clients};

        (void)argc;
        (void)argv;
        if (print_openapi) {
                char *doc = serve_openapi();

                if (!doc)
                        return error_set(EXIT_TPM, "out of memory");
                printf("%s\n", doc);
                free(doc);
                return 0;
        }
        return serve_run(s, &o);
}

const struct command cmd_serve = {
    .name = "serve",
    .max_args = 0,
    .run = run,
    .summary = "serve the operations over HTTP/JSON on a unix socket (or TCP with a token)",
    .details =
        "POST /v1/op/OP with OP's `tpmctl batch` fields as a JSON body (no \"id\", no \"op\");\n"
        "GET /v1/health, /v1/info, /v1/keys, /v1/openapi.json. One TPM context serves\n"
        "every request, one at a time; the keystore is locked per burst of requests.\n"
        "Errors are {\"error\": TEXT, \"exit\": CODE} with the matching HTTP status.\n"
        "SIGTERM/SIGINT: finish the requests under way (at most --timeout), exit 0;\n"
        "SIGHUP: reopen the keystore. Socket activation (LISTEN_FDS) is understood.\n"
        "One log line per request on stderr. See man tpmctl, SERVE.",
    .options = options,
};
