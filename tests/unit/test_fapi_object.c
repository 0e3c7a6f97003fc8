/* Keystore objects read without FAPI: the marshalled public and private
 * areas must be exactly what Fapi_GetTpmBlobs (tpm2-tss 3.2.1) returned for
 * the same object.json, recorded in tests/unit/fixtures/fapi_object (one
 * NAME.json as FAPI wrote it, NAME.expected: the public and the private
 * blob in hex, one a line); and malformed objects fail cleanly. Objects
 * written (import, auth change) read back the same, atomically and 0600. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/cleanup.h"
#include "../../src/context.h"
#include "../../src/errors.h"
#include "../../src/fapi_object.h"
#include "../../src/hex.h"
#include "../../src/jsonfile.h"
#include "../../src/keystore.h"

static const char *fixtures(void)
{
        const char *dir = getenv("TEST_FIXTURES");
        return dir ? dir : "tests/unit/fixtures";
}

static void check_fixture(const char *dir, const char *name)
{
        char json[8192], expected[8192], pub_hex[2 * sizeof(TPM2B_PUBLIC) + 2],
            priv_hex[2 * sizeof(TPM2B_PRIVATE) + 2], got[2 * sizeof(TPM2B_PRIVATE) + 1];
        uint8_t pub[sizeof(TPM2B_PUBLIC)], priv[sizeof(TPM2B_PRIVATE)];
        struct keystore_object o;
        size_t pub_size, priv_size;
        FILE *f;

        snprintf(json, sizeof(json), "%s/%s", dir, name);
        strcpy(json + strlen(json) - strlen(".expected"), ".json");
        snprintf(expected, sizeof(expected), "%s/%s", dir, name);
        assert_non_null(f = fopen(expected, "r"));
        assert_non_null(fgets(pub_hex, sizeof(pub_hex), f));
        assert_non_null(fgets(priv_hex, sizeof(priv_hex), f));
        fclose(f);
        pub_hex[strcspn(pub_hex, "\n")] = '\0';
        priv_hex[strcspn(priv_hex, "\n")] = '\0';

        if (keystore_object_read_file(json, "/fixture", &o) != 0)
                fail_msg("%s: %s", json, error_message());
        assert_int_equal(o.type, FAPI_OBJECT_KEY);
        assert_int_equal(
            keystore_object_blobs(&o, pub, sizeof(pub), &pub_size, priv, sizeof(priv), &priv_size),
            0);
        hex_encode(pub, pub_size, got);
        if (strcmp(got, pub_hex) != 0)
                fail_msg("%s: public differs from Fapi_GetTpmBlobs's", json);
        hex_encode(priv, priv_size, got);
        if (strcmp(got, priv_hex) != 0)
                fail_msg("%s: private differs from Fapi_GetTpmBlobs's", json);
        /* The keystore's own fields. */
        assert_int_equal(o.has_policy, json_object_object_get_ex(o.json, "policy", NULL));
        keystore_object_free(&o);
}

static void marshalled_as_fapi_does(void **state)
{
        char dir[4096];
        struct dirent *e;
        DIR *d;
        int n = 0;

        (void)state;
        snprintf(dir, sizeof(dir), "%s/fapi_object", fixtures());
        assert_non_null(d = opendir(dir));
        while ((e = readdir(d))) {
                size_t len = strlen(e->d_name);
                if (len > 9 && strcmp(e->d_name + len - 9, ".expected") == 0) {
                        check_fixture(dir, e->d_name);
                        n++;
                }
        }
        closedir(d);
        /* RSA, ECC P-256 and P-384 of each type, SRKs, EKs, sealed data,
         * policies, passwords, a persistent key, tpm2-tools imports. */
        assert_true(n >= 25);
}

static int public_of(const char *text, TPM2B_PUBLIC *pub)
{
        json_object *obj = NULL;
        int r;

        assert_int_equal(json_parse_strict(text, strlen(text), "test", &obj), 0);
        r = fapi_object_public(obj, pub);
        json_object_put(obj);
        return r;
}

#define RSA_PARMS                                                                                  \
        "\"parameters\":{\"symmetric\":{\"algorithm\":\"NULL\"},\"scheme\":{\"scheme\":"           \
        "\"NULL\"},\"keyBits\":2048,\"exponent\":0}"

