/* The listening socket of tpmctl serve: a unix socket (mode 0660), a TCP
 * socket, or the one systemd passed (socket activation, LISTEN_FDS). */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "errors.h"
#include "serve_internal.h"

#define LISTEN_BACKLOG      64
#define SD_LISTEN_FDS_START 3

bool serve_socket_activated;

/* The socket systemd passed, by hand (sd_listen_fds() without libsystemd):
 * LISTEN_PID is this process and LISTEN_FDS counts from fd 3. -1: none. */
static int systemd_socket(void)
{
        const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
        char *end;
        long n;

        if (!pid || !fds || strtol(pid, &end, 10) != (long)getpid() || *end)
                return -1;
        n = strtol(fds, &end, 10);
        unsetenv("LISTEN_PID");
        unsetenv("LISTEN_FDS");
        unsetenv("LISTEN_FDNAMES");
        if (*end || n < 1)
                return -1;
        /* More than one: the first; the others are not this service's. */
        for (long i = 1; i < n; i++)
                close(SD_LISTEN_FDS_START + (int)i);
        return SD_LISTEN_FDS_START;
}

static bool is_tcp(int fd)
{
        struct sockaddr_storage sa;
        socklen_t len = sizeof(sa);

        if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
                return false;
        return sa.ss_family == AF_INET || sa.ss_family == AF_INET6;
}

static int default_unix_path(char *out, size_t size)
{
        const char *runtime = getenv("XDG_RUNTIME_DIR");

        if (geteuid() == 0) {
                if (mkdir("/run/tpmctl", 0750) < 0 && errno != EEXIST)
                        return error_set(EXIT_BAD_INPUT, "cannot make /run/tpmctl: %s",
                                         strerror(errno));
                snprintf(out, size, "/run/tpmctl/tpmctl.sock");
                return 0;
        }
        if (!runtime || runtime[0] != '/')
                return error_set(EXIT_USAGE, "XDG_RUNTIME_DIR is not set: give --listen unix:PATH");
        if ((size_t)snprintf(out, size, "%s/tpmctl.sock", runtime) >= size)
                return error_set(EXIT_USAGE, "XDG_RUNTIME_DIR is too long for a socket path");
        return 0;
}

/* A socket file there already: another server if it answers (exit 9),
 * else a stale one, removed. */
static int clear_stale(const char *path, const struct sockaddr_un *sa)
{
        struct stat st;
        int fd, r = 0;

        if (lstat(path, &st) < 0)
                return 0;
        if (!S_ISSOCK(st.st_mode))
                return error_set(EXIT_EXISTS, "%s exists and is not a socket", path);
        if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
                return error_set(EXIT_TPM, "socket: %s", strerror(errno));
        if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
                r = error_set(EXIT_EXISTS, "a server already listens on %s", path);
        else
                unlink(path);
        close(fd);
        return r;
}

static int listen_unix(const char *path, int *fd, char *unix_path, size_t unix_size)
{
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        mode_t old;
        int r, s;

        if (!path[0] || strlen(path) >= sizeof(sa.sun_path))
                return error_set(EXIT_USAGE, "unix:%s: the path must have 1 to %zu bytes", path,
                                 sizeof(sa.sun_path) - 1);
        memcpy(sa.sun_path, path, strlen(path));
        if ((r = clear_stale(path, &sa)))
                return r;
        if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
                return error_set(EXIT_TPM, "socket: %s", strerror(errno));
        /* Made 0660 at once: no moment when others may connect. */
        old = umask(0117);
        r = bind(s, (const struct sockaddr *)&sa, sizeof(sa));
        umask(old);
        if (r < 0 || chmod(path, 0660) < 0 || listen(s, LISTEN_BACKLOG) < 0) {
                int e = errno;
                close(s);
                if (r == 0)
                        unlink(path);
                return error_set(e == ENOENT ? EXIT_NOT_FOUND : EXIT_BAD_INPUT,
                                 "cannot listen on %s: %s", path, strerror(e));
        }
        snprintf(unix_path, unix_size, "%s", path);
        *fd = s;
        return 0;
}

/* "HOST:PORT", "[V6]:PORT" or "PORT" (loopback). */
static int listen_tcp(const char *spec, int *fd)
{
        char host[256] = "", port[16];
        const char *colon = strrchr(spec, ':');
        struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV},
                        *res = NULL;
        int r, s = -1, e = 0;

        if (colon) {
                size_t hl = (size_t)(colon - spec);
                const char *h = spec;

                if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
                        h++;
                        hl -= 2;
                }
                if (hl >= sizeof(host))
                        return error_set(EXIT_USAGE, "tcp:%s: the host is too long", spec);
                memcpy(host, h, hl);
                host[hl] = '\0';
        }
        if (snprintf(port, sizeof(port), "%s", colon ? colon + 1 : spec) >= (int)sizeof(port) ||
            !port[0] || strspn(port, "0123456789") != strlen(port))
                return error_set(EXIT_USAGE, "tcp:%s: give tcp:HOST:PORT or tcp:PORT", spec);
        if ((r = getaddrinfo(host[0] ? host : "127.0.0.1", port, &hints, &res)))
                return error_set(EXIT_USAGE, "tcp:%s: %s", spec, gai_strerror(r));
        for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
                int one = 1;

                if ((s = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0)) < 0) {
                        e = errno;
                        continue;
                }
                setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
                if (bind(s, ai->ai_addr, ai->ai_addrlen) == 0 && listen(s, LISTEN_BACKLOG) == 0)
                        break;
                e = errno;
                close(s);
                s = -1;
        }
        freeaddrinfo(res);
        if (s < 0)
                return error_set(e == EADDRINUSE ? EXIT_EXISTS : EXIT_BAD_INPUT,
                                 "cannot listen on tcp:%s: %s", spec, strerror(e));
        *fd = s;
        return 0;
}

int serve_listen(const char *spec, int *fd, bool *tcp, char *unix_path, size_t unix_size)
{
        char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 64];
        int r;

        unix_path[0] = '\0';
        *fd = -1;
        *tcp = false;
        serve_socket_activated = false;
        if ((*fd = systemd_socket()) >= 0) {
                serve_socket_activated = true;
                *tcp = is_tcp(*fd);
                return 0;
        }
        if (!spec) {
                if ((r = default_unix_path(path, sizeof(path))))
                        return r;
                return listen_unix(path, fd, unix_path, unix_size);
        }
        if (strncmp(spec, "unix:", 5) == 0)
                return listen_unix(spec + 5, fd, unix_path, unix_size);
        if (strncmp(spec, "tcp:", 4) == 0) {
                *tcp = true;
                return listen_tcp(spec + 4, fd);
        }
        return error_set(EXIT_USAGE, "--listen %s: give unix:PATH or tcp:HOST:PORT", spec);
}
