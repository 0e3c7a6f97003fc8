/* libFuzzer: tpmctl serve's handling of what a client sends. The input is
 * the raw bytes of a connection, handed to libmicrohttpd on one end of a
 * socket pair; the routes then check the token, the path, the method, the
 * op, the body's size and its JSON as they do for a real client. Requests
 * that get as far as the TPM find none (a swtpm socket that does not
 * exist), which is a 503. The first byte says whether a bearer token is
 * needed ("Bearer fuzz-token-0123456789"). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../src/errors.h"
#include "../../src/serve_internal.h"

static struct settings settings = {
    .command = "serve",
    .tcti = "swtpm:path=/nonexistent/tpmctl-fuzz/tpm.sock",
    .timeout = 5,
};
static struct server srv;
static struct MHD_Daemon *daemon_;

static void setup(void)
{
        static char keystore[] = "/tmp/tpmctl-fuzz-serve.XXXXXX";
        char token[] = "/tmp/tpmctl-fuzz-token.XXXXXX";
        int fd;

        if (!mkdtemp(keystore))
                abort();
        settings.keystore = keystore;
        if ((fd = mkstemp(token)) < 0 || write(fd, "fuzz-token-0123456789\n", 22) != 22)
                abort();
        close(fd);
        srv.settings = &settings;
        srv.max_body = 4096;
        if (serve_token_load(&srv, token))
                abort();
        unlink(token);
        pthread_mutex_init(&srv.lock, NULL);
        op_context_init(&srv.ctx, &settings, true);
        daemon_ = MHD_start_daemon(MHD_USE_NO_LISTEN_SOCKET, 0, NULL, NULL, serve_handle, &srv,
                                   MHD_OPTION_NOTIFY_COMPLETED, serve_completed, &srv,
                                   MHD_OPTION_CONNECTION_TIMEOUT, 2u, MHD_OPTION_END);
        if (!daemon_)
                abort();
        /* The access log would be most of the run. */
        if (!(srv.log = fopen("/dev/null", "w")))
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static bool ready;
        struct sockaddr_storage addr = {.ss_family = AF_UNIX};
        char buf[4096];
        int sv[2];

        if (!ready) {
                setup();
                ready = true;
        }
        if (size == 0)
                return 0;
        srv.token = data[0] & 1;
        data++;
        size--;
        if (size > 60000) /* what one socket buffer takes without a reader */
                return 0;
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
                abort();
        if (MHD_add_connection(daemon_, sv[0], (struct sockaddr *)&addr, sizeof(sa_family_t)) !=
            MHD_YES)
                abort();
        if (size && write(sv[1], data, size) != (ssize_t)size)
                abort();
        shutdown(sv[1], SHUT_WR);
        fcntl(sv[1], F_SETFL, O_NONBLOCK);
        for (int i = 0; i < 200; i++) {
                ssize_t n;

                MHD_run(daemon_);
                n = read(sv[1], buf, sizeof(buf));
                if (n == 0)
                        break; /* closed: the connection is over */
                if (n < 0 && errno != EAGAIN)
                        break;
        }
        close(sv[1]);
        /* The context stays closed: no TPM was ever reached. */
        if (srv.ctx.tpm)
                abort();
        error_clear();
        return 0;
}
