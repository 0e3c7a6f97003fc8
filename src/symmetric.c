/* AES and HMAC keys in the TPM; see symmetric.h. */
#include "symmetric.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>

#include "errors.h"
#include "esys_wipe.h"
#include "fapi_object.h"
#include "import.h"
#include "names.h"
#include "object_load.h"
#include "objects.h"
#include "pcr.h"
#include "policy.h"
#include "policy_session.h"
#include "pubkey.h"
#include "session.h"
#include "srk.h"
#include "symmetric_header.h"

/* What TPM2_EncryptDecrypt2 and TPM2_HMAC take when the TPM does not say:
 * MAX_DIGEST_BUFFER of the reference implementation. */
#define DEFAULT_BUFFER 1024u

/* The largest HMAC secret taken (import --hmac-secret reads at most 4 KiB). */
#define HMAC_SECRET_MAX 4096u

const char *const sym_alg_names[] = {"aes128", "aes256", "hmac", NULL};

const struct sym_hash sym_hashes[] = {
    {"sha1", TPM2_ALG_SHA1},
    {"sha256", TPM2_ALG_SHA256},
    {"sha384", TPM2_ALG_SHA384},
    {"sha512", TPM2_ALG_SHA512},
    {0},
};

bool sym_alg(const char *alg)
{
        for (size_t i = 0; alg && sym_alg_names[i]; i++)
                if (strcmp(alg, sym_alg_names[i]) == 0)
                        return true;
        return false;
}

static int hash_parse(const char *name, TPMI_ALG_HASH *alg)
{
        for (const struct sym_hash *h = sym_hashes; h->name; h++)
                if (strcmp(name, h->name) == 0) {
                        *alg = h->alg;
                        return 0;
                }
        return error_set(EXIT_USAGE, "--hash %s: use sha256, sha384, sha512 or sha1", name);
}

int sym_template(const struct sym_key_spec *spec, bool has_password, TPM2B_PUBLIC *pub)
{
        TPMT_PUBLIC *p = &pub->publicArea;
        TPMI_ALG_HASH hash = TPM2_ALG_SHA256;
        int r;

        memset(pub, 0, sizeof(*pub));
        p->nameAlg = TPM2_ALG_SHA256;
        p->objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
                              TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_SIGN_ENCRYPT;
        if (!spec->hmac_secret)
                p->objectAttributes |= TPMA_OBJECT_SENSITIVEDATAORIGIN;
        /* Without a password, dictionary-attack protection guards nothing
         * (keys.h). */
        if (spec->noda || !has_password)
                p->objectAttributes |= TPMA_OBJECT_NODA;
        if (!spec->alg || !sym_alg(spec->alg))
                return error_set(EXIT_USAGE, "--alg %s: use aes128, aes256 or hmac",
                                 spec->alg ? spec->alg : "(none)");
        if (strcmp(spec->alg, "hmac") == 0) {
                if (spec->hash && (r = hash_parse(spec->hash, &hash)))
                        return r;
                p->type = TPM2_ALG_KEYEDHASH;
                p->parameters.keyedHashDetail.scheme.scheme = TPM2_ALG_HMAC;
                p->parameters.keyedHashDetail.scheme.details.hmac.hashAlg = hash;
                if (spec->hmac_secret &&
                    (spec->hmac_secret->size == 0 || spec->hmac_secret->size > HMAC_SECRET_MAX))
                        return error_set(EXIT_BAD_INPUT,
                                         "the HMAC secret has %zu bytes: the TPM takes 1 to %u",
                                         spec->hmac_secret->size, HMAC_SECRET_MAX);
                return 0;
        }
        if (spec->hash)
                return error_set(EXIT_USAGE, "--hash is for HMAC keys");
        if (spec->hmac_secret)
                return error_set(EXIT_USAGE, "--hmac-secret makes an HMAC key");
        p->type = TPM2_ALG_SYMCIPHER;
        p->objectAttributes |= TPMA_OBJECT_DECRYPT;
        p->parameters.symDetail.sym.algorithm = TPM2_ALG_AES;
        p->parameters.symDetail.sym.keyBits.aes = strcmp(spec->alg, "aes128") == 0 ? 128 : 256;
        p->parameters.symDetail.sym.mode.aes = TPM2_ALG_CFB;
        return 0;
}

