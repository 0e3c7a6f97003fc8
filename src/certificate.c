/* Certificates of keystore objects; see certificate.h. */
#include "certificate.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_fapi.h>

#include "cleanup.h"
#include "errors.h"
#include "fapi_object.h"
#include "pubkey.h"

#define NV_CHUNK 512

static bool is_ek(const char *full)
{
        size_t n = strlen(full);

        return n >= 6 && strcmp(full + n - 6, "/HE/EK") == 0;
}

/* The DER certificate in one EK certificate index; *len 0 when the TPM has
 * no such index. */
static int ek_nv_read(ESYS_CONTEXT *esys, TPM2_HANDLE index, uint8_t **der, size_t *len)
{
        ESYS_TR h = ESYS_TR_NONE;
        TPM2B_NV_PUBLIC *pub = NULL;
        TSS2_RC rc;
        uint16_t size;
        int r = 0;

        *der = NULL;
        *len = 0;
        rc = Esys_TR_FromTPMPublic(esys, index, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &h);
        if (rc != TSS2_RC_SUCCESS)
                return tpm_rc_code(rc) == TPM2_RC_HANDLE
                           ? 0
                           : error_rc(rc, "finding the EK certificate index 0x%08x", index);
        rc = Esys_NV_ReadPublic(esys, h, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &pub, NULL);
        if (rc != TSS2_RC_SUCCESS) {
                Esys_TR_Close(esys, &h);
                return error_rc(rc, "reading the EK certificate index 0x%08x", index);
        }
        size = pub->nvPublic.dataSize;
        Esys_Free(pub);
        if (size == 0 || !(*der = malloc(size))) {
                Esys_TR_Close(esys, &h);
                return size ? error_set(EXIT_TPM, "out of memory") : 0;
        }
        for (uint16_t off = 0; off < size;) {
                uint16_t n = size - off < NV_CHUNK ? size - off : NV_CHUNK;
                TPM2B_MAX_NV_BUFFER *data = NULL;

                rc = Esys_NV_Read(esys, h, h, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, n, off,
                                  &data);
                if (rc != TSS2_RC_SUCCESS) {
                        r = error_rc(rc, "reading the EK certificate from NV index 0x%08x", index);
                        break;
                }
                if (data->size == 0 || data->size > n) {
                        Esys_Free(data);
                        r = error_set(EXIT_TPM, "the TPM returned a bad NV read of 0x%08x", index);
                        break;
                }
                memcpy(*der + off, data->buffer, data->size);
                off += data->size;
                Esys_Free(data);
        }
        Esys_TR_Close(esys, &h);
        if (r) {
                free(*der);
                *der = NULL;
                return r;
        }
        *len = size;
        return 0;
}

/* The EK certificate indices of the TCG EK Credential Profile: RSA 2048 and
 * ECC P-256 (low range), then the high range (RSA 2048, P-256, P-384, P-521,
 * RSA 3072, RSA 4096). */
static const TPM2_HANDLE ek_cert_indices[] = {
    0x01c00002, 0x01c0000a, 0x01c00012, 0x01c00014, 0x01c00016, 0x01c00018, 0x01c0001c, 0x01c0001e,
};

/* The certificate in one index as PEM, when it is for ek (NULL: any key).
 * *pem stays NULL when it is for another key (*other set). */
static int der_to_pem(const uint8_t *der, size_t len, TPM2_HANDLE index, EVP_PKEY *ek, char **pem,
                      bool *other)
{
        const unsigned char *p = der;
        X509 *cert = d2i_X509(NULL, &p, (long)len);
        BIO *bio = NULL;
        size_t n;
        int r;

        if (!cert)
                return error_set(EXIT_TPM,
                                 "the TPM's certificate index 0x%08x holds no X.509 "
                                 "certificate",
                                 index);
        if (ek && EVP_PKEY_eq(X509_get0_pubkey(cert), ek) != 1) {
                X509_free(cert);
                *other = true;
                return 0;
        }
        if (!(bio = BIO_new(BIO_s_mem())) || !PEM_write_bio_X509(bio, cert)) {
                BIO_free(bio);
                X509_free(cert);
                return error_set(EXIT_TPM, "cannot write the EK certificate as PEM");
        }
        r = bio_text(bio, pem, &n);
        BIO_free(bio);
        X509_free(cert);
        return r;
}

/* The TPM's certificate for the EK at full: the first of the EK certificate
 * indices whose certificate is for the EK's public key (any, when the
 * keystore has no public key for it). *pem stays NULL when there is none;
 * *other says the TPM has certificates for other EKs (other templates). */
static int ek_certificate(struct tpm *tpm, const char *full, char **pem, bool *other)
{
        struct keystore_object o;
        EVP_PKEY *ek = NULL;
        int r = 0;

        *other = false;
        if (!tpm->esys)
                return 0;
        if (keystore_object_read(tpm, full, &o) == 0) {
                if (o.has_public && public_to_evp(&o.public, &ek))
                        ek = NULL;
                keystore_object_free(&o);
        }
        for (size_t i = 0; !r && !*pem && i < sizeof(ek_cert_indices) / sizeof(*ek_cert_indices);
             i++) {
                uint8_t *der;
                size_t len;

                if ((r = ek_nv_read(tpm->esys, ek_cert_indices[i], &der, &len)) || !len)
                        continue;
                r = der_to_pem(der, len, ek_cert_indices[i], ek, pem, other);
                free(der);
        }
        EVP_PKEY_free(ek);
        return r;
}

