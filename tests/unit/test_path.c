/* Path rules: bare names go under /HS/SRK, bad paths are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../src/errors.h"
#include "../../src/path.h"
#include "../../src/settings.h"

static void bare_name_goes_under_srk(void **state)
{
        char out[128];
        (void)state;
        assert_int_equal(path_normalize("mykey", out, sizeof(out)), 0);
        assert_string_equal(out, "/HS/SRK/mykey");
}

static void paths_with_slash_are_kept(void **state)
{
        char out[128];
        (void)state;
        assert_int_equal(path_normalize("/P_ECCP256SHA256/HS/SRK/a", out, sizeof(out)), 0);
        assert_string_equal(out, "/P_ECCP256SHA256/HS/SRK/a");
        assert_int_equal(path_normalize("/ext/pub", out, sizeof(out)), 0);
        assert_string_equal(out, "/ext/pub");
}

static void bad_paths_are_usage_errors(void **state)
{
        char out[32];
        (void)state;
        assert_int_equal(path_normalize("", out, sizeof(out)), EXIT_BAD_INPUT);
        assert_int_equal(path_normalize(NULL, out, sizeof(out)), EXIT_BAD_INPUT);
        assert_int_equal(path_normalize("/HS/SRK/../x", out, sizeof(out)), EXIT_BAD_INPUT);
        assert_int_equal(path_normalize("a b", out, sizeof(out)), EXIT_BAD_INPUT);
        assert_non_null(strstr(error_message(), "' '"));
        assert_int_equal(path_normalize("k:ey", out, sizeof(out)), EXIT_BAD_INPUT);
        assert_int_equal(path_normalize("a\"b", out, sizeof(out)), EXIT_BAD_INPUT);
        assert_int_equal(path_normalize("a-very-long-name-that-does-not-fit", out, sizeof(out)),
                         EXIT_BAD_INPUT);
        assert_non_null(strstr(error_message(), "too long"));
}

static void relative_paths_get_a_slash(void **state)
{
        char out[128];
        (void)state;
        assert_int_equal(path_normalize("HS/SRK/k", out, sizeof(out)), 0);
        assert_string_equal(out, "/HS/SRK/k");
}

static void resource_managers_are_recognised(void **state)
{
        (void)state;
        assert_true(tcti_resource_managed("device:/dev/tpmrm0"));
        assert_true(tcti_resource_managed("/dev/tpmrm0"));
        assert_true(tcti_resource_managed("tabrmd:bus_type=system"));
        assert_false(tcti_resource_managed("device:/dev/tpm0"));
        assert_false(tcti_resource_managed("swtpm:path=/run/tpm.sock"));
        assert_true(tcti_resource_managed("pcap:tabrmd:bus_type=session"));
        assert_false(tcti_resource_managed("pcap:swtpm:path=/run/tpm.sock"));
        assert_false(tcti_resource_managed("pcap:swtpm:path=/x"));
        assert_false(tcti_resource_managed(""));
        assert_false(tcti_resource_managed(NULL));
}

static void device_paths_become_device_tctis(void **state)
{
        char buf[64];
        (void)state;
        assert_string_equal(tcti_conf_string("/dev/tpmrm0", buf, sizeof(buf)),
                            "device:/dev/tpmrm0");
        assert_string_equal(tcti_conf_string("swtpm:path=/x", buf, sizeof(buf)), "swtpm:path=/x");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(bare_name_goes_under_srk),
            cmocka_unit_test(paths_with_slash_are_kept),
            cmocka_unit_test(bad_paths_are_usage_errors),
            cmocka_unit_test(relative_paths_get_a_slash),
            cmocka_unit_test(resource_managers_are_recognised),
            cmocka_unit_test(device_paths_become_device_tctis),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
