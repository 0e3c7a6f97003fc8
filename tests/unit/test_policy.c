/* Offline policy digests: known answers from the TCG spec's byte layouts.
 *
 * Every expected value was computed twice, independently of tpmctl:
 *  - by hand in a shell, hashing the layout of TPM 2.0 Part 3 with
 *    H() { printf '%s' "$@" | xxd -r -p | openssl dgst -sha256 -binary | xxd -p -c 64; }
 *    Z=$(printf '%064d' 0)   (the digest a policy session starts from)
 *    PolicyPCR:         H(old 0000017f  TPML_PCR_SELECTION  H(values))
 *    PolicyAuthValue:   H(old 0000016b)   (PolicyPassword records the same)
 *    PolicyCommandCode: H(old 0000016c  code)   Unseal 0000015e, Sign 0000015d
 *    PolicyOR:          H(Z   00000171  branch digests...)
 *  - and with tpm2-tools 5 trial sessions against swtpm
 *    (tpm2_startauthsession, then tpm2_policypcr -l sha256:0,16 -f values.bin,
 *    tpm2_policyauthvalue, tpm2_policypassword, tpm2_policycommandcode,
 *    tpm2_policyor -l sha256:a.dig,b.dig, each with -L to print the digest;
 *    a trial session's PolicyOR records without checking, so the branches
 *    were run first, then the OR, then what follows it).
 * Both gave the values below. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "../../src/policy.h"

#define Z64 "0000000000000000000000000000000000000000000000000000000000000000"
#define PCR(i, byte)                                                                               \
        "{\"pcr\": " #i ", \"hashAlg\": \"TPM2_ALG_SHA256\", \"digest\": \"" byte byte byte byte   \
            byte byte byte byte byte byte byte byte byte byte byte byte byte byte byte byte byte   \
                byte byte byte byte byte byte byte byte byte byte byte "\"}"
#define ELEMENT(type) "{\"type\": \"" type "\"}"
#define CODE(cc)      "{\"type\": \"POLICYCOMMANDCODE\", \"code\": \"" cc "\"}"
#define BRANCH(name, ...)                                                                          \
        "{\"name\": \"" name "\", \"description\": \"d\", \"policy\": [" __VA_ARGS__ "]}"
#define OR(a, b)    "{\"type\": \"POLICYOR\", \"branches\": [" a ", " b "]}"
#define POLICY(...) "{\"description\": \"test\", \"policy\": [" __VA_ARGS__ "]}"

/* PCRs 0 (all bytes 01) and 16 (all bytes 02), listed out of order: the
 * digest takes them in selection order. */
#define PCR_0_16 "{\"type\": \"POLICYPCR\", \"pcrs\": [" PCR(16, "02") ", " PCR(0, "01") "]}"
/* OR of PolicyAuthValue and PolicyCommandCode(Unseal). */
#define OR_AUTH_UNSEAL                                                                             \
        OR(BRANCH("auth", ELEMENT("POLICYAUTHVALUE")), BRANCH("unseal", CODE("TPM2_CC_Unseal")))
#define OR_UNSEAL_SIGN                                                                             \
        OR(BRANCH("unseal", CODE("TPM2_CC_Unseal")), BRANCH("sign", CODE("TPM2_CC_Sign")))

static void hex(const TPM2B_DIGEST *d, char *out)
{
        for (unsigned i = 0; i < d->size; i++)
                sprintf(out + 2 * i, "%02x", d->buffer[i]);
        out[2 * d->size] = '\0';
}

static void expect_digest(const char *text, TPMI_ALG_HASH alg, const char *want)
{
        json_object *json = json_tokener_parse(text);
        char got[2 * sizeof(TPMU_HA) + 1];
        struct policy p;
        TPM2B_DIGEST d;

        assert_non_null(json);
        assert_int_equal(policy_parse(json, &p), 0);
        assert_int_equal(policy_digest(&p, alg, &d), 0);
        hex(&d, got);
        assert_string_equal(got, want);
        policy_free(&p);
        json_object_put(json);
}

