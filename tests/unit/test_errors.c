/* Error mapping: each TSS code a user can meet lands on the documented exit code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_fapi.h>
#include <tss2/tss2_tcti.h>
#include <tss2/tss2_tpm2_types.h>

#include "../../src/error_json.h"
#include "../../src/errors.h"

static void fapi_bad_path_is_not_found(void **state)
{
        (void)state;
        assert_int_equal(rc_meaning(TSS2_FAPI_RC_BAD_PATH).exit_code, EXIT_NOT_FOUND);
        assert_int_equal(rc_meaning(TSS2_FAPI_RC_PATH_NOT_FOUND).exit_code, EXIT_NOT_FOUND);
        assert_int_equal(rc_meaning(TSS2_FAPI_RC_KEY_NOT_FOUND).exit_code, EXIT_NOT_FOUND);
        assert_int_equal(rc_meaning(0x6001d).exit_code, EXIT_NOT_FOUND);
}

static void tpm_auth_failures_are_auth(void **state)
{
        (void)state;
        /* 0x98e: authorization failure in session 1 */
        assert_int_equal(rc_meaning(0x98e).exit_code, EXIT_AUTH);
        assert_int_equal(rc_meaning(TPM2_RC_BAD_AUTH | TPM2_RC_S | TPM2_RC_1).exit_code, EXIT_AUTH);
        assert_int_equal(rc_meaning(TPM2_RC_LOCKOUT).exit_code, EXIT_AUTH);
        assert_non_null(strstr(rc_meaning(TPM2_RC_LOCKOUT).sentence, "tpmctl lockout clear"));
        assert_int_equal(rc_meaning(TSS2_FAPI_RC_AUTHORIZATION_FAILED).exit_code, EXIT_AUTH);
        assert_int_equal(rc_meaning(TSS2_FAPI_RC_AUTHORIZATION_UNKNOWN).exit_code, EXIT_AUTH);
}

static void policy_failures_are_policy(void **state)
{
        (void)state;
        assert_int_equal(rc_meaning(TPM2_RC_POLICY_FAIL | TPM2_RC_S | TPM2_RC_1).exit_code,
                         EXIT_POLICY);
        assert_int_equal(rc_meaning(TPM2_RC_PCR_CHANGED).exit_code, EXIT_POLICY);
}

static void object_memory_says_flush(void **state)
{
        (void)state;
        assert_int_equal(rc_meaning(0x902).exit_code, EXIT_TPM);
        assert_non_null(strstr(rc_meaning(0x902).sentence, "tpmctl flush"));
        assert_non_null(strstr(rc_meaning(TPM2_RC_SESSION_MEMORY).sentence, "tpmctl flush"));
}

static void unreachable_tpm_is_unavailable(void **state)
{
        (void)state;
        assert_int_equal(rc_meaning(TSS2_TCTI_RC_IO_ERROR).exit_code, EXIT_UNAVAILABLE);
        assert_int_equal(rc_meaning(TSS2_TCTI_RC_NO_CONNECTION).exit_code, EXIT_UNAVAILABLE);
        assert_int_equal(rc_meaning(TSS2_FAPI_RC_NO_TPM).exit_code, EXIT_UNAVAILABLE);
        assert_int_equal(rc_meaning(TSS2_ESYS_RC_IO_ERROR).exit_code, EXIT_UNAVAILABLE);
        assert_int_equal(rc_meaning(TPM2_RC_FAILURE).exit_code, EXIT_UNAVAILABLE);
}

static void existing_objects_are_exists(void **state)
{
        (void)state;
        assert_int_equal(rc_meaning(TSS2_FAPI_RC_PATH_ALREADY_EXISTS).exit_code, EXIT_EXISTS);
        assert_int_equal(rc_meaning(TSS2_FAPI_RC_ALREADY_PROVISIONED).exit_code, EXIT_EXISTS);
        assert_int_equal(rc_meaning(TPM2_RC_NV_DEFINED).exit_code, EXIT_EXISTS);
}

static void not_provisioned_says_provision(void **state)
{
        (void)state;
        assert_int_equal(rc_meaning(TSS2_FAPI_RC_NOT_PROVISIONED).exit_code, EXIT_NOT_FOUND);
        assert_non_null(
            strstr(rc_meaning(TSS2_FAPI_RC_NOT_PROVISIONED).sentence, "tpmctl provision"));
}

static void bad_signature_is_invalid(void **state)
{
        (void)state;
        assert_int_equal(rc_meaning(TSS2_FAPI_RC_SIGNATURE_VERIFICATION_FAILED).exit_code,
                         EXIT_INVALID);
        assert_int_equal(rc_meaning(TPM2_RC_SIGNATURE | TPM2_RC_P | TPM2_RC_2).exit_code,
                         EXIT_INVALID);
}

static void bad_values_are_bad_input(void **state)
{
        (void)state;
        assert_int_equal(rc_meaning(TSS2_FAPI_RC_BAD_VALUE).exit_code, EXIT_BAD_INPUT);
        assert_int_equal(rc_meaning(TSS2_MU_RC_BAD_SIZE).exit_code, EXIT_BAD_INPUT);
        assert_int_equal(rc_meaning(TPM2_RC_SIZE | TPM2_RC_P | TPM2_RC_1).exit_code,
                         EXIT_BAD_INPUT);
}

static void unknown_codes_are_tpm_errors(void **state)
{
        (void)state;
        assert_int_equal(rc_meaning(TSS2_FAPI_RC_GENERAL_FAILURE).exit_code, EXIT_TPM);
        assert_int_equal(rc_meaning(TPM2_RC_DISABLED).exit_code, EXIT_TPM);
        assert_int_equal(rc_meaning(0).exit_code, EXIT_OK);
}