int certificate_get(struct tpm *tpm, const char *user_path, char **pem, char *full, size_t size)
{
        char *got = NULL;
        TSS2_RC rc;
        int r;

        *pem = NULL;
        if ((r = object_resolve(tpm, user_path, full, size)))
                return r;
        rc = Fapi_GetCertificate(tpm->fapi, full, &got);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "reading the certificate of %s", full);
        if (got && *got) {
                *pem = strdup(got);
                Fapi_Free(got);
                return *pem ? 0 : error_set(EXIT_TPM, "out of memory");
        }
        Fapi_Free(got);
        if (is_ek(full)) {
                bool other;

                if ((r = ek_certificate(tpm, full, pem, &other)))
                        return r;
                if (*pem)
                        return 0;
                if (other)
                        return error_set(EXIT_NOT_FOUND,
                                         "%s has no certificate: the keystore holds none, and "
                                         "the TPM's EK certificates are for other keys (other "
                                         "EK templates)",
                                         full);
                return error_set(EXIT_NOT_FOUND,
                                 "%s has no certificate: the keystore holds none and the TPM "
                                 "has no EK certificate (NV indices 0x01c00002 to 0x01c0001e)",
                                 full);
        }
        return error_set(EXIT_NOT_FOUND,
                         "%s has no certificate: `tpmctl certificate set` stores one", full);
}

int platform_certificates(struct tpm *tpm, struct platform_certificate **certs, size_t *n)
{
        TPMS_CAPABILITY_DATA *cap = NULL;
        TPMI_YES_NO more = TPM2_NO;
        TSS2_RC rc;
        int r = 0;

        *certs = NULL;
        *n = 0;
        rc = Esys_GetCapability(tpm->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                TPM2_CAP_HANDLES, PLATFORM_CERT_FIRST,
                                PLATFORM_CERT_LAST - PLATFORM_CERT_FIRST + 1, &more, &cap);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "listing the TPM's NV indices");
        for (UINT32 i = 0; !r && i < cap->data.handles.count; i++) {
                TPM2_HANDLE index = cap->data.handles.handle[i];
                struct platform_certificate *grown;
                uint8_t *der = NULL;
                size_t len;
                bool other = false;

                if (index > PLATFORM_CERT_LAST)
                        break;
                if ((r = ek_nv_read(tpm->esys, index, &der, &len)) || !len)
                        continue;
                if (!(grown = realloc(*certs, (*n + 1) * sizeof(**certs)))) {
                        free(der);
                        r = error_set(EXIT_TPM, "out of memory");
                        break;
                }
                *certs = grown;
                (*certs)[*n] = (struct platform_certificate){.index = index};
                /* An index of the range that holds no X.509 certificate
                 * (another format, a chain's data) is not one of them. */
                if (der_to_pem(der, len, index, NULL, &(*certs)[*n].pem, &other) == 0)
                        (*n)++;
                else
                        error_clear();
                free(der);
        }
        Esys_Free(cap);
        if (r) {
                platform_certificates_free(*certs, *n);
                *certs = NULL;
                *n = 0;
        }
        return r;
}

void platform_certificates_free(struct platform_certificate *certs, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(certs[i].pem);
        free(certs);
}

/* The first certificate of pem; EXIT_BAD_INPUT when there is none. */
static int first_certificate(const char *pem, size_t len, X509 **cert)
{
        BIO *bio = BIO_new_mem_buf(pem, (int)len);

        *cert = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
        BIO_free(bio);
        if (!*cert)
                return error_set(EXIT_BAD_INPUT,
                                 "no PEM certificate (-----BEGIN CERTIFICATE-----)");
        return 0;
}

int certificate_set(struct tpm *tpm, const char *user_path, const char *pem, size_t len, char *full,
                    size_t size)
{
        _cleanup_(keystore_object_free) struct keystore_object o = {0};
        EVP_PKEY *key = NULL;
        X509 *cert = NULL;
        TSS2_RC rc;
        int r;

        if (len > CERTIFICATE_MAX)
                return error_set(EXIT_BAD_INPUT, "a certificate file has at most %u bytes",
                                 CERTIFICATE_MAX);
        if (memchr(pem, '\0', len))
                return error_set(EXIT_BAD_INPUT, "no PEM certificate (a NUL byte)");
        if ((r = first_certificate(pem, len, &cert)))
                return r;
        if ((r = keystore_object_read(tpm, user_path, &o))) {
                X509_free(cert);
                return r;
        }
        snprintf(full, size, "%s", o.path);
        if (!o.has_public || o.public.publicArea.type == TPM2_ALG_KEYEDHASH) {
                X509_free(cert);
                return error_set(EXIT_BAD_INPUT,
                                 "%s is no key with a public key: it takes no "
                                 "certificate",
                                 o.path);
        }
        if ((r = public_to_evp(&o.public, &key))) {
                X509_free(cert);
                return r;
        }
        r = EVP_PKEY_eq(X509_get0_pubkey(cert), key) == 1;
        EVP_PKEY_free(key);
        X509_free(cert);
        if (!r)
                return error_set(EXIT_BAD_INPUT,
                                 "the certificate is for another public key than %s's", o.path);
        rc = Fapi_SetCertificate(tpm->fapi, o.path, pem);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "storing the certificate of %s", o.path);
        return 0;
}
