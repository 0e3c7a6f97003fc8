/* The FAPI configuration tpmctl writes for itself, and the paths it implies. */
#include "fapi_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <tss2/tss2_tctildr.h>
#include <unistd.h>

#include "cleanup.h"
#include "config.h"
#include "errors.h"
#include "jsonfile.h"

/* FAPI's own defaults, used when neither --keystore nor a system FAPI config
 * says where the keystore is; the same as the tss2_* tools then use. */
#define SYSTEM_FAPI_CONFIG      "/etc/tpm2-tss/fapi-config.json"
#define FAPI_DEFAULT_USER_DIR   "~/.local/share/tpm2-tss/user/keystore"
#define FAPI_DEFAULT_SYSTEM_DIR "/var/lib/tpm2-tss/system/keystore"
#define FAPI_DEFAULT_LOG_DIR    "/run/tpm2-tss/eventlog"

const char *datadir(void)
{
        const char *env = getenv("TPMCTL_DATADIR");

        /* Only the installed directory: a build tree runs with TPMCTL_DATADIR
         * pointing at the source tree (tests/run and ./demo set it). */
        return env && *env ? env : TPMCTL_DATADIR;
}

static int expand_home(const char *in, char *out, size_t size)
{
        const char *home = getenv("HOME");
        int n;

        if (in[0] == '~' && (in[1] == '/' || in[1] == '\0'))
                n = snprintf(out, size, "%s%s", home ? home : "", in + 1);
        else
                n = snprintf(out, size, "%s", in);
        if (n < 0 || (size_t)n >= size)
                return error_set(EXIT_BAD_INPUT, "path too long: %s", in);
        return 0;
}

/* a + b into out, refusing what does not fit. */
static int join(char *out, size_t size, const char *a, const char *b)
{
        size_t la = strlen(a), lb = strlen(b);

        if (la + lb + 1 > size)
                return error_set(EXIT_BAD_INPUT, "path too long: %s%s", a, b);
        memcpy(out, a, la);
        memcpy(out + la, b, lb + 1);
        return 0;
}

static const char *json_string_field(json_object *obj, const char *key, const char *fallback)
{
        json_object *v;

        if (obj && json_object_object_get_ex(obj, key, &v) &&
            json_object_is_type(v, json_type_string))
                return json_object_get_string(v);
        return fallback;
}

static void set_string(json_object *obj, const char *key, const char *value)
{
        json_object_object_add(obj, key, json_object_new_string(value));
}

/* The keystore and event log directories: under --keystore DIR, or where the
 * system's FAPI config puts them, so that tpmctl and tss2_* share a keystore. */
static int keystore_dirs(const struct settings *s, struct fapi_setup *setup, char *log_dir,
                         size_t log_size)
{
        _cleanup_json_ json_object *system = NULL;
        const char *system_file = getenv("TSS2_FAPICONF");
        int r;

        if (s->keystore) {
                char root[PATH_MAX];

                if ((r = expand_home(s->keystore, root, sizeof(root))) ||
                    (r = join(setup->user_dir, sizeof(setup->user_dir), root, "/user")) ||
                    (r = join(setup->system_dir, sizeof(setup->system_dir), root, "/system")))
                        return r;
                return join(log_dir, log_size, root, "/eventlog");
        }
        if (!system_file || !*system_file)
                system_file = SYSTEM_FAPI_CONFIG;
        if (access(system_file, R_OK) == 0)
                json_file_read(system_file, &system); /* unreadable: FAPI's defaults */
        if ((r = expand_home(json_string_field(system, "user_dir", FAPI_DEFAULT_USER_DIR),
                             setup->user_dir, sizeof(setup->user_dir))))
                return r;
        if ((r = expand_home(json_string_field(system, "system_dir", FAPI_DEFAULT_SYSTEM_DIR),
                             setup->system_dir, sizeof(setup->system_dir))))
                return r;
        return expand_home(json_string_field(system, "log_dir", FAPI_DEFAULT_LOG_DIR), log_dir,
                           log_size);
}

