/* tpmctl pcr extend: extend a PCR with data or a digest. */
#include <stdio.h>
#include <stdlib.h>

#include "../src/errors.h"
#include "../src/fileio.h"
#include "../src/ops.h"
#include "cli.h"

#define EXTEND_MAX_INPUT (64u << 20)

static const char *input, *digest_text, *log_text;

static const struct cli_option options[] = {
    {"input", 'i', OPT_STRING, &input, "FILE",
     "extend every bank with the hash of FILE (\"-\": stdin)"},
    {"digest", 0, OPT_STRING, &digest_text, "BANK:HEX", "extend one bank with this digest"},
    {"log", 0, OPT_STRING, &log_text, "TEXT",
     "also record TEXT and the digests in tpmctl-pcr.log in FAPI's event log directory"},
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(op_context_close) struct op_context ctx = {0};
        _cleanup_free_ unsigned char *data = NULL;
        TPML_DIGEST_VALUES values = {0};
        struct pcr_extend_request req = {.log = log_text};
        struct pcr_extend_result res;
        char *end;
        unsigned long index = strtoul(argv[0], &end, 10);
        int r;

        (void)argc;
        op_context_init(&ctx, s, false);
        if (end == argv[0] || *end || argv[0][0] == '-' || index >= PCR_COUNT)
                return error_set(EXIT_USAGE, "%s is not a PCR index (0 to 23)", argv[0]);
        if (!!input == !!digest_text)
                return error_set(EXIT_USAGE, "give -i FILE or --digest BANK:HEX");
        if ((digest_text && (r = pcr_digest_parse(digest_text, &values))) ||
            (input && (r = file_read(input, EXTEND_MAX_INPUT, &data, &req.len))))
                return r;
        req.pcr = (unsigned)index;
        req.data = data;
        req.digests = digest_text ? &values : NULL;
        if ((r = op_pcr_extend(&ctx, &req, &res)))
                return r;
        if (s->json)
                print_json(pcr_extend_result_json(&req, &res));
        else if (!s->quiet)
                printf("extended PCR %lu\n", index);
        return 0;
}

const struct command cmd_pcr_extend = {
    .name = "extend",
    .args = "INDEX",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "extend a PCR with the hash of data, or with a digest",
    .options = options,
};
