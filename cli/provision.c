/* tpmctl provision: set up the keystore and the storage root key. */
#include <stdio.h>

#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/provision.h"
#include "cli.h"

static bool force;

static const struct cli_option options[] = {
    {"force", 'f', OPT_FLAG, &force, NULL,
     "provision again when already provisioned (keys under the SRK are kept)"},
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        unsigned srk;
        int r;

        (void)argc;
        (void)argv;
        if ((r = tpm_open(s, NEED_FAPI | NEED_ESYS | LOCK_EXCLUSIVE | EK_CERT_CHECK, &tpm)) ||
            (r = provision(tpm, force)))
                return r;
        srk = srk_persistent_handle(tpm, tpm->setup.profile);
        if (s->json) {
                json_object *o = json_object_new_object();
                json_object_object_add(o, "profile", json_object_new_string(tpm->setup.profile));
                json_object_object_add(o, "srk_handle", srk ? json_object_new_int64(srk) : NULL);
                json_object_object_add(o, "keystore", json_object_new_string(tpm->setup.user_dir));
                print_json(o);
        } else if (!s->quiet) {
                if (srk)
                        printf("provisioned %s: storage root key at 0x%08x\n", tpm->setup.profile,
                               srk);
                else
                        printf("provisioned %s: storage root key (not persistent)\n",
                               tpm->setup.profile);
        }
        return 0;
}

const struct command cmd_provision = {
    .name = "provision",
    .max_args = 0,
    .run = run,
    .summary = "set up the keystore and the TPM's storage root key",
    .details = "Creates the profile's storage root key (SRK) in the TPM, persistent and with\n"
               "noda: when wrong passwords put the TPM into dictionary-attack lockout, the\n"
               "SRK, and so every key made with --noda, keeps working.",
    .options = options,
};
