/* tpmctl lockout clear: ends the dictionary-attack lockout. */
#include <stdio.h>

#include "../src/errors.h"
#include "../src/lockout.h"
#include "../src/ops.h"
#include "auth_options.h"
#include "cli.h"

static struct auth_source auth = {.option_prefix = "auth"};

static const struct cli_option options[] = {
    AUTH_OPTIONS(auth),
    {0},
};

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(op_context_close) struct op_context ctx = {0};
        struct lockout_status st;
        int r;

        (void)argc;
        (void)argv;
        op_context_init(&ctx, s, false);
        if ((r = op_lockout_clear(&ctx, &(struct lockout_clear_request){.auth = &auth}, &st)))
                return r;
        op_context_close(&ctx);
        if (s->json)
                print_json(lockout_status_json(&st));
        else if (!s->quiet)
                printf("lockout cleared: 0 of %u failed tries\n", st.da.max_tries);
        return 0;
}

const struct command cmd_lockout_clear = {
    .name = "clear",
    .max_args = 0,
    .run = run,
    .summary = "forget every failed try and end the lockout (the lockout password)",
    .details = "Runs TPM2_DictionaryAttackLockReset with the lockout hierarchy's password,\n"
               "empty unless a source is given. A wrong one makes the lockout hierarchy\n"
               "refuse every password for its lockout recovery time (lockout status).",
    .options = options,
};
