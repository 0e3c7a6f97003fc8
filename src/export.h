/* Moving keys and sealed objects out to tpm2-tools and OpenSSL's TPM provider. */
#pragma once

#include <stddef.h>

#include "context.h"

struct exported {
        unsigned char *public_blob, *private_blob; /* TPM2B_PUBLIC, TPM2B_PRIVATE marshalled */
        size_t public_size, private_size;
        unsigned parent;   /* the persistent handle of the object's SRK */
        bool with_auth;    /* the object has a password, or may have (auth_unknown) */
        bool auth_unknown; /* imported from tpm2-tools blobs: the keystore does not know */
        bool is_key;       /* RSA or ECC key (else sealed data, an AES or HMAC key) */
        const char *kind;  /* when !is_key: "sealed data", "an AES key", "an HMAC key" */
        char path[512];
};

void exported_free(struct exported *e);

/* The object's blobs as `tpm2_create -u/-r` writes them, and its parent. */
int export_blobs(struct tpm *tpm, const char *user_path, struct exported *e);

/* The TPM 2.0 key file format (TCG "TSS2 PRIVATE KEY", used by tpm2-openssl,
 * tpm2-tss-engine and the Linux kernel): a PEM document. Keys only. Its
 * emptyAuth is TRUE only for a key known to have no password: with FALSE,
 * OpenSSL asks for one, where a wrong empty one would count toward the
 * dictionary-attack lockout. */
int export_pem(const struct exported *e, char **pem, size_t *len);
