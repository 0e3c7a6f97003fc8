/* An object's own data in the keystore, set and read through FAPI: its
 * description (Fapi_SetDescription) and its application data
 * (Fapi_SetAppData/Fapi_GetAppData), for keys, sealed objects and NV
 * indices. Nothing reaches the TPM. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "cleanup.h"
#include "context.h"
#include "objects.h"

/* The keystore reads an object.json of at most JSON_MAX_BYTES, where FAPI
 * keeps the data as hex: this leaves room for the rest of the object. */
#define APPDATA_MAX     (256u * 1024)
#define DESCRIPTION_MAX 1024

/* Sets the description of the object the user named (object_resolve()
 * rules; full gets its path). "" removes it. */
int description_set(struct tpm *tpm, const char *user_path, const char *text, char *full,
                    size_t size);

/* Replaces the object's application data (len 0: none). */
int appdata_set(struct tpm *tpm, const char *user_path, const uint8_t *data, size_t len, char *full,
                size_t size);

/* The object's application data (data->size 0, data->data NULL: none). */
int appdata_get(struct tpm *tpm, const char *user_path, struct secret *data, char *full,
                size_t size);
