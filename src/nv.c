/* NV indices; see nv.h. */
#include "nv.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <tss2/tss2_fapi.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>

#include "errors.h"
#include "fapi_auth.h"
#include "fapi_config.h"
#include "objects.h"
#include "path.h"
#include "policy_store.h"
#include "pubkey.h"
#include "session.h"
#include "watchdog.h"

/* Data goes to and from the TPM in pieces no TPM refuses: MAX_NV_BUFFER_SIZE
 * is at least 512 on every TPM the PC Client profile allows. */
#define CHUNK 512u

static const struct {
        const char *name;
        const char *fapi_flag; /* FAPI's type word for Fapi_CreateNv */
        const char *info_type; /* what the keystore's TPM2_NT says (nv_info.h) */
} types[] = {
    [NV_ORDINARY] = {"ordinary", "", "ordinary"},
    [NV_COUNTER] = {"counter", "counter", "counter"},
    [NV_BITFIELD] = {"bitfield", "bitfield", "bits"},
    [NV_EXTEND] = {"extend", "pcr", "extend"},
};

int nv_type_parse(const char *text, enum nv_type *out)
{
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
                if (strcmp(text, types[i].name) == 0) {
                        *out = (enum nv_type)i;
                        return 0;
                }
        return error_set(EXIT_USAGE, "--type %s: give ordinary, counter, bitfield or extend", text);
}

const char *nv_type_name(enum nv_type type)
{
        return types[type].name;
}

int nv_bits_parse(const char *text, uint64_t *mask)
{
        char *end;
        unsigned long long v;

        errno = 0;
        v = strtoull(text, &end, 0);
        if (!text[0] || text[0] == '-' || *end || errno || v == 0)
                return error_set(EXIT_USAGE,
                                 "--bits %s: give a mask of bits to set, e.g. 0x5 (not 0)", text);
        *mask = v;
        return 0;
}

int nv_path_normalize(const char *user_path, char *out, size_t size)
{
        char path[FAPI_PATH_MAX];
        int n;

        if (user_path && user_path[0] && !strchr(user_path, '/')) {
                n = snprintf(path, sizeof(path), "/nv/Owner/%s", user_path);
                if (n < 0 || (size_t)n >= sizeof(path))
                        return error_set(EXIT_BAD_INPUT, "path too long: %s", user_path);
                user_path = path;
        }
        if (!user_path || strncmp(user_path, "/nv/", 4) != 0)
                return error_set(EXIT_BAD_INPUT,
                                 "%s is not an NV index path: give /nv/Owner/NAME or a bare NAME",
                                 user_path ? user_path : "(none)");
        return path_normalize(user_path, out, size);
}

/* The size an index of this type must have; 0 for any. */
static size_t fixed_size(enum nv_type type, const struct tpm *tpm)
{
        switch (type) {
        case NV_COUNTER:
        case NV_BITFIELD:
                return NV_COUNTER_SIZE;
        case NV_EXTEND:
                /* The name hash's digest: the profile's, as the password's limit. */
                return profile_auth_max(&tpm->setup);
        case NV_ORDINARY:
        default:
                return 0;
        }
}

int nv_define(struct tpm *tpm, const char *path, const struct nv_spec *spec,
              const struct secret *password)
{
        char flags[64], policy_copy[128] = "";
        size_t size = spec->size, fixed = fixed_size(spec->type, tpm);
        TSS2_RC rc;
        int r;

        if (spec->type == NV_ORDINARY && (size == 0 || size > NV_SIZE_MAX))
                return error_set(EXIT_USAGE, "--size %zu: give 1 to %u bytes", size, NV_SIZE_MAX);
        if (fixed && size && size != fixed)
                return error_set(EXIT_USAGE, "--size %zu: a %s index has %zu bytes", size,
                                 types[spec->type].name, fixed);
        if (!size)
                size = fixed;
        snprintf(flags, sizeof(flags), "%s%s%s", types[spec->type].fapi_flag,
                 spec->noda && types[spec->type].fapi_flag[0] ? "," : "", spec->noda ? "noda" : "");
        /* A copy with tpmctl's digests where FAPI would compute them wrong. */
        if (spec->policy &&
            (r = policy_import_for_create(tpm, spec->policy, policy_copy, sizeof(policy_copy))))
                return r;
        rc = Fapi_CreateNv(tpm->fapi, path, flags, size,
                           policy_copy[0] ? policy_copy
                           : spec->policy ? spec->policy
                                          : "",
                           password && password->data ? (const char *)password->data : "");
        if (policy_copy[0])
                Fapi_Delete(tpm->fapi, policy_copy); /* the index keeps its own copy */
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "defining %s", path);
        return 0;
}