static int lock_file_beside(const char *user_dir, char *out, size_t size)
{
        char parent[PATH_MAX];
        char *slash;

        snprintf(parent, sizeof(parent), "%s", user_dir);
        while ((slash = strrchr(parent, '/')) && slash[1] == '\0' && slash != parent)
                *slash = '\0'; /* trailing slashes */
        slash = strrchr(parent, '/');
        if (slash && slash != parent)
                *slash = '\0';
        return join(out, size, parent, "/tpmctl.lock");
}

static int check_profile(const struct fapi_setup *setup, const char *profile)
{
        char file[PATH_MAX + 256];

        if (strchr(profile, '/') || profile[0] == '.')
                return error_set(EXIT_USAGE, "profile name %s is not valid", profile);
        snprintf(file, sizeof(file), "%s/%s.json", setup->profile_dir, profile);
        if (access(file, R_OK) != 0)
                return error_set(EXIT_NOT_FOUND,
                                 "no profile %s in %s (tpmctl ships P_RSA2048SHA256, "
                                 "P_ECCP256SHA256 and P_ECCP384SHA384)",
                                 profile, setup->profile_dir);
        return 0;
}

/* The TCTI module named by conf ("swtpm:path=...", "device:/dev/tpm0") can be
 * loaded: a name mistyped is a TPM tpmctl cannot reach (exit 7), said before
 * FAPI or ESYS fail on it with a code of their own. "": FAPI's default. */
int tcti_check(const char *conf)
{
        TSS2_TCTI_INFO *info = NULL;
        char name[PATH_MAX];
        TSS2_RC rc;

        if (!*conf)
                return 0;
        snprintf(name, sizeof(name), "%.*s", (int)strcspn(conf, ":"), conf);
        if ((rc = Tss2_TctiLdr_GetInfo(name, &info)) != TSS2_RC_SUCCESS)
                return error_set(EXIT_UNAVAILABLE,
                                 "no TCTI module \"%s\" (TCTI \"%s\"): check --tcti or "
                                 "TPMCTL_TCTI (swtpm:path=SOCKET, device:/dev/tpmrm0, tabrmd)",
                                 name, conf);
        Tss2_TctiLdr_FreeInfo(&info);
        return 0;
}

static int prepare_from_user_config(const struct settings *s, struct fapi_setup *setup)
{
        json_object *config = NULL;
        int r;

        if ((r = json_file_read(s->fapi_config, &config)))
                return r;
        setup->config = config;
        snprintf(setup->config_file, sizeof(setup->config_file), "%s", s->fapi_config);
        setup->config_file_is_temp = false;
        if ((r = expand_home(json_string_field(config, "user_dir", FAPI_DEFAULT_USER_DIR),
                             setup->user_dir, sizeof(setup->user_dir))) ||
            (r = expand_home(json_string_field(config, "system_dir", FAPI_DEFAULT_SYSTEM_DIR),
                             setup->system_dir, sizeof(setup->system_dir))) ||
            (r = expand_home(json_string_field(config, "profile_dir", ""), setup->profile_dir,
                             sizeof(setup->profile_dir))) ||
            (r = expand_home(json_string_field(config, "log_dir", FAPI_DEFAULT_LOG_DIR),
                             setup->log_dir, sizeof(setup->log_dir))))
                return r;
        snprintf(setup->tcti, sizeof(setup->tcti), "%s", json_string_field(config, "tcti", ""));
        if ((r = tcti_check(setup->tcti)))
                return r;
        snprintf(setup->profile, sizeof(setup->profile), "%s",
                 json_string_field(config, "profile_name", DEFAULT_PROFILE));
        return lock_file_beside(setup->user_dir, setup->lock_file, sizeof(setup->lock_file));
}

int fapi_setup_prepare(const struct settings *s, bool ek_cert_less, bool check_tcti,
                       struct fapi_setup *setup)
{
        char template[PATH_MAX], tcti[PATH_MAX];
        json_object *config = NULL;
        int r;

