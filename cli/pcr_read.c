/* tpmctl pcr read: PCR values. */
#include <stdio.h>

#include "../src/hex.h"
#include "../src/ops.h"
#include "cli.h"

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(op_context_close) struct op_context ctx = {0};
        struct pcr_read_result res;
        char text[2 * sizeof(TPMU_HA) + 1];
        int r;

        op_context_init(&ctx, s, false);
        if ((r = op_pcr_read(&ctx, &(struct pcr_read_request){.pcrs = argc ? argv[0] : NULL},
                             &res)))
                return r;
        if (s->json) {
                print_json(pcr_read_result_json(&res));
                return 0;
        }
        for (unsigned i = 0; i < res.values.n; i++) {
                const struct pcr_value *v = &res.values.v[i];
                hex_encode(v->digest.buffer, v->digest.size, text);
                printf("%s:%-2u %s\n", bank_name(v->bank), v->index, text);
        }
        return 0;
}

const struct command cmd_pcr_read = {
    .name = "read",
    .args = "[SPEC]",
    .max_args = 1,
    .run = run,
    .summary = "print PCR values (default: every bank, every PCR)",
    .details = "SPEC is BANK:LIST joined by '+', e.g. sha256:0,7,16 or sha1:0+sha256:7.",
};
