/* Keystore objects read without FAPI; see fapi_object.h. The rules follow
 * tpm2-tss 3.2.1's JSON reader (tpm_json_deserialize.c): a field is found by
 * its name or its name in lower case, numbers may be decimal or "0x" hex
 * text, algorithm and curve names may carry TPM2_ALG_ style prefixes. */
#include "fapi_object.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <tss2/tss2_mu.h>
#include <unistd.h>

#include "cleanup.h"
#include "errors.h"
#include "hex.h"
#include "jsonfile.h"
#include "names.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Every error names the field, from the object's top: "public.publicArea.x". */
static int bad(const char *field, const char *what)
{
        return error_set(EXIT_BAD_INPUT, "keystore object field %s: %s", field, what);
}

/* A member by its name, else by its name in lower case (as FAPI looks). */
static json_object *member(json_object *obj, const char *name)
{
        char lower[64];
        json_object *v;
        size_t i;

        if (!json_object_is_type(obj, json_type_object))
                return NULL;
        if (json_object_object_get_ex(obj, name, &v))
                return v;
        for (i = 0; name[i] && i + 1 < sizeof(lower); i++)
                lower[i] = (char)tolower((unsigned char)name[i]);
        lower[i] = '\0';
        return json_object_object_get_ex(obj, lower, &v) ? v : NULL;
}

/* A JSON number, or text of a decimal or 0x-hex number, as FAPI reads them. */
static bool number(json_object *v, int64_t *out)
{
        const char *s, *digits;
        char *end;

        if (json_object_is_type(v, json_type_int)) {
                errno = 0;
                *out = json_object_get_int64(v);
                return errno == 0;
        }
        if (!json_object_is_type(v, json_type_string))
                return false;
        s = json_object_get_string(v);
        if (strncmp(s, "0x", 2) == 0) {
                digits = s + 2;
                if (!isxdigit((unsigned char)*digits))
                        return false;
                errno = 0;
                unsigned long long u = strtoull(digits, &end, 16);
                if (errno || *end || u > INT64_MAX)
                        return false;
                *out = (int64_t)u;
                return true;
        }
        digits = *s == '-' ? s + 1 : s;
        if (!isdigit((unsigned char)*digits))
                return false;
        errno = 0;
        long long n = strtoll(s, &end, 10);
        if (errno || *end)
                return false;
        *out = n;
        return true;
}

static int uint_field(json_object *v, const char *field, uint64_t max, uint64_t *out)
{
        int64_t n;

        if (!v)
                return bad(field, "missing");
        if (!number(v, &n) || n < 0 || (uint64_t)n > max)
                return bad(field, "not a number in range");
        *out = (uint64_t)n;
        return 0;
}

static int u16_field(json_object *v, const char *field, uint16_t *out)
{
        uint64_t n;
        int r = uint_field(v, field, UINT16_MAX, &n);

        if (!r)
                *out = (uint16_t)n;
        return r;
}

/* Skips each prefix in turn where present, case-insensitively. */
static const char *strip(const char *s, const char *const *prefixes)
{
        for (; *prefixes; prefixes++)
                if (strncasecmp(s, *prefixes, strlen(*prefixes)) == 0)
                        s += strlen(*prefixes);
        return s;
}

/* An algorithm by FAPI's name or number, one of `allowed` (ending with
 * TPM2_ALG_ERROR, which no field takes). */
static int alg_field(json_object *v, const char *field, const TPM2_ALG_ID *allowed,
                     TPM2_ALG_ID *out)
{
        static const char *const prefixes[] = {"TPM_", "TPM2_", "ALG_", "ID_", NULL};
        TPM2_ALG_ID alg = TPM2_ALG_ERROR;
        int64_t n;

        if (!v)
                return bad(field, "missing");
        if (json_object_is_type(v, json_type_string) &&
            alg_from_name(strip(json_object_get_string(v), prefixes), &alg))
                ;
        else if (number(v, &n) && n >= 0 && n <= UINT16_MAX)
                alg = (TPM2_ALG_ID)n;
        else
                return bad(field, "not an algorithm");
        for (; *allowed != TPM2_ALG_ERROR; allowed++) {
                if (*allowed == alg) {
                        *out = alg;
                        return 0;
                }
        }
        return bad(field, "an algorithm this field cannot hold");
}