        memset(setup, 0, sizeof(*setup));
        if (s->fapi_config)
                return prepare_from_user_config(s, setup);

        snprintf(setup->profile_dir, sizeof(setup->profile_dir), "%s/profiles/", datadir());
        if ((r = check_profile(setup, s->profile)))
                return r;
        snprintf(setup->profile, sizeof(setup->profile), "%s", s->profile);
        if ((r = keystore_dirs(s, setup, setup->log_dir, sizeof(setup->log_dir))) ||
            (r = lock_file_beside(setup->user_dir, setup->lock_file, sizeof(setup->lock_file))))
                return r;
        snprintf(setup->tcti, sizeof(setup->tcti), "%s",
                 tcti_conf_string(s->tcti, tcti, sizeof(tcti)));
        if (check_tcti && (r = tcti_check(setup->tcti)))
                return r;

        snprintf(template, sizeof(template), "%s/fapi-config/fapi-config.json", datadir());
        if ((r = json_file_read(template, &config)))
                return r;
        set_string(config, "profile_name", s->profile);
        set_string(config, "profile_dir", setup->profile_dir);
        set_string(config, "user_dir", setup->user_dir);
        set_string(config, "system_dir", setup->system_dir);
        set_string(config, "log_dir", setup->log_dir);
        set_string(config, "tcti", setup->tcti);
        set_string(config, "ek_cert_less", ek_cert_less ? "yes" : "no");
        setup->config = config;
        return 0;
}

size_t profile_auth_max(const struct fapi_setup *setup)
{
        _cleanup_json_ json_object *profile = NULL;
        char file[PATH_MAX + 256];
        const char *alg;

        snprintf(file, sizeof(file), "%s/%s.json", setup->profile_dir, setup->profile);
        if (json_file_read(file, &profile) != 0)
                return 32;
        alg = json_string_field(profile, "nameAlg", "TPM2_ALG_SHA256");
        if (strstr(alg, "SHA512"))
                return 64;
        if (strstr(alg, "SHA384"))
                return 48;
        if (strstr(alg, "SHA1"))
                return 20;
        return 32;
}

/* The config lives in memory (memfd), read by FAPI through /proc/self/fd: a
 * file in /tmp would stay behind when tpmctl is killed (kill -9, the OOM
 * killer) between writing it and FAPI reading it, and would name the
 * keystore and TPM to whoever lists /tmp. */
int fapi_setup_write(struct fapi_setup *setup)
{
        const char *text;
        size_t len;
        int fd;

        if (!setup->config_file_is_temp && setup->config_file[0]) {
                setenv("TSS2_FAPICONF", setup->config_file, 1);
                return 0;
        }
        fd = memfd_create("tpmctl-fapi-config", MFD_CLOEXEC);
        if (fd < 0)
                return error_set(EXIT_TPM, "cannot hold the FAPI config in memory: %s",
                                 strerror(errno));
        setup->config_fd = fd;
        setup->config_file_is_temp = true;
        snprintf(setup->config_file, sizeof(setup->config_file), "/proc/self/fd/%d", fd);
        text = json_object_to_json_string_ext(setup->config, JSON_C_TO_STRING_PLAIN |
                                                                 JSON_C_TO_STRING_NOSLASHESCAPE);
        len = strlen(text);
        if (write(fd, text, len) != (ssize_t)len) {
                fapi_setup_done(setup);
                return error_set(EXIT_TPM, "cannot write the FAPI config");
        }
        setenv("TSS2_FAPICONF", setup->config_file, 1);
        return 0;
}

void fapi_setup_done(struct fapi_setup *setup)
{
        if (setup->config_file_is_temp)
                close(setup->config_fd);
        setup->config_file_is_temp = false;
        setup->config_file[0] = '\0';
        json_object_put(setup->config);
        setup->config = NULL;
}