/* The other spellings FAPI's reader takes: lower-case names, prefixed and
 * numeric algorithms, attributes as an array or a number, bytes as an
 * array, 0x-hex numbers. */
static void other_spellings(void **state)
{
        TPM2B_PUBLIC a, b;
        (void)state;

        assert_int_equal(public_of("{\"size\":0,\"publicArea\":{\"type\":\"RSA\",\"nameAlg\":"
                                   "\"SHA256\",\"objectAttributes\":{\"fixedTPM\":1,\"sign\":1,"
                                   "\"noDA\":\"NO\"},\"authPolicy\":\"0102\"," RSA_PARMS
                                   ",\"unique\":\"abcd\"}}",
                                   &a),
                         0);
        assert_int_equal(public_of("{\"size\":\"0x0\",\"publicarea\":{\"type\":\"TPM2_ALG_RSA\","
                                   "\"namealg\":11,\"objectattributes\":[\"TPMA_OBJECT_FIXEDTPM\","
                                   "\"SIGN\"],\"authpolicy\":[1,2],\"parameters\":{\"symmetric\":{"
                                   "\"algorithm\":\"0x10\"},\"scheme\":{\"scheme\":\"null\"},"
                                   "\"keybits\":\"2048\",\"exponent\":\"0x0\"},\"unique\":"
                                   "\"0xABCD\"}}",
                                   &b),
                         0);
        assert_memory_equal(&a, &b, sizeof(a));
        assert_int_equal(a.publicArea.objectAttributes,
                         TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_SIGN_ENCRYPT);
        assert_int_equal(a.publicArea.authPolicy.size, 2);
        assert_int_equal(public_of("{\"size\":0,\"publicArea\":{\"type\":\"RSA\",\"nameAlg\":"
                                   "\"SHA256\",\"objectAttributes\":\"0x40002\",\"authPolicy\":"
                                   "\"0102\"," RSA_PARMS ",\"unique\":[171,205]}}",
                                   &b),
                         0);
        assert_memory_equal(&a, &b, sizeof(a));
}

