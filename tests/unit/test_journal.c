/* journal.c: the records a killed tpmctl leaves for the next one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/journal.h"

static void parses_both_records(void **state)
{
        static const char data[] = "B-------C /P_RSA2048SHA256/HS/SRK/s\n";
        struct journal_state st;

        (void)state;
        journal_parse(data, sizeof(data) - 1, &st);
        assert_true(st.tpm_busy);
        assert_int_equal(st.op, JOURNAL_CREATE);
        assert_string_equal(st.path, "/P_RSA2048SHA256/HS/SRK/s");
        journal_parse("-\0\0\0\0\0\0\0D /x\nstale tail", 21, &st);
        assert_false(st.tpm_busy);
        assert_int_equal(st.op, JOURNAL_DELETE);
        assert_string_equal(st.path, "/x");
        journal_parse("-\0\0\0\0\0\0\0R /y\n", 13, &st);
        assert_int_equal(st.op, JOURNAL_REPLACE);
        assert_string_equal(st.path, "/y");
}

static void a_record_not_written_whole_says_nothing(void **state)
{
        static const char *const torn[] = {
            "B-------C /P_RSA2048SHA256/HS/SRK/s",   /* no newline yet */
            "B-------- /P_RSA2048SHA256/HS/SRK/s\n", /* cleared */
            "B-------X /s\n",                        /* no such record */
            "B-------C s\n",                         /* not a path */
            "B-------C",
        };
        struct journal_state st;

        (void)state;
        for (size_t i = 0; i < sizeof(torn) / sizeof(torn[0]); i++) {
                journal_parse(torn[i], strlen(torn[i]), &st);
                assert_true(st.tpm_busy);
                assert_int_equal(st.op, JOURNAL_NONE);
        }
        journal_parse("", 0, &st);
        assert_false(st.tpm_busy);
        assert_int_equal(st.op, JOURNAL_NONE);
}

static void writes_what_it_reads_back(void **state)
{
        char dir[] = "/tmp/test_journal.XXXXXX", lock[64];
        struct journal j = {0}, other = {0};
        struct journal_state st;

        (void)state;
        assert_non_null(mkdtemp(dir));
        snprintf(lock, sizeof(lock), "%s/tpmctl.lock", dir);
        assert_int_equal(journal_open(&j, lock, true), 0);
        journal_tpm_busy(&j);
        assert_int_equal(journal_op_begin(&j, JOURNAL_DELETE, "/P_X/HS/SRK/long-name"), 0);
        /* A writer inside a journaled operation records nothing more. */
        assert_int_equal(journal_op_begin(&j, JOURNAL_CREATE, "/y"), 0);
        journal_op_end(&j);
        assert_int_equal(journal_read(&j, &st), 0);
        assert_true(st.tpm_busy);
        assert_int_equal(st.op, JOURNAL_DELETE);
        assert_string_equal(st.path, "/P_X/HS/SRK/long-name");
        journal_op_end(&j);
        journal_tpm_idle(&j, false);
        assert_int_equal(journal_read(&j, &st), 0);
        assert_false(st.tpm_busy);
        assert_int_equal(st.op, JOURNAL_NONE);
        /* A shorter record after a longer one: its own newline ends it. */
        assert_int_equal(journal_op_begin(&j, JOURNAL_CREATE, "/z"), 0);
        assert_int_equal(journal_open(&other, lock, false), 0);
        assert_int_equal(journal_read(&other, &st), 0);
        assert_string_equal(st.path, "/z");
        /* Without a resource manager only: the TPM record. */
        journal_tpm_busy(&other);
        assert_int_equal(journal_read(&other, &st), 0);
        assert_false(st.tpm_busy);
        journal_close(&other);
        journal_close(&j);
        snprintf(lock, sizeof(lock), "%s/" JOURNAL_FILE, dir);
        assert_int_equal(unlink(lock), 0);
        assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(parses_both_records),
            cmocka_unit_test(a_record_not_written_whole_says_nothing),
            cmocka_unit_test(writes_what_it_reads_back),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