static const TPM2_ALG_ID hash_algs[] = {TPM2_ALG_SHA1,   TPM2_ALG_SHA256,  TPM2_ALG_SHA384,
                                        TPM2_ALG_SHA512, TPM2_ALG_SM3_256, TPM2_ALG_NULL,
                                        TPM2_ALG_ERROR};

static int hash_field(json_object *v, const char *field, TPMI_ALG_HASH *out)
{
        return alg_field(v, field, hash_algs, out);
}

/* Bytes as hex text (optionally "0x") or as an array of numbers. */
static int bytes_field(json_object *v, const char *field, size_t max, uint8_t *out, uint16_t *size)
{
        if (!v)
                return bad(field, "missing");
        if (json_object_is_type(v, json_type_array)) {
                size_t n = json_object_array_length(v);
                if (n > max)
                        return bad(field, "too many bytes");
                for (size_t i = 0; i < n; i++) {
                        int64_t b;
                        if (!number(json_object_array_get_idx(v, i), &b) || b < 0 || b > 255)
                                return bad(field, "not an array of bytes");
                        out[i] = (uint8_t)b;
                }
                *size = (uint16_t)n;
                return 0;
        }
        if (json_object_is_type(v, json_type_string)) {
                const char *hex = json_object_get_string(v);
                size_t len = (size_t)json_object_get_string_len(v), n = 0;
                if (strncmp(hex, "0x", 2) == 0) {
                        hex += 2;
                        len -= 2;
                }
                if (len % 2 || len / 2 > max)
                        return bad(field, len % 2 ? "odd number of hex digits" : "too many bytes");
                for (size_t i = 0; i < len; i += 2) {
                        unsigned hi, lo;
                        if (!isxdigit((unsigned char)hex[i]) ||
                            !isxdigit((unsigned char)hex[i + 1]))
                                return bad(field, "not hex");
                        hi = (unsigned)OPENSSL_hexchar2int((unsigned char)hex[i]);
                        lo = (unsigned)OPENSSL_hexchar2int((unsigned char)hex[i + 1]);
                        out[n++] = (uint8_t)(hi << 4 | lo);
                }
                *size = (uint16_t)n;
                return 0;
        }
        return bad(field, "neither hex text nor an array of bytes");
}

/* A boolean as FAPI's attribute reader takes it: YES/NO, 1/0, set/on/off,
 * and JSON's true/false. */
static bool flag_value(json_object *v, bool *out)
{
        static const char *const prefixes[] = {"TPM_", "TPM2_", "TPMI_", NULL};
        const char *s;
        int64_t n;

        if (json_object_is_type(v, json_type_boolean)) {
                *out = json_object_get_boolean(v);
                return true;
        }
        if (number(v, &n)) {
                *out = n == 1;
                return n == 0 || n == 1;
        }
        if (!json_object_is_type(v, json_type_string))
                return false;
        s = strip(json_object_get_string(v), prefixes);
        if (!strcasecmp(s, "YES") || !strcasecmp(s, "set") || !strcasecmp(s, "on"))
                *out = true;
        else if (!strcasecmp(s, "NO") || !strcasecmp(s, "off"))
                *out = false;
        else
                return false;
        return true;
}

static bool attribute_bit(const char *name, TPMA_OBJECT *bit)
{
        static const char *const prefixes[] = {"TPM_", "TPM2_", "TPMA_", "OBJECT_", NULL};

        name = strip(name, prefixes);
        for (size_t i = 0; i < object_attributes_count; i++) {
                if (strcasecmp(name, object_attributes[i].name) == 0) {
                        *bit = object_attributes[i].bit;
                        return true;
                }
        }
        return false;
}

/* {"fixedTPM": 1, ...}, ["fixedTPM", ...] or a number. */
static int attributes_field(json_object *v, const char *field, TPMA_OBJECT *out)
{
        TPMA_OBJECT bit;
        uint64_t n;

        *out = 0;
        if (!v)
                return bad(field, "missing");
        if (json_object_is_type(v, json_type_object)) {
                json_object_object_foreach(v, key, val)
                {
                        bool set;
                        if (!attribute_bit(key, &bit))
                                return bad(field, "unknown attribute");
                        if (!flag_value(val, &set))
                                return bad(field, "an attribute that is neither set nor clear");
                        if (set)
                                *out |= bit;
                }
                return 0;
        }
        if (json_object_is_type(v, json_type_array)) {
                for (size_t i = 0; i < json_object_array_length(v); i++) {
                        json_object *e = json_object_array_get_idx(v, i);
                        if (!json_object_is_type(e, json_type_string) ||
                            !attribute_bit(json_object_get_string(e), &bit))
                                return bad(field, "unknown attribute");
                        *out |= bit;
                }
                return 0;
        }
        if (uint_field(v, field, UINT32_MAX, &n))
                return EXIT_BAD_INPUT;
        *out = (TPMA_OBJECT)n;
        return 0;
}