static void pcr(void **state)
{
        (void)state;
        /* H(Z 0000017f 00000001000b03010001 H(01..01 02..02)) */
        expect_digest(POLICY(PCR_0_16), TPM2_ALG_SHA256,
                      "1b342374e18ef9df16e9224f5e633c9e507865c1d0dae6561bb969cd48fc4d8e");
}

static void auth_value_and_password(void **state)
{
        (void)state;
        /* H(Z 0000016b), for both */
        expect_digest(POLICY(ELEMENT("POLICYAUTHVALUE")), TPM2_ALG_SHA256,
                      "8fcd2169ab92694e0c633f1ab772842b8241bbc20288981fc7ac1eddc1fddb0e");
        expect_digest(POLICY(ELEMENT("POLICYPASSWORD")), TPM2_ALG_SHA256,
                      "8fcd2169ab92694e0c633f1ab772842b8241bbc20288981fc7ac1eddc1fddb0e");
}

static void command_code(void **state)
{
        (void)state;
        /* H(Z 0000016c 0000015e) */
        expect_digest(POLICY(CODE("TPM2_CC_Unseal")), TPM2_ALG_SHA256,
                      "e613137076524bde487533865884e9732ebee3aacb095d94a6de492ec06c46fa");
}

static void one_or(void **state)
{
        (void)state;
        /* H(Z 00000171 H(Z 0000016b) H(Z 0000016c 0000015e)) */
        expect_digest(POLICY(OR_AUTH_UNSEAL), TPM2_ALG_SHA256,
                      "a0a333af4a6491143962f580ceccd7bb9d0a470874e934180e78a9b1c2d12d61");
}

static void two_ors_in_a_row(void **state)
{
        (void)state;
        /* OR1 as in one_or; then H(Z 00000171 H(OR1 0000016c 0000015e)
         * H(OR1 0000016c 0000015d)). */
        expect_digest(POLICY(OR_AUTH_UNSEAL ", " OR_UNSEAL_SIGN), TPM2_ALG_SHA256,
                      "efaafcc8672d7be45662682e7a8c3cf58ea3709485001fec313e6fda364ac7e0");
}

static void element_after_an_or(void **state)
{
        (void)state;
        /* H(OR1 0000016b) */
        expect_digest(POLICY(OR_AUTH_UNSEAL ", " ELEMENT("POLICYAUTHVALUE")), TPM2_ALG_SHA256,
                      "d099f7f27b1f25feeeb4a86c11b20dc9721508373f9a4ced936be0230939cd2f");
        /* both: H(OR2 0000016b), OR2 as in two_ors_in_a_row */
        expect_digest(POLICY(OR_AUTH_UNSEAL ", " OR_UNSEAL_SIGN ", " ELEMENT("POLICYAUTHVALUE")),
                      TPM2_ALG_SHA256,
                      "b29ffb7352b3c3c9b4d9d9ca7cd09f22f3f7196363efaf9a1e200c0e3e6d52e5");
}

static void or_after_an_element(void **state)
{
        (void)state;
        /* P = the PCR digest of pcr(); H(Z 00000171 H(P 0000016b) H(P
         * 0000016c 0000015e)): each branch goes on from P. */
        expect_digest(POLICY(PCR_0_16 ", " OR(BRANCH("auth", ELEMENT("POLICYAUTHVALUE")),
                                              BRANCH("unseal", CODE("TPM2_CC_Unseal")))),
                      TPM2_ALG_SHA256,
                      "986ce345dde66d71fbbf5028dfb846ee75a30920dfa846e96c0c81b0ce645558");
}

static void sha384(void **state)
{
        (void)state;
        /* element_after_an_or's second policy, with SHA-384 (H and Z of
         * SHA-384; tpm2_startauthsession -g sha384) */
        expect_digest(POLICY(OR_AUTH_UNSEAL ", " OR_UNSEAL_SIGN ", " ELEMENT("POLICYAUTHVALUE")),
                      TPM2_ALG_SHA384,
                      "d479715292627a9044a179eac74642cd3cb86d588afbd6e4007546f5a773550754b8a625"
                      "3133d46adbeabb5c4ad6e6c1");
}

