/* Secret buffers are wiped before they are freed, on the error paths too.
 *
 * This executable is linked with --wrap=free and --wrap=realloc (see
 * tests/meson.build): every free() and realloc() made by tpmctl's code goes
 * through the wrappers below, which look into the block for the secret the
 * test fed in. A realloc() of a block holding the secret counts as a leak
 * too: when it moves the block, the C library frees the old copy unwiped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/auth.h"
#include "../../src/context.h"
#include "../../src/errors.h"
#include "../../src/fapi_auth.h"
#include "../../src/fileio.h"

/* The secret: this unit, repeated. Any copy of it left in a freed block is
 * a leak; nothing else in the test process holds these bytes on the heap. */
static const unsigned char unit[8] = {0x01, 'S', 'e', 'C', 'r', 'E', 't', 0x02};

static bool armed;     /* only tpmctl's calls are watched */
static int frees_seen; /* blocks freed while armed */
static int leaks;      /* of them, blocks that still held the secret */

void __real_free(void *p);
void *__real_realloc(void *p, size_t size);
void __wrap_free(void *p);
void *__wrap_realloc(void *p, size_t size);

static bool holds_secret(void *p)
{
        return p && memmem(p, malloc_usable_size(p), unit, sizeof(unit)) != NULL;
}

void __wrap_free(void *p)
{
        if (armed && p) {
                frees_seen++;
                leaks += holds_secret(p);
        }
        __real_free(p);
}

void *__wrap_realloc(void *p, size_t size)
{
        if (armed && p) {
                frees_seen++;
                leaks += holds_secret(p);
        }
        return __real_realloc(p, size);
}

static void arm(void)
{
        armed = true;
        frees_seen = 0;
        leaks = 0;
}

/* Wipes and frees what a call handed out, so that it cannot be mistaken for
 * a leak later. */
static void wipe_free(unsigned char *data, size_t len)
{
        if (data) {
                memset(data, 0, len);
                free(data);
        }
}

static char dir[64], file[128];

static int setup(void **state)
{
        (void)state;
        strcpy(dir, "/tmp/tpmctl-unit-XXXXXX");
        if (!mkdtemp(dir))
                return -1;
        snprintf(file, sizeof(file), "%s/secret", dir);
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        unlink(file);
        return rmdir(dir);
}

/* Writes `size` bytes of the secret (then `tail`, if any) to fd. */
static void write_secret(int fd, size_t size, const char *tail)
{
        for (size_t done = 0; done < size; done += sizeof(unit)) {
                size_t n = size - done < sizeof(unit) ? size - done : sizeof(unit);
                assert_int_equal(write(fd, unit, n), (ssize_t)n);
        }
        if (tail)
                assert_int_equal(write(fd, tail, strlen(tail) + 1), (ssize_t)strlen(tail) + 1);
}

static void secret_file(size_t size, const char *tail)
{
        int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        assert_true(fd >= 0);
        write_secret(fd, size, tail);
        close(fd);
}

/* A pipe holding part of a secret, whose next read fails (EAGAIN): a read
 * error after some of the secret is in memory. Returns the read end. */
