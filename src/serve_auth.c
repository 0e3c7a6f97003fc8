/* The bearer token of tpmctl serve: read once from a file, kept as its
 * SHA-256 only, and compared in constant time (CRYPTO_memcmp of the hashes,
 * so that neither the token's bytes nor its length show in the timing). */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>

#include "errors.h"
#include "fileio.h"
#include "serve_internal.h"

#define TOKEN_MAX 4096

static void sha256(const unsigned char *data, size_t len, unsigned char *out)
{
        unsigned int n = SHA256_DIGEST_LENGTH;

        EVP_Digest(data, len, out, &n, EVP_sha256(), NULL);
}

int serve_token_load(struct server *srv, const char *file)
{
        unsigned char *data = NULL;
        size_t len = 0;
        int r;

        srv->token = false;
        if (!file)
                return 0;
        if ((r = file_read(file, TOKEN_MAX, &data, &len)))
                return r;
        /* One line: a trailing newline (or CRLF) is not part of it. */
        while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
                len--;
        for (size_t i = 0; i < len && !r; i++)
                if (data[i] <= ' ' || data[i] >= 0x7f)
                        r = error_set(EXIT_BAD_INPUT,
                                      "%s: the token must be printable ASCII without blanks", file);
        if (!r && len < 16)
                r = error_set(EXIT_BAD_INPUT, "%s: the token must have at least 16 characters",
                              file);
        if (!r) {
                sha256(data, len, srv->token_hash);
                srv->token = true;
        }
        OPENSSL_cleanse(data, len);
        free(data);
        return r;
}

bool serve_token_check(const struct server *srv, const char *authorization)
{
        static const char scheme[] = "Bearer ";
        unsigned char given[SHA256_DIGEST_LENGTH];
        const char *token;
        bool ok;

        if (!srv->token)
                return true;
        if (!authorization || strncasecmp(authorization, scheme, strlen(scheme)) != 0)
                return false;
        token = authorization + strlen(scheme);
        while (*token == ' ')
                token++;
        sha256((const unsigned char *)token, strlen(token), given);
        ok = CRYPTO_memcmp(given, srv->token_hash, sizeof(given)) == 0;
        OPENSSL_cleanse(given, sizeof(given));
        return ok;
}
