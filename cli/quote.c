/* tpmctl quote: a TPM2_Quote of PCRs with a restricted signing key, as one
 * JSON document that verify-quote checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/errors.h"
#include "../src/fileio.h"
#include "../src/hex.h"
#include "../src/ops.h"
#include "auth_options.h"
#include "cli.h"

static const char *pcrs, *nonce_hex, *nonce_file, *output = "-";
static bool force;
static struct auth_source auth = {.option_prefix = "auth"};

static const struct cli_option options[] = {
    {"pcrs", 0, OPT_STRING, &pcrs, "SPEC", "the PCRs to quote, e.g. sha256:0,7 (required)"},
    {"nonce", 0, OPT_STRING, &nonce_hex, "HEX",
     "the verifier's nonce, 1 to 64 bytes (default: 16 random bytes from the TPM)"},
    {"nonce-file", 0, OPT_STRING, &nonce_file, "FILE", "read the nonce's bytes from FILE"},
    {"output", 'o', OPT_STRING, &output, "FILE", "where the quote goes (default: stdout)"},
    {"force", 'f', OPT_FLAG, &force, NULL, "replace the output file if it exists"},
    AUTH_OPTIONS(auth),
    {0},
};

int nonce_option(const char *hex, const char *file, unsigned char *out, size_t *len)
{
        _cleanup_free_ unsigned char *data = NULL;
        int r;

        *len = 0;
        if (hex && file)
                return error_set(EXIT_USAGE, "give --nonce or --nonce-file, not both");
        if (hex && (!hex_decode(hex, out, QUOTE_NONCE_MAX, len) || *len == 0))
                return error_set(EXIT_USAGE, "--nonce: give 1 to %d bytes of hex", QUOTE_NONCE_MAX);
        if (file) {
                if ((r = file_read(file, QUOTE_NONCE_MAX, &data, len)))
                        return r;
                if (*len == 0)
                        return error_set(EXIT_BAD_INPUT, "--nonce-file %s is empty", file);
                memcpy(out, data, *len);
        }
        return 0;
}

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(op_context_close) struct op_context ctx = {0};
        _cleanup_(quote_result_free) struct quote_result res = {0};
        _cleanup_json_ json_object *doc = NULL;
        unsigned char nonce[QUOTE_NONCE_MAX];
        struct quote_request req = {.path = argv[0], .pcrs = pcrs, .auth = &auth};
        unsigned flags = force ? WRITE_FORCE : 0;
        _cleanup_free_ char *line = NULL;
        const char *text;
        int r;

        (void)argc;
        op_context_init(&ctx, s, false);
        if (!pcrs)
                return error_set(EXIT_USAGE, "give the PCRs to quote with --pcrs SPEC");
        if ((r = nonce_option(nonce_hex, nonce_file, nonce, &req.nonce_len)))
                return r;
        req.nonce = req.nonce_len ? nonce : NULL;
        if ((r = file_check_output(output, flags)) || (r = op_quote(&ctx, &req, &res)))
                return r;
        if (res.warning[0] && !s->quiet)
                fprintf(stderr, "tpmctl: %s: warning: %s\n", s->command, res.warning);
        doc = quote_doc_to_json(&res.doc);
        text =
            json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                    JSON_C_TO_STRING_NOSLASHESCAPE);
        if (!(line = malloc(strlen(text) + 2)))
                return error_set(EXIT_TPM, "out of memory");
        return file_write(output, line, (size_t)sprintf(line, "%s\n", text), flags);
}

const struct command cmd_quote = {
    .name = "quote",
    .args = "PATH",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "sign PCR values with a restricted signing key (TPM2_Quote), as JSON",
    .details = "The document holds the attestation, its signature, the quoted PCR values, the\n"
               "nonce, the key's public PEM and the platform's TCG event log when there is one.\n"
               "Check it anywhere with `tpmctl verify-quote FILE --pubkey PEM --nonce HEX`.",
    .options = options,
};
