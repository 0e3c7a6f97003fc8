/* Drives the loaded-object cache of one long-lived context, as a batch of
 * requests does, against the TPM of TPMCTL_TCTI and the keystore of
 * TPMCTL_KEYSTORE. Runs its arguments in order and prints one line each:
 *
 *   sign:KEY       signs a digest with KEY, no password given  -> "sign KEY: N" (exit code)
 *   sign-env:KEY:VAR   the same with the password in $VAR       -> "sign KEY: N"
 *   touch:KEY      sets KEY's object.json's mtime to now        -> "touched KEY"
 *   remove:KEY     removes KEY's object.json                    -> "removed KEY"
 *   occupy:KEY     takes a transient slot as another program would: KEY's
 *                  public key, loaded outside the cache     -> "occupied N" (exit code)
 *   transient      the transient objects in the TPM             -> "transient N"
 *   clear          tpm_cache_clear()                            -> "cleared"
 *
 * A test tool: its output is checked by tests/bats/88-tpm-commands.bats. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/context.h"
#include "../../src/errors.h"
#include "../../src/keys.h"
#include "../../src/object_load.h"
#include "../../src/objects.h"
#include "../../src/sign.h"

static int key_file(struct tpm *tpm, const char *key, char *file, size_t size)
{
        char full[FAPI_PATH_MAX];
        int r = object_resolve(tpm, key, full, sizeof(full));

        if (!r)
                snprintf(file, size, "%s%s/object.json", tpm->setup.user_dir, full);
        return r;
}

static int sign_once(struct tpm *tpm, const char *key, const char *env)
{
        struct auth_source auth = {.env = env, .option_prefix = "auth"};
        struct key_info info = {0};
        unsigned char digest[32] = {1, 2, 3}, *sig = NULL;
        size_t sig_len = 0;
        int r;

        if (!(r = key_info_read(tpm, key, &info)))
                r = key_sign_digest(tpm, &info, SCHEME_DEFAULT, digest, sizeof(digest), &auth, &sig,
                                    &sig_len);
        if (r)
                fprintf(stderr, "%s\n", error_message());
        free(sig);
        key_info_free(&info);
        return r;
}

static int occupy(struct tpm *tpm, const char *key)
{
        struct key_info info = {0};
        ESYS_TR handle;
        int r;

        if (!(r = key_info_read(tpm, key, &info))) {
                if (Esys_LoadExternal(tpm->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, NULL,
                                      &info.public, ESYS_TR_RH_NULL, &handle) == TSS2_RC_SUCCESS)
                        tpm_track(tpm, handle);
                else
                        r = EXIT_TPM;
        }
        key_info_free(&info);
        return r;
}

/* TPM2_TRANSIENT_FIRST, which tss2's header computes with a signed shift. */
#define TRANSIENT_FIRST 0x80000000u

static unsigned transient_count(struct tpm *tpm)
{
        TPMS_CAPABILITY_DATA *cap = NULL;
        unsigned n = 0;

        if (Esys_GetCapability(tpm->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                               TPM2_CAP_HANDLES, TRANSIENT_FIRST, TPM2_MAX_CAP_HANDLES, NULL,
                               &cap) == TSS2_RC_SUCCESS)
                n = cap->data.handles.count;
        Esys_Free(cap);
        return n;
}

int main(int argc, char **argv)
{
        struct settings s = {.command = "object_cache_check", .timeout = 60};
        struct tpm *tpm = NULL;
        char file[PATH_MAX * 2];
        int r;

        if ((r = tpm_open(&s, NEED_ESYS | LOCK_SHARED, &tpm))) {
                fprintf(stderr, "%s\n", error_message());
                tpm_close(tpm);
                return r;
        }
        for (int i = 1; i < argc; i++) {
                char *op = argv[i], *key = strchr(op, ':'), *env = NULL;

                if (key) {
                        *key++ = '\0';
                        if ((env = strchr(key, ':')))
                                *env++ = '\0';
                }
                if (strcmp(op, "sign") == 0 || strcmp(op, "sign-env") == 0) {
                        printf("sign %s: %d\n", key, sign_once(tpm, key, env));
                } else if (strcmp(op, "touch") == 0 && !key_file(tpm, key, file, sizeof(file))) {
                        struct timespec now[2] = {{.tv_nsec = UTIME_NOW}, {.tv_nsec = UTIME_NOW}};
                        utimensat(AT_FDCWD, file, now, 0);
                        printf("touched %s\n", key);
                } else if (strcmp(op, "remove") == 0 && !key_file(tpm, key, file, sizeof(file))) {
                        unlink(file);
                        printf("removed %s\n", key);
                } else if (strcmp(op, "occupy") == 0) {
                        printf("occupied %d\n", occupy(tpm, key));
                } else if (strcmp(op, "transient") == 0) {
                        printf("transient %u\n", transient_count(tpm));
                } else if (strcmp(op, "clear") == 0) {
                        tpm_cache_clear(tpm);
                        printf("cleared\n");
                } else {
                        fprintf(stderr, "object_cache_check: %s: unknown step\n", argv[i]);
                        tpm_close(tpm);
                        return 2;
                }
                fflush(stdout);
        }
        tpm_close(tpm);
        return 0;
}
