/* tpmctl batch; see batch.h. */
#include "batch.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error_json.h"
#include "errors.h"
#include "op_json.h"
#include "ops.h"
#include "watchdog.h"

#define READ_CHUNK (64u << 10)

/* The input, line by line, in one buffer that never grows past a line of
 * BATCH_LINE_MAX bytes and a read: an endless line costs bounded memory. */
struct line_reader {
        int fd;
        struct op_context *ctx; /* idle while the reader waits */
        unsigned char *buf;
        size_t cap, start, end;
        bool eof;
        bool too_long; /* the line under way went past BATCH_LINE_MAX: skipped */
};

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
        stop_signal = sig;
}

/* SIGINT, SIGTERM and SIGHUP stay blocked (as during any TPM work, see
 * watchdog.h) except while waiting for input, where they end the wait;
 * their handler only notes them, so a signal released by tpm_close() does
 * not end the process before the reply is out. */
static void signals_catch(sigset_t *waiting)
{
        static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
        struct sigaction sa = {.sa_handler = on_stop_signal};

        sigemptyset(&sa.sa_mask);
        for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
                sigaction(sigs[i], &sa, NULL);
        signals_hold();
        sigprocmask(SIG_BLOCK, NULL, waiting);
        for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
                sigdelset(waiting, sigs[i]);
}

/* Waits for input with the stop signals let through. false: a signal came. */
static bool wait_input(int fd, const sigset_t *waiting)
{
        struct pollfd p = {.fd = fd, .events = POLLIN};

        for (;;) {
                if (stop_signal)
                        return false;
                if (ppoll(&p, 1, NULL, waiting) >= 0)
                        return true;
                if (errno != EINTR)
                        return true; /* read() says what is wrong */
        }
}

/* Whether a read would not wait: more requests are under way. */
static bool input_ready(int fd)
{
        struct pollfd p = {.fd = fd, .events = POLLIN};

        return poll(&p, 1, 0) > 0;
}

/* Wipes what the reader held of the line just handled. */
static void reader_wipe_used(struct line_reader *lr)
{
        OPENSSL_cleanse(lr->buf, lr->start);
}

/* The next line (without its newline) in *line, *len bytes, NUL-terminated.
 * Returns 1 for a line, 0 at the end of input, -1 when a signal came, or an
 * exit code (> 1) when reading failed. *too_long: the line was longer than
 * BATCH_LINE_MAX and was skipped. */
static int reader_next(struct line_reader *lr, const sigset_t *waiting, char **line, size_t *len,
                       bool *too_long)
{
        for (;;) {
                /* No buffer before the first read: memchr() takes no NULL. */
                unsigned char *nl =
                    lr->buf ? memchr(lr->buf + lr->start, '\n', lr->end - lr->start) : NULL;
                ssize_t n;

                if (nl || (lr->eof && lr->end > lr->start)) {
                        size_t stop = nl ? (size_t)(nl - lr->buf) : lr->end;

                        *too_long = lr->too_long || stop - lr->start > BATCH_LINE_MAX;
                        lr->too_long = false;
                        lr->buf[stop] = '\0';
                        *line = (char *)lr->buf + lr->start;
                        *len = stop - lr->start;
                        lr->start = nl ? stop + 1 : stop;
                        return 1;
                }
                if (lr->eof)
                        return 0;
                if (lr->end - lr->start > BATCH_LINE_MAX) { /* no newline in sight */
                        lr->too_long = true;
                        OPENSSL_cleanse(lr->buf, lr->end); /* dropped */
                        lr->start = lr->end = 0;
                }
                if (lr->start > 0) { /* what was handled makes room */
                        memmove(lr->buf, lr->buf + lr->start, lr->end - lr->start);
                        lr->end -= lr->start;
                        lr->start = 0;
                        OPENSSL_cleanse(lr->buf + lr->end, lr->cap - lr->end);
                }
                if (lr->cap - lr->end < READ_CHUNK + 1) {
                        size_t cap = lr->cap ? lr->cap * 2 : 4 * READ_CHUNK;
                        unsigned char *grown;

                        if (cap > BATCH_LINE_MAX + 2 * READ_CHUNK + 2)
                                cap = BATCH_LINE_MAX + 2 * READ_CHUNK + 2;
                        /* Not realloc: the old buffer may hold a secret. */
                        if (!(grown = calloc(1, cap)))
                                return error_set(EXIT_TPM, "out of memory");
                        if (lr->buf) {
                                memcpy(grown, lr->buf, lr->end);
                                OPENSSL_cleanse(lr->buf, lr->cap);
                                free(lr->buf);
                        }
                        lr->buf = grown;
                        lr->cap = cap;
                }
                if (!input_ready(lr->fd))
                        op_context_idle(lr->ctx);
                if (!wait_input(lr->fd, waiting))
                        return -1;
                n = read(lr->fd, lr->buf + lr->end, lr->cap - lr->end - 1);
                if (n < 0 && (errno == EINTR || errno == EAGAIN))
                        continue;
                if (n < 0)
                        return error_set(EXIT_BAD_INPUT, "cannot read the requests: %s",
                                         strerror(errno));
                if (n == 0)
                        lr->eof = true;
                lr->end += (size_t)n;
        }
}

static bool blank(const char *line, size_t len)
{
        for (size_t i = 0; i < len; i++)
                if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
                        return false;
        return true;
}

