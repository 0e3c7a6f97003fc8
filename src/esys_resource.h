/* ESYS's serialized form of an object (an IESYS_RESOURCE, as
 * Esys_TR_Serialize writes it), built from a public area tpmctl already
 * holds: Esys_TR_Deserialize then gives an ESYS_TR for a persistent object
 * without asking the TPM (no TPM2_ReadPublic). */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <tss2/tss2_tpm2_types.h>

/* The largest serialization: handle, name, resource type, TPM2B_PUBLIC. */
#define ESYS_RESOURCE_MAX (4 + sizeof(TPM2B_NAME) + 4 + sizeof(TPM2B_PUBLIC))

/* An object's name: its name hash algorithm, then that hash of the
 * marshalled public area. 0, or EXIT_BAD_INPUT for an unknown hash. */
int public_name(const TPM2B_PUBLIC *pub, TPM2B_NAME *name);

/* Serializes the key object at handle with public area pub into buf:
 * TPM2_HANDLE, TPM2B_NAME, UINT32 resource type 1 (IESYSC_KEY_RSRC) and
 * the TPM2B_PUBLIC, all big-endian as tss2-mu marshals them (tpm2-tss
 * 3.2.1 src/tss2-esys/esys_mu.c, iesys_MU_IESYS_RESOURCE_Marshal). */
int esys_resource_key(TPM2_HANDLE handle, const TPM2B_PUBLIC *pub, uint8_t *buf, size_t size,
                      size_t *len);