/* A PCR policy (with PolicyAuthValue when the key has a password) for the
 * PCRs' values now: its digest goes into the template, its JSON into the
 * keystore object, where object_load() finds it. */
static int pcr_policy(struct tpm *tpm, const char *spec, bool has_password, TPM2B_PUBLIC *pub,
                      json_object **json)
{
        _cleanup_free_ struct pcr_values *values = calloc(1, sizeof(*values));
        struct policy policy = {.n = 0};
        TPML_PCR_SELECTION sel;
        TPM2B_DIGEST digest;
        int r;

        if (!values)
                return error_set(EXIT_TPM, "out of memory");
        if ((r = pcr_spec_parse(spec, &sel)) || (r = pcr_read(tpm->esys, &sel, values)))
                return r;
        if (!(*json = policy_json_for_pcrs(values, has_password)))
                return error_set(EXIT_TPM, "out of memory");
        r = policy_parse(*json, &policy);
        if (!r)
                r = policy_digest(&policy, pub->publicArea.nameAlg, &digest);
        policy_free(&policy);
        if (r)
                return r;
        pub->publicArea.authPolicy = digest;
        /* The policy alone authorizes the key. */
        pub->publicArea.objectAttributes &= ~TPMA_OBJECT_USERWITHAUTH;
        return 0;
}

/* Everything that holds the key's secrets on the way in: wiped. */
struct creation {
        TPM2B_SENSITIVE_CREATE sensitive;
        TPM2B_PRIVATE *private;
        TPM2B_PUBLIC *public;
};

static void creation_wipe(struct creation *c)
{
        Esys_Free(c->private);
        Esys_Free(c->public);
        OPENSSL_cleanse(c, sizeof(*c));
}

/* TPM2_Create under the SRK, in a salted session that encrypts
 * inSensitive (the first command parameter: password and key bytes). */
static int create_under_srk(struct tpm *tpm, const char *full, const TPM2B_PUBLIC *template,
                            struct creation *c)
{
        TPM2B_DATA outside = {0};
        TPML_PCR_SELECTION no_pcrs = {0};
        ESYS_TR srk, session = ESYS_TR_NONE;
        TSS2_RC rc;
        int r;

        if ((r = srk_esys(tpm, full, &srk)) ||
            (r = session_start(tpm, full, TPM2_SE_HMAC, TPM2_ALG_SHA256,
                               TPMA_SESSION_DECRYPT | TPMA_SESSION_ENCRYPT, &session)))
                return r;
        tpm_mark_busy(tpm);
        rc = Esys_Create(tpm->esys, srk, session, ESYS_TR_NONE, ESYS_TR_NONE, &c->sensitive,
                         template, &outside, &no_pcrs, &c->private, &c->public, NULL, NULL, NULL);
        session_done(tpm, &session, rc);
        if (rc != TSS2_RC_SUCCESS) {
                if ((r = srk_failure(tpm, full, rc, "creating %s", full)))
                        return r;
                return error_rc(rc, "creating %s", full);
        }
        return 0;
}

/* The keystore object for the new key, as import_blobs() writes one, with
 * the policy when there is one (import_blobs() refuses those). */