/* A key size out of a list ending with 0. */
static int bits_field(json_object *v, const char *field, const uint16_t *allowed, uint16_t *out)
{
        int r = u16_field(v, field, out);

        if (r)
                return r;
        for (; *allowed; allowed++)
                if (*allowed == *out)
                        return 0;
        return bad(field, "a key size this field cannot hold");
}

static int sym_field(json_object *v, const char *field, TPMT_SYM_DEF_OBJECT *out)
{
        static const TPM2_ALG_ID algs[] = {TPM2_ALG_AES, TPM2_ALG_CAMELLIA, TPM2_ALG_SM4,
                                           TPM2_ALG_NULL, TPM2_ALG_ERROR};
        static const TPM2_ALG_ID modes[] = {TPM2_ALG_CTR,  TPM2_ALG_OFB, TPM2_ALG_CBC,
                                            TPM2_ALG_CFB,  TPM2_ALG_ECB, TPM2_ALG_NULL,
                                            TPM2_ALG_ERROR};
        static const uint16_t aes_bits[] = {128, 192, 256, 0}, sm4_bits[] = {128, 0};
        int r;

        if (!v)
                return bad(field, "missing");
        if ((r = alg_field(member(v, "algorithm"), "symmetric.algorithm", algs, &out->algorithm)))
                return r;
        if (out->algorithm == TPM2_ALG_NULL)
                return 0;
        if ((r = bits_field(member(v, "keyBits"), "symmetric.keyBits",
                            out->algorithm == TPM2_ALG_SM4 ? sm4_bits : aes_bits,
                            &out->keyBits.sym)))
                return r;
        return alg_field(member(v, "mode"), "symmetric.mode", modes, &out->mode.sym);
}

/* The details of a signing, encryption or key-exchange scheme. */
static int scheme_details(json_object *details, TPM2_ALG_ID scheme, TPMU_ASYM_SCHEME *out)
{
        switch (scheme) {
        case TPM2_ALG_NULL:
        case TPM2_ALG_RSAES:
                return 0;
        case TPM2_ALG_ECDAA:
                if (!details)
                        return bad("scheme.details", "missing");
                return hash_field(member(details, "hashAlg"), "scheme.details.hashAlg",
                                  &out->ecdaa.hashAlg) ||
                       u16_field(member(details, "count"), "scheme.details.count",
                                 &out->ecdaa.count);
        default:
                if (!details)
                        return bad("scheme.details", "missing");
                return hash_field(member(details, "hashAlg"), "scheme.details.hashAlg",
                                  &out->anySig.hashAlg);
        }
}

static int asym_scheme_field(json_object *v, const TPM2_ALG_ID *allowed, TPM2_ALG_ID *scheme,
                             TPMU_ASYM_SCHEME *details)
{
        int r;

        if (!v)
                return bad("scheme", "missing");
        if ((r = alg_field(member(v, "scheme"), "scheme.scheme", allowed, scheme)))
                return r;
        return scheme_details(member(v, "details"), *scheme, details) ? EXIT_BAD_INPUT : 0;
}

static int rsa_parms(json_object *v, TPMS_RSA_PARMS *out)
{
        static const TPM2_ALG_ID schemes[] = {TPM2_ALG_RSAES,  TPM2_ALG_OAEP, TPM2_ALG_RSASSA,
                                              TPM2_ALG_RSAPSS, TPM2_ALG_NULL, TPM2_ALG_ERROR};
        /* FAPI 3.2.1 reads 1024 and 2048; the others are the TPM's. */
        static const uint16_t bits[] = {1024, 2048, 3072, 4096, 0};
        uint64_t exponent;
        int r;

        if ((r = sym_field(member(v, "symmetric"), "symmetric", &out->symmetric)) ||
            (r = asym_scheme_field(member(v, "scheme"), schemes, &out->scheme.scheme,
                                   &out->scheme.details)) ||
            (r = bits_field(member(v, "keyBits"), "keyBits", bits, &out->keyBits)) ||
            (r = uint_field(member(v, "exponent"), "exponent", UINT32_MAX, &exponent)))
                return r;
        out->exponent = (UINT32)exponent;
        return 0;
}

