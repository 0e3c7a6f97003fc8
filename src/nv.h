/* NV indices (/nv/Owner/NAME): FAPI defines them in the keystore; tpmctl
 * reads, writes, increments, extends and sets bits itself through ESYS, in
 * an HMAC session salted with the storage root key that encrypts the data
 * and proves the password without sending it: FAPI 3.2.1 cannot read or
 * write at an offset, and costs four start-up commands. An index with a
 * policy is used through FAPI, which runs it: FAPI then sends its data in
 * clear on the TPM bus (nv_use.warned). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "context.h"
#include "nv_info.h"

enum nv_type { NV_ORDINARY, NV_COUNTER, NV_BITFIELD, NV_EXTEND };

/* "ordinary", "counter", "bitfield" or "extend"; EXIT_USAGE otherwise. */
int nv_type_parse(const char *text, enum nv_type *out);
const char *nv_type_name(enum nv_type type);

/* A bitfield mask as given to --bits: 0xHEX or decimal, not 0; EXIT_USAGE
 * otherwise. */
int nv_bits_parse(const char *text, uint64_t *mask);

/* The keystore path of an NV index as a user names it: a bare NAME is
 * /nv/Owner/NAME; a path must lie under /nv/ (else EXIT_USAGE). */
int nv_path_normalize(const char *user_path, char *out, size_t size);

/* The largest NV index tpmctl defines, and a counter's or bitfield's size. */
#define NV_SIZE_MAX     2048u
#define NV_COUNTER_SIZE 8u

struct nv_spec {
        enum nv_type type;
        size_t size;        /* ordinary: 1 to NV_SIZE_MAX; others: 0 or their fixed size */
        const char *policy; /* a keystore policy path, or NULL */
        bool noda;          /* no dictionary-attack protection */
};

/* Defines the index at path (normalized, absent) with password (may be
 * empty). */
int nv_define(struct tpm *tpm, const char *path, const struct nv_spec *spec,
              const struct secret *password);

/* One use of an index: its keystore description, the password's source. */
struct nv_use {
        const struct nv_info *nv;
        const struct auth_source *auth;
        bool warned; /* set when the data crossed the bus in clear (a policy index, FAPI) */
        bool recorded_written; /* the keystore was told the index is written */
};

/* Whether the TPM still has the index the keystore describes: false when
 * its handle is free or holds another index (undefined by another tool). */
int nv_index_present(struct tpm *tpm, const struct nv_info *nv, bool *present);

/* Reads len bytes at offset; EXIT_BAD_INPUT beyond the index's size. */
int nv_read(struct tpm *tpm, struct nv_use *use, size_t offset, size_t len, struct secret *out);
/* Writes data at offset of an ordinary index. */
int nv_write(struct tpm *tpm, struct nv_use *use, size_t offset, const unsigned char *data,
             size_t len);
/* Adds one to a counter. */
int nv_increment(struct tpm *tpm, struct nv_use *use);
/* Extends an extend index with data (hashed by the TPM with the index's
 * name hash: new = H(old || data)). */
int nv_extend(struct tpm *tpm, struct nv_use *use, const unsigned char *data, size_t len);
/* ORs mask into a bitfield. */
int nv_setbits(struct tpm *tpm, struct nv_use *use, uint64_t mask);