static int store(struct tpm *tpm, const char *full, const struct creation *c, bool has_password,
                 json_object *policy)
{
        _cleanup_json_ json_object *obj = NULL;
        uint8_t pub[sizeof(TPM2B_PUBLIC)], priv[sizeof(TPM2B_PRIVATE)];
        size_t pub_len = 0, priv_len = 0;
        TPM2B_NAME name = {0};
        TSS2_RC rc;
        int r;

        WIPE_ON_EXIT(priv);
        if (Tss2_MU_TPM2B_PUBLIC_Marshal(c->public, pub, sizeof(pub), &pub_len) ||
            Tss2_MU_TPM2B_PRIVATE_Marshal(c->private, priv, sizeof(priv), &priv_len))
                return error_set(EXIT_TPM, "the TPM returned a key too large to store");
        if (!policy)
                return import_blobs(tpm, full, pub, pub_len, priv, priv_len,
                                    has_password ? OBJECT_AUTH_YES : OBJECT_AUTH_NO);
        {
                uint8_t area[sizeof(TPMT_PUBLIC)];
                size_t area_len = 0;
                if (Tss2_MU_TPMT_PUBLIC_Marshal(&c->public->publicArea, area, sizeof(area),
                                                &area_len))
                        return error_set(EXIT_TPM, "cannot name the new key");
                name.size = 2 + 32;
                name.name[0] = 0x00;
                name.name[1] = 0x0b;
                EVP_Digest(area, area_len, name.name + 2, NULL, EVP_sha256(), NULL);
        }
        if ((r = keystore_object_new_key(c->public, c->private, &name,
                                         has_password ? OBJECT_AUTH_YES : OBJECT_AUTH_NO, &obj)))
                return r;
        json_object_object_add(obj, "policy", json_object_get(policy));
        if ((r = keystore_object_write(tpm, full, obj, KEYSTORE_WRITE_NEW)))
                return r;
        {
                _cleanup_fapi_free_ uint8_t *check_pub = NULL, *check_priv = NULL;
                _cleanup_fapi_free_ char *check_policy = NULL;
                size_t n1 = 0, n2 = 0;
                rc = Fapi_GetTpmBlobs(tpm->fapi, full, &check_pub, &n1, &check_priv, &n2,
                                      &check_policy);
                if (rc != TSS2_RC_SUCCESS || n1 != pub_len || memcmp(check_pub, pub, n1) != 0) {
                        keystore_object_discard(tpm, full);
                        return rc ? error_rc(rc, "FAPI does not read the new key back")
                                  : error_set(EXIT_TPM, "FAPI reads the new key back changed");
                }
        }
        return 0;
}

int sym_key_create(struct tpm *tpm, const char *path, const struct sym_key_spec *spec,
                   const struct secret *password)
{
        _cleanup_(creation_wipe) struct creation c = {0};
        _cleanup_json_ json_object *policy = NULL;
        bool has_password = password && password->size;
        TPM2B_PUBLIC template;
        char full[FAPI_PATH_MAX];
        int r;

        if ((r = sym_template(spec, has_password, &template)))
                return r;
        if ((r = object_absent(tpm, path, full, sizeof(full))))
                return r;
        {
                const char *srk = strstr(full, "/HS/SRK/");
                if (strncmp(full, "/P_", 3) != 0 || !srk || strchr(srk + 8, '/') ||
                    strchr(full + 1, '/') != srk)
                        return error_set(EXIT_BAD_INPUT, "symmetric keys live right under a "
                                                         "storage root key: /HS/SRK/NAME");
        }
        if (has_password) {
                if (password->size > sizeof(c.sensitive.sensitive.userAuth.buffer))
                        return error_set(EXIT_BAD_INPUT, "the password is too long");
                c.sensitive.sensitive.userAuth.size = (UINT16)password->size;
                memcpy(c.sensitive.sensitive.userAuth.buffer, password->data, password->size);
        }
        if (spec->hmac_secret) {
                TPMI_ALG_HASH hash =
                    template.publicArea.parameters.keyedHashDetail.scheme.details.hmac.hashAlg;
                const EVP_MD *md = tpm_hash_md(hash);
                size_t n = spec->hmac_secret->size;
                /* The TPM takes HMAC keys up to the hash's block size; HMAC
                 * (RFC 2104) uses a longer key's hash, which is the same. */
                if (md && n > (size_t)EVP_MD_get_block_size(md)) {
                        unsigned len = 0;
                        if (!EVP_Digest(spec->hmac_secret->data, n,
                                        c.sensitive.sensitive.data.buffer, &len, md, NULL))
                                return error_set(EXIT_TPM, "cannot hash the HMAC secret");
                        c.sensitive.sensitive.data.size = (UINT16)len;
                } else if (n <= sizeof(c.sensitive.sensitive.data.buffer)) {
                        c.sensitive.sensitive.data.size = (UINT16)n;
                        memcpy(c.sensitive.sensitive.data.buffer, spec->hmac_secret->data, n);
                } else {
                        return error_set(EXIT_BAD_INPUT, "the HMAC secret is too long");
                }
        }
        if (spec->pcrs && (r = pcr_policy(tpm, spec->pcrs, has_password, &template, &policy)))
                return r;
        if ((r = create_under_srk(tpm, full, &template, &c)) ||
            (r = store(tpm, full, &c, has_password, policy)))
                return r;
        if (spec->description && *spec->description) {
                TSS2_RC rc;
                if ((r = tpm_fapi_connect(tpm)))
                        return r;
                rc = Fapi_SetDescription(tpm->fapi, full, spec->description);
                if (rc != TSS2_RC_SUCCESS)
                        return error_rc(rc, "setting the description of %s", full);
        }
        return 0;
}

