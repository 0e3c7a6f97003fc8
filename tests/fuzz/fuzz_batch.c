/* libFuzzer: what tpmctl batch does with its untrusted input before it needs
 * a TPM. The input is a stream of request lines, as batch reads them; each
 * line goes through batch_parse_line() into JSON, then op_parse_json() into
 * the typed request of its op (fields, types, base64, sizes, a PEM public
 * key): the code op_run_json() runs before the op itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/batch.h"
#include "../../src/errors.h"
#include "../../src/op_json.h"
#include "../../src/ops.h"

/* A refused request is a usage error or bad input, with its one line. */
static void check_refusal(int r)
{
        if (r != EXIT_USAGE && r != EXIT_BAD_INPUT && r != EXIT_TPM)
                abort();
        if (!*error_message())
                abort();
}

static void parse_request(const char *line, size_t len)
{
        json_object *request = NULL;
        const struct op_entry *op = NULL;
        struct op_parsed parsed;
        int r;

        error_clear();
        if ((r = batch_parse_line(line, len, &request))) {
                check_refusal(r);
                return;
        }
        r = op_parse_json(request, &op, &parsed);
        if (r)
                check_refusal(r);
        else if (!op)
                abort();
        op_parsed_free(&parsed);
        json_wipe(request);
        json_object_put(request);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *text = (const char *)data;
        char *line;

        /* Each line NUL-terminated, as batch's reader hands it over. */
        if (!(line = malloc(size + 1)))
                return 0;
        for (size_t start = 0; start <= size;) {
                const char *nl = memchr(text + start, '\n', size - start);
                size_t end = nl ? (size_t)(nl - text) : size;

                memcpy(line, text + start, end - start);
                line[end - start] = '\0';
                parse_request(line, end - start);
                start = end + 1;
        }
        free(line);
        return 0;
}
