/* tpmctl import: tpm2-tools blobs into the keystore. */
#include <stdio.h>

#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/errors.h"
#include "../src/fileio.h"
#include "../src/import.h"
#include "../src/ops.h"
#include "../src/path.h"
#include "../src/wrap.h"
#include "auth_options.h"
#include "cli.h"

static const char *pub_file, *priv_file, *pem_file, *pubkey_file, *wrap_file, *hmac_file, *hash;
static struct auth_source auth = {.option_prefix = "auth"};

static const struct cli_option options[] = {
    {"pub", 0, OPT_STRING, &pub_file, "FILE", "the public blob (tpm2_create -u)"},
    {"priv", 0, OPT_STRING, &priv_file, "FILE", "the private blob (tpm2_create -r)"},
    {"pubkey", 0, OPT_STRING, &pubkey_file, "FILE",
     "an RSA or EC public key (PEM), stored at /ext/NAME for verify"},
    {"wrap", 0, OPT_STRING, &wrap_file, "FILE",
     "move an OpenSSL RSA-2048 or P-256 private key (PEM) into the TPM"},
    {"pem", 0, OPT_STRING, &pem_file, "FILE",
     "a TSS2 PRIVATE KEY file (tpm2-openssl, tpm2_encodeobject, tpmctl export)"},
    {"hmac-secret", 0, OPT_STRING, &hmac_file, "FILE",
     "seal an existing HMAC key (its raw bytes, 1 to 128) into the TPM as an HMAC key"},
    {"hash", 0, OPT_STRING, &hash, "HASH", "--hmac-secret: sha256 (default), sha384 or sha512"},
    AUTH_OPTIONS(auth),
    {0},
};

/* An HMAC key's bytes, sealed into the TPM (TPM2_Create in an encrypted
 * session): wiped once the TPM has them, never written anywhere. */
static int import_hmac(const struct settings *s, const char *path)
{
        _cleanup_(op_context_close) struct op_context ctx = {0};
        _cleanup_secret_ struct secret secret = {0};
        struct key_create_request req = {
            .path = path, .alg = "hmac", .hash = hash, .hmac_secret = &secret, .auth = &auth};
        struct key_create_result res;
        int r;

        if ((r = file_read(hmac_file, 4096, &secret.data, &secret.size)))
                return r;
        op_context_init(&ctx, s, false);
        r = op_key_create(&ctx, &req, &res);
        secret_wipe(&secret);
        if (res.provisioned_now && !s->quiet)
                fprintf(stderr, "tpmctl: %s: provisioned %s first\n", s->command,
                        ctx.tpm->setup.profile);
        return r;
}

/* A TSS2 PRIVATE KEY file: its parent must be one of the keystore's SRKs. */
static int import_pem(const struct settings *s, const char *path)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        _cleanup_(tss2_keyfile_free) struct tss2_keyfile key = {0};
        int r;

        if ((r = tss2_keyfile_read(pem_file, &key)) ||
            (r = tpm_open(s, NEED_FAPI | NEED_ESYS | LOCK_EXCLUSIVE, &tpm)))
                return r;
        return import_tss2_keyfile(tpm, path, &key, auth_given(&auth));
}

/* An OpenSSL private key, moved into the TPM; the key's bytes are wiped. */
static int import_wrapped(const struct settings *s, const char *path)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        _cleanup_secret_ struct secret password = {0};
        _cleanup_pkey_ EVP_PKEY *key = NULL;
        int r;

        if ((r = private_key_read_pem(wrap_file, &key)) ||
            (auth_given(&auth) && (r = auth_read(&auth, path, auth.prompt, 32, &password))) ||
            (r = tpm_open(s, NEED_FAPI | NEED_ESYS | LOCK_EXCLUSIVE, &tpm)))
                return r;
        return wrap_import(tpm, path, key, &password);
}

static int report(const struct settings *s, const char *path)
{
        if (s->json) {
                json_object *o = json_object_new_object();
                json_object_object_add(o, "path", json_object_new_string(path));
                print_json(o);
        } else if (!s->quiet) {
                printf("imported %s\n", path);
        }
        return 0;
}

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        _cleanup_free_ unsigned char *pub = NULL;
        _cleanup_secret_ struct secret priv = {0};
        char path[512];
        size_t pub_size;
        int r;

        (void)argc;
        if (hmac_file && !wrap_file && !pubkey_file && !pem_file && !pub_file && !priv_file) {
                if ((r = import_hmac(s, argv[0])))
                        return r;
                return report(s, argv[0]);
        }
        if (hash)
                return error_set(EXIT_USAGE, "--hash goes with --hmac-secret");
        if (wrap_file && !pubkey_file && !pem_file && !pub_file && !priv_file) {
                if ((r = auth_check(&auth)) ||
                    (r = path_normalize_new(argv[0], path, sizeof(path))) ||
                    (r = import_wrapped(s, path)))
                        return r;
                return report(s, path);
        }
        if (pubkey_file && !wrap_file && !pem_file && !pub_file && !priv_file) {
                if (auth_given(&auth))
                        return error_set(EXIT_USAGE, "a public key has no password");
                if ((r = tpm_open(s, NEED_FAPI | LOCK_EXCLUSIVE, &tpm)) ||
                    (r = import_public_key(tpm, argv[0], pubkey_file)))
                        return r;
                return report(s, argv[0]);
        }
        if (pubkey_file || wrap_file || hmac_file || !!pem_file == !!(pub_file || priv_file) ||
            (!pem_file && !(pub_file && priv_file)))
                return error_set(EXIT_USAGE,
                                 "give --pub FILE.pub and --priv FILE.priv, --pem FILE, "
                                 "or --pubkey FILE");
        if ((r = auth_check(&auth)) || (r = path_normalize_new(argv[0], path, sizeof(path))))
                return r;
        if (pem_file) {
                if ((r = import_pem(s, path)))
                        return r;
                return report(s, path);
        }
        if ((r = file_read(pub_file, 4096, &pub, &pub_size)) ||
            (r = file_read(priv_file, 4096, &priv.data, &priv.size)) ||
            (r = tpm_open(s, NEED_FAPI | NEED_ESYS | LOCK_EXCLUSIVE, &tpm)) ||
            (r = import_blobs(tpm, path, pub, pub_size, priv.data, priv.size,
                              auth_given(&auth) ? OBJECT_AUTH_YES : OBJECT_AUTH_UNKNOWN)))
                return r;
        return report(s, path);
}

const struct command cmd_import = {
    .name = "import",
    .args = "PATH",
    .min_args = 1,
    .max_args = 1,
    .run = run,
    .summary = "import a key or sealed object made under the SRK (tpm2-tools blobs or PEM)",
    .details = "Example: tpm2_create -C 0x81000001 -G ecc -u k.pub -r k.priv &&\n"
               "         tpmctl import mykey --pub k.pub --priv k.priv\n"
               "Give an --auth-* option when the object has a password (it is not read now;\n"
               "it records that the object needs one). Without one, whether it has a password\n"
               "is unknown: it is used with the empty one unless an --auth-* option is given.\n"
               "--hmac-secret FILE makes an HMAC key of FILE's bytes (the --auth-* options\n"
               "then give the new key's password); the bytes cross the bus encrypted.",
    .options = options,
};