bool key_is_aes(const struct key_info *key)
{
        return key->public.publicArea.type == TPM2_ALG_SYMCIPHER;
}

bool key_is_hmac(const struct key_info *key)
{
        const TPMT_PUBLIC *p = &key->public.publicArea;
        return p->type == TPM2_ALG_KEYEDHASH && (p->objectAttributes & TPMA_OBJECT_SIGN_ENCRYPT);
}

/* The most a command takes in one buffer: TPM_PT_INPUT_BUFFER, at most
 * what a TPM2B_MAX_BUFFER holds. */
static size_t input_buffer(struct tpm *tpm)
{
        TPMS_CAPABILITY_DATA *cap = NULL;
        size_t n = DEFAULT_BUFFER;
        TSS2_RC rc;

        rc = Esys_GetCapability(tpm->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                TPM2_CAP_TPM_PROPERTIES, TPM2_PT_INPUT_BUFFER, 1, NULL, &cap);
        if (rc == TSS2_RC_SUCCESS && cap->data.tpmProperties.count == 1 &&
            cap->data.tpmProperties.tpmProperty[0].property == TPM2_PT_INPUT_BUFFER &&
            cap->data.tpmProperties.tpmProperty[0].value >= 16)
                n = cap->data.tpmProperties.tpmProperty[0].value;
        Esys_Free(cap);
        if (n > sizeof(((TPM2B_MAX_BUFFER *)0)->buffer))
                n = sizeof(((TPM2B_MAX_BUFFER *)0)->buffer);
        return n;
}

static void record_of(const struct key_info *key, struct object_record *rec)
{
        *rec = (struct object_record){.path = key->path,
                                      .public = &key->public,
                                      .private = &key->private,
                                      .json = key->json,
                                      .persistent = key->persistent};
}

/* The first 8 bytes of the key's name digest. */
static int key_id(const struct key_info *key, uint8_t id[SYM_KEY_ID_LEN])
{
        uint8_t area[sizeof(TPMT_PUBLIC)], digest[EVP_MAX_MD_SIZE];
        const EVP_MD *md = tpm_hash_md(key->public.publicArea.nameAlg);
        size_t len = 0;

        if (!md || Tss2_MU_TPMT_PUBLIC_Marshal(&key->public.publicArea, area, sizeof(area), &len) ||
            !EVP_Digest(area, len, digest, NULL, md, NULL))
                return error_set(EXIT_BAD_INPUT, "%s: cannot name the key", key->path);
        memcpy(id, digest, SYM_KEY_ID_LEN);
        return 0;
}

static int check_aes_key(const struct key_info *key)
{
        const TPMT_PUBLIC *p = &key->public.publicArea;
        TPM2_ALG_ID mode = p->parameters.symDetail.sym.mode.aes;

        if (p->type != TPM2_ALG_SYMCIPHER || p->parameters.symDetail.sym.algorithm != TPM2_ALG_AES)
                return error_set(EXIT_BAD_INPUT, "%s is not an AES key", key->path);
        if (mode != TPM2_ALG_CFB && mode != TPM2_ALG_NULL)
                return error_set(EXIT_BAD_INPUT,
                                 "%s is an AES key for mode %s: tpmctl encrypts with CFB keys "
                                 "(tpm2_create -G aes128cfb)",
                                 key->path, alg_name(mode) ? alg_name(mode) : "?");
        if (!(p->objectAttributes & TPMA_OBJECT_DECRYPT) ||
            !(p->objectAttributes & TPMA_OBJECT_SIGN_ENCRYPT))
                return error_set(EXIT_BAD_INPUT,
                                 "%s is an AES key that may not both encrypt and decrypt",
                                 key->path);
        return 0;
}

