/* Bringing tpm2-tools blobs into the FAPI keystore; see import.h. */
#include "import.h"

#include <limits.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>
#include <unistd.h>

#include "cleanup.h"
#include "errors.h"
#include "fapi_object.h"
#include "fileio.h"
#include "keys.h"
#include "hex.h"
#include "keystore.h"
#include "names.h"
#include "objects.h"
#include "pcr.h"
#include "path.h"
#include "provision.h"
#include "pubkey.h"
#include "recovery.h"
#include "session.h"

/* Loads the blobs under the SRK of the path's profile once: the TPM checks
 * that they belong there, and names the object. */
static int check_blobs(struct tpm *tpm, const char *full, const TPM2B_PUBLIC *public,
                       const TPM2B_PRIVATE *private, TPM2B_NAME *name)
{
        TPM2B_NAME *loaded_name = NULL;
        ESYS_TR srk, object;
        TSS2_RC rc;
        int r;

        if ((r = srk_object(tpm, full, &srk)))
                return r;
        tpm_mark_busy(tpm);
        rc = Esys_Load(tpm->esys, srk, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, private,
                       public, &object);
        if (tpm_rc_code(rc) == TPM2_RC_OBJECT_MEMORY && tpm_make_room(tpm))
                rc = Esys_Load(tpm->esys, srk, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
                               private, public, &object);
        /* ESYS has one ESYS_TR per TPM handle: a later srk_object() (a
         * session) must be able to take it again. */
        Esys_TR_Close(tpm->esys, &srk);
        /* Not the TPM's answer (a TPM gone, full): no word about the blobs. */
        if (rc != TSS2_RC_SUCCESS &&
            (tpm_rc_code(rc) == 0 || tpm_rc_code(rc) == TPM2_RC_OBJECT_MEMORY))
                return error_rc(rc, "loading the blobs under the storage root key");
        if (rc != TSS2_RC_SUCCESS)
                return error_set(EXIT_BAD_INPUT,
                                 "the blobs do not load under this keystore's storage root key: "
                                 "they were made under another parent, or do not belong "
                                 "together (%s)",
                                 rc_text(rc));
        tpm_track(tpm, object);
        rc = Esys_TR_GetName(tpm->esys, object, &loaded_name);
        if (rc == TSS2_RC_SUCCESS)
                *name = *loaded_name;
        Esys_Free(loaded_name);
        Esys_FlushContext(tpm->esys, object);
        tpm_untrack(tpm, object);
        return rc == TSS2_RC_SUCCESS ? 0 : error_rc(rc, "naming the imported object");
}

int import_blobs(struct tpm *tpm, const char *path, const unsigned char *pub, size_t pub_size,
                 const unsigned char *priv, size_t priv_size, enum object_auth auth)
{
        _cleanup_json_ json_object *obj = NULL;
        _cleanup_fapi_free_ uint8_t *check_pub = NULL, *check_priv = NULL;
        _cleanup_fapi_free_ char *check_policy = NULL;
        TPM2B_PUBLIC public = {0};
        TPM2B_PRIVATE private = {0};
        TPM2B_NAME name = {0};
        char full[FAPI_PATH_MAX];
        size_t offset = 0, n1 = 0, n2 = 0;
        TSS2_RC rc;
        int r;

        if (Tss2_MU_TPM2B_PUBLIC_Unmarshal(pub, pub_size, &offset, &public) || offset != pub_size)
                return error_set(EXIT_BAD_INPUT, "the public blob is not a TPM2B_PUBLIC (as "
                                                 "`tpm2_create -u` writes)");
        offset = 0;
        if (Tss2_MU_TPM2B_PRIVATE_Unmarshal(priv, priv_size, &offset, &private) ||
            offset != priv_size)
                return error_set(EXIT_BAD_INPUT, "the private blob is not a TPM2B_PRIVATE (as "
                                                 "`tpm2_create -r` writes)");
        if (public.publicArea.type != TPM2_ALG_RSA && public.publicArea.type != TPM2_ALG_ECC &&
            public.publicArea.type != TPM2_ALG_KEYEDHASH &&
            public.publicArea.type != TPM2_ALG_SYMCIPHER)
                return error_set(EXIT_BAD_INPUT, "only RSA, ECC, AES and HMAC keys and sealed "
                                                 "data can be imported");
        if ((r = object_absent(tpm, path, full, sizeof(full))))
                return r;
        {
                const char *srk = strstr(full, "/HS/SRK/");
                if (strncmp(full, "/P_", 3) != 0 || !srk || strchr(srk + 8, '/') ||
                    strchr(full + 1, '/') != srk)
                        return error_set(EXIT_BAD_INPUT,
                                         "import right under a storage root key: /HS/SRK/NAME");
        }
        if (public.publicArea.authPolicy.size)
                return error_set(EXIT_BAD_INPUT, "the object has a policy (authPolicy), which the "
                                                 "keystore could not record: importing it is not "
                                                 "supported");
        if ((r = check_blobs(tpm, full, &public, &private, &name)))
                return r;

        if ((r = keystore_object_new_key(&public, &private, &name, auth, &obj)) ||
            (r = keystore_object_write(tpm, full, obj, KEYSTORE_WRITE_NEW)))
                return r;
        /* FAPI must read it back as one of its own. */
        rc = Fapi_GetTpmBlobs(tpm->fapi, full, &check_pub, &n1, &check_priv, &n2, &check_policy);
        if (rc != TSS2_RC_SUCCESS || n1 != pub_size || memcmp(check_pub, pub, n1) != 0) {
                keystore_object_discard(tpm, full);
                return rc ? error_rc(rc, "FAPI does not read the imported object back")
                          : error_set(EXIT_TPM, "FAPI reads the imported object back changed");
        }
        return 0;
}

