/* tpmctl pcr extend: extend a PCR with data or a digest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/errors.h"
#include "../src/pcr.h"
#include "../src/pubkey.h"
#include "../src/signature.h"
#include "cli.h"

static const char *input, *digest_text, *log_text;

static const struct cli_option options[] = {
    {"input", 'i', OPT_STRING, &input, "FILE",
     "extend every bank with the hash of FILE (\"-\": stdin)"},
    {"digest", 0, OPT_STRING, &digest_text, "BANK:HEX", "extend one bank with this digest"},
    {"log", 0, OPT_STRING, &log_text, "TEXT",
     "also record TEXT and the digests in the keystore's event log"},
    {0},
};

static int parse_digest(const char *text, TPML_DIGEST_VALUES *values)
{
        const char *colon = strchr(text, ':');
        char bank[16];
        TPMI_ALG_HASH alg;
        size_t want, n;
        int r;

        if (!colon || (size_t)(colon - text) >= sizeof(bank))
                return error_set(EXIT_BAD_INPUT, "--digest %s: write BANK:HEX", text);
        memcpy(bank, text, (size_t)(colon - text));
        bank[colon - text] = '\0';
        if ((r = bank_parse(bank, &alg)))
                return r;
        want = tpm_hash_size(alg);
        n = strlen(colon + 1);
        if (n != 2 * want || strspn(colon + 1, "0123456789abcdefABCDEF") != n)
                return error_set(EXIT_BAD_INPUT, "--digest: a %s digest is %zu bytes of hex",
                                 bank_name(alg), want);
        values->count = 1;
        values->digests[0].hashAlg = alg;
        for (size_t i = 0; i < want; i++) {
                unsigned v;
                sscanf(colon + 1 + 2 * i, "%2x", &v);
                ((BYTE *)&values->digests[0].digest)[i] = (BYTE)v;
        }
        return 0;
}

static int hash_input(ESYS_CONTEXT *esys, const char *file, TPML_DIGEST_VALUES *values)
{
        TPML_PCR_SELECTION banks;
        size_t len;
        int r;

        if ((r = pcr_all_banks(esys, &banks)))
                return r;
        values->count = 0;
        for (UINT32 b = 0; b < banks.count; b++) {
                TPMI_ALG_HASH alg = banks.pcrSelections[b].hash;
                values->digests[values->count].hashAlg = alg;
                if ((r = digest_input(file, tpm_hash_md(alg), false,
                                      (unsigned char *)&values->digests[values->count].digest,
                                      &len)))
                        return r;
                values->count++;
        }
        return 0;
}

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        TPML_DIGEST_VALUES values = {0};
        char *end;
        unsigned long index = strtoul(argv[0], &end, 10);
        int r;

        (void)argc;
        if (end == argv[0] || *end || index >= PCR_COUNT)
                return error_set(EXIT_BAD_INPUT, "%s is not a PCR index (0 to 23)", argv[0]);
        if (!!input == !!digest_text)
                return error_set(EXIT_USAGE, "give -i FILE or --digest BANK:HEX");
        if (input && strcmp(input, "-") == 0)
                return error_set(EXIT_USAGE, "-i -: stdin is read once per bank; give a file");
        if ((digest_text && (r = parse_digest(digest_text, &values))) ||
            (r = tpm_open(s, NEED_ESYS | LOCK_EXCLUSIVE, &tpm)) ||
            (input && (r = hash_input(tpm->esys, input, &values))) ||
            (r = pcr_extend(tpm->esys, (unsigned)index, &values)))
                return r;
        if (log_text) {
                char file[4200];
                FILE *log;
                snprintf(file, sizeof(file), "%s/../eventlog/tpmctl-pcr.log", tpm->setup.user_dir);
                if ((log = fopen(file, "a"))) {
                        json_object *entry = json_object_new_object();
                        json_object_object_add(entry, "pcr", json_object_new_int((int)index));
                        json_object_object_add(entry, "log", json_object_new_string(log_text));
                        fprintf(log, "%s\n", json_object_to_json_string(entry));
                        json_object_put(entry);
                        fclose(log);
                }
        }
        if (!s->quiet && !s->json)
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