/* Each malformed public area: exit 3 and a line naming the field. */
static void malformed_is_bad_input(void **state)
{
        static const struct {
                const char *json, *field;
        } cases[] = {
            {"[]", "public"},
            {"{\"publicArea\":{}}", "public.size"},
            {"{\"size\":-1,\"publicArea\":{}}", "public.size"},
            {"{\"size\":0}", "public.publicArea"},
            {"{\"size\":0,\"publicArea\":{\"type\":\"DSA\"}}", "type"},
            {"{\"size\":0,\"publicArea\":{\"type\":\"RSA\",\"nameAlg\":\"AES\"}}", "nameAlg"},
            {"{\"size\":0,\"publicArea\":{\"type\":\"RSA\",\"nameAlg\":\"SHA256\","
             "\"objectAttributes\":{\"bogus\":1}}}",
             "objectAttributes"},
            {"{\"size\":0,\"publicArea\":{\"type\":\"RSA\",\"nameAlg\":\"SHA256\","
             "\"objectAttributes\":{\"sign\":\"maybe\"}}}",
             "objectAttributes"},
            {"{\"size\":0,\"publicArea\":{\"type\":\"RSA\",\"nameAlg\":\"SHA256\","
             "\"objectAttributes\":0,\"authPolicy\":\"abc\"}}",
             "authPolicy"},
            {"{\"size\":0,\"publicArea\":{\"type\":\"RSA\",\"nameAlg\":\"SHA256\","
             "\"objectAttributes\":0,\"authPolicy\":\"zz\"}}",
             "authPolicy"},
            {"{\"size\":0,\"publicArea\":{\"type\":\"RSA\",\"nameAlg\":\"SHA256\","
             "\"objectAttributes\":0,\"authPolicy\":[256]}}",
             "authPolicy"},
            {"{\"size\":0,\"publicArea\":{\"type\":\"RSA\",\"nameAlg\":\"SHA256\","
             "\"objectAttributes\":0,\"authPolicy\":\"\",\"parameters\":{\"symmetric\":{"
             "\"algorithm\":\"NULL\"},\"scheme\":{\"scheme\":\"NULL\"},\"keyBits\":1000,"
             "\"exponent\":0},\"unique\":\"\"}}",
             "keyBits"},
            {"{\"size\":0,\"publicArea\":{\"type\":\"RSA\",\"nameAlg\":\"SHA256\","
             "\"objectAttributes\":0,\"authPolicy\":\"\",\"parameters\":{\"symmetric\":{"
             "\"algorithm\":\"NULL\"},\"scheme\":{\"scheme\":\"RSAPSS\"},\"keyBits\":2048,"
             "\"exponent\":0},\"unique\":\"\"}}",
             "scheme.details"},
            {"{\"size\":0,\"publicArea\":{\"type\":\"RSA\",\"nameAlg\":\"SHA256\","
             "\"objectAttributes\":0,\"authPolicy\":\"\"," RSA_PARMS "}}",
             "unique"},
            {"{\"size\":0,\"publicArea\":{\"type\":\"ECC\",\"nameAlg\":\"SHA256\","
             "\"objectAttributes\":0,\"authPolicy\":\"\",\"parameters\":{\"symmetric\":{"
             "\"algorithm\":\"AES\",\"keyBits\":128,\"mode\":\"CFB\"},\"scheme\":{\"scheme\":"
             "\"NULL\"},\"curveID\":\"NIST_P999\",\"kdf\":{\"scheme\":\"NULL\"}},\"unique\":{}}}",
             "curveID"},
            {"{\"size\":0,\"publicArea\":{\"type\":\"ECC\",\"nameAlg\":\"SHA256\","
             "\"objectAttributes\":0,\"authPolicy\":\"\",\"parameters\":{\"symmetric\":{"
             "\"algorithm\":\"NULL\"},\"scheme\":{\"scheme\":\"NULL\"},\"curveID\":\"NIST_P256\","
             "\"kdf\":{\"scheme\":\"NULL\"}},\"unique\":{\"x\":\"01\"}}}",
             "unique.y"},
        };
        TPM2B_PUBLIC pub;
        (void)state;

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char want[128];
                error_clear();
                if (public_of(cases[i].json, &pub) != EXIT_BAD_INPUT)
                        fail_msg("case %zu was accepted: %s", i, cases[i].json);
                snprintf(want, sizeof(want), "field %s:", cases[i].field);
                if (!strstr(error_message(), want))
                        fail_msg("case %zu: \"%s\" does not name %s", i, error_message(),
                                 cases[i].field);
        }
}

/* One byte more than the field holds. */
static void oversized_is_bad_input(void **state)
{
        char json[1024], hex[2 * (TPM2_MAX_ECC_KEY_BYTES + 1) + 1];
        TPM2B_PUBLIC pub;
        (void)state;

        memset(hex, 'a', sizeof(hex) - 1);
        hex[sizeof(hex) - 1] = '\0';
        snprintf(json, sizeof(json),
                 "{\"size\":0,\"publicArea\":{\"type\":\"ECC\",\"nameAlg\":\"SHA256\","
                 "\"objectAttributes\":0,\"authPolicy\":\"\",\"parameters\":{\"symmetric\":{"
                 "\"algorithm\":\"NULL\"},\"scheme\":{\"scheme\":\"NULL\"},\"curveID\":"
                 "\"NIST_P256\",\"kdf\":{\"scheme\":\"NULL\"}},\"unique\":{\"x\":\"01\",\"y\":"
                 "\"%s\"}}}",
                 hex);
        assert_int_equal(public_of(json, &pub), EXIT_BAD_INPUT);
        assert_non_null(strstr(error_message(), "field unique.y: too many bytes"));
}

static void private_field(void **state)
{
        TPM2B_PRIVATE priv;
        json_object *v;
        (void)state;

        assert_int_equal(fapi_object_private(NULL, &priv), 0);
        assert_int_equal(priv.size, 0);
        v = json_object_new_string("00020102");
        assert_int_equal(fapi_object_private(v, &priv), 0);
        assert_int_equal(priv.size, 4);
        json_object_put(v);
        v = json_object_new_int(5);
        assert_int_equal(fapi_object_private(v, &priv), EXIT_BAD_INPUT);
        json_object_put(v);
        v = json_object_new_string("0g");
        assert_int_equal(fapi_object_private(v, &priv), EXIT_BAD_INPUT);
        json_object_put(v);
}

