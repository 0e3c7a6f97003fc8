/* ESYS's serialized form of an object; see esys_resource.h. */
#include "esys_resource.h"

#include <openssl/evp.h>
#include <string.h>
#include <tss2/tss2_mu.h>

#include "errors.h"
#include "pubkey.h"

/* ESYS's tag for a key object (tpm2-tss src/tss2-esys/esys_types.h). */
#define IESYSC_KEY_RSRC 1

int public_name(const TPM2B_PUBLIC *pub, TPM2B_NAME *name)
{
        uint8_t area[sizeof(TPMT_PUBLIC)];
        const EVP_MD *md = tpm_hash_md(pub->publicArea.nameAlg);
        size_t len = 0, offset = 0;
        unsigned digest_len = 0;

        if (!md)
                return error_set(EXIT_BAD_INPUT, "the public area has an unknown name hash");
        if (Tss2_MU_TPMT_PUBLIC_Marshal(&pub->publicArea, area, sizeof(area), &len) ||
            Tss2_MU_UINT16_Marshal(pub->publicArea.nameAlg, name->name, sizeof(name->name),
                                   &offset) ||
            EVP_Digest(area, len, name->name + offset, &digest_len, md, NULL) != 1)
                return error_set(EXIT_BAD_INPUT, "the public area is malformed");
        name->size = (UINT16)(offset + digest_len);
        return 0;
}

int esys_resource_key(TPM2_HANDLE handle, const TPM2B_PUBLIC *pub, uint8_t *buf, size_t size,
                      size_t *len)
{
        TPM2B_NAME name = {0};
        size_t offset = 0;
        int r;

        if ((r = public_name(pub, &name)))
                return r;
        if (Tss2_MU_TPM2_HANDLE_Marshal(handle, buf, size, &offset) ||
            Tss2_MU_TPM2B_NAME_Marshal(&name, buf, size, &offset) ||
            Tss2_MU_UINT32_Marshal(IESYSC_KEY_RSRC, buf, size, &offset) ||
            Tss2_MU_TPM2B_PUBLIC_Marshal(pub, buf, size, &offset))
                return error_set(EXIT_BAD_INPUT, "cannot serialize the object at 0x%08x", handle);
        *len = offset;
        return 0;
}
