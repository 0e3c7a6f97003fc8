/* What the keystore knows about an NV index (/nv/Owner/NAME): FAPI keeps
 * its public area in the object's JSON, not as TPM blobs. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>

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
        char description[256];
        json_object *attributes; /* array of the set attributes' names, lower case */
};

void nv_info_free(struct nv_info *info);

/* Whether a full path names an NV index ("/nv/..."). */
bool nv_path(const char *full_path);

/* Reads an NV index's keystore object; EXIT_NOT_FOUND when there is none,
 * EXIT_BAD_INPUT when the object is not an NV index. */
int nv_info_read(struct tpm *tpm, const char *full_path, struct nv_info *info);
