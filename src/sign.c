/* Signing a digest with a key; see sign.h. */
#include "sign.h"

#include "errors.h"
#include "policy_sign.h"

int key_sign_digest(struct tpm *tpm, const struct key_info *key, enum sig_scheme scheme,
                    const unsigned char *digest, size_t len, const struct auth_source *auth,
                    unsigned char **sig, size_t *sig_len)
{
        bool refuse;

        int r;

        if (key_in_engine(key, &refuse))
                return key_sign_engine(tpm, key, scheme, digest, len, auth, sig, sig_len);
        if (refuse)
                return EXIT_BAD_INPUT;
        if ((r = tpm_fapi_connect(tpm)))
                return r;
        return sign_digest(tpm, key, scheme, digest, len, sig, sig_len);
}