/* The digest of alg in node's "policyDigests", or NULL. */
static const char *digest_of(json_object *node, const char *alg)
{
        json_object *list, *entry, *v;

        if (!json_object_object_get_ex(node, "policyDigests", &list))
                return NULL;
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                entry = json_object_array_get_idx(list, i);
                if (json_object_object_get_ex(entry, "hashAlg", &v) &&
                    strcmp(json_object_get_string(v), alg) == 0 &&
                    json_object_object_get_ex(entry, "digest", &v))
                        return json_object_get_string(v);
        }
        return NULL;
}

/* What FAPI is given in place of computing: the policy's digest, and each
 * branch's, which FAPI passes to TPM2_PolicyOR. Digests the policy carried
 * before (here a wrong one) are gone. */
/* A key name: sha256 (000b) and 32 bytes of 11. */
#define NAME_11        "000b1111111111111111111111111111111111111111111111111111111111111111"
#define AUTHORIZE(ref) "{\"type\": \"POLICYAUTHORIZE\", \"keyName\": \"" NAME_11 "\"" ref "}"

/* PolicyAuthorize: H(H(Z 0000016a name) policyRef), from zeros whatever came
 * before. Checked with python hashlib and with tpm2_policyauthorize in a
 * trial session on swtpm (-n name.bin [-q ref.bin]). */
static void authorize(void **state)
{
        (void)state;
        expect_digest(POLICY(AUTHORIZE("")), TPM2_ALG_SHA256,
                      "4a1abcfbbd695141639ae9da442c5b6121baadc246ba3aaa129076f5f508af1b");
        expect_digest(POLICY(PCR_0_16 ", " AUTHORIZE("")), TPM2_ALG_SHA256,
                      "4a1abcfbbd695141639ae9da442c5b6121baadc246ba3aaa129076f5f508af1b");
        /* policyRef "prod" */
        expect_digest(POLICY(AUTHORIZE(", \"policyRef\": \"70726f64\"")), TPM2_ALG_SHA256,
                      "d670db3cd38178d8d1022e268fc7f3cac643a590bae657c75d39eb6b18945b8f");
        expect_digest(
            POLICY(AUTHORIZE(", \"policyRef\": \"70726f64\"") ", " ELEMENT("POLICYAUTHVALUE")),
            TPM2_ALG_SHA256, "3219384d1345291594bd6ebd393c4359711df2f90fd06eaff9e79fdd94934784");
        expect_digest(POLICY(AUTHORIZE("")), TPM2_ALG_SHA384,
                      "fc2451945491b87ee2fae35904c817d87ffc9d3564a3cc9cc29aebd46257e034ed08512b8b9"
                      "5e0abae07bcba6d126415");
}

/* Without the key's name or public area there is no digest; a
 * tpmctl_authorization must be a whole, consistent record. */
static void authorize_refused(void **state)
{
        static const char *const bad[] = {
            POLICY("{\"type\": \"POLICYAUTHORIZE\", \"keyPath\": \"/HS/SRK/k\"}"),
            POLICY("{\"type\": \"POLICYAUTHORIZE\", \"keyName\": \"zz\"}"),
            POLICY(AUTHORIZE(", \"policyRef\": 7")),
            POLICY(AUTHORIZE(", \"tpmctl_authorization\": {}")),
            POLICY(AUTHORIZE(", \"tpmctl_authorization\": {\"path\": \"/policy/a\", "
                             "\"hashAlg\": \"sha256\", \"approvedPolicy\": \"00\", "
                             "\"policyRef\": \"\", \"keyPublic\": \"0000\", "
                             "\"signature\": \"\", \"policy\": {}}")),
        };
        (void)state;
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                json_object *json = json_tokener_parse(bad[i]);
                struct policy p;
                assert_non_null(json);
                assert_int_equal(policy_parse(json, &p), 3);
                policy_free(&p);
                json_object_put(json);
        }
}