static int failing_pipe(size_t size, int *write_end)
{
        int p[2];
        assert_int_equal(pipe(p), 0);
        write_secret(p[1], size, NULL);
        assert_int_equal(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
        *write_end = p[1]; /* kept open: no end of file */
        return p[0];
}

static void file_read_too_large(void **state)
{
        unsigned char *data = NULL;
        size_t len = 0;
        (void)state;
        secret_file(10000, NULL);
        arm();
        assert_int_equal(file_read(file, 100, &data, &len), EXIT_BAD_INPUT);
        armed = false;
        assert_null(data);
        assert_true(frees_seen > 0);
        assert_int_equal(leaks, 0);
}

static void file_read_growing(void **state)
{
        unsigned char *data = NULL;
        size_t len = 0;
        (void)state;
        /* Larger than the first buffer, from a pipe whose size nobody knows
         * beforehand: the buffer grows while it holds the secret. */
        int w, r = failing_pipe(60000, &w);
        close(w);
        assert_true(dup2(r, STDIN_FILENO) == STDIN_FILENO);
        close(r);
        assert_int_equal(fcntl(STDIN_FILENO, F_SETFL, 0), 0); /* blocking: EOF ends it */
        arm();
        assert_int_equal(file_read("-", 1 << 20, &data, &len), 0);
        armed = false;
        assert_int_equal(len, 60000);
        assert_int_equal(leaks, 0);
        wipe_free(data, len);
}

static void file_read_error(void **state)
{
        unsigned char *data = NULL;
        size_t len = 0;
        int w, r = failing_pipe(5000, &w);
        (void)state;
        assert_true(dup2(r, STDIN_FILENO) == STDIN_FILENO);
        close(r);
        arm();
        assert_int_equal(file_read("-", 1 << 20, &data, &len), EXIT_BAD_INPUT);
        armed = false;
        close(w);
        assert_non_null(strstr(error_message(), "cannot read standard input"));
        assert_null(data);
        assert_true(frees_seen > 0);
        assert_int_equal(leaks, 0);
}

static void auth_file_too_large(void **state)
{
        struct auth_source src = {.file = file, .option_prefix = "auth"};
        struct secret out = {0};
        (void)state;
        secret_file(8000, NULL);
        arm();
        assert_int_equal(auth_read(&src, "/HS/SRK/k", false, 32, &out), EXIT_BAD_INPUT);
        armed = false;
        assert_non_null(strstr(error_message(), "is longer than 32 bytes"));
        assert_null(out.data);
        assert_true(frees_seen > 0);
        assert_int_equal(leaks, 0);
}

static void auth_file_bad_content(void **state)
{
        struct auth_source src = {.file = file, .option_prefix = "auth"};
        struct secret out = {0};
        (void)state;
        /* A NUL byte after the text. */
        secret_file(16, "tail\n");
        arm();
        assert_int_equal(auth_read(&src, "/HS/SRK/k", false, 64, &out), EXIT_BAD_INPUT);
        armed = false;
        assert_non_null(strstr(error_message(), "NUL byte"));
        assert_true(frees_seen > 0);
        assert_int_equal(leaks, 0);
        /* Longer than the key's name hash. */
        secret_file(40, NULL);
        arm();
        assert_int_equal(auth_read(&src, "/HS/SRK/k", false, 32, &out), EXIT_BAD_INPUT);
        armed = false;
        assert_non_null(strstr(error_message(), "is 40 bytes"));
        assert_true(frees_seen > 0);
        assert_int_equal(leaks, 0);
}

static void auth_fd_read_error(void **state)
{
        struct auth_source src = {.option_prefix = "auth"};
        struct secret out = {0};
        char fd_text[16];
        int w, r = failing_pipe(24, &w);
        (void)state;
        snprintf(fd_text, sizeof(fd_text), "%d", r);
        src.fd = fd_text;
        arm();
        assert_int_equal(auth_read(&src, "/HS/SRK/k", false, 32, &out), EXIT_BAD_INPUT);
        armed = false;
        close(r);
        close(w);
        assert_non_null(strstr(error_message(), "cannot read the password"));
        assert_null(out.data);
        assert_true(frees_seen > 0);
        assert_int_equal(leaks, 0);
}

static void auth_env_too_long(void **state)
{
        struct auth_source src = {.env = "TPMCTL_TEST_SECRET", .option_prefix = "auth"};
        struct secret out = {0};
        char value[41];
        (void)state;
        for (size_t i = 0; i < 40; i++)
                value[i] = (char)unit[i % sizeof(unit)]; /* no NUL */
        value[40] = '\0';
        setenv(src.env, value, 1);
        memset(value, 0, sizeof(value));
        arm();
        assert_int_equal(auth_read(&src, "/HS/SRK/k", false, 32, &out), EXIT_BAD_INPUT);
        armed = false;
        unsetenv(src.env);
        assert_true(frees_seen > 0);
        assert_int_equal(leaks, 0);
}

/* A second fapi_auth_attach() lets the first go (with the password it may
 * hold) instead of leaking it. No FAPI context: Fapi_SetAuthCB fails, the
 * attachment is made all the same. */
static void fapi_auth_attached_twice(void **state)
{
        struct auth_source src = {.option_prefix = "auth"};
        struct tpm tpm = {0};
        (void)state;
        arm();
        fapi_auth_attach(&tpm, &src, 32);
        fapi_auth_attach(&tpm, &src, 32);
        fapi_auth_wipe(&tpm);
        armed = false;
        assert_null(tpm.auth);
        assert_int_equal(frees_seen, 2);
        assert_int_equal(leaks, 0);
}

/* The detector itself: the tests above also check that the wrappers saw
 * tpmctl's frees at all (frees_seen), or they would pass for nothing. */
static void detector_sees_the_secret(void **state)
{
        unsigned char *block = malloc(64);
        (void)state;
        assert_non_null(block);
        memset(block, 0, 64);
        assert_false(holds_secret(block));
        memcpy(block + 30, unit, sizeof(unit));
        assert_true(holds_secret(block));
        wipe_free(block, 64);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(detector_sees_the_secret), cmocka_unit_test(file_read_too_large),
            cmocka_unit_test(file_read_growing),        cmocka_unit_test(file_read_error),
            cmocka_unit_test(auth_file_too_large),      cmocka_unit_test(auth_file_bad_content),
            cmocka_unit_test(auth_fd_read_error),       cmocka_unit_test(auth_env_too_long),
            cmocka_unit_test(fapi_auth_attached_twice),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
