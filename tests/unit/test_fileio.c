/* Atomic writes that refuse to overwrite, and bounded reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/errors.h"
#include "../../src/fileio.h"

static char dir[64];

static int setup(void **state)
{
        (void)state;
        strcpy(dir, "/tmp/tpmctl-unit-XXXXXX");
        return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
        char cmd[128];
        (void)state;
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        return system(cmd);
}

static int entries(void)
{
        DIR *d = opendir(dir);
        int n = 0;
        for (struct dirent *e; (e = readdir(d));)
                n += e->d_name[0] != '.';
        closedir(d);
        return n;
}

static void write_then_refuse_overwrite(void **state)
{
        char path[128];
        unsigned char *data = NULL;
        size_t len;
        (void)state;
        snprintf(path, sizeof(path), "%s/out", dir);
        assert_int_equal(file_write(path, "abc", 3, 0), 0);
        assert_int_equal(file_write(path, "xyz", 3, 0), EXIT_BAD_INPUT);
        assert_non_null(strstr(error_message(), "--force"));
        assert_int_equal(file_read(path, 100, &data, &len), 0);
        assert_memory_equal(data, "abc", 3);
        free(data);
        assert_int_equal(file_write(path, "xyz", 3, WRITE_FORCE), 0);
        assert_int_equal(file_read(path, 100, &data, &len), 0);
        assert_memory_equal(data, "xyz", 3);
        free(data);
        assert_int_equal(entries(), 1); /* no temporary files left */
}

static void secret_files_are_0600(void **state)
{
        char path[128];
        struct stat st;
        (void)state;
        snprintf(path, sizeof(path), "%s/secret", dir);
        assert_int_equal(file_write(path, "s", 1, WRITE_SECRET), 0);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
}

static void reads_are_bounded(void **state)
{
        char path[128];
        unsigned char *data = NULL;
        size_t len;
        (void)state;
        snprintf(path, sizeof(path), "%s/big", dir);
        assert_int_equal(file_write(path, "0123456789", 10, WRITE_FORCE), 0);
        assert_int_equal(file_read(path, 9, &data, &len), EXIT_BAD_INPUT);
        assert_int_equal(file_read(path, 10, &data, &len), 0);
        assert_int_equal(len, 10);
        free(data);
        snprintf(path, sizeof(path), "%s/missing", dir);
        assert_int_equal(file_read(path, 10, &data, &len), EXIT_NOT_FOUND);
}

static void devices_are_written_in_place_with_force(void **state)
{
        struct stat st;
        (void)state;
        assert_int_equal(file_check_output("/dev/null", 0), EXIT_BAD_INPUT);
        assert_non_null(strstr(error_message(), "--force"));
        assert_int_equal(file_write("/dev/null", "x", 1, 0), EXIT_BAD_INPUT);
        assert_int_equal(file_write("/dev/null", "x", 1, WRITE_FORCE), 0);
        /* root owns /dev/null: only root may write a secret there */
        assert_int_equal(file_write("/dev/null", "x", 1, WRITE_FORCE | WRITE_SECRET),
                         geteuid() == 0 ? 0 : EXIT_BAD_INPUT);
        assert_int_equal(stat("/dev/null", &st), 0);
        assert_true(S_ISCHR(st.st_mode));
}

static void secrets_not_through_links(void **state)
{
        char link[128], target[128];
        unsigned char *data = NULL;
        size_t len;
        (void)state;
        snprintf(link, sizeof(link), "%s/to-null", dir);
        assert_int_equal(symlink("/dev/null", link), 0);
        assert_int_equal(file_check_output(link, WRITE_SECRET | WRITE_FORCE), EXIT_BAD_INPUT);
        assert_non_null(strstr(error_message(), "symbolic link"));
        assert_int_equal(file_write(link, "s", 1, WRITE_FORCE), 0); /* not a secret */
        /* A link to a file: the link is replaced, the file it named stays. */
        snprintf(link, sizeof(link), "%s/to-file", dir);
        snprintf(target, sizeof(target), "%s/target", dir);
        assert_int_equal(file_write(target, "old", 3, 0), 0);
        assert_int_equal(symlink(target, link), 0);
        assert_int_equal(file_write(link, "new", 3, WRITE_SECRET), EXIT_BAD_INPUT);
        assert_int_equal(file_write(link, "new", 3, WRITE_SECRET | WRITE_FORCE), 0);
        assert_int_equal(file_read(target, 10, &data, &len), 0);
        assert_memory_equal(data, "old", 3);
        free(data);
        assert_int_equal(file_read(link, 10, &data, &len), 0);
        assert_memory_equal(data, "new", 3);
        free(data);
}

static void directories_are_refused(void **state)
{
        (void)state;
        assert_int_equal(file_check_output(dir, WRITE_FORCE), EXIT_BAD_INPUT);
        assert_non_null(strstr(error_message(), "is a directory"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(write_then_refuse_overwrite),
            cmocka_unit_test(secret_files_are_0600),
            cmocka_unit_test(reads_are_bounded),
            cmocka_unit_test(devices_are_written_in_place_with_force),
            cmocka_unit_test(secrets_not_through_links),
            cmocka_unit_test(directories_are_refused),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