/* The auth source of the commands after the first: the password the first
 * one read stays with the loaded object (object_load.h), so it is neither
 * read nor asked for again. */
static const struct auth_source *later_auth(const struct auth_source *auth,
                                            struct auth_source *none)
{
        *none = (struct auth_source){.option_prefix = auth ? auth->option_prefix : "auth"};
        return auth_given(auth) ? none : auth;
}

/* Keeps the sessions of lo for the next command, or lets the TPM flush
 * them after the next one. */
static void sessions_continue(struct tpm *tpm, const struct loaded_object *lo, bool on)
{
        TPMA_SESSION a = on ? TPMA_SESSION_CONTINUESESSION : 0;

        if (lo->auth != ESYS_TR_NONE && lo->auth != ESYS_TR_PASSWORD)
                Esys_TRSess_SetAttributes(tpm->esys, lo->auth, a, TPMA_SESSION_CONTINUESESSION);
        if (lo->crypt != ESYS_TR_NONE)
                Esys_TRSess_SetAttributes(tpm->esys, lo->crypt, a, TPMA_SESSION_CONTINUESESSION);
}

/* AES-CFB of in into out (as long), chunk by chunk, with the sessions
 * object_load() started kept for every chunk (a policy session has its
 * policy run again before each, as the TPM resets it after each command).
 * Both directions encrypted on the bus: inData is the first command
 * parameter, outData the first response parameter. */
static int aes_run(struct tpm *tpm, const struct key_info *key, const struct auth_source *auth,
                   const uint8_t iv[SYM_IV_LEN], bool decrypt, const uint8_t *in, size_t len,
                   uint8_t *out)
{
        const TPMT_PUBLIC *area = &key->public.publicArea;
        struct object_record rec;
        struct loaded_object lo = {.auth = ESYS_TR_NONE, .crypt = ESYS_TR_NONE};
        struct policy policy = {.n = 0};
        struct auth_source none;
        TPM2B_IV ivec = {.size = SYM_IV_LEN};
        TPM2B_MAX_BUFFER *buf = calloc(1, sizeof(*buf));
        size_t chunk = input_buffer(tpm) & ~(size_t)(SYM_IV_LEN - 1), off = 0;
        bool loaded = false, continued = false, has_policy = false;
        TSS2_RC rc = TSS2_RC_SUCCESS;
        int r = 0;

        if (!buf)
                return error_set(EXIT_TPM, "out of memory");
        record_of(key, &rec);
        memcpy(ivec.buffer, iv, SYM_IV_LEN);
        do {
                size_t n = len - off < chunk ? len - off : chunk;
                bool last = off + n >= len;
                TPM2B_MAX_BUFFER *result = NULL;
                TPM2B_IV *iv_out = NULL;

                if (!loaded) {
                        if ((r = object_load(tpm, &rec, off ? later_auth(auth, &none) : auth,
                                             TPM2_CC_EncryptDecrypt2,
                                             SECRET_COMMAND | SECRET_RESPONSE, &lo)))
                                break;
                        loaded = true;
                        has_policy = area->authPolicy.size > 0 &&
                                     object_policy(key->json, area, &policy) == POLICY_ENGINE;
                        error_clear();
                        /* A policy tpmctl cannot run again: loaded per chunk. */
                        continued = !last && (area->authPolicy.size == 0 || has_policy);
                        if (continued)
                                sessions_continue(tpm, &lo, true);
                } else if (has_policy && (r = policy_run(tpm->esys, lo.auth, &policy, area->nameAlg,
                                                         TPM2_CC_EncryptDecrypt2))) {
                        break;
                }
                if (continued && last)
                        sessions_continue(tpm, &lo, false);
                buf->size = (UINT16)n;
                memcpy(buf->buffer, in + off, n);
                tpm_mark_busy(tpm);
                rc = Esys_EncryptDecrypt2(tpm->esys, lo.handle, lo.auth, lo.crypt, ESYS_TR_NONE,
                                          buf, decrypt ? TPM2_YES : TPM2_NO, TPM2_ALG_CFB, &ivec,
                                          &result, &iv_out);
                OPENSSL_cleanse(buf, sizeof(*buf));
                if (rc == TSS2_RC_SUCCESS && (result->size != n || iv_out->size != SYM_IV_LEN))
                        rc = TSS2_ESYS_RC_MALFORMED_RESPONSE;
                if (rc == TSS2_RC_SUCCESS) {
                        memcpy(out + off, result->buffer, n);
                        ivec = *iv_out;
                }
                if (result)
                        OPENSSL_cleanse(result, sizeof(*result));
                Esys_Free(result);
                Esys_Free(iv_out);
                if (decrypt)
                        esys_response_wipe(tpm->esys);
                if (rc != TSS2_RC_SUCCESS || !continued || last) {
                        object_command_done(tpm, &lo, rc);
                        loaded = false;
                        policy_free(&policy);
                        has_policy = false;
                }
                if (rc != TSS2_RC_SUCCESS) {
                        r = object_error(&lo, rc, "%s with %s",
                                         decrypt ? "decrypting" : "encrypting", key->path);
                        break;
                }
                off += n;
        } while (off < len);
        if (loaded)
                object_command_done(tpm, &lo, TPM2_RC_FAILURE); /* flushes the sessions */
        policy_free(&policy);
        OPENSSL_cleanse(&ivec, sizeof(ivec));
        free(buf);
        return r;
}