static void describe(void **state)
{
        json_object *json = json_tokener_parse(POLICY(PCR_0_16 ", " AUTHORIZE(
            ", \"policyRef\": \"70726f64\"") ", " ELEMENT("POLICYAUTHVALUE")));
        struct policy p;
        char text[512];

        (void)state;
        assert_int_equal(policy_parse(json, &p), 0);
        policy_describe(&p, text, sizeof(text));
        assert_string_equal(text, "PCR sha256:0,16; policies authorized by key " NAME_11
                                  " (ref \"prod\"); password");
        policy_free(&p);
        json_object_put(json);
}

static void annotate(void **state)
{
        json_object *json = json_tokener_parse(
            "{\"description\": \"test\", \"policyDigests\": [{\"hashAlg\": \"SHA256\", \"digest\": "
            "\"" Z64 "\"}], \"policy\": [" OR_AUTH_UNSEAL ", " OR_UNSEAL_SIGN
            ", " ELEMENT("POLICYAUTHVALUE") "]}");
        json_object *list, *branches;
        struct policy p;
        (void)state;

        assert_int_equal(policy_parse(json, &p), 0);
        assert_int_equal(policy_annotate(json, &p), 0);
        assert_string_equal(digest_of(json, "TPM2_ALG_SHA256"),
                            "b29ffb7352b3c3c9b4d9d9ca7cd09f22f3f7196363efaf9a1e200c0e3e6d52e5");
        assert_null(digest_of(json, "SHA256"));
        assert_non_null(digest_of(json, "TPM2_ALG_SHA384"));
        json_object_object_get_ex(json, "policy", &list);
        assert_string_equal(digest_of(json_object_array_get_idx(list, 0), "TPM2_ALG_SHA256"),
                            "a0a333af4a6491143962f580ceccd7bb9d0a470874e934180e78a9b1c2d12d61");
        json_object_object_get_ex(json_object_array_get_idx(list, 0), "branches", &branches);
        assert_string_equal(digest_of(json_object_array_get_idx(branches, 0), "TPM2_ALG_SHA256"),
                            "8fcd2169ab92694e0c633f1ab772842b8241bbc20288981fc7ac1eddc1fddb0e");
        assert_string_equal(digest_of(json_object_array_get_idx(branches, 1), "TPM2_ALG_SHA256"),
                            "e613137076524bde487533865884e9732ebee3aacb095d94a6de492ec06c46fa");
        policy_free(&p);
        /* What it wrote parses back to the same policy. */
        assert_int_equal(policy_parse(json, &p), 0);
        policy_free(&p);
        json_object_put(json);
}

/* A policy whose digest needs the TPM or the keystore is not annotated. */
static void annotate_needs_values(void **state)
{
        json_object *json = json_tokener_parse(
            POLICY("{\"type\": \"POLICYPCR\", \"currentPCRs\": [7]}, " OR_AUTH_UNSEAL));
        struct policy p;
        (void)state;

        assert_int_equal(policy_parse(json, &p), 0);
        assert_false(policy_offline(&p));
        assert_int_not_equal(policy_annotate(json, &p), 0);
        policy_free(&p);
        json_object_put(json);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(pcr),
            cmocka_unit_test(auth_value_and_password),
            cmocka_unit_test(command_code),
            cmocka_unit_test(one_or),
            cmocka_unit_test(two_ors_in_a_row),
            cmocka_unit_test(element_after_an_or),
            cmocka_unit_test(or_after_an_element),
            cmocka_unit_test(sha384),
            cmocka_unit_test(authorize),
            cmocka_unit_test(authorize_refused),
            cmocka_unit_test(describe),
            cmocka_unit_test(annotate),
            cmocka_unit_test(annotate_needs_values),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
