/* The TPM 2.0 key file ("-----BEGIN TSS2 PRIVATE KEY-----"), the format of
 * tpm2-openssl, tpm2-tss-engine, tpm2_encodeobject and the Linux kernel, for
 * a loadable key (type OID 2.23.133.10.1.3):
 *
 *   TPMKey ::= SEQUENCE {
 *       type      OBJECT IDENTIFIER,
 *       emptyAuth [0] EXPLICIT BOOLEAN OPTIONAL,
 *       parent    INTEGER,
 *       pubkey    OCTET STRING,   -- TPM2B_PUBLIC, marshalled
 *       privkey   OCTET STRING }  -- TPM2B_PRIVATE, marshalled
 *
 * Pure: OpenSSL's ASN.1 templates do the encoding. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct tss2_private_key_st;

struct tss2_keyfile {
        const unsigned char *pub, *priv; /* the blobs */
        size_t pub_size, priv_size;
        unsigned long parent; /* the parent's handle */
        /* The file says the key has no password. An absent emptyAuth reads
         * as false; tss2_keyfile_write always writes it. */
        bool empty_auth;
        /* Set by the parsers: pub and priv point into it. */
        struct tss2_private_key_st *asn1;
};

/* Frees what a parser allocated (the blobs). */
void tss2_keyfile_free(struct tss2_keyfile *key);

/* Reads a PEM document whose first block is a TSS2 PRIVATE KEY. 0, or
 * EXIT_BAD_INPUT with one line naming what was expected. */
int tss2_keyfile_parse(const unsigned char *pem, size_t len, struct tss2_keyfile *key);

/* The same for the DER inside, which must fill len exactly. */
int tss2_keyfile_parse_der(const unsigned char *der, size_t len, struct tss2_keyfile *key);

/* The PEM document of key (pub, priv, parent, empty_auth; asn1 unused),
 * with emptyAuth always written, TRUE or FALSE: tpm2-openssl takes an
 * absent one for an empty password. *pem is NUL-terminated; free() it. */
int tss2_keyfile_write(const struct tss2_keyfile *key, char **pem, size_t *len);
