/* Passwords; see auth.h. */
#include "auth.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "errors.h"
#include "fileio.h"
#include "watchdog.h"

/* Longer than any password: the limit is checked after reading. */
#define AUTH_READ_MAX 4096

bool auth_given(const struct auth_source *src)
{
        return src->file || src->fd || src->env || src->prompt || src->value;
}

int auth_check(const struct auth_source *src)
{
        int n = !!src->file + !!src->fd + !!src->env + !!src->prompt + !!src->value;

        if (n > 1)
                return error_set(EXIT_USAGE,
                                 "give one of --%s-file, --%s-fd, --%s-env and "
                                 "--%s-prompt",
                                 src->option_prefix, src->option_prefix, src->option_prefix,
                                 src->option_prefix);
        /* A variable that is not set is a mistake on the command line (a
         * name mistyped, an export forgotten), known before any TPM work. */
        if (src->env && !getenv(src->env))
                return error_set(EXIT_USAGE, "--%s-env %s: the environment variable is not set",
                                 src->option_prefix, src->env);
        return 0;
}

int auth_validate(const unsigned char *value, size_t *len, size_t max_len, const char *origin)
{
        if (*len > 0 && value[*len - 1] == '\n')
                (*len)--;
        if (*len > 0 && value[*len - 1] == '\r')
                (*len)--;
        if (memchr(value, '\0', *len))
                return error_set(EXIT_BAD_INPUT, "the password from %s contains a NUL byte",
                                 origin);
        if (*len > max_len)
                return error_set(EXIT_BAD_INPUT,
                                 "the password from %s is %zu bytes; the TPM takes at most %zu "
                                 "(the size of the key's name hash)",
                                 origin, *len, max_len);
        return 0;
}

/* Hands data (len bytes read, in a block of at least len + 1) to out, or
 * wipes all of it when it is not a usable password. */
static int take(unsigned char *data, size_t len, size_t max_len, const char *origin,
                struct secret *out)
{
        size_t value_len = len;
        int r = auth_validate(data, &value_len, max_len, origin);

        if (r) {
                OPENSSL_cleanse(data, len);
                free(data);
                return r;
        }
        OPENSSL_cleanse(data + value_len, len - value_len); /* the newline dropped */
        data[value_len] = '\0';
        out->data = data;
        out->size = value_len;
        return 0;
}

static int read_from_fd(int fd, const char *origin, unsigned char **data, size_t *len)
{
        size_t cap = AUTH_READ_MAX + 2, used = 0;
        unsigned char *buf = calloc(1, cap);

        if (!buf)
                return error_set(EXIT_TPM, "out of memory");
        for (;;) {
                ssize_t n = read(fd, buf + used, cap - 1 - used);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int e = errno;
                        OPENSSL_cleanse(buf, cap); /* what came before the error */
                        free(buf);
                        return error_set(EXIT_BAD_INPUT, "cannot read the password from %s: %s",
                                         origin, strerror(e));
                }
                if (n == 0 || (used += (size_t)n) >= cap - 1)
                        break;
        }
        *data = buf;
        *len = used;
        return 0;
}

static volatile sig_atomic_t prompt_interrupted;

static void on_prompt_signal(int sig)
{
        prompt_interrupted = sig;
}

/* One line from the terminal without echo. SIGINT/SIGTERM/SIGHUP, held
 * during TPM work, are let through here so that Ctrl-C ends the prompt; the
 * signal is raised again (and so held) for after the cleanup. */
static int prompt_line(int tty, const char *prompt, unsigned char *buf, size_t cap, size_t *len)
{
        static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
        struct sigaction sa = {0}, old[3];
        struct termios saved, quiet;
        sigset_t set;
        size_t used = 0;
        int r = 0;

        if (tcgetattr(tty, &saved) < 0)
                return error_set(EXIT_AUTH, "cannot switch off echo on the terminal: %s",
                                 strerror(errno));
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
        quiet.c_lflag |= ICANON;
        tcsetattr(tty, TCSANOW, &quiet); /* keep what was typed ahead */
        if (write(tty, prompt, strlen(prompt)) < 0)
                r = error_set(EXIT_AUTH, "cannot write to the terminal");

        prompt_interrupted = 0;
        sa.sa_handler = on_prompt_signal; /* no SA_RESTART: read() returns */
        sigemptyset(&set);
        for (int i = 0; i < 3; i++) {
                sigaction(sigs[i], &sa, &old[i]);
                sigaddset(&set, sigs[i]);
        }
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        while (!r && used < cap - 1) {
                char c;
                ssize_t n = read(tty, &c, 1);
                if (n < 0 && errno == EINTR && !prompt_interrupted)
                        continue;
                if (n <= 0 || c == '\n')
                        break;
                buf[used++] = (unsigned char)c;
        }
        sigprocmask(SIG_BLOCK, &set, NULL);
        for (int i = 0; i < 3; i++)
                sigaction(sigs[i], &old[i], NULL);

        tcsetattr(tty, TCSANOW, &saved);
        if (write(tty, "\n", 1) < 0)
                r = r ? r : error_set(EXIT_AUTH, "cannot write to the terminal");
        if (prompt_interrupted) {
                raise(prompt_interrupted); /* pending until the cleanup is done */
                return error_set(EXIT_AUTH, "interrupted at the password prompt");
        }
        buf[used] = '\0';
        *len = used;
        return r;
}

