/* X.509 certificates of keystore objects, in PEM (Fapi_GetCertificate,
 * Fapi_SetCertificate), and the TPM's EK certificate. */
#pragma once

#include <stddef.h>

#include "context.h"
#include "objects.h"

#define CERTIFICATE_MAX (64u * 1024)

/* The certificate of the object the user named (object_resolve() rules;
 * full gets its path), a new PEM string (free()). For an endorsement key
 * (.../HE/EK) whose keystore object has none, the TPM's own from its EK
 * certificate NV indices (0x01c00002 RSA, 0x01c0000a ECC, or the high
 * range): the first for the EK's public key. EXIT_NOT_FOUND when there is
 * none. */
int certificate_get(struct tpm *tpm, const char *user_path, char **pem, char *full, size_t size);

/* The TPM's platform certificates: the NV indices of the TCG range for them
 * (0x01c08000 to 0x01c0ffff) that hold an X.509 certificate, as PEM, in the
 * order of their indices. *n 0 when there is none. */
#define PLATFORM_CERT_FIRST 0x01c08000u
#define PLATFORM_CERT_LAST  0x01c0ffffu
struct platform_certificate {
        unsigned index;
        char *pem;
};
int platform_certificates(struct tpm *tpm, struct platform_certificate **certs, size_t *n);
void platform_certificates_free(struct platform_certificate *certs, size_t n);

/* Stores pem (one or more PEM certificates; the first is the object's) with
 * the object. EXIT_BAD_INPUT when it is no PEM certificate, or when its
 * public key is not the object's. */
int certificate_set(struct tpm *tpm, const char *user_path, const char *pem, size_t len, char *full,
                    size_t size);
