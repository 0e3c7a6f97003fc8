/* tpm2-tss 3.2.1 gives every hash, HMAC, nonce and salt encryption its own
 * new OpenSSL library context (ESYS's and FAPI's OpenSSL backends), and each
 * new context loads the default provider and builds its method store anew:
 * about a millisecond of CPU every time, most of the CPU a one-shot sign,
 * unseal or random spends, and seconds for a long `random`. Those contexts
 * hold nothing of the library's own: the process's default context does the
 * same work once. So tpmctl's executable defines OSSL_LIB_CTX_new, which the
 * dynamic linker binds before libcrypto's for every library in the process,
 * and hands libtss2's calls the default context; OSSL_LIB_CTX_free leaves
 * the default context alone (documented by OpenSSL). Any other caller gets
 * a new context from libcrypto, as it asked. */
#include <dlfcn.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ossl_libctx.h"

bool ossl_libctx_caller_is_tss(const char *library_path)
{
        const char *base = library_path ? strrchr(library_path, '/') : NULL;

        base = base ? base + 1 : library_path;
        return base && strncmp(base, "libtss2-", 8) == 0;
}

OSSL_LIB_CTX *OSSL_LIB_CTX_new(void)
{
        OSSL_LIB_CTX *(*libcrypto_new)(void);
        Dl_info caller;

        if (dladdr(__builtin_return_address(0), &caller) &&
            ossl_libctx_caller_is_tss(caller.dli_fname))
                return OSSL_LIB_CTX_get0_global_default();
        *(void **)&libcrypto_new = dlsym(RTLD_NEXT, "OSSL_LIB_CTX_new");
        return libcrypto_new ? libcrypto_new() : NULL;
}