/* A key object FAPI wrote (its blobs checked by marshalled_as_fapi_does). */
static void fapi_key(struct keystore_object *o)
{
        char file[PATH_MAX];

        snprintf(file, sizeof(file), "%s/fapi_object/P_ECCP256SHA256_k_ecc256_decrypt.json",
                 fixtures());
        assert_int_equal(keystore_object_read_file(file, "/P_ECCP256SHA256/HS/SRK/k", o), 0);
        assert_int_equal(o->type, FAPI_OBJECT_KEY);
        assert_true(o->private.size > 0);
}

/* A scratch keystore: user and system directories under a new one. */
static struct tpm *scratch_keystore(char *root, size_t size)
{
        struct tpm *tpm = calloc(1, sizeof(*tpm));

        assert_non_null(tpm);
        snprintf(root, size, "/tmp/test_fapi_object.XXXXXX");
        assert_non_null(mkdtemp(root));
        snprintf(tpm->setup.user_dir, sizeof(tpm->setup.user_dir), "%s/user", root);
        snprintf(tpm->setup.system_dir, sizeof(tpm->setup.system_dir), "%s/system", root);
        return tpm;
}

static void remove_tree(const char *root)
{
        char command[PATH_MAX + 16];

        snprintf(command, sizeof(command), "rm -rf '%s'", root);
        assert_int_equal(system(command), 0);
}

/* Nothing but object.json in the object's directory: no temporary file. */
static void only_object_file(const char *dir)
{
        _cleanup_(closedirp) DIR *d = opendir(dir);
        struct dirent *e;
        unsigned files = 0;

        assert_non_null(d);
        while ((e = readdir(d))) {
                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                        continue;
                assert_string_equal(e->d_name, "object.json");
                files++;
        }
        assert_int_equal(files, 1);
}

