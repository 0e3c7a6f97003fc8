/* The FAPI functions tpmctl calls, loaded on first use: libtss2-fapi pulls
 * in libcurl and some thirty libraries, whose loading would cost every
 * command, also those that never touch FAPI (list, key show, verify...).
 * tpmctl links against none of it; each Fapi_* below forwards to the real
 * one, found with dlsym() in the library dlopen()ed the first time. When
 * it cannot be loaded, the call fails with a FAPI error whose cause,
 * naming the library, error_rc() reports. A new FAPI call in tpmctl needs
 * its line here (the link fails without it). */
#include <dlfcn.h>
#include <stdbool.h>
#include <tss2/tss2_fapi.h>

#include "errors.h"

#define FAPI_LIBRARY "libtss2-fapi.so.1"

static void *library;

/* Whether the library is loaded: nothing FAPI allocated can exist before. */
static bool loaded(void)
{
        return library != NULL;
}

static void *symbol(const char *name)
{
        void *sym;

        if (!library && !(library = dlopen(FAPI_LIBRARY, RTLD_NOW | RTLD_LOCAL))) {
                const char *why = dlerror();
                error_cause(TSS2_FAPI_RC_GENERAL_FAILURE,
                            "cannot load " FAPI_LIBRARY " (%s); install it (Debian: libtss2-fapi1)",
                            why ? why : "not found");
                return NULL;
        }
        if (!(sym = dlsym(library, name)))
                error_cause(TSS2_FAPI_RC_GENERAL_FAILURE, FAPI_LIBRARY " has no %s", name);
        return sym;
}

/* Defines NAME(PARAMS) as a call of the real NAME(ARGS). */
#define FORWARD(name, params, args)                                                                \
        TSS2_RC name params                                                                        \
        {                                                                                          \
                static __typeof__(&name) real;                                                     \
                if (!real && !(*(void **)&real = symbol(#name)))                                   \
                        return TSS2_FAPI_RC_GENERAL_FAILURE;                                       \
                return real args;                                                                  \
        }

FORWARD(Fapi_Initialize, (FAPI_CONTEXT * *context, char const *uri), (context, uri))
FORWARD(Fapi_GetTcti, (FAPI_CONTEXT * context, TSS2_TCTI_CONTEXT **tcti), (context, tcti))
FORWARD(Fapi_Provision,
        (FAPI_CONTEXT * context, char const *eh, char const *sh, char const *lockout),
        (context, eh, sh, lockout))
FORWARD(Fapi_SetAuthCB, (FAPI_CONTEXT * context, Fapi_CB_Auth callback, void *user_data),
        (context, callback, user_data))
FORWARD(Fapi_List, (FAPI_CONTEXT * context, char const *search_path, char **path_list),
        (context, search_path, path_list))
FORWARD(Fapi_Delete, (FAPI_CONTEXT * context, char const *path), (context, path))
FORWARD(Fapi_Import, (FAPI_CONTEXT * context, char const *path, char const *data),
        (context, path, data))
FORWARD(Fapi_SetDescription, (FAPI_CONTEXT * context, char const *path, char const *description),
        (context, path, description))
FORWARD(Fapi_ExportPolicy, (FAPI_CONTEXT * context, char const *path, char **json_policy),
        (context, path, json_policy))
FORWARD(Fapi_GetTpmBlobs,
        (FAPI_CONTEXT * context, char const *path, uint8_t **pub, size_t *pub_size, uint8_t **priv,
         size_t *priv_size, char **policy),
        (context, path, pub, pub_size, priv, priv_size, policy))
FORWARD(Fapi_CreateKey,
        (FAPI_CONTEXT * context, char const *path, char const *type, char const *policy_path,
         char const *auth_value),
        (context, path, type, policy_path, auth_value))
FORWARD(Fapi_CreateSeal,
        (FAPI_CONTEXT * context, char const *path, char const *type, size_t size,
         char const *policy_path, char const *auth_value, uint8_t const *data),
        (context, path, type, size, policy_path, auth_value, data))
FORWARD(Fapi_Unseal, (FAPI_CONTEXT * context, char const *path, uint8_t **data, size_t *size),
        (context, path, data, size))
FORWARD(Fapi_Sign,
        (FAPI_CONTEXT * context, char const *key_path, char const *padding, uint8_t const *digest,
         size_t digest_size, uint8_t **signature, size_t *signature_size, char **public_key,
         char **certificate),
        (context, key_path, padding, digest, digest_size, signature, signature_size, public_key,
         certificate))
FORWARD(Fapi_Decrypt,
        (FAPI_CONTEXT * context, char const *key_path, uint8_t const *cipher_text,
         size_t cipher_text_size, uint8_t **plain_text, size_t *plain_text_size),
        (context, key_path, cipher_text, cipher_text_size, plain_text, plain_text_size))
FORWARD(Fapi_CreateNv,
        (FAPI_CONTEXT * context, char const *path, char const *type, size_t size,
         char const *policy_path, char const *auth_value),
        (context, path, type, size, policy_path, auth_value))
FORWARD(Fapi_NvRead,
        (FAPI_CONTEXT * context, char const *path, uint8_t **data, size_t *size, char **log_data),
        (context, path, data, size, log_data))
FORWARD(Fapi_NvWrite, (FAPI_CONTEXT * context, char const *path, uint8_t const *data, size_t size),
        (context, path, data, size))
FORWARD(Fapi_NvIncrement, (FAPI_CONTEXT * context, char const *path), (context, path))
FORWARD(Fapi_NvExtend,
        (FAPI_CONTEXT * context, char const *path, uint8_t const *data, size_t size,
         char const *log_data),
        (context, path, data, size, log_data))
FORWARD(Fapi_NvSetBits, (FAPI_CONTEXT * context, char const *path, uint64_t bitmap),
        (context, path, bitmap))

FORWARD(Fapi_GetCertificate, (FAPI_CONTEXT * context, char const *path, char **x509certData),
        (context, path, x509certData))
FORWARD(Fapi_SetCertificate, (FAPI_CONTEXT * context, char const *path, char const *x509certData),
        (context, path, x509certData))
FORWARD(Fapi_SetAppData,
        (FAPI_CONTEXT * context, char const *path, uint8_t const *appData, size_t appDataSize),
        (context, path, appData, appDataSize))
FORWARD(Fapi_GetAppData,
        (FAPI_CONTEXT * context, char const *path, uint8_t **appData, size_t *appDataSize),
        (context, path, appData, appDataSize))

/* Neither can have anything to do before the library is loaded (cleanup
 * paths call them with NULL): they do not load it. */
void Fapi_Finalize(FAPI_CONTEXT **context)
{
        static __typeof__(&Fapi_Finalize) real;

        if (!loaded() || !context || !*context)
                return;
        if (real || (*(void **)&real = symbol("Fapi_Finalize")))
                real(context);
}

void Fapi_Free(void *ptr)
{
        static __typeof__(&Fapi_Free) real;

        if (!loaded() || !ptr)
                return;
        if (real || (*(void **)&real = symbol("Fapi_Free")))
                real(ptr);
}