/* The index's type, checked against what a command needs. */
static int check_type(const struct nv_use *use, enum nv_type want, const char *command)
{
        const char *has = use->nv->type;

        if (strcmp(has, types[want].info_type) == 0)
                return 0;
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
                if (strcmp(has, types[i].info_type) == 0)
                        has = types[i].name;
        return error_set(EXIT_USAGE, "%s: `nv %s` needs an index of type %s, and its type is %s",
                         use->nv->path, command, types[want].name, has);
}

/* An index tpmctl uses through ESYS: its handle as an ESYS object with its
 * password set, and a session salted with the SRK that encrypts what
 * `attrs` says (TPMA_SESSION_DECRYPT: the command's data; ENCRYPT: the
 * response's) and proves the password by HMAC. */
struct nv_handle {
        ESYS_TR index;
        ESYS_TR session;
};

/* The keystore learns that the index is written (by tpmctl, or by another
 * tool before), with the name ESYS computed for it from the TPM's public
 * area. */
static int mark_written(struct tpm *tpm, struct nv_use *use, const struct nv_handle *h)
{
        uint8_t *buffer = NULL;
        size_t size = 0;
        TSS2_RC rc = Esys_TR_Serialize(tpm->esys, h->index, &buffer, &size);
        int r;

        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "recording that %s is written", use->nv->path);
        r = nv_info_mark_written(tpm, use->nv->path, buffer, size);
        free(buffer);
        use->recorded_written = r == 0;
        return r;
}

/* Whether the TPM's index at the keystore's handle is the keystore's index,
 * not another one defined there since the keystore's was undefined behind
 * its back: its name, computed from the TPM's public area with the
 * keystore's idea of TPMA_NV_WRITTEN (another tool may have written it
 * since), must be the name FAPI recorded. The public area comes from what
 * ESYS read (its serialization: handle, name, type, TPM2B_NV_PUBLIC). An
 * index defined exactly as the old one was has its name, and is the same
 * to the TPM as well. */
static int check_same_index(struct tpm *tpm, const struct nv_use *use, ESYS_TR index,
                            bool *tpm_written)
{
        const TPM2B_NAME *want = &use->nv->name;
        _cleanup_free_ uint8_t *buffer = NULL;
        uint8_t marshaled[sizeof(TPMS_NV_PUBLIC)];
        unsigned char digest[EVP_MAX_MD_SIZE];
        size_t size = 0, offset = 4, len = 0;
        /* tss2-mu refuses to unmarshal into a TPM2B whose size is not 0. */
        TPM2B_NAME name = {0};
        TPM2B_NV_PUBLIC pub = {0};
        UINT32 type;
        const EVP_MD *md;
        unsigned int digest_len = 0;
        TSS2_RC rc;

        if (want->size == 0)
                return 0; /* the keystore recorded none: nothing to compare */
        if ((rc = Esys_TR_Serialize(tpm->esys, index, &buffer, &size)) ||
            (rc = Tss2_MU_TPM2B_NAME_Unmarshal(buffer, size, &offset, &name)) ||
            (rc = Tss2_MU_UINT32_Unmarshal(buffer, size, &offset, &type)) ||
            (rc = Tss2_MU_TPM2B_NV_PUBLIC_Unmarshal(buffer, size, &offset, &pub)))
                return error_rc(rc, "reading the public area of %s", use->nv->path);
        *tpm_written = pub.nvPublic.attributes & TPMA_NV_WRITTEN;
        if (use->nv->written)
                pub.nvPublic.attributes |= TPMA_NV_WRITTEN;
        else
                pub.nvPublic.attributes &= ~(TPMA_NV)TPMA_NV_WRITTEN;
        offset = 0;
        if ((rc = Tss2_MU_UINT16_Marshal(pub.nvPublic.nameAlg, name.name, sizeof(name.name),
                                         &len)) ||
            (rc = Tss2_MU_TPMS_NV_PUBLIC_Marshal(&pub.nvPublic, marshaled, sizeof(marshaled),
                                                 &offset)))
                return error_rc(rc, "reading the public area of %s", use->nv->path);
        if (!(md = tpm_hash_md(pub.nvPublic.nameAlg)) ||
            !EVP_Digest(marshaled, offset, digest, &digest_len, md, NULL))
                return error_set(EXIT_TPM, "%s: cannot hash the index's public area",
                                 use->nv->path);
        if (want->size == len + digest_len && memcmp(want->name, name.name, len) == 0 &&
            memcmp(want->name + len, digest, digest_len) == 0)
                return 0;
        return error_set(EXIT_BAD_INPUT,
                         "%s: the TPM's NV index 0x%08x is not the one the keystore describes "
                         "(it was undefined and another defined there)",
                         use->nv->path, use->nv->handle);
}

