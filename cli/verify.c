/* tpmctl verify: check a signature, with a keystore key or a PEM public key. */
#include <stdio.h>
#include <string.h>

#include "../src/cleanup.h"
#include "../src/context.h"
#include "../src/errors.h"
#include "../src/fileio.h"
#include "../src/import.h"
#include "../src/keys.h"
#include "../src/pubkey.h"
#include "../src/signature.h"
#include "cli.h"

static const char *input = "-", *sig_file, *pubkey_file, *scheme_name, *hash_name;
static bool is_digest;

static const struct cli_option options[] = {
    {"signature", 's', OPT_STRING, &sig_file, "FILE", "the signature to check (required)"},
    {"input", 'i', OPT_STRING, &input, "FILE", "the signed data (default: stdin)"},
    {"pubkey", 0, OPT_STRING, &pubkey_file, "PEMFILE",
     "verify with this PEM public key instead of a keystore key (no TPM needed)"},
    {"digest", 0, OPT_FLAG, &is_digest, NULL, "the input is already the digest"},
    {"scheme", 0, OPT_STRING, &scheme_name, "SCHEME",
     "rsapss, rsassa or ecdsa (default: the key's; rsapss for RSA PEM keys)"},
    {"hash", 0, OPT_STRING, &hash_name, "HASH",
     "sha256, sha384 or sha512 (default: the key's; sha384 for P-384 PEM keys)"},
    {0},
};

/* For a PEM key the hash goes with the curve, as in the profiles. */
static const EVP_MD *pem_hash(EVP_PKEY *key)
{
        if (EVP_PKEY_base_id(key) != EVP_PKEY_EC)
                return EVP_sha256();
        switch (EVP_PKEY_get_bits(key)) {
        case 384:
                return EVP_sha384();
        case 521:
                return EVP_sha512();
        default:
                return EVP_sha256();
        }
}

static int run(const struct settings *s, int argc, char **argv)
{
        _cleanup_(tpm_closep) struct tpm *tpm = NULL;
        _cleanup_pkey_ EVP_PKEY *pkey = NULL;
        _cleanup_free_ unsigned char *sig = NULL;
        unsigned char digest[EVP_MAX_MD_SIZE];
        const char *keystore_scheme = NULL;
        _cleanup_(key_info_free) struct key_info key = {0};
        enum sig_scheme scheme;
        const EVP_MD *md = NULL;
        size_t digest_len, sig_len;
        int r;

        if (!sig_file)
                return error_set(EXIT_USAGE, "give the signature with -s FILE");
        if ((argc == 1) == (pubkey_file != NULL))
                return error_set(EXIT_USAGE, "give either a key PATH or --pubkey PEMFILE");
        if ((r = sig_scheme_parse(scheme_name, &scheme)))
                return r;
        if (hash_name && strcmp(hash_name, "sha256") && strcmp(hash_name, "sha384") &&
            strcmp(hash_name, "sha512"))
                return error_set(EXIT_USAGE, "--hash %s: use sha256, sha384 or sha512", hash_name);
        if (hash_name && !(md = EVP_get_digestbyname(hash_name)))
                return error_set(EXIT_USAGE, "--hash %s: use sha256, sha384 or sha512", hash_name);
        if (pubkey_file) {
                if ((r = pem_read_public(pubkey_file, &pkey)))
                        return r;
                if (!md)
                        md = pem_hash(pkey);
        } else {
                if ((r = tpm_open(s, LOCK_SHARED, &tpm)))
                        return r;
                if (strncmp(argv[0], "/ext/", 5) == 0) { /* imported with --pubkey */
                        if ((r = external_key(tpm, argv[0], &pkey)))
                                return r;
                        if (!md)
                                md = pem_hash(pkey);
                } else {
                        if ((r = key_info_read(tpm, argv[0], &key)) ||
                            (r = public_to_evp(&key.public, &pkey)))
                                return r;
                        if (!md)
                                md = tpm_hash_md(public_sign_hash(&key.public.publicArea));
                        keystore_scheme = key.signing_scheme;
                }
        }
        if (scheme == SCHEME_DEFAULT)
                scheme = default_scheme(pkey, keystore_scheme);
        if ((r = file_read(sig_file, 4096, &sig, &sig_len)) ||
            (r = digest_input(input, md, is_digest, digest, &digest_len)))
                return r;
        r = verify_digest(pkey, scheme, md, digest, digest_len, sig, sig_len);
        if (s->json && (r == 0 || r == EXIT_INVALID)) {
                json_object *o = json_object_new_object();
                json_object_object_add(o, "valid", json_object_new_boolean(r == 0));
                print_json(o);
        } else if (r == 0 && !s->quiet) {
                printf("valid\n");
        }
        return r;
}

const struct command cmd_verify = {
    .name = "verify",
    .args = "[PATH]",
    .max_args = 1,
    .run = run,
    .summary = "check a signature: exit 0 and \"valid\", or exit 1 and \"invalid signature\"",
    .details = "With --pubkey the check runs in OpenSSL alone, without a TPM.",
    .options = options,
};