static int curve_field(json_object *v, TPMI_ECC_CURVE *out)
{
        static const char *const prefixes[] = {"TPM_", "TPM2_", "ECC_", "CURVE_", NULL};
        static const struct {
                TPMI_ECC_CURVE id;
                const char *name;
        } curves[] = {
            {TPM2_ECC_NONE, "NONE"},           {TPM2_ECC_NIST_P192, "NIST_P192"},
            {TPM2_ECC_NIST_P224, "NIST_P224"}, {TPM2_ECC_NIST_P256, "NIST_P256"},
            {TPM2_ECC_NIST_P384, "NIST_P384"}, {TPM2_ECC_NIST_P521, "NIST_P521"},
            {TPM2_ECC_BN_P256, "BN_P256"},     {TPM2_ECC_BN_P638, "BN_P638"},
            {TPM2_ECC_SM2_P256, "SM2_P256"},
        };
        uint16_t id;

        if (!v)
                return bad("curveID", "missing");
        if (json_object_is_type(v, json_type_string)) {
                const char *name = strip(json_object_get_string(v), prefixes);
                for (size_t i = 0; i < COUNT(curves); i++) {
                        if (strcasecmp(name, curves[i].name) == 0) {
                                *out = curves[i].id;
                                return 0;
                        }
                }
        }
        if (u16_field(v, "curveID", &id))
                return EXIT_BAD_INPUT;
        for (size_t i = 0; i < COUNT(curves); i++) {
                if (curves[i].id == id) {
                        *out = id;
                        return 0;
                }
        }
        return bad("curveID", "not a curve");
}

static int ecc_parms(json_object *v, TPMS_ECC_PARMS *out)
{
        static const TPM2_ALG_ID schemes[] = {TPM2_ALG_ECDSA,     TPM2_ALG_ECDAA, TPM2_ALG_SM2,
                                              TPM2_ALG_ECSCHNORR, TPM2_ALG_ECDH,  TPM2_ALG_NULL,
                                              TPM2_ALG_ERROR};
        static const TPM2_ALG_ID kdfs[] = {TPM2_ALG_MGF1, TPM2_ALG_KDF1_SP800_56A,
                                           TPM2_ALG_KDF1_SP800_108, TPM2_ALG_NULL, TPM2_ALG_ERROR};
        json_object *kdf;
        int r;

        if ((r = sym_field(member(v, "symmetric"), "symmetric", &out->symmetric)) ||
            (r = asym_scheme_field(member(v, "scheme"), schemes, &out->scheme.scheme,
                                   &out->scheme.details)) ||
            (r = curve_field(member(v, "curveID"), &out->curveID)))
                return r;
        if (!(kdf = member(v, "kdf")))
                return bad("kdf", "missing");
        if ((r = alg_field(member(kdf, "scheme"), "kdf.scheme", kdfs, &out->kdf.scheme)))
                return r;
        if (out->kdf.scheme == TPM2_ALG_NULL)
                return 0;
        if (!member(kdf, "details"))
                return bad("kdf.details", "missing");
        return hash_field(member(member(kdf, "details"), "hashAlg"), "kdf.details.hashAlg",
                          &out->kdf.details.mgf1.hashAlg);
}

static int keyedhash_parms(json_object *v, TPMS_KEYEDHASH_PARMS *out)
{
        static const TPM2_ALG_ID schemes[] = {TPM2_ALG_HMAC, TPM2_ALG_XOR, TPM2_ALG_NULL,
                                              TPM2_ALG_ERROR};
        static const TPM2_ALG_ID kdfs[] = {TPM2_ALG_MGF1, TPM2_ALG_KDF1_SP800_56A,
                                           TPM2_ALG_KDF1_SP800_108, TPM2_ALG_NULL, TPM2_ALG_ERROR};
        json_object *scheme = member(v, "scheme"), *details;
        int r;

        if (!scheme)
                return bad("scheme", "missing");
        if ((r = alg_field(member(scheme, "scheme"), "scheme.scheme", schemes,
                           &out->scheme.scheme)))
                return r;
        if (out->scheme.scheme == TPM2_ALG_NULL)
                return 0;
        if (!(details = member(scheme, "details")))
                return bad("scheme.details", "missing");
        if ((r = hash_field(member(details, "hashAlg"), "scheme.details.hashAlg",
                            &out->scheme.details.hmac.hashAlg)))
                return r;
        if (out->scheme.scheme == TPM2_ALG_XOR)
                return alg_field(member(details, "kdf"), "scheme.details.kdf", kdfs,
                                 &out->scheme.details.exclusiveOr.kdf);
        return 0;
}

