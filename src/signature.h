/* Signing with TPM keys and verifying with OpenSSL, in the formats
 * `openssl dgst -verify` and `openssl pkeyutl -verify` use: raw for RSA,
 * DER for ECDSA. */
#pragma once

#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>

#include "context.h"
#include "keys.h"

enum sig_scheme {
        SCHEME_DEFAULT, /* the key's own (the profile's: RSA-PSS, ECDSA) */
        SCHEME_RSAPSS,
        SCHEME_RSASSA,
        SCHEME_ECDSA,
};

/* The --scheme names, from SCHEME_RSAPSS on in the enum's order, then NULL. */
extern const char *const sig_scheme_names[];

int sig_scheme_parse(const char *name, enum sig_scheme *scheme);

/* The hashes verify's --hash takes, then NULL. */
extern const char *const verify_hash_names[];

/* The digest of `input` (a file or "-") with md; with is_digest the input
 * already is one and must be exactly md's size. */
int digest_input(const char *input, const EVP_MD *md, bool is_digest, unsigned char *out,
                 size_t *len);

/* Whether the key is an unrestricted signing key that can sign with
 * scheme; EXIT_BAD_INPUT saying why not. */
int sig_scheme_fits(const TPMT_PUBLIC *pub, enum sig_scheme scheme);

/* Signs a digest with a TPM key (FAPI asks for the password if needed). */
int sign_digest(struct tpm *tpm, const struct key_info *key, enum sig_scheme scheme,
                const unsigned char *digest, size_t len, unsigned char **sig, size_t *sig_len);

/* 0 when sig is a valid signature of digest under key, EXIT_INVALID when not. */
int verify_digest(EVP_PKEY *key, enum sig_scheme scheme, const EVP_MD *md,
                  const unsigned char *digest, size_t len, const unsigned char *sig,
                  size_t sig_len);

/* The scheme the key signs with when none is asked for. */
enum sig_scheme default_scheme(EVP_PKEY *key, const char *keystore_scheme);
