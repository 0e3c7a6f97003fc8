/* tpmctl config: the FAPI configuration tpmctl uses, for the tss2_* tools. */
#include <stdio.h>

#include "../src/cleanup.h"
#include "../src/fapi_config.h"
#include "cli.h"

static int run(const struct settings *s, int argc, char **argv)
{
        struct settings resolved = *s;
        struct fapi_setup setup;
        int r;

        (void)argc;
        (void)argv;
        if ((r = settings_resolve(&resolved, false)) ||
            (r = fapi_setup_prepare(&resolved, true, true, &setup)))
                return r;
        print_json(json_object_get(setup.config));
        fapi_setup_done(&setup);
        return 0;
}

const struct command cmd_config = {
    .name = "config",
    .max_args = 0,
    .run = run,
    .summary = "print the FAPI config tpmctl uses (for TSS2_FAPICONF and the tss2_* tools)",
    .details = "Example: tpmctl config > fapi.json && TSS2_FAPICONF=fapi.json tss2_list",
};
