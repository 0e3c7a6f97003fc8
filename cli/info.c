/* tpmctl info: what the TPM is and what state it is in. */
#include <stdio.h>

#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/tpm_info.h"
#include "cli.h"

static json_object *string_array(const char *const *items, unsigned n)
{
        json_object *a = json_object_new_array();
        for (unsigned i = 0; i < n; i++)
                json_object_array_add(a, json_object_new_string(items[i]));
        return a;
}

static void print_list(const char *label, const char *const *items, unsigned n)
{
        printf("%-14s", label);
        for (unsigned i = 0; i < n; i++)
                printf(" %s", items[i]);
        printf("\n");
}

static void print_info_json(const struct tpm *tpm, const struct tpm_info *i, bool provisioned)
{
        json_object *o = json_object_new_object(), *lockout = json_object_new_object();
        char firmware[32], revision[16];

        snprintf(firmware, sizeof(firmware), "%08x.%08x", i->firmware[0], i->firmware[1]);
        snprintf(revision, sizeof(revision), "%u.%02u", i->revision / 100, i->revision % 100);
        json_object_object_add(o, "manufacturer", json_object_new_string(i->manufacturer));
        json_object_object_add(o, "vendor", json_object_new_string(i->vendor));
        json_object_object_add(o, "firmware", json_object_new_string(firmware));
        json_object_object_add(o, "family", json_object_new_string(i->family));
        json_object_object_add(o, "spec_revision", json_object_new_string(revision));
        json_object_object_add(o, "spec_year", json_object_new_int64(i->spec_year));
        json_object_object_add(o, "algorithms", string_array(i->algorithms, i->n_algorithms));
        json_object_object_add(o, "pcr_banks", string_array(i->pcr_banks, i->n_pcr_banks));
        json_object_object_add(o, "profile", json_object_new_string(tpm->setup.profile));
        json_object_object_add(o, "provisioned", json_object_new_boolean(provisioned));
        json_object_object_add(o, "keystore", json_object_new_string(tpm->setup.user_dir));
        json_object_object_add(lockout, "counter", json_object_new_int64(i->lockout_counter));
        json_object_object_add(lockout, "max_tries", json_object_new_int64(i->max_auth_fail));
        json_object_object_add(lockout, "interval_s", json_object_new_int64(i->lockout_interval));
        json_object_object_add(lockout, "recovery_s", json_object_new_int64(i->lockout_recovery));
        json_object_object_add(lockout, "locked_out", json_object_new_boolean(i->in_lockout));
        json_object_object_add(o, "lockout", lockout);
        print_json(o);
}

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        struct tpm_info info;
        bool provisioned;
        int r;

        (void)argc;
        (void)argv;
        if ((r = tpm_open(s, NEED_ESYS | LOCK_SHARED, &tpm)) ||
            (r = tpm_info_read(tpm->esys, &info)))
                return r;
        provisioned = tpm_provisioned(tpm, tpm->setup.profile);
        if (s->json) {
                print_info_json(tpm, &info, provisioned);
                return 0;
        }
        printf("%-14s %s (%s)\n", "manufacturer", info.manufacturer, info.vendor);
        printf("%-14s %08x.%08x\n", "firmware", info.firmware[0], info.firmware[1]);
        printf("%-14s TPM %s, revision %u.%02u (%u)\n", "spec", info.family, info.revision / 100,
               info.revision % 100, info.spec_year);
        print_list("algorithms", info.algorithms, info.n_algorithms);
        print_list("pcr banks", info.pcr_banks, info.n_pcr_banks);
        printf("%-14s %s\n", "profile", tpm->setup.profile);
        printf("%-14s %s\n", "provisioned", provisioned ? "yes" : "no (run `tpmctl provision`)");
        printf("%-14s %s\n", "keystore", tpm->setup.user_dir);
        printf("%-14s %u of %u failed tries%s (one forgiven every %u s)\n", "lockout",
               info.lockout_counter, info.max_auth_fail, info.in_lockout ? ", LOCKED OUT" : "",
               info.lockout_interval);
        return 0;
}

const struct command cmd_info = {
    .name = "info",
    .max_args = 0,
    .run = run,
    .summary = "show the TPM's maker, firmware, algorithms, PCR banks and lockout state",
};
