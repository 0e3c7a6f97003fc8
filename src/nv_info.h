/* What the keystore knows about an NV index (/nv/Owner/NAME): FAPI keeps
 * its public area in the object's JSON, not as TPM blobs. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tss2/tss2_tpm2_types.h>

#include "context.h"
#include "objects.h"

struct nv_info {
        char path[FAPI_PATH_MAX];
        unsigned handle; /* 0x01xxxxxx */
        unsigned size;   /* bytes */
        char type[16];   /* "ordinary", "counter", "bits", "extend", "pin_fail", "pin_pass" */
        char hash[16];   /* name hash, "sha256" */
        bool with_auth;  /* FAPI asks for a password */
        bool has_policy;
        bool written; /* the keystore's copy says TPMA_NV_WRITTEN */
        /* The index's name as FAPI recorded it (its ESYS serialization),
         * computed with `written`; size 0 when the keystore has none. */
        TPM2B_NAME name;
        char description[256];
        json_object *attributes; /* array of the set attributes' names, lower case */
};

void nv_info_free(struct nv_info *info);

/* Whether a full path names an NV index ("/nv/..."). */
bool nv_path(const char *full_path);

/* Reads an NV index's keystore object; EXIT_NOT_FOUND when there is none,
 * EXIT_BAD_INPUT when the object is not an NV index. */
int nv_info_read(struct tpm *tpm, const char *full_path, struct nv_info *info);

/* Records TPMA_NV_WRITTEN in the keystore's copy of the index's public
 * area after tpmctl wrote it through ESYS, as FAPI does after its own
 * writes: FAPI takes the index's name from that copy (its attributes and
 * its ESYS serialization, given here as ESYS serialized it after the
 * write), and with the old name every later FAPI command on the index
 * (tss2_nvread) fails its HMAC check. Needs the keystore's exclusive lock. */
int nv_info_mark_written(struct tpm *tpm, const char *full_path, const uint8_t *serialized,
                         size_t len);