int nv_index_present(struct tpm *tpm, const struct nv_info *nv, bool *present)
{
        struct nv_use use = {.nv = nv};
        ESYS_TR index = ESYS_TR_NONE;
        bool tpm_written = false;
        TSS2_RC rc;
        int r;

        *present = false;
        rc = Esys_TR_FromTPMPublic(tpm->esys, nv->handle, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                   &index);
        if (rc != TSS2_RC_SUCCESS)
                return tpm_rc_code(rc) == TPM2_RC_HANDLE
                           ? 0
                           : error_rc(rc, "finding %s (0x%08x) in the TPM", nv->path, nv->handle);
        r = check_same_index(tpm, &use, index, &tpm_written);
        Esys_TR_Close(tpm->esys, &index);
        if (r == EXIT_BAD_INPUT) { /* another index took the handle */
                error_clear();
                return 0;
        }
        *present = r == 0;
        return r;
}

static void nv_handle_close(struct tpm *tpm, struct nv_handle *h)
{
        if (h->session != ESYS_TR_NONE) {
                tpm_untrack(tpm, h->session);
                Esys_FlushContext(tpm->esys, h->session);
                h->session = ESYS_TR_NONE;
        }
        if (h->index != ESYS_TR_NONE)
                Esys_TR_Close(tpm->esys, &h->index);
        h->index = ESYS_TR_NONE;
}

static int nv_open(struct tpm *tpm, struct nv_use *use, TPMA_SESSION attrs, struct nv_handle *h)
{
        bool tpm_written = false;
        _cleanup_secret_ struct secret password = {0};
        TPM2B_AUTH auth = {0};
        TSS2_RC rc;
        int r;

        *h = (struct nv_handle){ESYS_TR_NONE, ESYS_TR_NONE};
        if (use->nv->with_auth || auth_given(use->auth)) {
                if ((r = auth_read(use->auth, use->nv->path, false, profile_auth_max(&tpm->setup),
                                   &password)))
                        return r;
                auth.size = (UINT16)password.size;
                memcpy(auth.buffer, password.data, password.size);
        }
        rc = Esys_TR_FromTPMPublic(tpm->esys, use->nv->handle, ESYS_TR_NONE, ESYS_TR_NONE,
                                   ESYS_TR_NONE, &h->index);
        if (rc != TSS2_RC_SUCCESS) {
                OPENSSL_cleanse(&auth, sizeof(auth));
                if (tpm_rc_code(rc) == TPM2_RC_HANDLE)
                        return error_set(EXIT_NOT_FOUND,
                                         "%s: the TPM has no NV index 0x%08x, which the keystore "
                                         "names: it was undefined by another tool",
                                         use->nv->path, use->nv->handle);
                return error_rc(rc, "finding %s (0x%08x) in the TPM", use->nv->path,
                                use->nv->handle);
        }
        /* Written by another tool (tpm2_nvwrite): the keystore learns it when
         * tpmctl may write it, or FAPI's commands on the index would fail. */
        if ((r = check_same_index(tpm, use, h->index, &tpm_written)) ||
            (tpm_written && !use->nv->written && tpm->lock_exclusive &&
             (r = mark_written(tpm, use, h)))) {
                OPENSSL_cleanse(&auth, sizeof(auth));
                nv_handle_close(tpm, h);
                return r;
        }
        rc = Esys_TR_SetAuth(tpm->esys, h->index, &auth);
        OPENSSL_cleanse(&auth, sizeof(auth));
        if (rc != TSS2_RC_SUCCESS) {
                nv_handle_close(tpm, h);
                return error_rc(rc, "setting the password of %s", use->nv->path);
        }
        if ((r = session_start(tpm, NULL, TPM2_SE_HMAC, TPM2_ALG_SHA256,
                               TPMA_SESSION_CONTINUESESSION | attrs, &h->session))) {
                nv_handle_close(tpm, h);
                return r;
        }
        return 0;
}