static int read_from_tty(const struct auth_source *src, const char *what, bool confirm,
                         unsigned char **data, size_t *len)
{
        _cleanup_close_ int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
        unsigned char *first, *again;
        char prompt[600];
        size_t first_len = 0, again_len = 0;
        int r;

        if (tty < 0)
                return error_set(EXIT_AUTH,
                                 "%s needs a password and there is no terminal to ask "
                                 "on: use --%s-file, --%s-fd or --%s-env",
                                 what, src->option_prefix, src->option_prefix, src->option_prefix);
        if (!(first = calloc(1, AUTH_READ_MAX + 2)) || !(again = calloc(1, AUTH_READ_MAX + 2))) {
                free(first);
                return error_set(EXIT_TPM, "out of memory");
        }
        watchdog_pause();
        snprintf(prompt, sizeof(prompt), "%s for %s: ",
                 strcmp(src->option_prefix, "new-auth") == 0 ? "New password" : "Password", what);
        r = prompt_line(tty, prompt, first, AUTH_READ_MAX + 2, &first_len);
        if (!r && confirm) {
                r = prompt_line(tty, "Again, to confirm: ", again, AUTH_READ_MAX + 2, &again_len);
                if (!r && (again_len != first_len || memcmp(first, again, first_len) != 0))
                        r = error_set(EXIT_BAD_INPUT, "the two passwords differ");
        }
        watchdog_resume();
        OPENSSL_cleanse(again, AUTH_READ_MAX + 2);
        free(again);
        if (r) {
                OPENSSL_cleanse(first, AUTH_READ_MAX + 2);
                free(first);
                return r;
        }
        *data = first;
        *len = first_len;
        return 0;
}

int auth_read(const struct auth_source *src, const char *what, bool confirm, size_t max_len,
              struct secret *out)
{
        unsigned char *data = NULL;
        size_t len = 0;
        char origin[300];
        int r;

        if ((r = auth_check(src)))
                return r;
        if (src->file && strcmp(src->file, "-") == 0)
                return error_set(EXIT_USAGE,
                                 "--%s-file -: stdin may carry the data; use "
                                 "--%s-fd 0 to read the password from it",
                                 src->option_prefix, src->option_prefix);
        if (src->value) {
                snprintf(origin, sizeof(origin), "the request");
                if (!(data = calloc(1, src->value_len + 1)))
                        return error_set(EXIT_TPM, "out of memory");
                memcpy(data, src->value, src->value_len);
                len = src->value_len;
        } else if (src->file) {
                snprintf(origin, sizeof(origin), "%s", src->file);
                errno = 0;
                r = file_read(src->file, AUTH_READ_MAX, &data, &len);
                if (r == EXIT_BAD_INPUT && errno == EFBIG)
                        r = error_set(EXIT_BAD_INPUT,
                                      "the password in %s is longer than %zu "
                                      "bytes",
                                      src->file, max_len);
        } else if (src->fd) {
                char *end;
                long fd = strtol(src->fd, &end, 10);
                if (end == src->fd || *end || fd < 0 || fd > 65535)
                        return error_set(EXIT_USAGE, "--%s-fd %s: not a file descriptor number",
                                         src->option_prefix, src->fd);
                snprintf(origin, sizeof(origin), "file descriptor %ld", fd);
                r = read_from_fd((int)fd, origin, &data, &len);
        } else if (src->env) {
                const char *value = getenv(src->env);
                snprintf(origin, sizeof(origin), "$%s", src->env);
                if (!value)
                        return error_set(EXIT_USAGE,
                                         "--%s-env %s: the environment variable is "
                                         "not set",
                                         src->option_prefix, src->env);
                len = strlen(value);
                if (len > AUTH_READ_MAX)
                        len = AUTH_READ_MAX + 1;
                if (!(data = calloc(1, len + 1)))
                        return error_set(EXIT_TPM, "out of memory");
                memcpy(data, value, len);
        } else if (src->never_prompt) {
                return error_set(EXIT_AUTH, "%s needs a password and none was given (\"%s\")", what,
                                 src->option_prefix);
        } else {
                snprintf(origin, sizeof(origin), "the terminal");
                r = read_from_tty(src, what, confirm, &data, &len);
        }
        if (r)
                return r;
        return take(data, len, max_len, origin, out);
}

int auth_read_once(const struct auth_source *src, const char *what, size_t max_len,
                   struct secret *out, struct auth_source *to)
{
        int r = auth_read(src, what, false, max_len, out);

        if (r)
                return r;
        *to = (struct auth_source){
            .option_prefix = src->option_prefix, .value = out->data, .value_len = out->size};
        return 0;
}
