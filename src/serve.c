/* tpmctl serve: the process around the routes (serve_routes.c): the
 * listener, libmicrohttpd's thread, the signals, the idle keystore. */
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "errors.h"
#include "mhd_dl.h"
#include "fileio.h"
#include "serve_internal.h"
#include "watchdog.h"

/* The keystore lock is given up this long after the last request: a burst
 * keeps its keys loaded, and other tpmctl processes get their turn. */
#define IDLE_AFTER_MS 20.0
#define TICK_MS       10
/* A PEM key or certificate file, at most. */
#define PEM_MAX (64u << 10)

static volatile sig_atomic_t caught_signal;

/* Only while a thread let the signals through (tpm_close() releases them):
 * noted for the main loop. */
static void on_signal(int sig)
{
        caught_signal = sig;
}

__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
        char line[512];
        size_t n;

        (void)cls;
        vsnprintf(line, sizeof(line), fmt, ap);
        n = strlen(line);
        while (n > 0 && line[n - 1] == '\n')
                line[--n] = '\0';
        fprintf(stderr, "tpmctl: serve: libmicrohttpd: %s\n", line);
}

static void stop_signals(sigset_t *set)
{
        sigemptyset(set);
        sigaddset(set, SIGINT);
        sigaddset(set, SIGTERM);
        sigaddset(set, SIGHUP);
}

/* The next signal, or 0 after TICK_MS. */
static int wait_signal(const sigset_t *set)
{
        struct timespec tick = {.tv_nsec = TICK_MS * 1000000L};
        int sig = sigtimedwait(set, NULL, &tick);

        if (sig > 0)
                return sig;
        if ((sig = caught_signal))
                caught_signal = 0;
        return sig;
}

/* Between requests: gives up the keystore lock when no request came for a
 * while (op_context_idle), and closes the context on SIGHUP. */
static void tpm_idle(struct server *srv, bool close)
{
        struct timespec now;

        if (pthread_mutex_trylock(&srv->lock) != 0) {
                if (!close)
                        return; /* a request runs: later */
                pthread_mutex_lock(&srv->lock);
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (close) {
                op_context_close(&srv->ctx);
                signals_hold();
        } else if (srv->ctx.locked && serve_ms(&srv->last_done, &now) >= IDLE_AFTER_MS) {
                op_context_idle(&srv->ctx);
        }
        error_clear();
        pthread_mutex_unlock(&srv->lock);
}

/* Stops accepting, waits for the requests under way (at most the timeout;
 * 0: as long as they take), then stops libmicrohttpd. */
static void drain(struct server *srv, struct MHD_Daemon *d, const char *unix_path, int *listen_fd)
{
        struct timespec start, now;
        MHD_socket fd = MHD_quiesce_daemon(d);

        if (fd != MHD_INVALID_SOCKET)
                close(fd);
        *listen_fd = -1;
        if (unix_path[0])
                unlink(unix_path);
        clock_gettime(CLOCK_MONOTONIC, &start);
        while (atomic_load(&srv->in_flight) > 0) {
                struct timespec tick = {.tv_nsec = TICK_MS * 1000000L};

                clock_gettime(CLOCK_MONOTONIC, &now);
                if (srv->settings->timeout &&
                    serve_ms(&start, &now) >= srv->settings->timeout * 1000.0) {
                        fprintf(stderr, "tpmctl: serve: %d requests still under way after %u s\n",
                                atomic_load(&srv->in_flight), srv->settings->timeout);
                        break;
                }
                nanosleep(&tick, NULL);
        }
        MHD_stop_daemon(d);
}

static int read_pem(const char *file, const char *what, char **out)
{
        unsigned char *data = NULL;
        size_t len = 0;
        int r;

        if ((r = file_read(file, PEM_MAX, &data, &len)))
                return r;
        if (strlen((char *)data) != len) {
                OPENSSL_cleanse(data, len);
                free(data);
                return error_set(EXIT_BAD_INPUT, "%s: the %s is not a PEM file", file, what);
        }
        *out = (char *)data;
        return 0;
}

static void pem_free(char *pem)
{
        if (pem) {
                OPENSSL_cleanse(pem, strlen(pem));
                free(pem);
        }
}

static struct MHD_Daemon *start_daemon(struct server *srv, const struct serve_options *o, int fd,
                                       const char *cert, const char *key)
{
        unsigned flags =
            MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC | MHD_USE_ERROR_LOG;
        struct MHD_OptionItem opts[12];
        size_t n = 0;

        /* First: else libmicrohttpd's own logger prints a warning. */
        opts[n++] =
            (struct MHD_OptionItem){MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)(void *)mhd_log, NULL};
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_LISTEN_SOCKET, fd, NULL};
        opts[n++] = (struct MHD_OptionItem){
            MHD_OPTION_CONNECTION_LIMIT,
            o->max_clients ? o->max_clients : SERVE_MAX_CLIENTS_DEFAULT, NULL};
        opts[n++] =
            (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, srv->settings->timeout, NULL};
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED,
                                            (intptr_t)(void *)serve_completed, srv};
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_SIGPIPE_HANDLED_BY_APP, 1, NULL};
        if (cert) {
                flags |= MHD_USE_TLS;
                opts[n++] =
                    (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)(uintptr_t)cert};
                opts[n++] =
                    (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)(uintptr_t)key};
        }
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
        return MHD_start_daemon(flags, 0, NULL, NULL, serve_handle, srv, MHD_OPTION_ARRAY, opts,
                                MHD_OPTION_END);
}

