/* The one cleanup idiom of tpmctl: variables that free themselves when they go
 * out of scope. A function then returns from anywhere without leaking, and a
 * secret buffer is wiped on every path. */
#pragma once

#include <dirent.h>
#include <json-c/json.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_esys.h>
#include <tss2/tss2_fapi.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p)
{
        free(*(void **)p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline void fclosep(FILE **f)
{
        if (*f)
                fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

static inline void closep(int *fd)
{
        if (*fd >= 0)
                close(*fd);
}
#define _cleanup_close_ _cleanup_(closep)

static inline void closedirp(DIR **d)
{
        if (*d)
                closedir(*d);
}

static inline void json_putp(json_object **j)
{
        json_object_put(*j);
}
#define _cleanup_json_ _cleanup_(json_putp)

/* Memory returned by FAPI (Fapi_List, Fapi_GetTpmBlobs, ...). */
static inline void fapi_freep(void *p)
{
        Fapi_Free(*(void **)p);
}
#define _cleanup_fapi_free_ _cleanup_(fapi_freep)

/* OpenSSL objects. */
static inline void bio_freep(BIO **b)
{
        BIO_free_all(*b);
}

static inline void bn_freep(BIGNUM **b)
{
        BN_clear_free(*b); /* may hold a private key's part */
}

static inline void asn1_object_freep(ASN1_OBJECT **o)
{
        ASN1_OBJECT_free(*o);
}

static inline void asn1_integer_freep(ASN1_INTEGER **i)
{
        ASN1_INTEGER_free(*i);
}

static inline void asn1_octets_freep(ASN1_OCTET_STRING **s)
{
        ASN1_OCTET_STRING_free(*s);
}

static inline void openssl_freep(void *p)
{
        OPENSSL_free(*(void **)p);
}

static inline void pkey_freep(EVP_PKEY **k)
{
        EVP_PKEY_free(*k);
}
#define _cleanup_pkey_ _cleanup_(pkey_freep)

static inline void pkey_ctx_freep(EVP_PKEY_CTX **c)
{
        EVP_PKEY_CTX_free(*c);
}

/* A heap buffer that held a secret: wiped before it is freed. */
struct secret {
        unsigned char *data;
        size_t size;
};
static inline void secret_wipe(struct secret *s)
{
        if (s->data) {
                OPENSSL_cleanse(s->data, s->size);
                free(s->data);
        }
        s->data = NULL;
        s->size = 0;
}
#define _cleanup_secret_ _cleanup_(secret_wipe)

/* A secret on the stack (an AES key): wiped when its scope ends, whichever
 * return is taken. Declared after the variable it guards:
 *     unsigned char key[32];
 *     WIPE_ON_EXIT(key);                                                     */
struct stack_secret {
        void *data;
        size_t size;
};
static inline void stack_secret_wipe(struct stack_secret *s)
{
        OPENSSL_cleanse(s->data, s->size);
}
#define WIPE_ON_EXIT(var)         WIPE_ON_EXIT_NAMED_(var, __COUNTER__)
#define WIPE_ON_EXIT_NAMED_(v, n) WIPE_ON_EXIT_NAMED__(v, n)
#define WIPE_ON_EXIT_NAMED__(v, n)                                                                 \
        _cleanup_(stack_secret_wipe)                                                               \
            __attribute__((unused)) struct stack_secret wipe_on_exit_##n = {&(v), sizeof(v)}

/* An ESYS object tpmctl refers to but did not load (the SRK, from
 * Esys_TR_FromTPMPublic): its ESYS record is closed, the TPM object stays. */
struct esys_ref {
        ESYS_CONTEXT *esys;
        ESYS_TR handle;
};
static inline void esys_ref_close(struct esys_ref *r)
{
        if (r->esys && r->handle != ESYS_TR_NONE)
                Esys_TR_Close(r->esys, &r->handle);
}
#define _cleanup_esys_ref_ _cleanup_(esys_ref_close)

/* Hands ownership out of a cleanup variable: `return steal_ptr(x);`. */
#define steal_ptr(p)                                                                               \
        ({                                                                                         \
                __typeof__(p) stolen_ = (p);                                                       \
                (p) = NULL;                                                                        \
                stolen_;                                                                           \
        })