/* The error of an NV command: names the index, says what a wrong password
 * or an index never written means. */
static int nv_error(struct tpm *tpm, const struct nv_use *use, TSS2_RC rc, const char *doing)
{
        unsigned code = tpm_rc_code(rc);

        if (code == TPM2_RC_NV_UNINITIALIZED)
                return error_set(EXIT_BAD_INPUT, "%s %s: nothing has been written to it yet (%s)",
                                 doing, use->nv->path, rc_text(rc));
        return session_error(tpm, NULL, rc, "%s %s", doing, use->nv->path);
}

static int nv_error_close(struct tpm *tpm, const struct nv_use *use, TSS2_RC rc, const char *doing,
                          struct nv_handle *h)
{
        int r = nv_error(tpm, use, rc, doing);

        nv_handle_close(tpm, h);
        return r;
}

/* Before the last command of a session: that command ends it, and the TPM
 * flushes it, which saves a TPM2_FlushContext. */
static TSS2_RC session_last_use(struct tpm *tpm, const struct nv_handle *h, bool last)
{
        if (!last)
                return TSS2_RC_SUCCESS;
        return Esys_TRSess_SetAttributes(tpm->esys, h->session, 0, TPMA_SESSION_CONTINUESESSION);
}

static int range_check(const struct nv_use *use, size_t offset, size_t len, const char *what)
{
        if (offset > use->nv->size || len > use->nv->size - offset)
                return error_set(EXIT_BAD_INPUT, "%s %zu bytes at offset %zu: %s has %u bytes",
                                 what, len, offset, use->nv->path, use->nv->size);
        return 0;
}

/* FAPI for an index with a policy (tpmctl's engine runs object policies
 * only): it reads the whole index and writes from its start. */
static int fapi_attach(struct tpm *tpm, const struct nv_use *use)
{
        int r;

        if ((r = tpm_fapi_connect(tpm)) ||
            (r = fapi_auth_attach(tpm, use->auth, profile_auth_max(&tpm->setup))))
                return r;
        return 0;
}

static int read_with_fapi(struct tpm *tpm, struct nv_use *use, size_t offset, size_t len,
                          struct secret *out)
{
        uint8_t *data = NULL;
        size_t size = 0;
        TSS2_RC rc;
        int r;

        if ((r = fapi_attach(tpm, use)))
                return r;
        rc = Fapi_NvRead(tpm->fapi, use->nv->path, &data, &size, NULL);
        if (rc != TSS2_RC_SUCCESS)
                return fapi_error(tpm, rc, "reading %s", use->nv->path);
        use->warned = true;
        if (offset + len <= size)
                memcpy(out->data, data + offset, len);
        OPENSSL_cleanse(data, size);
        Fapi_Free(data);
        if (offset + len > size)
                return error_set(EXIT_TPM, "reading %s: FAPI returned %zu bytes of %u",
                                 use->nv->path, size, use->nv->size);
        return 0;
}