static int public_area(json_object *v, TPMT_PUBLIC *out)
{
        static const TPM2_ALG_ID types[] = {TPM2_ALG_RSA, TPM2_ALG_KEYEDHASH, TPM2_ALG_ECC,
                                            TPM2_ALG_SYMCIPHER, TPM2_ALG_ERROR};
        json_object *parms, *unique;
        int r;

        if (!json_object_is_type(v, json_type_object))
                return bad("public.publicArea", "missing or not an object");
        if ((r = alg_field(member(v, "type"), "type", types, &out->type)) ||
            (r = hash_field(member(v, "nameAlg"), "nameAlg", &out->nameAlg)) ||
            (r = attributes_field(member(v, "objectAttributes"), "objectAttributes",
                                  &out->objectAttributes)) ||
            (r = bytes_field(member(v, "authPolicy"), "authPolicy", sizeof(TPMU_HA),
                             out->authPolicy.buffer, &out->authPolicy.size)))
                return r;
        if (!json_object_is_type(parms = member(v, "parameters"), json_type_object))
                return bad("parameters", "missing or not an object");
        if (!(unique = member(v, "unique")))
                return bad("unique", "missing");
        switch (out->type) {
        case TPM2_ALG_RSA:
                return rsa_parms(parms, &out->parameters.rsaDetail) ||
                       bytes_field(unique, "unique", TPM2_MAX_RSA_KEY_BYTES, out->unique.rsa.buffer,
                                   &out->unique.rsa.size);
        case TPM2_ALG_ECC:
                return ecc_parms(parms, &out->parameters.eccDetail) ||
                       bytes_field(member(unique, "x"), "unique.x", TPM2_MAX_ECC_KEY_BYTES,
                                   out->unique.ecc.x.buffer, &out->unique.ecc.x.size) ||
                       bytes_field(member(unique, "y"), "unique.y", TPM2_MAX_ECC_KEY_BYTES,
                                   out->unique.ecc.y.buffer, &out->unique.ecc.y.size);
        case TPM2_ALG_KEYEDHASH:
                return keyedhash_parms(parms, &out->parameters.keyedHashDetail) ||
                       bytes_field(unique, "unique", sizeof(TPMU_HA), out->unique.keyedHash.buffer,
                                   &out->unique.keyedHash.size);
        default: /* TPM2_ALG_SYMCIPHER */
                return sym_field(member(parms, "sym"), "parameters.sym",
                                 &out->parameters.symDetail.sym) ||
                       bytes_field(unique, "unique", sizeof(TPMU_HA), out->unique.sym.buffer,
                                   &out->unique.sym.size);
        }
}

int fapi_object_public(json_object *public, TPM2B_PUBLIC *out)
{
        uint8_t buf[sizeof(TPMT_PUBLIC)];
        size_t offset = 0;
        uint16_t size;
        TSS2_RC rc;
        int r;

        memset(out, 0, sizeof(*out));
        if (!json_object_is_type(public, json_type_object))
                return bad("public", "missing or not an object");
        /* FAPI requires the size, and ignores its value when marshalling. */
        if ((r = u16_field(member(public, "size"), "public.size", &size)))
                return r;
        if (public_area(member(public, "publicArea"), &out->publicArea))
                return EXIT_BAD_INPUT;
        rc = Tss2_MU_TPMT_PUBLIC_Marshal(&out->publicArea, buf, sizeof(buf), &offset);
        if (rc != TSS2_RC_SUCCESS)
                return error_rc(rc, "keystore object field public: cannot be marshalled");
        out->size = (UINT16)offset;
        return 0;
}

int fapi_object_private(json_object *private, TPM2B_PRIVATE *out)
{
        memset(out, 0, sizeof(*out));
        if (!private)
                return 0;
        if (!json_object_is_type(private, json_type_string))
                return bad("private", "not hex text");
        return bytes_field(private, "private", sizeof(out->buffer), out->buffer, &out->size);
}

/* Not a FAPI field: FAPI 3.2.1 ignores it, and drops it when it rewrites the
 * object, which leaves with_auth YES, the safe side. */
#define AUTH_UNKNOWN_FIELD "tpmctl_auth_unknown"

