/* tpmctl lockout status: the TPM's dictionary-attack state. */
#include <stdio.h>
#include <time.h>

#include "../src/errors.h"
#include "../src/lockout.h"
#include "../src/ops.h"
#include "cli.h"

/* "10 s", "2 min 30 s", "2 h". */
static void duration(unsigned long seconds, char *buf, size_t size)
{
        unsigned long h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60;
        int n = 0;

        buf[0] = '\0';
        if (h)
                n += snprintf(buf + n, size - (size_t)n, "%lu h", h);
        if (m && n >= 0 && (size_t)n < size)
                n += snprintf(buf + n, size - (size_t)n, "%s%lu min", n ? " " : "", m);
        if ((s || !seconds) && n >= 0 && (size_t)n < size)
                snprintf(buf + n, size - (size_t)n, "%s%lu s", n ? " " : "", s);
}

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(op_context_close) struct op_context ctx = {0};
        struct lockout_status st;
        char interval[64], recovery[64], wait[64], at[32];
        struct tm tm;
        time_t when;
        long next;
        int r;

        (void)argc;
        (void)argv;
        op_context_init(&ctx, s, false);
        if ((r = op_lockout_status(&ctx, NULL, &st)))
                return r;
        op_context_close(&ctx);
        if (s->json) {
                print_json(lockout_status_json(&st));
                return 0;
        }
        duration(st.da.interval, interval, sizeof(interval));
        duration(st.da.recovery, recovery, sizeof(recovery));
        printf("%-17s %u of %u\n", "failed tries", st.da.failures, st.da.max_tries);
        if (st.da.interval)
                printf("%-17s %s (one failed try forgotten every %s)\n", "recovery time", interval,
                       interval);
        else
                printf("%-17s 0 s (failed tries are never forgotten)\n", "recovery time");
        printf("%-17s %s (the lockout password's wait after a wrong one)\n", "lockout recovery",
               recovery);
        printf("%-17s %s\n", "locked out", st.in_lockout ? "yes" : "no");
        next = lockout_next_try(&st);
        if (next == 0) {
                printf("%-17s now\n", "next try");
        } else if (next < 0) {
                printf("%-17s never by itself: run `tpmctl lockout clear`\n", "next try");
        } else {
                when = st.now + next;
                duration((unsigned long)next, wait, sizeof(wait));
                if (!localtime_r(&when, &tm) || !strftime(at, sizeof(at), "%H:%M:%S", &tm))
                        snprintf(at, sizeof(at), "?");
                printf("%-17s within %s (by %s), or now after `tpmctl lockout clear`\n", "next try",
                       wait, at);
        }
        return 0;
}

const struct command cmd_lockout_status = {
    .name = "status",
    .max_args = 0,
    .run = run,
    .summary = "show the failed tries, their limit, the recovery times and the lockout",
    .details = "With --json: {\"failed_tries\", \"max_tries\", \"recovery_time\",\n"
               "\"lockout_recovery\" (seconds), \"locked_out\", \"next_try_in\" (seconds; null:\n"
               "never by itself), \"next_try_at\" (UTC; null when not locked out)}.",
};