int nv_read(struct tpm *tpm, struct nv_use *use, size_t offset, size_t len, struct secret *out)
{
        struct nv_handle h;
        size_t done = 0;
        int r;

        *out = (struct secret){0};
        if ((r = range_check(use, offset, len, "reading")))
                return r;
        if (!(out->data = malloc(len ? len : 1)))
                return error_set(EXIT_TPM, "out of memory");
        out->size = len;
        if (len == 0)
                return 0;
        if (use->nv->has_policy)
                return read_with_fapi(tpm, use, offset, len, out);
        if ((r = nv_open(tpm, use, TPMA_SESSION_ENCRYPT, &h)))
                return r;
        while (done < len) {
                TPM2B_MAX_NV_BUFFER *part = NULL;
                UINT16 want = (UINT16)(len - done < CHUNK ? len - done : CHUNK);
                TSS2_RC rc;

                watchdog_kick();
                if ((rc = session_last_use(tpm, &h, done + want == len)))
                        return nv_error_close(tpm, use, rc, "reading", &h);
                rc = Esys_NV_Read(tpm->esys, h.index, h.index, h.session, ESYS_TR_NONE,
                                  ESYS_TR_NONE, want, (UINT16)(offset + done), &part);
                if (done + want == len || rc != TSS2_RC_SUCCESS)
                        session_done(tpm, &h.session, rc);
                if (rc != TSS2_RC_SUCCESS)
                        return nv_error_close(tpm, use, rc, "reading", &h);
                if (part->size != want) {
                        r = error_set(EXIT_TPM, "reading %s: the TPM returned %u bytes of %u",
                                      use->nv->path, part->size, want);
                        Esys_Free(part);
                        nv_handle_close(tpm, &h);
                        return r;
                }
                memcpy(out->data + done, part->buffer, want);
                OPENSSL_cleanse(part->buffer, part->size);
                Esys_Free(part);
                done += want;
        }
        nv_handle_close(tpm, &h);
        return 0;
}

/* Runs one command per piece of data through the index's session. */
typedef TSS2_RC (*nv_command)(struct tpm *tpm, const struct nv_handle *h, const void *arg,
                              size_t offset, const unsigned char *data, size_t len);

static int nv_run(struct tpm *tpm, struct nv_use *use, nv_command command, const void *arg,
                  size_t offset, const unsigned char *data, size_t len, const char *doing)
{
        struct nv_handle h;
        size_t done = 0;
        int r;

        if ((r = nv_open(tpm, use, data ? TPMA_SESSION_DECRYPT : 0, &h)))
                return r;
        do {
                size_t part = len - done < CHUNK ? len - done : CHUNK;
                TSS2_RC rc;

                watchdog_kick();
                if ((rc = session_last_use(tpm, &h, done + part == len)))
                        return nv_error_close(tpm, use, rc, doing, &h);
                rc = command(tpm, &h, arg, offset + done, data ? data + done : NULL, part);
                if (done + part == len || rc != TSS2_RC_SUCCESS)
                        session_done(tpm, &h.session, rc);
                if (rc != TSS2_RC_SUCCESS)
                        return nv_error_close(tpm, use, rc, doing, &h);
                done += part;
        } while (done < len);
        r = use->nv->written || use->recorded_written ? 0 : mark_written(tpm, use, &h);
        nv_handle_close(tpm, &h);
        return r;
}

static TSS2_RC write_part(struct tpm *tpm, const struct nv_handle *h, const void *arg,
                          size_t offset, const unsigned char *data, size_t len)
{
        TPM2B_MAX_NV_BUFFER buffer = {.size = (UINT16)len};
        TSS2_RC rc;

        (void)arg;
        memcpy(buffer.buffer, data, len);
        rc = Esys_NV_Write(tpm->esys, h->index, h->index, h->session, ESYS_TR_NONE, ESYS_TR_NONE,
                           &buffer, (UINT16)offset);
        OPENSSL_cleanse(&buffer, sizeof(buffer));
        return rc;
}

