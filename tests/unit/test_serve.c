/* serve_auth.c, serve_listen.c, serve_openapi.c and the status table of
 * serve_routes.c: the pure parts of tpmctl serve. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/errors.h"
#include "../../src/ops.h"
#include "../../src/serve_internal.h"

static void write_file(const char *path, const char *text)
{
        FILE *f = fopen(path, "w");

        assert_non_null(f);
        fputs(text, f);
        fclose(f);
}

static void token_is_compared_whole(void **state)
{
        char path[] = "/tmp/test_serve_token.XXXXXX";
        struct server srv = {0};
        int fd = mkstemp(path);

        (void)state;
        assert_true(fd >= 0);
        close(fd);
        /* No token: every request passes. */
        assert_int_equal(serve_token_load(&srv, NULL), 0);
        assert_true(serve_token_check(&srv, NULL));

        write_file(path, "0123456789abcdefXYZ\n");
        assert_int_equal(serve_token_load(&srv, path), 0);
        assert_true(serve_token_check(&srv, "Bearer 0123456789abcdefXYZ"));
        assert_true(serve_token_check(&srv, "bearer 0123456789abcdefXYZ"));
        assert_false(serve_token_check(&srv, NULL));
        assert_false(serve_token_check(&srv, ""));
        assert_false(serve_token_check(&srv, "Bearer 0123456789abcdefXY"));
        assert_false(serve_token_check(&srv, "Bearer 0123456789abcdefXYZ0"));
        assert_false(serve_token_check(&srv, "Bearer 0123456789abcdefXYZ\n"));
        assert_false(serve_token_check(&srv, "Basic 0123456789abcdefXYZ"));
        assert_false(serve_token_check(&srv, "0123456789abcdefXYZ"));

        write_file(path, "short\n");
        assert_int_equal(serve_token_load(&srv, path), EXIT_BAD_INPUT);
        write_file(path, "with a blank inside it\n");
        assert_int_equal(serve_token_load(&srv, path), EXIT_BAD_INPUT);
        unlink(path);
        assert_int_equal(serve_token_load(&srv, path), EXIT_NOT_FOUND);
}

static void status_of_every_exit_code(void **state)
{
        (void)state;
        assert_int_equal(serve_status(EXIT_OK), 200);
        assert_int_equal(serve_status(EXIT_INVALID), 422);
        assert_int_equal(serve_status(EXIT_USAGE), 400);
        assert_int_equal(serve_status(EXIT_BAD_INPUT), 400);
        assert_int_equal(serve_status(EXIT_NOT_FOUND), 404);
        assert_int_equal(serve_status(EXIT_AUTH), 403);
        assert_int_equal(serve_status(EXIT_POLICY), 412);
        assert_int_equal(serve_status(EXIT_UNAVAILABLE), 503);
        assert_int_equal(serve_status(EXIT_TPM), 500);
        assert_int_equal(serve_status(EXIT_EXISTS), 409);
        assert_int_equal(serve_status(42), 500);
}

static void bad_listen_specs_are_usage_errors(void **state)
{
        static const char *const bad[] = {
            "http://x", "tcp:", "tcp:host:", "tcp:host:port", "tcp:1:2:x", "unix:", "udp:1",
        };
        char unix_path[128];
        bool tcp;
        int fd;

        (void)state;
        unsetenv("LISTEN_FDS");
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                assert_int_equal(serve_listen(bad[i], &fd, &tcp, unix_path, sizeof(unix_path)),
                                 EXIT_USAGE);
                assert_int_equal(fd, -1);
        }
}

static void listen_on_loopback_by_default(void **state)
{
        char unix_path[128];
        bool tcp;
        int fd;

        (void)state;
        assert_int_equal(serve_listen("tcp:0", &fd, &tcp, unix_path, sizeof(unix_path)), 0);
        assert_true(tcp);
        assert_string_equal(unix_path, "");
        {
                struct sockaddr_in sa;
                socklen_t len = sizeof(sa);

                assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
                assert_int_equal(sa.sin_family, AF_INET);
                assert_int_equal(ntohl(sa.sin_addr.s_addr), INADDR_LOOPBACK);
        }
        close(fd);
}

static void openapi_has_every_op(void **state)
{
        char *text = serve_openapi();
        json_object *doc, *paths, *v;

        (void)state;
        assert_non_null(text);
        doc = json_tokener_parse(text);
        assert_non_null(doc);
        assert_true(json_object_object_get_ex(doc, "paths", &paths));
        for (const struct op_entry *e = op_table; e->name; e++) {
                char path[128];

                snprintf(path, sizeof(path), "/v1/op/%s", e->name);
                assert_true(json_object_object_get_ex(paths, path, &v));
                assert_true(json_object_object_get_ex(v, "post", &v));
        }
        assert_true(json_object_object_get_ex(paths, "/v1/health", &v));
        json_object_put(doc);
        free(text);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(token_is_compared_whole),
            cmocka_unit_test(status_of_every_exit_code),
            cmocka_unit_test(bad_listen_specs_are_usage_errors),
            cmocka_unit_test(listen_on_loopback_by_default),
            cmocka_unit_test(openapi_has_every_op),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