static const char *json_str(json_object *obj, const char *key)
{
        json_object *v;
        return json_object_object_get_ex(obj, key, &v) ? json_object_get_string(v) : NULL;
}

/* SHA-256 of the object's private blob, in hex; false without one. */
static bool private_digest(json_object *obj, char out[2 * 32 + 1])
{
        const char *hex = json_str(obj, "private");
        unsigned char digest[32];
        unsigned char *blob;
        long len = 0;
        bool ok;

        if (!hex || !*hex || !(blob = OPENSSL_hexstr2buf(hex, &len)))
                return false;
        ok = EVP_Digest(blob, (size_t)len, digest, NULL, EVP_sha256(), NULL) == 1;
        OPENSSL_free(blob);
        if (ok)
                hex_encode(digest, sizeof(digest), out);
        return ok;
}

bool keystore_object_with_auth(json_object *obj)
{
        const char *with_auth = json_str(obj, "with_auth");

        return with_auth && strcmp(with_auth, "YES") == 0;
}

enum object_auth object_auth(json_object *obj)
{
        const char *unknown_for = json_str(obj, AUTH_UNKNOWN_FIELD);
        char digest[2 * 32 + 1];

        if (!keystore_object_with_auth(obj))
                return OBJECT_AUTH_NO;
        if (unknown_for && private_digest(obj, digest) && strcmp(unknown_for, digest) == 0)
                return OBJECT_AUTH_UNKNOWN;
        return OBJECT_AUTH_YES;
}

int object_auth_record(json_object *obj, enum object_auth auth)
{
        char digest[2 * 32 + 1];

        json_object_object_del(obj, AUTH_UNKNOWN_FIELD);
        if (auth == OBJECT_AUTH_UNKNOWN) {
                if (!private_digest(obj, digest))
                        return error_set(EXIT_TPM, "cannot record that the password is unknown");
                json_object_object_add(obj, AUTH_UNKNOWN_FIELD, json_object_new_string(digest));
        }
        json_object_object_add(obj, "with_auth",
                               json_object_new_string(auth == OBJECT_AUTH_NO ? "NO" : "YES"));
        return 0;
}

unsigned keystore_object_persistent_handle(json_object *obj)
{
        json_object *v;
        int64_t handle;

        if (!json_object_object_get_ex(obj, "persistent_handle", &v))
                return 0;
        handle = json_object_get_int64(v);
        return handle > 0 && handle <= UINT32_MAX ? (unsigned)handle : 0;
}

/* FAPI's "serialization" is what Esys_TR_Serialize wrote: the handle, then
 * the name (a TPM2B_NAME), then the rest. Nothing readable: size 0. */
static void serialized_name(json_object *obj, TPM2B_NAME *name)
{
        const char *text = json_str(obj, "serialization");
        uint8_t bytes[4 + sizeof(TPM2B_NAME) + sizeof(TPM2B_NV_PUBLIC) + 16];
        size_t len = 0, offset = 4;

        memset(name, 0, sizeof(*name));
        if (!text || !hex_decode(text, bytes, sizeof(bytes), &len) || len < offset ||
            Tss2_MU_TPM2B_NAME_Unmarshal(bytes, len, &offset, name) != TSS2_RC_SUCCESS)
                memset(name, 0, sizeof(*name));
}

int keystore_object_nv(json_object *obj, const char *full_path, struct keystore_nv *nv)
{
        json_object *pub, *nvpub, *v;

        memset(nv, 0, sizeof(*nv));
        if (!json_object_object_get_ex(obj, "public", &pub) ||
            !json_object_object_get_ex(pub, "nvPublic", &nvpub) ||
            !json_object_object_get_ex(nvpub, "attributes", &nv->attributes) ||
            !json_object_is_type(nv->attributes, json_type_object))
                return error_set(EXIT_BAD_INPUT, "%s is not an NV index the keystore describes",
                                 full_path);
        if (json_object_object_get_ex(nvpub, "nvIndex", &v))
                nv->handle = (unsigned)json_object_get_int64(v);
        if (json_object_object_get_ex(nvpub, "dataSize", &v))
                nv->size = (unsigned)json_object_get_int64(v);
        nv->name_alg = json_str(nvpub, "nameAlg");
        nv->type = json_str(nv->attributes, "TPM2_NT");
        nv->has_policy =
            json_object_object_get_ex(nvpub, "authPolicy", &v) && json_object_get_string_len(v) > 0;
        nv->written =
            json_object_object_get_ex(nv->attributes, "WRITTEN", &v) && json_object_get_int(v);
        serialized_name(obj, &nv->name);
        return 0;
}