int nv_write(struct tpm *tpm, struct nv_use *use, size_t offset, const unsigned char *data,
             size_t len)
{
        TSS2_RC rc;
        int r;

        if ((r = check_type(use, NV_ORDINARY, "write")))
                return r;
        if (len == 0)
                return error_set(EXIT_BAD_INPUT, "nothing to write: the input is empty");
        if ((r = range_check(use, offset, len, "writing")))
                return r;
        if (!use->nv->has_policy)
                return nv_run(tpm, use, write_part, NULL, offset, data, len, "writing");
        if (offset)
                return error_set(EXIT_USAGE,
                                 "%s has a policy, which FAPI runs: it writes from offset 0 only",
                                 use->nv->path);
        if ((r = fapi_attach(tpm, use)))
                return r;
        rc = Fapi_NvWrite(tpm->fapi, use->nv->path, data, len);
        if (rc != TSS2_RC_SUCCESS)
                return fapi_error(tpm, rc, "writing %s", use->nv->path);
        use->warned = true;
        return 0;
}

static TSS2_RC increment_part(struct tpm *tpm, const struct nv_handle *h, const void *arg,
                              size_t offset, const unsigned char *data, size_t len)
{
        (void)arg, (void)offset, (void)data, (void)len;
        return Esys_NV_Increment(tpm->esys, h->index, h->index, h->session, ESYS_TR_NONE,
                                 ESYS_TR_NONE);
}

int nv_increment(struct tpm *tpm, struct nv_use *use)
{
        TSS2_RC rc;
        int r;

        if ((r = check_type(use, NV_COUNTER, "increment")))
                return r;
        if (!use->nv->has_policy)
                return nv_run(tpm, use, increment_part, NULL, 0, NULL, 0, "incrementing");
        if ((r = fapi_attach(tpm, use)))
                return r;
        if ((rc = Fapi_NvIncrement(tpm->fapi, use->nv->path)) != TSS2_RC_SUCCESS)
                return fapi_error(tpm, rc, "incrementing %s", use->nv->path);
        return 0;
}

static TSS2_RC extend_part(struct tpm *tpm, const struct nv_handle *h, const void *arg,
                           size_t offset, const unsigned char *data, size_t len)
{
        TPM2B_MAX_NV_BUFFER buffer = {.size = (UINT16)len};

        (void)arg, (void)offset;
        memcpy(buffer.buffer, data, len);
        return Esys_NV_Extend(tpm->esys, h->index, h->index, h->session, ESYS_TR_NONE, ESYS_TR_NONE,
                              &buffer);
}

int nv_extend(struct tpm *tpm, struct nv_use *use, const unsigned char *data, size_t len)
{
        TSS2_RC rc;
        int r;

        if ((r = check_type(use, NV_EXTEND, "extend")))
                return r;
        if (len == 0 || len > CHUNK)
                return error_set(EXIT_BAD_INPUT, "extending with %zu bytes: give 1 to %u", len,
                                 CHUNK);
        if (!use->nv->has_policy)
                return nv_run(tpm, use, extend_part, NULL, 0, data, len, "extending");
        if ((r = fapi_attach(tpm, use)))
                return r;
        if ((rc = Fapi_NvExtend(tpm->fapi, use->nv->path, data, len, NULL)) != TSS2_RC_SUCCESS)
                return fapi_error(tpm, rc, "extending %s", use->nv->path);
        return 0;
}

static TSS2_RC setbits_part(struct tpm *tpm, const struct nv_handle *h, const void *arg,
                            size_t offset, const unsigned char *data, size_t len)
{
        (void)offset, (void)data, (void)len;
        return Esys_NV_SetBits(tpm->esys, h->index, h->index, h->session, ESYS_TR_NONE,
                               ESYS_TR_NONE, *(const uint64_t *)arg);
}

int nv_setbits(struct tpm *tpm, struct nv_use *use, uint64_t mask)
{
        TSS2_RC rc;
        int r;

        if ((r = check_type(use, NV_BITFIELD, "setbits")))
                return r;
        if (!use->nv->has_policy)
                return nv_run(tpm, use, setbits_part, &mask, 0, NULL, 0, "setting bits of");
        if ((r = fapi_attach(tpm, use)))
                return r;
        if ((rc = Fapi_NvSetBits(tpm->fapi, use->nv->path, mask)) != TSS2_RC_SUCCESS)
                return fapi_error(tpm, rc, "setting bits of %s", use->nv->path);
        return 0;
}
