/* tpmctl's PCR event log; see eventlog.h. */
#include "eventlog.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <string.h>

#include "cleanup.h"
#include "errors.h"
#include "hex.h"
#include "keystore.h"
#include "pcr.h"
#include "pubkey.h"

int eventlog_open(const char *log_dir, struct eventlog *log)
{
        int r;

        log->file = NULL;
        if (snprintf(log->path, sizeof(log->path), "%s/tpmctl-pcr.log", log_dir) >=
            (int)sizeof(log->path))
                return error_set(EXIT_BAD_INPUT, "event log directory too long: %s", log_dir);
        if ((r = mkdir_private(log_dir)))
                return r;
        if (!(log->file = fopen(log->path, "ae")))
                return error_set(errno == ENOENT ? EXIT_NOT_FOUND : EXIT_BAD_INPUT,
                                 "cannot write the event log %s: %s (nothing was extended)",
                                 log->path, strerror(errno));
        return 0;
}

int eventlog_append(struct eventlog *log, unsigned index, const TPML_DIGEST_VALUES *values,
                    const char *text)
{
        _cleanup_json_ json_object *entry = json_object_new_object();
        json_object *digests = json_object_new_object();
        char hex[2 * sizeof(TPMU_HA) + 1];
        FILE *file = log->file;

        for (UINT32 i = 0; i < values->count; i++) {
                hex_encode(&values->digests[i].digest, tpm_hash_size(values->digests[i].hashAlg),
                           hex);
                json_object_object_add(digests, bank_name(values->digests[i].hashAlg),
                                       json_object_new_string(hex));
        }
        json_object_object_add(entry, "pcr", json_object_new_int((int)index));
        json_object_object_add(entry, "digests", digests);
        json_object_object_add(entry, "log", json_object_new_string(text));
        bool written;

        log->file = NULL;
        written = fprintf(file, "%s\n",
                          json_object_to_json_string_ext(entry, JSON_C_TO_STRING_PLAIN)) >= 0;
        if (fclose(file) != 0 || !written)
                return error_set(EXIT_TPM, "PCR %u was extended, but %s could not be written",
                                 index, log->path);
        return 0;
}

void eventlog_close(struct eventlog *log)
{
        if (log->file)
                fclose(log->file);
        log->file = NULL;
}