int aes_encrypt(struct tpm *tpm, const struct key_info *key, const struct auth_source *auth,
                const uint8_t *in, size_t len, uint8_t **out, size_t *out_len)
{
        struct sym_header h = {.version = SYM_HEADER_VERSION};
        uint8_t *o;
        int r;

        *out = NULL;
        *out_len = 0;
        if ((r = check_aes_key(key)) || (r = key_id(key, h.key_id)))
                return r;
        if (RAND_bytes(h.iv, sizeof(h.iv)) != 1)
                return error_set(EXIT_TPM, "no random numbers from OpenSSL");
        if (len > SIZE_MAX - SYM_HEADER_LEN || !(o = malloc(SYM_HEADER_LEN + len)))
                return error_set(EXIT_TPM, "out of memory");
        sym_header_write(&h, o);
        if (len && (r = aes_run(tpm, key, auth, h.iv, false, in, len, o + SYM_HEADER_LEN))) {
                free(o);
                return r;
        }
        *out = o;
        *out_len = SYM_HEADER_LEN + len;
        return 0;
}

int aes_decrypt(struct tpm *tpm, const struct key_info *key, const struct auth_source *auth,
                const uint8_t *in, size_t len, uint8_t **out, size_t *out_len)
{
        struct sym_header h;
        uint8_t id[SYM_KEY_ID_LEN];
        size_t n;
        uint8_t *o;
        int r;

        *out = NULL;
        *out_len = 0;
        if ((r = check_aes_key(key)) || (r = sym_header_parse(in, len, &h)) ||
            (r = key_id(key, id)))
                return r;
        if (memcmp(id, h.key_id, sizeof(id)) != 0)
                return error_set(EXIT_BAD_INPUT,
                                 "decrypting with %s: the data was encrypted with another key",
                                 key->path);
        n = len - SYM_HEADER_LEN;
        if (!(o = malloc(n ? n : 1)))
                return error_set(EXIT_TPM, "out of memory");
        if (n && (r = aes_run(tpm, key, auth, h.iv, true, in + SYM_HEADER_LEN, n, o))) {
                OPENSSL_cleanse(o, n);
                free(o);
                return r;
        }
        *out = o;
        *out_len = n;
        return 0;
}

/* The input of an HMAC, in chunks: from memory, or read from a file as it
 * goes, one byte ahead so that the last chunk is known as such. */
struct reader {
        const uint8_t *data;
        size_t len, off;
        FILE *f;
        int ahead; /* the next byte of f, or EOF */
};

