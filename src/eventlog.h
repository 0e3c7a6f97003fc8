/* tpmctl's record of the PCR extends it did with --log: one JSON line per
 * extend, {"pcr": N, "digests": {"sha256": HEX, ...}, "log": TEXT}, in
 * tpmctl-pcr.log under FAPI's event log directory (the config's log_dir,
 * default /run/tpm2-tss/eventlog), beside FAPI's own pcrN logs. */
#pragma once

#include <limits.h>
#include <stdio.h>
#include <tss2/tss2_tpm2_types.h>

struct eventlog {
        FILE *file;
        char path[PATH_MAX];
};

/* Opens the log for appending (creating log_dir 0700 where missing), before
 * the PCR is extended, so that an extend never goes unrecorded because the
 * log cannot be written. */
int eventlog_open(const char *log_dir, struct eventlog *log);

/* Appends the record of one extend and closes the log. */
int eventlog_append(struct eventlog *log, unsigned index, const TPML_DIGEST_VALUES *values,
                    const char *text);

void eventlog_close(struct eventlog *log);
static inline void eventlog_closep(struct eventlog *log)
{
        eventlog_close(log);
}