static void written_reads_back(void **state)
{
        const char *path = "/P_ECCP256SHA256/HS/SRK/k";
        struct keystore_object fapi, o;
        _cleanup_json_ json_object *obj = NULL;
        TPM2B_NAME name = {.size = 3, .name = {0x00, 0x0b, 0x42}};
        TPM2B_PRIVATE changed;
        char root[PATH_MAX], file[PATH_MAX * 2], dir[PATH_MAX * 2];
        struct tpm *tpm = scratch_keystore(root, sizeof(root));
        struct stat st;
        (void)state;

        fapi_key(&fapi);
        assert_int_equal(
            keystore_object_new_key(&fapi.public, &fapi.private, &name, OBJECT_AUTH_NO, &obj), 0);
        assert_int_equal(keystore_object_write(tpm, path, obj, KEYSTORE_WRITE_REPLACE),
                         EXIT_NOT_FOUND);
        assert_int_equal(keystore_object_write(tpm, path, obj, KEYSTORE_WRITE_NEW), 0);
        assert_true(object_file(tpm, path, file, sizeof(file)));
        snprintf(dir, sizeof(dir), "%s%s", tpm->setup.user_dir, path);
        assert_int_equal(strncmp(file, dir, strlen(dir)), 0);
        assert_int_equal(stat(file, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0600);
        only_object_file(dir);

        assert_int_equal(keystore_object_read_file(file, path, &o), 0);
        assert_memory_equal(&o.public, &fapi.public, sizeof(o.public));
        assert_int_equal(o.private.size, fapi.private.size);
        assert_memory_equal(o.private.buffer, fapi.private.buffer, o.private.size);
        assert_false(o.with_auth);
        assert_int_equal(o.auth, OBJECT_AUTH_NO);
        assert_int_equal(o.persistent, 0);
        keystore_object_free(&o);

        /* A new object is never written over an existing one. */
        assert_int_equal(keystore_object_write(tpm, path, obj, KEYSTORE_WRITE_NEW), EXIT_EXISTS);

        /* An auth change: a new private blob and a password, in place. */
        changed = fapi.private;
        changed.buffer[0] ^= 0xff;
        assert_int_equal(keystore_object_set_private(obj, &changed, OBJECT_AUTH_YES), 0);
        assert_int_equal(keystore_object_write(tpm, path, obj, KEYSTORE_WRITE_REPLACE), 0);
        assert_int_equal(stat(file, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0600);
        only_object_file(dir);
        assert_int_equal(keystore_object_read_file(file, path, &o), 0);
        assert_memory_equal(o.private.buffer, changed.buffer, changed.size);
        assert_true(o.with_auth);
        assert_int_equal(o.auth, OBJECT_AUTH_YES);
        assert_memory_equal(&o.public, &fapi.public, sizeof(o.public));
        keystore_object_free(&o);

        keystore_object_discard(tpm, path);
        assert_false(object_file(tpm, path, file, sizeof(file)));
        assert_int_equal(access(dir, F_OK), -1);
        keystore_object_free(&fapi);
        remove_tree(root);
        free(tpm);
}

/* UNKNOWN holds for the private blob it was recorded with only. */
static void auth_unknown_round_trip(void **state)
{
        const char *path = "/P_ECCP256SHA256/HS/SRK/blobs";
        struct keystore_object fapi, o;
        _cleanup_json_ json_object *obj = NULL;
        TPM2B_NAME name = {.size = 2, .name = {0x00, 0x0b}};
        TPM2B_PRIVATE other;
        char root[PATH_MAX], file[PATH_MAX * 2];
        struct tpm *tpm = scratch_keystore(root, sizeof(root));
        (void)state;

        fapi_key(&fapi);
        assert_int_equal(
            keystore_object_new_key(&fapi.public, &fapi.private, &name, OBJECT_AUTH_UNKNOWN, &obj),
            0);
        assert_true(keystore_object_with_auth(obj)); /* FAPI asks tpmctl */
        assert_int_equal(keystore_object_write(tpm, path, obj, KEYSTORE_WRITE_NEW), 0);
        assert_true(object_file(tpm, path, file, sizeof(file)));
        assert_int_equal(keystore_object_read_file(file, path, &o), 0);
        assert_true(o.with_auth);
        assert_int_equal(o.auth, OBJECT_AUTH_UNKNOWN);
        keystore_object_free(&o);

        /* Another blob (FAPI rewrote "private" and kept the field): known. */
        other = fapi.private;
        other.buffer[other.size - 1] ^= 1;
        json_object_object_add(obj, "private", json_object_new_string("00"));
        assert_int_equal(object_auth(obj), OBJECT_AUTH_YES);

        /* Recorded again with a new blob: UNKNOWN is gone for good. */
        assert_int_equal(keystore_object_set_private(obj, &other, OBJECT_AUTH_NO), 0);
        assert_int_equal(object_auth(obj), OBJECT_AUTH_NO);
        assert_int_equal(object_auth_record(obj, OBJECT_AUTH_UNKNOWN), 0);
        assert_int_equal(object_auth(obj), OBJECT_AUTH_UNKNOWN);
        assert_int_equal(keystore_object_set_private(obj, &fapi.private, OBJECT_AUTH_YES), 0);
        assert_int_equal(keystore_object_write(tpm, path, obj, KEYSTORE_WRITE_REPLACE), 0);
        assert_int_equal(keystore_object_read_file(file, path, &o), 0);
        assert_int_equal(o.auth, OBJECT_AUTH_YES);
        keystore_object_free(&o);

        keystore_object_free(&fapi);
        remove_tree(root);
        free(tpm);
}

/* The fields read without keystore_object_read()'s checks. */
static void loose_fields(void **state)
{
        json_object *obj;

        struct keystore_nv nv;
        (void)state;

        obj = json_tokener_parse("{\"persistent_handle\": 2164260865, \"with_auth\": \"YES\","
                                 "\"description\": \"the key\","
                                 "\"signing_scheme\": {\"scheme\": \"RSA_PSS\"},"
                                 "\"policy\": {\"policy\": []}}");
        assert_int_equal(keystore_object_persistent_handle(obj), 0x81000001);
        assert_true(keystore_object_with_auth(obj));
        assert_string_equal(keystore_object_description(obj), "the key");
        assert_string_equal(keystore_object_signing_scheme(obj), "RSA_PSS");
        assert_non_null(keystore_object_policy(obj));
        assert_null(keystore_object_ext_public_pem(obj));
        assert_int_equal(keystore_object_nv(obj, "/nv/Owner/x", &nv), EXIT_BAD_INPUT);
        assert_string_equal(error_message(),
                            "/nv/Owner/x is not an NV index the keystore describes");
        json_object_put(obj);
        obj = json_tokener_parse(
            "{\"persistent_handle\": 0, \"with_auth\": \"NO\","
            "\"public\": {\"nvPublic\": {\"nvIndex\": 25165824, \"dataSize\": 32,"
            "\"nameAlg\": \"SHA256\", \"authPolicy\": \"\","
            "\"attributes\": {\"TPM2_NT\": \"COUNTER\", \"AUTHREAD\": 1, \"PPREAD\": 0}}}}");
        assert_int_equal(keystore_object_persistent_handle(obj), 0);
        assert_false(keystore_object_with_auth(obj));
        assert_int_equal(keystore_object_nv(obj, "/nv/Owner/x", &nv), 0);
        assert_int_equal(nv.handle, 0x1800000);
        assert_int_equal(nv.size, 32);
        assert_string_equal(nv.name_alg, "SHA256");
        assert_string_equal(nv.type, "COUNTER");
        assert_false(nv.has_policy);
        assert_non_null(nv.attributes);
        json_object_put(obj);
        obj = json_tokener_parse("{\"objectType\": 3, \"pem_ext_public\": \"-----BEGIN\"}");
        assert_string_equal(keystore_object_ext_public_pem(obj), "-----BEGIN");
        json_object_put(obj);
        obj = json_tokener_parse("{\"objectType\": 1, \"pem_ext_public\": \"-----BEGIN\"}");
        assert_null(keystore_object_ext_public_pem(obj));
        json_object_put(obj);
        obj = json_tokener_parse("{}");
        assert_int_equal(keystore_object_persistent_handle(obj), 0);
        assert_false(keystore_object_with_auth(obj));
        assert_int_equal(object_auth(obj), OBJECT_AUTH_NO);
        assert_string_equal(keystore_object_description(obj), "");
        assert_null(keystore_object_signing_scheme(obj));
        assert_null(keystore_object_policy(obj));
        json_object_put(obj);
}

/* Hierarchy objects live in the system keystore; the user one wins. */
static void file_lookup(void **state)
{
        char root[PATH_MAX], file[PATH_MAX * 2], want[PATH_MAX * 2];
        struct tpm *tpm = scratch_keystore(root, sizeof(root));
        json_object *obj = json_object_new_object();
        struct stat st;
        FILE *f;
        (void)state;

        assert_int_equal(keystore_object_stat(tpm, "/P_X/HS/SRK", &st), EXIT_NOT_FOUND);
        assert_int_equal(object_json(tpm, "/P_X/HS/SRK", &obj), EXIT_NOT_FOUND);
        snprintf(want, sizeof(want), "%s/P_X/HS/SRK", tpm->setup.system_dir);
        assert_int_equal(mkdir_private(want), 0);
        keystore_object_file_in(tpm->setup.system_dir, "/P_X/HS/SRK", want, sizeof(want));
        assert_non_null(f = fopen(want, "w"));
        fputs("{\"persistent_handle\": 2164260866}", f);
        fclose(f);
        assert_true(object_file(tpm, "/P_X/HS/SRK", file, sizeof(file)));
        assert_string_equal(file, want);
        assert_int_equal(keystore_object_stat(tpm, "/P_X/HS/SRK", &st), 0);
        json_object_put(obj);
        obj = NULL;
        assert_int_equal(object_json(tpm, "/P_X/HS/SRK", &obj), 0);
        assert_int_equal(keystore_object_persistent_handle(obj), 0x81000002);
        json_object_put(obj);
        remove_tree(root);
        free(tpm);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(marshalled_as_fapi_does),
            cmocka_unit_test(other_spellings),
            cmocka_unit_test(malformed_is_bad_input),
            cmocka_unit_test(oversized_is_bad_input),
            cmocka_unit_test(private_field),
            cmocka_unit_test(written_reads_back),
            cmocka_unit_test(auth_unknown_round_trip),
            cmocka_unit_test(loose_fields),
            cmocka_unit_test(file_lookup),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