static int reader_open(struct reader *rd, const uint8_t *data, size_t len, const char *file)
{
        *rd = (struct reader){.data = data, .len = len, .ahead = EOF};
        if (!file)
                return 0;
        rd->f = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
        if (!rd->f)
                return error_set(EXIT_BAD_INPUT, "cannot read %s: %m", file);
        rd->ahead = getc(rd->f);
        return 0;
}

static void reader_close(struct reader *rd)
{
        if (rd->f && rd->f != stdin)
                fclose(rd->f);
        rd->f = NULL;
}

/* Up to max bytes into buf; *last when nothing follows. */
static int reader_next(struct reader *rd, uint8_t *buf, size_t max, size_t *n, bool *last)
{
        if (!rd->f) {
                *n = rd->len - rd->off < max ? rd->len - rd->off : max;
                if (*n)
                        memcpy(buf, rd->data + rd->off, *n);
                rd->off += *n;
                *last = rd->off >= rd->len;
                return 0;
        }
        *n = 0;
        if (rd->ahead != EOF && max > 0) {
                buf[0] = (uint8_t)rd->ahead;
                *n = 1 + fread(buf + 1, 1, max - 1, rd->f);
                rd->ahead = getc(rd->f);
        }
        if (ferror(rd->f))
                return error_set(EXIT_BAD_INPUT, "reading the input failed");
        *last = rd->ahead == EOF;
        return 0;
}

static TPMI_ALG_HASH hmac_hash(const TPMT_PUBLIC *p)
{
        TPMI_ALG_HASH h = p->parameters.keyedHashDetail.scheme.details.hmac.hashAlg;
        return p->parameters.keyedHashDetail.scheme.scheme == TPM2_ALG_HMAC ? h : p->nameAlg;
}

static int check_hmac_key(const struct key_info *key)
{
        const TPMT_PUBLIC *p = &key->public.publicArea;

        if (!key_is_hmac(key))
                return error_set(EXIT_BAD_INPUT,
                                 "%s is not an HMAC key; create one with `tpmctl key create "
                                 "NAME --alg hmac`",
                                 key->path);
        if (p->objectAttributes & TPMA_OBJECT_RESTRICTED)
                return error_set(EXIT_BAD_INPUT, "%s is a restricted HMAC key", key->path);
        if (!tpm_hash_md(hmac_hash(p)))
                return error_set(EXIT_BAD_INPUT, "%s has an HMAC hash tpmctl does not know",
                                 key->path);
        return 0;
}

/* The rest after the first chunk: HMAC_Start (in the object's sessions, its
 * auth value for the sequence encrypted), then SequenceUpdate and
 * SequenceComplete in one salted session that encrypts each buffer. */
