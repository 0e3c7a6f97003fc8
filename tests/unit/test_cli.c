/* Command-line parsing from the option tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "../../cli/cli.h"
#include "../../src/errors.h"

/* main.c is not linked into the tests: the tables it owns, for parsing. */
struct settings settings = {.timeout = DEFAULT_TIMEOUT};
bool opt_help, opt_version;
const struct cli_option global_options[] = {
    {"tcti", 0, OPT_STRING, &settings.tcti, "TCTI", "t"},
    {"json", 0, OPT_FLAG, &settings.json, NULL, "j"},
    {"quiet", 'q', OPT_FLAG, &settings.quiet, NULL, "q"},
    {"timeout", 0, OPT_UINT, &settings.timeout, "SECONDS", "s"},
    {"help", 'h', OPT_FLAG, &opt_help, NULL, "h"},
    {0},
};
const struct command *const commands[] = {&cmd_delete, &cmd_flush, NULL};

static int reset(void **state)
{
        (void)state;
        memset(&settings, 0, sizeof(settings));
        settings.timeout = DEFAULT_TIMEOUT;
        opt_help = opt_version = false;
        return 0;
}

#define ARGV(...) ((char *[]){"tpmctl", __VA_ARGS__, NULL})

static void global_options_before_and_after_command(void **state)
{
        char **argv = ARGV("--tcti", "swtpm:path=/x", "delete", "a", "--json", "b", "-q");
        int argc = 8;
        (void)state;
        assert_int_equal(parse_command_line(&cmd_delete, 1, &argc, &argv), 0);
        assert_string_equal(settings.tcti, "swtpm:path=/x");
        assert_true(settings.json);
        assert_true(settings.quiet);
        assert_int_equal(argc, 2);
        assert_string_equal(argv[0], "a");
        assert_string_equal(argv[1], "b");
}

static void equals_form_and_numbers(void **state)
{
        char **argv = ARGV("delete", "--timeout=5", "k");
        int argc = 4;
        (void)state;
        assert_int_equal(parse_command_line(&cmd_delete, 1, &argc, &argv), 0);
        assert_int_equal(settings.timeout, 5);
        assert_int_equal(argc, 1);
}

static void bad_numbers_are_usage_errors(void **state)
{
        char **argv = ARGV("delete", "--timeout", "soon", "k");
        int argc = 5;
        (void)state;
        assert_int_equal(parse_command_line(&cmd_delete, 1, &argc, &argv), EXIT_USAGE);
        argv = ARGV("delete", "--timeout", "-1", "k");
        argc = 5;
        assert_int_equal(parse_command_line(&cmd_delete, 1, &argc, &argv), EXIT_USAGE);
}

static void unknown_options_and_missing_arguments(void **state)
{
        char **argv = ARGV("delete", "--frobnicate", "k");
        int argc = 4;
        (void)state;
        assert_int_equal(parse_command_line(&cmd_delete, 1, &argc, &argv), EXIT_USAGE);
        argv = ARGV("delete", "k", "--tcti");
        argc = 4;
        assert_int_equal(parse_command_line(&cmd_delete, 1, &argc, &argv), EXIT_USAGE);
}

static void argument_counts_are_checked(void **state)
{
        char **argv = ARGV("delete");
        int argc = 2;
        (void)state;
        assert_int_equal(parse_command_line(&cmd_delete, 1, &argc, &argv), EXIT_USAGE);
        argv = ARGV("flush", "extra");
        argc = 3;
        assert_int_equal(parse_command_line(&cmd_flush, 1, &argc, &argv), EXIT_USAGE);
}

static void double_dash_ends_options(void **state)
{
        char **argv = ARGV("delete", "--", "--json");
        int argc = 4;
        (void)state;
        assert_int_equal(parse_command_line(&cmd_delete, 1, &argc, &argv), 0);
        assert_false(settings.json);
        assert_int_equal(argc, 1);
        assert_string_equal(argv[0], "--json");
}

static void command_options_are_parsed(void **state)
{
        char **argv = ARGV("flush", "--transient");
        int argc = 3;
        (void)state;
        assert_int_equal(parse_command_line(&cmd_flush, 1, &argc, &argv), 0);
        assert_true(*(bool *)cmd_flush.options[0].value);
}

static void every_option_has_help(void **state)
{
        const struct command *all[] = {&cmd_provision, &cmd_info,   &cmd_health,
                                       &cmd_list,      &cmd_delete, &cmd_flush,
                                       &cmd_help,      &cmd_config, &cmd_completion};
        (void)state;
        for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
                assert_non_null(all[i]->summary);
                for (const struct cli_option *o = all[i]->options; o && o->name; o++)
                        assert_true(o->help && *o->help);
        }
        assert_ptr_equal(command_find(commands, "flush"), &cmd_flush);
        assert_null(command_find(commands, "nope"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup(global_options_before_and_after_command, reset),
            cmocka_unit_test_setup(equals_form_and_numbers, reset),
            cmocka_unit_test_setup(bad_numbers_are_usage_errors, reset),
            cmocka_unit_test_setup(unknown_options_and_missing_arguments, reset),
            cmocka_unit_test_setup(argument_counts_are_checked, reset),
            cmocka_unit_test_setup(double_dash_ends_options, reset),
            cmocka_unit_test_setup(command_options_are_parsed, reset),
            cmocka_unit_test_setup(every_option_has_help, reset),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
