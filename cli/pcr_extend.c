/* tpmctl pcr extend: extend a PCR with data or a digest. */
#include <stdio.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/errors.h"
#include "../src/fileio.h"
#include "../src/keystore.h"
#include "../src/pcr.h"
#include "../src/pubkey.h"
#include "cli.h"

#define EXTEND_MAX_INPUT (64u << 20)

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

/* Reads the input once (it may be a pipe) and hashes it for every bank. */
static int hash_input(ESYS_CONTEXT *esys, const char *file, TPML_DIGEST_VALUES *values)
{
        _cleanup_free_ unsigned char *data = NULL;
        TPML_PCR_SELECTION banks;
        size_t len;
        int r;

        if ((r = file_read(file, EXTEND_MAX_INPUT, &data, &len)) ||
            (r = pcr_all_banks(esys, &banks)))
                return r;
        values->count = 0;
        for (UINT32 b = 0; b < banks.count; b++) {
                TPMI_ALG_HASH alg = banks.pcrSelections[b].hash;
                values->digests[values->count].hashAlg = alg;
                if (!EVP_Digest(data, len, (unsigned char *)&values->digests[values->count].digest,
                                NULL, tpm_hash_md(alg), NULL))
                        return error_set(EXIT_TPM, "hashing the input failed");
                values->count++;
        }
        return 0;
}

/* One JSON line per extend in KEYSTORE/eventlog/tpmctl-pcr.log. */
static int write_log(const struct tpm *tpm, unsigned index, const TPML_DIGEST_VALUES *values,
                     const char *text)
{
        _cleanup_json_ json_object *entry = json_object_new_object();
        json_object *digests = json_object_new_object();
        char dir[4200], file[4300], hex[2 * sizeof(TPMU_HA) + 1];
        const char *line;
        FILE *log;
        int r;

        snprintf(dir, sizeof(dir), "%s/../eventlog", tpm->setup.user_dir);
        snprintf(file, sizeof(file), "%s/tpmctl-pcr.log", dir);
        for (UINT32 i = 0; i < values->count; i++) {
                size_t size = tpm_hash_size(values->digests[i].hashAlg);
                for (size_t k = 0; k < size; k++)
                        sprintf(hex + 2 * k, "%02x", ((const BYTE *)&values->digests[i].digest)[k]);
                json_object_object_add(digests, bank_name(values->digests[i].hashAlg),
                                       json_object_new_string(hex));
        }
        json_object_object_add(entry, "pcr", json_object_new_int((int)index));
        json_object_object_add(entry, "digests", digests);
        json_object_object_add(entry, "log", json_object_new_string(text));
        line = json_object_to_json_string_ext(entry, JSON_C_TO_STRING_PLAIN);
        if ((r = mkdir_private(dir)))
                return r;
        if (!(log = fopen(file, "a")) || fprintf(log, "%s\n", line) < 0 || fclose(log) != 0)
                return error_set(EXIT_TPM, "PCR %u was extended, but %s could not be written",
                                 index, file);
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
        if ((digest_text && (r = parse_digest(digest_text, &values))) ||
            (r = tpm_open(s, NEED_ESYS | LOCK_EXCLUSIVE, &tpm)) ||
            (input && (r = hash_input(tpm->esys, input, &values))) ||
            (r = pcr_extend(tpm->esys, (unsigned)index, &values)))
                return r;
        if (log_text && (r = write_log(tpm, (unsigned)index, &values, log_text)))
                return r;
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
