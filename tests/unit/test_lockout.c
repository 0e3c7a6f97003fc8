/* lockout.c's pure parts: when the next try is possible, the JSON of
 * `lockout status`, and the batch requests of the lockout ops. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../src/batch.h"
#include "../../src/errors.h"
#include "../../src/lockout.h"
#include "../../src/op_json.h"
#include "../../src/ops.h"

static void the_next_try_is_now_within_an_interval_or_never(void **state)
{
        struct lockout_status st = {.da = {.failures = 2, .max_tries = 3, .interval = 60}};

        (void)state;
        assert_int_equal(lockout_next_try(&st), 0);
        st.in_lockout = true;
        st.da.failures = 3;
        assert_int_equal(lockout_next_try(&st), 60);
        st.da.interval = 0; /* never forgotten */
        assert_int_equal(lockout_next_try(&st), -1);
        st.da.interval = 60;
        st.da.max_tries = 0; /* a TPM that allows no try at all */
        assert_int_equal(lockout_next_try(&st), -1);
}

static const char *field(json_object *o, const char *name)
{
        json_object *v;

        if (!json_object_object_get_ex(o, name, &v))
                return "(absent)";
        return v ? json_object_to_json_string(v) : "null";
}

static void the_json_has_every_field_and_a_utc_time(void **state)
{
        struct lockout_status st = {
            .da = {.failures = 3, .max_tries = 3, .interval = 60, .recovery = 120},
            .in_lockout = true,
            .now = 1800000000, /* 2027-01-15T08:00:00Z */
        };
        json_object *o;

        (void)state;
        o = lockout_status_json(&st);
        assert_string_equal(field(o, "failed_tries"), "3");
        assert_string_equal(field(o, "max_tries"), "3");
        assert_string_equal(field(o, "recovery_time"), "60");
        assert_string_equal(field(o, "lockout_recovery"), "120");
        assert_string_equal(field(o, "locked_out"), "true");
        assert_string_equal(field(o, "next_try_in"), "60");
        assert_string_equal(field(o, "next_try_at"), "\"2027-01-15T08:01:00Z\"");
        json_object_put(o);

        st.da.interval = 0;
        o = lockout_status_json(&st);
        assert_string_equal(field(o, "next_try_in"), "null");
        assert_string_equal(field(o, "next_try_at"), "null");
        json_object_put(o);

        st = (struct lockout_status){.da = {.max_tries = 3, .interval = 60}};
        o = lockout_status_json(&st);
        assert_string_equal(field(o, "locked_out"), "false");
        assert_string_equal(field(o, "next_try_in"), "0");
        assert_string_equal(field(o, "next_try_at"), "null");
        json_object_put(o);
}

static int parse(const char *line, const struct op_entry **op, struct op_parsed *p,
                 json_object **request)
{
        int r;

        error_clear();
        *p = (struct op_parsed){0};
        *request = NULL;
        if ((r = batch_parse_line(line, strlen(line), request)))
                return r;
        return op_parse_json(*request, op, p);
}

static void done(struct op_parsed *p, json_object *request)
{
        op_parsed_free(p);
        json_wipe(request);
        json_object_put(request);
}

static void the_lockout_ops_parse_their_fields(void **state)
{
        const struct op_entry *op;
        struct op_parsed p;
        json_object *request;

        (void)state;
        assert_int_equal(parse("{\"op\": \"lockout_status\"}", &op, &p, &request), 0);
        assert_string_equal(op->name, "lockout_status");
        done(&p, request);

        assert_int_equal(parse("{\"op\": \"lockout_status\", \"auth\": \"x\"}", &op, &p, &request),
                         EXIT_USAGE);
        assert_string_equal(error_message(), "lockout_status takes no field \"auth\"");
        done(&p, request);

        assert_int_equal(
            parse("{\"id\": 7, \"op\": \"lockout_clear\", \"auth\": \"lock\"}", &op, &p, &request),
            0);
        assert_string_equal(op->name, "lockout_clear");
        assert_ptr_equal(p.req.lockout_clear.auth, &p.auth);
        assert_int_equal(p.auth.value_len, 4);
        done(&p, request);

        assert_int_equal(parse("{\"op\": \"lockout_clear\"}", &op, &p, &request), 0);
        assert_false(auth_given(p.req.lockout_clear.auth));
        done(&p, request);

        assert_int_equal(parse("{\"op\": \"lockout_clear\", \"auth\": 5}", &op, &p, &request),
                         EXIT_USAGE);
        done(&p, request);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(the_next_try_is_now_within_an_interval_or_never),
            cmocka_unit_test(the_json_has_every_field_and_a_utc_time),
            cmocka_unit_test(the_lockout_ops_parse_their_fields),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
