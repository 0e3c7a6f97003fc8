/* tpmctl pcr read: PCR values. */
#include <stdio.h>

#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/hex.h"
#include "../src/pcr.h"
#include "cli.h"

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        TPML_PCR_SELECTION sel;
        struct pcr_values values;
        char text[2 * sizeof(TPMU_HA) + 1], index[8];
        int r;

        if ((argc && (r = pcr_spec_parse(argv[0], &sel))) ||
            (r = tpm_open(s, NEED_ESYS | LOCK_SHARED, &tpm)) ||
            (!argc && (r = pcr_all_banks(tpm->esys, &sel))) ||
            (r = pcr_read(tpm->esys, &sel, &values)))
                return r;
        if (s->json) {
                json_object *o = json_object_new_object();
                for (unsigned i = 0; i < values.n; i++) {
                        json_object *bank;
                        const char *name = bank_name(values.v[i].bank);
                        if (!json_object_object_get_ex(o, name, &bank)) {
                                bank = json_object_new_object();
                                json_object_object_add(o, name, bank);
                        }
                        hex_encode(values.v[i].digest.buffer, values.v[i].digest.size, text);
                        snprintf(index, sizeof(index), "%u", values.v[i].index);
                        json_object_object_add(bank, index, json_object_new_string(text));
                }
                print_json(o);
                return 0;
        }
        for (unsigned i = 0; i < values.n; i++) {
                hex_encode(values.v[i].digest.buffer, values.v[i].digest.size, text);
                printf("%s:%-2u %s\n", bank_name(values.v[i].bank), values.v[i].index, text);
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