int keystore_object_nv_set_written(json_object *obj, const char *full_path,
                                   const uint8_t *serialized, size_t len)
{
        _cleanup_free_ char *text = malloc(2 * len + 1);
        struct keystore_nv nv;
        int r;

        if (!text)
                return error_set(EXIT_TPM, "out of memory");
        if ((r = keystore_object_nv(obj, full_path, &nv)))
                return r;
        hex_encode(serialized, len, text);
        json_object_object_add(nv.attributes, "WRITTEN", json_object_new_int(1));
        json_object_object_add(obj, "serialization", json_object_new_string(text));
        return 0;
}

const char *keystore_object_description(json_object *obj)
{
        const char *d = json_str(obj, "description");
        return d ? d : "";
}

const char *keystore_object_signing_scheme(json_object *obj)
{
        json_object *scheme;

        return json_object_object_get_ex(obj, "signing_scheme", &scheme)
                   ? json_str(scheme, "scheme")
                   : NULL;
}

json_object *keystore_object_policy(json_object *obj)
{
        json_object *policy;
        return json_object_object_get_ex(obj, "policy", &policy) ? policy : NULL;
}

const char *keystore_object_ext_public_pem(json_object *obj)
{
        json_object *type;

        if (!json_object_object_get_ex(obj, "objectType", &type) ||
            json_object_get_int(type) != FAPI_OBJECT_EXT_PUB_KEY)
                return NULL;
        return json_str(obj, "pem_ext_public");
}

void keystore_object_file_in(const char *keystore_dir, const char *full_path, char *file,
                             size_t size)
{
        snprintf(file, size, "%s%s/object.json", keystore_dir, full_path);
}

bool object_file(const struct tpm *tpm, const char *full_path, char *file, size_t size)
{
        const char *dirs[] = {tpm->setup.user_dir, tpm->setup.system_dir};

        for (size_t i = 0; i < 2; i++) {
                int n = snprintf(file, size, "%s%s/object.json", dirs[i], full_path);
                if (n > 0 && (size_t)n < size && access(file, F_OK) == 0)
                        return true;
        }
        return false;
}

int keystore_object_stat(const struct tpm *tpm, const char *full_path, struct stat *st)
{
        char file[PATH_MAX * 2];

        keystore_object_file_in(tpm->setup.user_dir, full_path, file, sizeof(file));
        if (stat(file, st) == 0)
                return 0;
        keystore_object_file_in(tpm->setup.system_dir, full_path, file, sizeof(file));
        if (stat(file, st) == 0)
                return 0;
        if (errno == ENOENT || errno == ENOTDIR)
                return error_set(EXIT_NOT_FOUND, "%s is no longer in the keystore", full_path);
        return error_set(EXIT_TPM, "cannot read %s: %s", file, strerror(errno));
}

int object_json(const struct tpm *tpm, const char *full_path, json_object **out)
{
        char file[PATH_MAX * 2];

        if (!object_file(tpm, full_path, file, sizeof(file)))
                return error_set(EXIT_NOT_FOUND, "no object %s in the keystore; see `tpmctl list`",
                                 full_path);
        return json_file_read(file, out);
}

static void stamp_of(const struct stat *st, struct file_stamp *stamp)
{
        stamp->dev = st->st_dev;
        stamp->ino = st->st_ino;
        stamp->mtime = st->st_mtim;
        stamp->size = st->st_size;
}

/* The file's text through one descriptor, and the stamp of what was read. */
static int read_stamped(const char *file, char **text, size_t *len, struct file_stamp *stamp)
{
        _cleanup_close_ int fd = open(file, O_RDONLY | O_CLOEXEC);
        _cleanup_free_ char *buf = NULL;
        struct stat st;
        size_t got = 0;

        if (fd < 0)
                return error_set(errno == ENOENT ? EXIT_NOT_FOUND : EXIT_BAD_INPUT,
                                 "cannot read %s: %s", file, strerror(errno));
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
                return error_set(EXIT_BAD_INPUT, "%s is not a regular file", file);
        if ((uint64_t)st.st_size > JSON_MAX_BYTES)
                return error_set(EXIT_BAD_INPUT, "%s: larger than %u bytes", file, JSON_MAX_BYTES);
        if (!(buf = malloc((size_t)st.st_size + 1)))
                return error_set(EXIT_TPM, "out of memory");
        while (got < (size_t)st.st_size) {
                ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return error_set(EXIT_BAD_INPUT, "cannot read %s: %s", file,
                                         n ? strerror(errno) : "it shrank while being read");
                got += (size_t)n;
        }
        buf[got] = '\0';
        stamp_of(&st, stamp);
        *text = steal_ptr(buf);
        *len = got;
        return 0;
}