static void error_rc_message_has_context_sentence_and_code(void **state)
{
        (void)state;
        assert_int_equal(error_rc(TSS2_FAPI_RC_BAD_PATH, "deleting %s", "/HS/SRK/k"),
                         EXIT_NOT_FOUND);
        assert_non_null(strstr(error_message(), "deleting /HS/SRK/k: "));
        assert_non_null(strstr(error_message(), "tpmctl list"));
        assert_non_null(strstr(error_message(), "(0x6001d: fapi:"));
        error_clear();
        assert_string_equal(error_message(), "");
}

static void da_sentences_say_tries_lockout_and_wait(void **state)
{
        struct da_state da = {.failures = 2, .max_tries = 5, .interval = 90, .recovery = 10};
        time_t now = 1700000000; /* 22:13:20 UTC */
        char buf[512];

        (void)state;
        setenv("TZ", "UTC", 1);
        tzset();
        assert_string_equal(da_sentence(0x98e, &da, now, buf, sizeof(buf)),
                            "wrong password: 3 of 5 tries left before lockout");
        da.failures = 5;
        assert_non_null(da_sentence(0x98e, &da, now, buf, sizeof(buf)));
        assert_non_null(strstr(buf, "try 5 of 5: the TPM is now in dictionary-attack "
                                    "lockout until 22:14:50 (1 min 30 s), then allows one try "
                                    "every 1 min 30 s"));
        assert_non_null(da_sentence(TPM2_RC_LOCKOUT, &da, now, buf, sizeof(buf)));
        assert_non_null(strstr(buf, "after 5 wrong passwords: wait at most 1 min 30 s (until "
                                    "22:14:50) for the next try"));
        da.interval = 7200;
        assert_non_null(da_sentence(TPM2_RC_LOCKOUT, &da, now, buf, sizeof(buf)));
        assert_non_null(strstr(buf, "wait at most 2 h (until 00:13:20)"));
        da.interval = 50000; /* far off: with the date */
        assert_non_null(da_sentence(TPM2_RC_LOCKOUT, &da, now, buf, sizeof(buf)));
        assert_non_null(strstr(buf, "wait at most 13 h 53 min 20 s (until 2023-11-15 12:06:40)"));
        /* noda objects (TPM2_RC_BAD_AUTH) and TPMs without DA: nothing to add. */
        assert_null(da_sentence(0x9a2, &da, now, buf, sizeof(buf)));
        da.interval = 0;
        assert_null(da_sentence(0x98e, &da, now, buf, sizeof(buf)));
        assert_non_null(da_sentence(TPM2_RC_LOCKOUT, &da, now, buf, sizeof(buf)));
        assert_non_null(strstr(buf, "does not end by itself"));
        assert_null(da_sentence(TPM2_RC_POLICY_FAIL, &da, now, buf, sizeof(buf)));
}

static const char *json_field(json_object *o, const char *name)
{
        json_object *v;
        return json_object_object_get_ex(o, name, &v) ? json_object_get_string(v) : NULL;
}

/* --json, batch and the HTTP service give an error's code and hint when a
 * TSS code is behind it, from error_rc() or a message ending in rc_text(). */
static void error_json_has_code_and_hint_when_a_tss_code_is_behind(void **state)
{
        json_object *o;

        (void)state;
        error_rc(TSS2_FAPI_RC_BAD_PATH, "deleting %s", "/HS/SRK/x");
        o = json_object_new_object();
        error_json_add(o, EXIT_NOT_FOUND);
        assert_string_equal(json_field(o, "error"), error_message());
        assert_string_equal(json_field(o, "exit"), "4");
        assert_string_equal(json_field(o, "code"), "0x6001d");
        assert_string_equal(json_field(o, "hint"), rc_meaning(TSS2_FAPI_RC_BAD_PATH).sentence);
        json_object_put(o);

        error_set(EXIT_AUTH, "signing with k: wrong password: 3 tries left (%s)", rc_text(0x98e));
        assert_int_equal(error_code(), 0x98e);
        assert_string_equal(error_hint(), rc_meaning(0x98e).sentence);

        error_set(EXIT_BAD_INPUT, "file x (0xyz) is odd");
        assert_int_equal(error_code(), 0);
        o = json_object_new_object();
        error_json_add(o, EXIT_BAD_INPUT);
        assert_null(json_field(o, "code"));
        assert_null(json_field(o, "hint"));
        json_object_put(o);

        error_clear();
        o = json_object_new_object();
        error_json_add(o, EXIT_INVALID);
        assert_string_equal(json_field(o, "error"), "verification failed");
        json_object_put(o);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(fapi_bad_path_is_not_found),
            cmocka_unit_test(tpm_auth_failures_are_auth),
            cmocka_unit_test(policy_failures_are_policy),
            cmocka_unit_test(object_memory_says_flush),
            cmocka_unit_test(unreachable_tpm_is_unavailable),
            cmocka_unit_test(existing_objects_are_exists),
            cmocka_unit_test(not_provisioned_says_provision),
            cmocka_unit_test(bad_signature_is_invalid),
            cmocka_unit_test(bad_values_are_bad_input),
            cmocka_unit_test(unknown_codes_are_tpm_errors),
            cmocka_unit_test(error_rc_message_has_context_sentence_and_code),
            cmocka_unit_test(da_sentences_say_tries_lockout_and_wait),
            cmocka_unit_test(error_json_has_code_and_hint_when_a_tss_code_is_behind),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
