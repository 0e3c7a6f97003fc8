/* tpmctl verify-quote: check a quote document offline with OpenSSL. */
#include <stdio.h>
#include <stdlib.h>

#include "../src/errors.h"
#include "../src/fileio.h"
#include "../src/jsonfile.h"
#include "../src/ops.h"
#include "../src/pubkey.h"
#include "cli.h"

static const char *pubkey_file, *key_path, *nonce_hex, *nonce_file, *expected_file;

static const struct cli_option options[] = {
    {"pubkey", 0, OPT_STRING, &pubkey_file, "PEMFILE",
     "the quoting key's PEM public key (no TPM, no keystore needed)"},
    {"key", 0, OPT_STRING, &key_path, "PATH",
     "the quoting key in the keystore: a restricted signing key, or an /ext/ key"},
    {"nonce", 0, OPT_STRING, &nonce_hex, "HEX", "the nonce the quote must carry"},
    {"nonce-file", 0, OPT_STRING, &nonce_file, "FILE", "read the nonce's bytes from FILE"},
    {"pcrs-expected", 0, OPT_STRING, &expected_file, "FILE",
     "PCR values the quote must show, as `pcr read --json` prints them"},
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(op_context_close) struct op_context ctx = {0};
        _cleanup_pkey_ EVP_PKEY *pkey = NULL;
        _cleanup_free_ char *text = NULL;
        _cleanup_free_ struct quote_doc *doc = calloc(1, sizeof(*doc));
        _cleanup_free_ struct pcr_values *expected = calloc(1, sizeof(*expected));
        _cleanup_free_ struct verify_quote_result *res = calloc(1, sizeof(*res));
        _cleanup_json_ json_object *expected_json = NULL;
        unsigned char nonce[QUOTE_NONCE_MAX];
        struct verify_quote_request req = {.path = key_path, .doc = doc};
        size_t len;
        int r;

        (void)argc;
        op_context_init(&ctx, s, false);
        if (!doc || !expected || !res)
                return error_set(EXIT_TPM, "out of memory");
        if (!pubkey_file == !key_path)
                return error_set(EXIT_USAGE, "give either --pubkey PEMFILE or --key PATH");
        if ((r = nonce_option(nonce_hex, nonce_file, nonce, &req.nonce_len)))
                return r;
        req.nonce = req.nonce_len ? nonce : NULL;
        if (pubkey_file && (r = pem_read_public(pubkey_file, &pkey)))
                return r;
        req.pubkey = pkey;
        if (expected_file) {
                if ((r = json_file_read(expected_file, &expected_json)) ||
                    (r = pcr_values_from_json(expected_json, expected_file, expected)))
                        return r;
                req.expected = expected;
        }
        if ((r = file_read(argv[0], JSON_MAX_BYTES, (unsigned char **)&text, &len)) ||
            (r = quote_doc_parse(text, len, doc)))
                return r;
        r = op_verify_quote(&ctx, &req, res);
        if (!r && res->valid && s->json)
                print_json(verify_quote_result_json(&req, res));
        else if (!r && res->valid && !s->quiet)
                printf("valid\n");
        if (!r && res->valid && !req.nonce && !s->quiet)
                fprintf(stderr,
                        "tpmctl: %s: warning: no --nonce given: the quote may be an old one "
                        "replayed\n",
                        s->command);
        quote_doc_free(doc);
        if (r)
                return r;
        return res->valid ? 0 : print_invalid(s);
}

const struct command cmd_verify_quote = {
    .name = "verify-quote",
    .args = "FILE",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "check a quote: exit 0 and \"valid\", or exit 1 and the reason",
    .details = "Checks the attestation's magic and type, the signature with the given key, the\n"
               "nonce, the PCR values against the quoted digest and --pcrs-expected, and replays\n"
               "the event log, when the quote has one, against the quoted PCRs. With --pubkey\n"
               "OpenSSL alone does it: no TPM.",
    .options = options,
};