static int hmac_sequence(struct tpm *tpm, const struct key_info *key,
                         const struct auth_source *auth, struct reader *rd, TPM2B_MAX_BUFFER *buf,
                         size_t chunk, bool last, uint8_t *mac, size_t *mac_len)
{
        struct object_record rec;
        struct loaded_object lo;
        TPM2B_AUTH seq_auth = {.size = 16};
        TPMT_TK_HASHCHECK *ticket = NULL;
        TPM2B_DIGEST *result = NULL;
        ESYS_TR seq = ESYS_TR_NONE, session = ESYS_TR_NONE;
        TSS2_RC rc;
        int r;

        record_of(key, &rec);
        if (RAND_bytes(seq_auth.buffer, seq_auth.size) != 1)
                return error_set(EXIT_TPM, "no random numbers from OpenSSL");
        if ((r = object_load(tpm, &rec, auth, TPM2_CC_HMAC_Start, SECRET_COMMAND, &lo)))
                return r;
        tpm_mark_busy(tpm);
        rc = Esys_HMAC_Start(tpm->esys, lo.handle, lo.auth, lo.crypt, ESYS_TR_NONE, &seq_auth,
                             hmac_hash(&key->public.publicArea), &seq);
        object_command_done(tpm, &lo, rc);
        if (rc != TSS2_RC_SUCCESS) {
                OPENSSL_cleanse(&seq_auth, sizeof(seq_auth));
                return object_error(&lo, rc, "starting an HMAC with %s", key->path);
        }
        tpm_track(tpm, seq);
        rc = Esys_TR_SetAuth(tpm->esys, seq, &seq_auth);
        OPENSSL_cleanse(&seq_auth, sizeof(seq_auth));
        if (rc != TSS2_RC_SUCCESS) {
                r = error_rc(rc, "using the HMAC sequence");
                goto fail;
        }
        if ((r = session_start(tpm, key->path, TPM2_SE_HMAC, TPM2_ALG_SHA256,
                               TPMA_SESSION_CONTINUESESSION | TPMA_SESSION_DECRYPT, &session)))
                goto fail;
        for (;;) {
                size_t n;
                if (last) {
                        Esys_TRSess_SetAttributes(tpm->esys, session, 0,
                                                  TPMA_SESSION_CONTINUESESSION);
                        tpm_mark_busy(tpm);
                        rc = Esys_SequenceComplete(tpm->esys, seq, session, ESYS_TR_NONE,
                                                   ESYS_TR_NONE, buf, TPM2_RH_NULL, &result,
                                                   &ticket);
                        Esys_Free(ticket);
                        if (rc != TSS2_RC_SUCCESS) {
                                r = error_rc(rc, "finishing the HMAC with %s", key->path);
                                goto fail;
                        }
                        /* The TPM flushed the sequence and the session. */
                        tpm_untrack(tpm, seq);
                        Esys_TR_Close(tpm->esys, &seq);
                        session_done(tpm, &session, rc);
                        memcpy(mac, result->buffer, result->size);
                        *mac_len = result->size;
                        Esys_Free(result);
                        return 0;
                }
                tpm_mark_busy(tpm);
                rc = Esys_SequenceUpdate(tpm->esys, seq, session, ESYS_TR_NONE, ESYS_TR_NONE, buf);
                if (rc != TSS2_RC_SUCCESS) {
                        r = error_rc(rc, "hashing the input with %s", key->path);
                        goto fail;
                }
                if ((r = reader_next(rd, buf->buffer, chunk, &n, &last)))
                        goto fail;
                buf->size = (UINT16)n;
        }
fail:
        if (seq != ESYS_TR_NONE) {
                tpm_untrack(tpm, seq);
                Esys_FlushContext(tpm->esys, seq);
        }
        session_done(tpm, &session, TPM2_RC_FAILURE);
        return r;
}

int hmac_compute(struct tpm *tpm, const struct key_info *key, const struct auth_source *auth,
                 const uint8_t *data, size_t len, const char *file, uint8_t *mac, size_t *mac_len)
{
        TPM2B_MAX_BUFFER *buf = NULL;
        struct reader rd;
        size_t chunk, n;
        bool last;
        int r;

        if ((r = check_hmac_key(key)))
                return r;
        if (!(buf = calloc(1, sizeof(*buf))))
                return error_set(EXIT_TPM, "out of memory");
        chunk = input_buffer(tpm);
        if ((r = reader_open(&rd, data, len, file)) ||
            (r = reader_next(&rd, buf->buffer, chunk, &n, &last)))
                goto out;
        buf->size = (UINT16)n;
        if (last) {
                struct object_record rec;
                struct loaded_object lo;
                TPM2B_DIGEST *result = NULL;
                TSS2_RC rc;

                record_of(key, &rec);
                if ((r = object_load(tpm, &rec, auth, TPM2_CC_HMAC, SECRET_COMMAND, &lo)))
                        goto out;
                tpm_mark_busy(tpm);
                rc = Esys_HMAC(tpm->esys, lo.handle, lo.auth, lo.crypt, ESYS_TR_NONE, buf,
                               hmac_hash(&key->public.publicArea), &result);
                object_command_done(tpm, &lo, rc);
                if (rc != TSS2_RC_SUCCESS) {
                        r = object_error(&lo, rc, "computing an HMAC with %s", key->path);
                        goto out;
                }
                memcpy(mac, result->buffer, result->size);
                *mac_len = result->size;
                Esys_Free(result);
        } else {
                r = hmac_sequence(tpm, key, auth, &rd, buf, chunk, false, mac, mac_len);
        }
out:
        reader_close(&rd);
        OPENSSL_cleanse(buf, sizeof(*buf));
        free(buf);
        return r;
}