/* The tokener's own copy of strings is wiped: a request may hold a password. */
int batch_parse_line(const char *line, size_t len, json_object **out)
{
        json_tokener *tok = json_tokener_new();
        enum json_tokener_error err;
        size_t used;
        int r = 0;

        if (!tok)
                return error_set(EXIT_TPM, "out of memory");
        *out = json_tokener_parse_ex(tok, line, (int)len);
        err = json_tokener_get_error(tok);
        used = json_tokener_get_parse_end(tok);
        if (!*out && err == json_tokener_continue)
                r = error_set(EXIT_USAGE, "malformed JSON: the request ends too soon");
        else if (!*out && err != json_tokener_success)
                r = error_set(EXIT_USAGE, "malformed JSON: %s at byte %zu",
                              json_tokener_error_desc(err), used + 1);
        else if (!blank(line + used, len - used))
                r = error_set(EXIT_USAGE, "malformed JSON: more after the request at byte %zu",
                              used + 1);
        if (tok->pb)
                OPENSSL_cleanse(tok->pb->buf, (size_t)tok->pb->size);
        json_tokener_free(tok);
        if (r) {
                json_wipe(*out);
                json_object_put(*out);
                *out = NULL;
        }
        return r;
}

/* The reply to a failed request: the one line the command line prints. */
static json_object *error_reply(json_object *id, int code)
{
        json_object *reply = json_object_new_object();

        if (id)
                json_object_object_add(reply, "id", json_object_get(id));
        json_object_object_add(reply, "ok", json_object_new_boolean(false));
        error_json_add(reply, code);
        return reply;
}

/* Writes all of len bytes to fd. */
static bool write_all(int fd, const char *data, size_t len)
{
        while (len > 0) {
                ssize_t n = write(fd, data, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return false;
                data += n;
                len -= (size_t)n;
        }
        return true;
}

/* Writes a reply line, then wipes it with its serialized form: replies carry
 * unsealed and decrypted data. Straight to the file descriptor, so that no
 * stdio buffer keeps a copy. */
static int write_reply(FILE *out, json_object *reply)
{
        size_t len;
        const char *text = json_object_to_json_string_length(
            reply, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
        bool ok = fflush(out) == 0 && write_all(fileno(out), text, len) &&
                  write_all(fileno(out), "\n", 1);
        int e = errno;

        OPENSSL_cleanse((void *)(uintptr_t)text, len);
        json_wipe(reply);
        json_object_put(reply);
        if (!ok)
                return error_set(EXIT_BAD_INPUT, "cannot write the replies: %s", strerror(e));
        return 0;
}

/* Runs one request line and writes its reply. */
static int handle_line(struct op_context *ctx, const char *line, size_t len, bool too_long,
                       FILE *out)
{
        json_object *request = NULL, *reply, *id = NULL;
        int r;

        error_clear();
        if (too_long)
                r = error_set(EXIT_BAD_INPUT, "the request is longer than %u bytes",
                              BATCH_LINE_MAX);
        else if ((r = batch_parse_line(line, len, &request)) == 0 &&
                 json_object_is_type(request, json_type_object))
                json_object_object_get_ex(request, "id", &id);
        reply = json_object_new_object();
        if (id)
                json_object_object_add(reply, "id", json_object_get(id));
        json_object_object_add(reply, "ok", json_object_new_boolean(true));
        if (!r)
                r = op_run_json(ctx, request, reply);
        if (r) {
                json_wipe(reply);
                json_object_put(reply);
                reply = error_reply(id, r);
        }
        /* What the request loaded for itself is flushed when the reply is
         * read; the keystore is unlocked when no request follows at once. */
        op_context_done(ctx, r);
        r = write_reply(out, reply);
        /* Only now: the reply may point into the request (the id). */
        json_wipe(request);
        json_object_put(request);
        return r;
}

int batch_run(const struct settings *s, const struct auth_source *default_auth, int in_fd,
              FILE *out)
{
        struct op_context ctx;
        struct line_reader lr = {.fd = in_fd, .ctx = &ctx};
        sigset_t waiting;
        int r = 0;

        op_context_init(&ctx, s, true);
        ctx.default_auth = default_auth;
        stop_signal = 0;
        signals_catch(&waiting);
        signal(SIGPIPE, SIG_IGN); /* a reader gone: write_reply() fails, the TPM is cleaned */
        for (;;) {
                char *line = NULL;
                size_t len = 0;
                bool too_long = false;

                if ((r = reader_next(&lr, &waiting, &line, &len, &too_long)) != 1)
                        break;
                if (!too_long && blank(line, len)) {
                        reader_wipe_used(&lr);
                        continue;
                }
                r = handle_line(&ctx, line, len, too_long, out);
                reader_wipe_used(&lr);
                signals_hold(); /* again, if a context closed and let them through */
                if (r)
                        break;
                /* Held while the request ran: noticed here, before the
                 * next line, which may be in the buffer already. */
                if (!stop_signal)
                        stop_signal = signal_pending();
                if (stop_signal)
                        break;
        }
        op_context_close(&ctx);
        if (lr.buf) {
                OPENSSL_cleanse(lr.buf, lr.cap);
                free(lr.buf);
        }
        if (r > 0)
                return r;
        return stop_signal ? 128 + stop_signal : 0;
}
