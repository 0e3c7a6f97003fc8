/* nv.c's checks of what a user gives (types, paths, bit masks), and the nv
 * ops' batch requests read into their typed requests, without a TPM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../src/batch.h"
#include "../../src/errors.h"
#include "../../src/nv.h"
#include "../../src/op_json.h"
#include "../../src/ops.h"

static void types_are_the_four_names(void **state)
{
        static const char *const names[] = {"ordinary", "counter", "bitfield", "extend"};
        enum nv_type t;

        (void)state;
        for (size_t i = 0; i < 4; i++) {
                assert_int_equal(nv_type_parse(names[i], &t), 0);
                assert_int_equal(t, (enum nv_type)i);
                assert_string_equal(nv_type_name(t), names[i]);
        }
        assert_int_equal(nv_type_parse("bits", &t), EXIT_USAGE);
        assert_int_equal(nv_type_parse("pcr", &t), EXIT_USAGE);
        assert_int_equal(nv_type_parse("", &t), EXIT_USAGE);
}

static void a_bare_name_is_under_nv_owner(void **state)
{
        char out[512];

        (void)state;
        assert_int_equal(nv_path_normalize("counter1", out, sizeof(out)), 0);
        assert_string_equal(out, "/nv/Owner/counter1");
        assert_int_equal(nv_path_normalize("/nv/Owner/x", out, sizeof(out)), 0);
        assert_string_equal(out, "/nv/Owner/x");
        error_clear();
        assert_int_equal(nv_path_normalize("/HS/SRK/k", out, sizeof(out)), EXIT_BAD_INPUT);
        assert_string_equal(
            error_message(),
            "/HS/SRK/k is not an NV index path: give /nv/Owner/NAME or a bare NAME");
        assert_int_equal(nv_path_normalize("", out, sizeof(out)), EXIT_BAD_INPUT);
        assert_int_equal(nv_path_normalize("/nvx/y", out, sizeof(out)), EXIT_BAD_INPUT);
        assert_int_not_equal(nv_path_normalize("/nv/Owner/..", out, sizeof(out)), 0);
}

static void bits_are_hex_or_decimal_and_not_zero(void **state)
{
        uint64_t m = 0;

        (void)state;
        assert_int_equal(nv_bits_parse("0x30", &m), 0);
        assert_int_equal(m, 0x30);
        assert_int_equal(nv_bits_parse("5", &m), 0);
        assert_int_equal(m, 5);
        assert_int_equal(nv_bits_parse("0xffffffffffffffff", &m), 0);
        assert_true(m == UINT64_MAX);
        assert_int_equal(nv_bits_parse("0", &m), EXIT_USAGE);
        assert_int_equal(nv_bits_parse("-1", &m), EXIT_USAGE);
        assert_int_equal(nv_bits_parse("0x10000000000000000", &m), EXIT_USAGE);
        assert_int_equal(nv_bits_parse("0x3g", &m), EXIT_USAGE);
        assert_int_equal(nv_bits_parse("", &m), EXIT_USAGE);
}

static int parse(const char *line, const struct op_entry **op, struct op_parsed *parsed,
                 json_object **request)
{
        int r;

        error_clear();
        *parsed = (struct op_parsed){0};
        if ((r = batch_parse_line(line, strlen(line), request)))
                return r;
        return op_parse_json(*request, op, parsed);
}

static void done(struct op_parsed *parsed, json_object *request)
{
        op_parsed_free(parsed);
        json_wipe(request);
        json_object_put(request);
}

static void nv_requests_become_their_typed_requests(void **state)
{
        const struct op_entry *op;
        struct op_parsed p;
        json_object *request = NULL;

        (void)state;
        assert_int_equal(parse("{\"op\": \"nv_write\", \"path\": \"n\", \"data_b64\": \"AAEC\", "
                               "\"offset\": 3, \"auth\": \"pw\"}",
                               &op, &p, &request),
                         0);
        assert_string_equal(op->name, "nv_write");
        assert_string_equal(p.req.nv_write.path, "n");
        assert_int_equal(p.req.nv_write.len, 3);
        assert_int_equal(p.req.nv_write.offset, 3);
        assert_ptr_equal(p.req.nv_write.auth, &p.auth);
        done(&p, request);

        assert_int_equal(
            parse("{\"op\": \"nv_read\", \"path\": \"n\", \"size\": 0}", &op, &p, &request), 0);
        assert_true(p.req.nv_read.has_size);
        assert_int_equal(p.req.nv_read.size, 0);
        done(&p, request);
        assert_int_equal(parse("{\"op\": \"nv_read\", \"path\": \"n\"}", &op, &p, &request), 0);
        assert_false(p.req.nv_read.has_size);
        done(&p, request);

        assert_int_equal(parse("{\"op\": \"nv_define\", \"path\": \"c\", \"type\": \"counter\", "
                               "\"noda\": true}",
                               &op, &p, &request),
                         0);
        assert_string_equal(p.req.nv_define.type, "counter");
        assert_true(p.req.nv_define.noda);
        done(&p, request);

        assert_int_equal(parse("{\"op\": \"nv_setbits\", \"path\": \"b\", \"bits\": \"0x30\"}", &op,
                               &p, &request),
                         0);
        assert_true(p.req.nv_setbits.bits == 0x30);
        done(&p, request);
}

static void malformed_nv_requests_are_refused(void **state)
{
        static const struct {
                const char *line;
                int status;
        } cases[] = {
            {"{\"op\": \"nv_write\", \"path\": \"n\"}", EXIT_USAGE},
            {"{\"op\": \"nv_write\", \"path\": \"n\", \"data_b64\": \"!\"}", EXIT_BAD_INPUT},
            {"{\"op\": \"nv_read\", \"path\": \"n\", \"offset\": -1}", EXIT_USAGE},
            {"{\"op\": \"nv_read\", \"path\": \"n\", \"size\": 4096}", EXIT_USAGE},
            {"{\"op\": \"nv_setbits\", \"path\": \"b\", \"bits\": 48}", EXIT_USAGE},
            {"{\"op\": \"nv_setbits\", \"path\": \"b\", \"bits\": \"0\"}", EXIT_USAGE},
            {"{\"op\": \"nv_increment\", \"path\": \"c\", \"data_b64\": \"AA==\"}", EXIT_USAGE},
            {"{\"op\": \"nv_extend\", \"path\": \"e\"}", EXIT_USAGE},
            {"{\"op\": \"nv_define\", \"path\": \"d\", \"noda\": 1}", EXIT_USAGE},
        };
        const struct op_entry *op;
        struct op_parsed p;

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                json_object *request = NULL;
                assert_int_equal(parse(cases[i].line, &op, &p, &request), cases[i].status);
                done(&p, request);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(types_are_the_four_names),
            cmocka_unit_test(a_bare_name_is_under_nv_owner),
            cmocka_unit_test(bits_are_hex_or_decimal_and_not_zero),
            cmocka_unit_test(nv_requests_become_their_typed_requests),
            cmocka_unit_test(malformed_nv_requests_are_refused),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