/* Prefixes the recorded error with the file it is about. */
static int in_file(int r, const char *file)
{
        char message[512];

        snprintf(message, sizeof(message), "%s", error_message());
        return error_set(r, "%s: %s", file, message);
}

int keystore_object_read_file(const char *file, const char *full_path, struct keystore_object *o)
{
        _cleanup_free_ char *text = NULL;
        json_object *v;
        size_t len = 0;
        uint64_t n;
        int r;

        memset(o, 0, sizeof(*o));
        snprintf(o->path, sizeof(o->path), "%s", full_path);
        snprintf(o->file, sizeof(o->file), "%s", file);
        if ((r = read_stamped(file, &text, &len, &o->stamp)))
                return r;
        if ((r = json_parse_strict(text, len, file, &o->json)))
                return r;
        if (!json_object_is_type(o->json, json_type_object))
                return error_set(EXIT_BAD_INPUT, "%s: not a keystore object", file);
        if (uint_field(member(o->json, "objectType"), "objectType", INT32_MAX, &n))
                return in_file(EXIT_BAD_INPUT, file);
        o->type = (int)n;
        if (o->type == FAPI_OBJECT_KEY || o->type == FAPI_OBJECT_EXT_PUB_KEY) {
                if ((r = fapi_object_public(member(o->json, "public"), &o->public)))
                        return in_file(r, file);
                o->has_public = true;
        }
        if (o->type != FAPI_OBJECT_KEY)
                return 0;
        if ((r = fapi_object_private(member(o->json, "private"), &o->private)))
                return in_file(r, file);
        if (uint_field(member(o->json, "persistent_handle"), "persistent_handle", UINT32_MAX, &n))
                return in_file(EXIT_BAD_INPUT, file);
        o->persistent = (unsigned)n;
        if ((v = member(o->json, "with_auth")) && !flag_value(v, &o->with_auth))
                return in_file(bad("with_auth", "neither YES nor NO"), file);
        o->auth = object_auth(o->json);
        o->has_policy = member(o->json, "policy") != NULL;
        return 0;
}

int keystore_object_read(const struct tpm *tpm, const char *user_path, struct keystore_object *o)
{
        char full[FAPI_PATH_MAX], file[PATH_MAX * 2];
        int r;

        memset(o, 0, sizeof(*o));
        if ((r = object_resolve(tpm, user_path, full, sizeof(full))))
                return r;
        if (!object_file(tpm, full, file, sizeof(file)))
                return error_set(EXIT_NOT_FOUND, "no object %s in the keystore; see `tpmctl list`",
                                 full);
        return keystore_object_read_file(file, full, o);
}

bool keystore_object_changed(const struct keystore_object *o)
{
        struct file_stamp now;
        struct stat st;

        if (stat(o->file, &st) < 0)
                return true;
        stamp_of(&st, &now);
        return now.dev != o->stamp.dev || now.ino != o->stamp.ino || now.size != o->stamp.size ||
               now.mtime.tv_sec != o->stamp.mtime.tv_sec ||
               now.mtime.tv_nsec != o->stamp.mtime.tv_nsec;
}

int keystore_object_blobs(const struct keystore_object *o, uint8_t *pub, size_t pub_max,
                          size_t *pub_size, uint8_t *priv, size_t priv_max, size_t *priv_size)
{
        TSS2_RC rc;

        *pub_size = *priv_size = 0;
        if (!o->has_public)
                return error_set(EXIT_BAD_INPUT, "%s is not a key", o->path);
        if ((rc = Tss2_MU_TPM2B_PUBLIC_Marshal(&o->public, pub, pub_max, pub_size)) ||
            (rc = Tss2_MU_TPM2B_PRIVATE_Marshal(&o->private, priv, priv_max, priv_size)))
                return error_rc(rc, "marshalling %s", o->path);
        return 0;
}

void keystore_object_free(struct keystore_object *o)
{
        OPENSSL_cleanse(&o->private, sizeof(o->private));
        json_object_put(o->json);
        o->json = NULL;
}