int import_public_pem(struct tpm *tpm, const char *path, const char *pem, const char *what)
{
        _cleanup_pkey_ EVP_PKEY *key = NULL;
        _cleanup_(bio_freep) BIO *bio = NULL;
        char full[FAPI_PATH_MAX];
        TSS2_RC rc;

        if (strchr(path, '/'))
                snprintf(full, sizeof(full), "%s", path);
        else
                snprintf(full, sizeof(full), "/ext/%s", path);
        if (strncmp(full, "/ext/", 5) != 0 || full[5] == '\0')
                return error_set(EXIT_BAD_INPUT, "public keys live under /ext/: /ext/NAME");
        /* OpenSSL reads it first: FAPI is not trusted with malformed input. */
        if (!(bio = BIO_new_mem_buf(pem, -1)))
                return error_set(EXIT_TPM, "out of memory");
        key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
        ERR_clear_error();
        if (!key)
                return error_set(EXIT_BAD_INPUT,
                                 "%s is not a PEM public key (expected \"-----BEGIN PUBLIC "
                                 "KEY-----\")",
                                 what);
        if (EVP_PKEY_base_id(key) != EVP_PKEY_RSA && EVP_PKEY_base_id(key) != EVP_PKEY_EC)
                return error_set(EXIT_BAD_INPUT, "%s is neither an RSA nor an EC key", what);
        rc = Fapi_Import(tpm->fapi, full, pem);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "storing the public key at %s", full);
        return 0;
}

int import_public_key(struct tpm *tpm, const char *path, const char *pem_file)
{
        _cleanup_free_ char *pem = NULL;
        size_t len;
        int r;

        if ((r = file_read(pem_file, 64 * 1024, (unsigned char **)&pem, &len)))
                return r;
        if (strlen(pem) != len)
                return error_set(EXIT_BAD_INPUT, "%s is not a PEM public key", pem_file);
        return import_public_pem(tpm, path, pem, pem_file);
}

int external_key(const struct tpm *tpm, const char *full_path, EVP_PKEY **key)
{
        _cleanup_json_ json_object *obj = NULL;
        _cleanup_(bio_freep) BIO *bio = NULL;
        const char *pem;
        int r;

        if (strncmp(full_path, "/ext/", 5) != 0)
                return error_set(EXIT_NOT_FOUND, "%s is not an external key", full_path);
        if ((r = object_json(tpm, full_path, &obj)))
                return r;
        if (!(pem = keystore_object_ext_public_pem(obj)))
                return error_set(EXIT_NOT_FOUND, "%s is not an external key", full_path);
        if (!(bio = BIO_new_mem_buf(pem, -1)) ||
            !(*key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL))) {
                ERR_clear_error();
                return error_set(EXIT_BAD_INPUT, "the public key stored at %s is malformed",
                                 full_path);
        }
        return 0;
}

int tss2_keyfile_read(const char *file, struct tss2_keyfile *key)
{
        _cleanup_secret_ struct secret pem = {0};
        int r;

        if ((r = file_read(file, 64 * 1024, &pem.data, &pem.size)))
                return r;
        return tss2_keyfile_parse(pem.data, pem.size, key);
}

/* The profile whose SRK is at handle, for a path given without one. */
static const char *profile_of_parent(const struct tpm *tpm, unsigned long handle)
{
        static const char *const profiles[] = {"P_RSA2048SHA256", "P_ECCP256SHA256",
                                               "P_ECCP384SHA384"};

        if (srk_persistent_handle(tpm, tpm->setup.profile) == handle)
                return tpm->setup.profile;
        for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
                if (srk_persistent_handle(tpm, profiles[i]) == handle)
                        return profiles[i];
        return NULL;
}

int import_tss2_keyfile(struct tpm *tpm, const char *path, const struct tss2_keyfile *key,
                        bool auth_given)
{
        const char *profile;
        char full[1024];
        int r;

        if (!(profile = profile_of_parent(tpm, key->parent)))
                return error_set(EXIT_BAD_INPUT,
                                 "the key file's parent 0x%08lx is not a storage root key of this "
                                 "keystore",
                                 key->parent);
        if (strncmp(path, "/P_", 3) == 0) {
                snprintf(full, sizeof(full), "%s", path);
        } else {
                if ((r = object_absent(tpm, path, full, sizeof(full))))
                        return r;
                snprintf(full, sizeof(full), "/%s%s", profile, path);
        }
        /* tpm2_encodeobject -p writes emptyAuth TRUE: an --auth-* option wins. */
        return import_blobs(tpm, full, key->pub, key->pub_size, key->priv, key->priv_size,
                            !key->empty_auth || auth_given ? OBJECT_AUTH_YES : OBJECT_AUTH_NO);
}

/* An encrypted PEM is refused rather than prompted for. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
        (void)buf;
        (void)size;
        (void)rwflag;
        (void)u;
        return -1;
}

int private_key_read_pem(const char *file, EVP_PKEY **key)
{
        _cleanup_secret_ struct secret pem = {0};
        _cleanup_(bio_freep) BIO *bio = NULL;
        int r;

        if ((r = file_read(file, 64 * 1024, &pem.data, &pem.size)))
                return r;
        if (!(bio = BIO_new_mem_buf(pem.data, (int)pem.size)) ||
            !(*key = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL))) {
                ERR_clear_error();
                return error_set(EXIT_BAD_INPUT, "%s is not an unencrypted PEM private key", file);
        }
        return 0;
}
