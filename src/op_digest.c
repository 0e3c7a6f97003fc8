/* The digest that sign and verify work on; see ops.h. */
#include <string.h>

#include "errors.h"
#include "ops.h"
#include "signature.h"

int op_digest(const struct op_input *in, const EVP_MD *md, bool is_digest, unsigned char *out,
              size_t *len)
{
        size_t want = (size_t)EVP_MD_get_size(md);
        unsigned int n = 0;

        if (in->file)
                return digest_input(in->file, md, is_digest, out, len);
        if (is_digest) {
                if (in->len != want)
                        return error_set(EXIT_BAD_INPUT,
                                         "the digest is %zu bytes; a %s digest is %zu", in->len,
                                         EVP_MD_get0_name(md), want);
                memcpy(out, in->data, in->len);
                *len = in->len;
                return 0;
        }
        if (!EVP_Digest(in->data ? in->data : (const unsigned char *)"", in->len, out, &n, md,
                        NULL))
                return error_set(EXIT_TPM, "OpenSSL cannot hash");
        *len = n;
        return 0;
}