static int check_options(const struct serve_options *o)
{
        if (!o->tls_cert != !o->tls_key)
                return error_set(EXIT_USAGE, "give --tls-cert and --tls-key together");
        if (o->tls_cert && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
                return error_set(EXIT_USAGE,
                                 "this libmicrohttpd was built without TLS: no --tls-cert");
        if (o->listen && strncmp(o->listen, "tcp:", 4) == 0 && !o->token_file)
                return error_set(EXIT_USAGE,
                                 "listening on TCP needs --token-file (a bearer token)");
        return 0;
}

static void describe(const char *spec, int fd, bool tcp, bool tls, const char *unix_path)
{
        char where[256] = "";
        struct sockaddr_storage sa;
        socklen_t len = sizeof(sa);

        if (unix_path[0]) {
                snprintf(where, sizeof(where), "unix:%s", unix_path);
        } else if (tcp && getsockname(fd, (struct sockaddr *)&sa, &len) == 0) {
                char host[128] = "?";
                unsigned port = 0;

                if (sa.ss_family == AF_INET) {
                        struct sockaddr_in *in = (struct sockaddr_in *)&sa;
                        inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
                        port = ntohs(in->sin_port);
                        snprintf(where, sizeof(where), "tcp:%s:%u", host, port);
                } else {
                        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&sa;
                        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
                        port = ntohs(in6->sin6_port);
                        snprintf(where, sizeof(where), "tcp:[%s]:%u", host, port);
                }
        } else {
                snprintf(where, sizeof(where), "%s", spec ? spec : "the socket systemd passed");
        }
        fprintf(stderr, "tpmctl: serve: listening on %s%s%s\n", where, tls ? " (TLS)" : "",
                serve_socket_activated ? " (from systemd)" : "");
}

int serve_run(const struct settings *s, const struct serve_options *o)
{
        struct server srv = {.settings = s,
                             .max_body = o->max_body ? o->max_body : SERVE_MAX_BODY_DEFAULT};
        char unix_path[sizeof(((struct sockaddr_un *)0)->sun_path) + 64] = "";
        char *cert = NULL, *key = NULL;
        struct sigaction sa = {.sa_handler = on_signal};
        struct MHD_Daemon *d = NULL;
        sigset_t set;
        int fd = -1, r, sig;
        bool tcp;

        if ((r = check_options(o)) || (r = serve_token_load(&srv, o->token_file)))
                return r;
        if (o->tls_cert && ((r = read_pem(o->tls_cert, "certificate", &cert)) ||
                            (r = read_pem(o->tls_key, "key", &key))))
                goto out;
        if ((r = serve_listen(o->listen, &fd, &tcp, unix_path, sizeof(unix_path))))
                goto out;
        if (tcp && !srv.token) {
                r = error_set(EXIT_USAGE, "listening on TCP needs --token-file (a bearer token)");
                goto out;
        }
        pthread_mutex_init(&srv.lock, NULL);
        op_context_init(&srv.ctx, s, true);
        clock_gettime(CLOCK_MONOTONIC, &srv.last_done);

        /* The stop signals stay blocked in every thread (libmicrohttpd's
         * inherits the mask): the main thread takes them with sigtimedwait().
         * A thread that lets them through for a moment (tpm_close()) runs
         * on_signal(), which notes them for the same loop. */
        sigemptyset(&sa.sa_mask);
        stop_signals(&set);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);
        pthread_sigmask(SIG_BLOCK, &set, NULL);

        if (!(d = start_daemon(&srv, o, fd, cert, key))) {
                r = *mhd_load_error()
                        ? error_set(EXIT_UNAVAILABLE, "%s", mhd_load_error())
                        : error_set(EXIT_BAD_INPUT, "libmicrohttpd did not start%s",
                                    cert ? " (is the TLS key the certificate's?)" : "");
                goto out;
        }
        describe(o->listen, fd, tcp, cert != NULL, unix_path);
        for (;;) {
                sig = wait_signal(&set);
                if (sig == SIGHUP) {
                        fprintf(stderr, "tpmctl: serve: SIGHUP: the keystore is opened afresh "
                                        "by the next request\n");
                        tpm_idle(&srv, true);
                } else if (sig) {
                        fprintf(stderr, "tpmctl: serve: %s: stopping\n", strsignal(sig));
                        break;
                }
                tpm_idle(&srv, false);
        }
        drain(&srv, d, unix_path, &fd);
        d = NULL;
        op_context_close(&srv.ctx);
        signals_hold();
        pthread_mutex_destroy(&srv.lock);
        r = 0;
out:
        if (d)
                MHD_stop_daemon(d);
        if (fd >= 0) {
                close(fd);
                if (unix_path[0])
                        unlink(unix_path);
        }
        pem_free(cert);
        pem_free(key);
        OPENSSL_cleanse(srv.token_hash, sizeof(srv.token_hash));
        return r;
}
