#!/usr/bin/env bats
# JSON policies: strict checking, the shipped ones, offline digests, OR branches.

load helpers

setup_file() {
	start_tpm
	printf 'pw\n' >"$BATS_FILE_TMPDIR/pw"
}

policies=$BATS_TEST_DIRNAME/../../policies

@test "each shipped policy: imported, used to seal, digest equals the object's authPolicy, unseals" {
	for p in password pcr-boot pcr-password secret-endorsement or-pcr; do
		run tpmctl policy import "$p" "$policies/$p.json"
		assert_success
		assert_output "imported /policy/$p"
		echo "under $p" | tpmctl seal "s-$p" -i - --policy "/policy/$p" --auth-file "$BATS_FILE_TMPDIR/pw"
		digest=$(tpmctl policy digest "$policies/$p.json")
		assert_equal "$(tpmctl --json key show "s-$p" | jq -r .policy)" "$digest"
		run tpmctl -q unseal "s-$p" --auth-file "$BATS_FILE_TMPDIR/pw"
		assert_success
		assert_output "under $p"
	done
	tpmctl -q delete s-password s-pcr-boot s-pcr-password s-secret-endorsement s-or-pcr
}

@test "policies tpmctl runs itself unseal without the clear-bus warning; others warn" {
	tpmctl -q policy import pcrpw "$policies/pcr-password.json"
	tpmctl -q policy import secret "$policies/secret-endorsement.json"
	echo a | tpmctl seal w1 -i - --policy /policy/pcrpw --auth-file "$BATS_FILE_TMPDIR/pw"
	echo b | tpmctl seal w2 -i - --policy /policy/secret
	run tpmctl unseal w1 --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_output "a"
	run tpmctl unseal w2
	assert_line "b"
	assert_output --partial "warning: this object's policy is run by FAPI"
	run tpmctl -q unseal w2
	assert_output "b"
	tpmctl -q delete w1 w2
}

@test "OR of two PCR sets: one branch changed still unseals; both changed exits 6" {
	tpmctl -q policy import orp "$policies/or-pcr.json"
	echo either | tpmctl seal orsealed -i - --policy /policy/orp
	tpmctl -q pcr extend 0 --digest "sha256:$(printf '%064d' 3)"
	run tpmctl unseal orsealed
	assert_success
	assert_output "either"
	tpmctl -q pcr extend 7 --digest "sha256:$(printf '%064d' 3)"
	run tpmctl unseal orsealed
	assert_failure 6
	assert_output --partial "no branch of the OR matches"
	tpmctl -q delete orsealed
}

# Two ORs in a row, then the password: either PCR (16 or 23, as they are
# now), then either command (Unseal or Sign). FAPI 3.2.1 computes another
# digest for this than the TPM does; tpmctl gives it its own.
two_ors() { # two_ors FILE
	local v16 v23
	v16=$(tpmctl --json pcr read sha256:16 | jq -r '.sha256["16"]')
	v23=$(tpmctl --json pcr read sha256:23 | jq -r '.sha256["23"]')
	cat >"$1" <<JSON
{"description": "PCR 16 or 23 as now, then unseal or sign, then the password", "policy": [
  {"type": "POLICYOR", "branches": [
    {"name": "p16", "description": "PCR 16", "policy": [{"type": "POLICYPCR", "pcrs": [{"pcr": 16, "hashAlg": "TPM2_ALG_SHA256", "digest": "$v16"}]}]},
    {"name": "p23", "description": "PCR 23", "policy": [{"type": "POLICYPCR", "pcrs": [{"pcr": 23, "hashAlg": "TPM2_ALG_SHA256", "digest": "$v23"}]}]}]},
  {"type": "POLICYOR", "branches": [
    {"name": "unseal", "description": "unseal", "policy": [{"type": "POLICYCOMMANDCODE", "code": "TPM2_CC_Unseal"}]},
    {"name": "sign", "description": "sign", "policy": [{"type": "POLICYCOMMANDCODE", "code": "TPM2_CC_Sign"}]}]},
  {"type": "POLICYAUTHVALUE"}]}
JSON
}

@test "two ORs in a row and an element after an OR: authPolicy is the policy digest, unseals by either branch" {
	two_ors "$BATS_TEST_TMPDIR/or2.json"
	tpmctl -q policy import or2 "$BATS_TEST_TMPDIR/or2.json"
	echo twice | tpmctl seal or2sealed -i - --policy /policy/or2 --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_equal "$(tpmctl --json key show or2sealed | jq -r .policy)" \
		"$(tpmctl policy digest "$BATS_TEST_TMPDIR/or2.json")"
	# the copy tpmctl gave FAPI is gone
	run tpmctl policy list
	refute_output --partial "tpmctl-"
	run tpmctl unseal or2sealed --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_success
	assert_output "twice"
	# the second branch of the first OR: the second OR goes on from it
	tpmctl -q pcr extend 16 --digest "sha256:$(printf '%064d' 5)"
	run tpmctl unseal or2sealed --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_success
	assert_output "twice"
	printf 'nope\n' >"$BATS_TEST_TMPDIR/bad"
	run tpmctl unseal or2sealed --auth-file "$BATS_TEST_TMPDIR/bad"
	assert_failure 5
	tpmctl -q pcr extend 23 --digest "sha256:$(printf '%064d' 5)"
	run tpmctl unseal or2sealed --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_failure 6
	assert_output --partial "no branch of the OR matches"
	tpmctl -q delete or2sealed
}

@test "a PCR element with one PCR in two banks: authPolicy is the policy digest, unseals" {
	s1=$(tpmctl --json pcr read sha1:16 | jq -r '.sha1["16"]')
	s256=$(tpmctl --json pcr read sha256:16 | jq -r '.sha256["16"]')
	cat >"$BATS_TEST_TMPDIR/banks.json" <<JSON
{"description": "PCR 16 in SHA-1 and SHA-256", "policy": [{"type": "POLICYPCR", "pcrs": [
  {"pcr": 16, "hashAlg": "TPM2_ALG_SHA1", "digest": "$s1"},
  {"pcr": 16, "hashAlg": "TPM2_ALG_SHA256", "digest": "$s256"}]}]}
JSON
	tpmctl -q policy import banks "$BATS_TEST_TMPDIR/banks.json"
	echo banks | tpmctl -q seal two-banks -i - --policy /policy/banks
	assert_equal "$(tpmctl --json key show two-banks | jq -r .policy)" \
		"$(tpmctl policy digest "$BATS_TEST_TMPDIR/banks.json")"
	run tpmctl -q unseal two-banks
	assert_success
	assert_output "banks"
	tpmctl -q delete two-banks
}

@test "digests a policy file carries are not taken: FAPI would set them as the authPolicy" {
	printf '{"description": "d", "policyDigests": [{"hashAlg": "SHA256", "digest": "%064d"}], "policy": [{"type": "POLICYAUTHVALUE"}]}' 1 \
		>"$BATS_TEST_TMPDIR/carries.json"
	tpmctl -q policy import carries "$BATS_TEST_TMPDIR/carries.json"
	echo c | tpmctl -q seal carried -i - --policy /policy/carries --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_equal "$(tpmctl --json key show carried | jq -r .policy)" \
		"$(tpmctl policy digest "$BATS_TEST_TMPDIR/carries.json")"
	run tpmctl -q unseal carried --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_output "c"
	# an exported policy carries FAPI's digests, wrong ones for two ORs in a row
	two_ors "$BATS_TEST_TMPDIR/or2.json"
	tpmctl -q policy import or2x "$BATS_TEST_TMPDIR/or2.json"
	tpmctl policy export or2x -o "$BATS_TEST_TMPDIR/exported.json"
	tpmctl -q policy import or2y "$BATS_TEST_TMPDIR/exported.json"
	echo e | tpmctl -q seal reimported -i - --policy /policy/or2y --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_equal "$(tpmctl --json key show reimported | jq -r .policy)" \
		"$(tpmctl policy digest "$BATS_TEST_TMPDIR/or2.json")"
	run tpmctl -q unseal reimported --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_output "e"
	tpmctl -q delete carried reimported
}

@test "why a policy is not satisfied: a PCR changed, or a command it does not allow (exit 6)" {
	printf '{"description": "sign only", "policy": [{"type": "POLICYCOMMANDCODE", "code": "TPM2_CC_Sign"}]}' \
		>"$BATS_TEST_TMPDIR/sign-only.json"
	tpmctl -q policy import sign-only "$BATS_TEST_TMPDIR/sign-only.json"
	echo x | tpmctl -q seal not-unsealable -i - --policy /policy/sign-only
	run tpmctl unseal not-unsealable
	assert_failure 6
	assert_output "tpmctl: unseal: policy not satisfied: the policy does not allow this command"
	tpmctl -q seal pcr-bound -i - --pcrs sha256:16 <<<"y"
	tpmctl -q pcr extend 16 --digest "sha256:$(printf '%064d' 7)"
	run tpmctl unseal pcr-bound
	assert_failure 6
	assert_output "tpmctl: unseal: policy not satisfied: PCR sha256:16 changed since sealing"
	tpmctl -q delete not-unsealable pcr-bound
}

@test "the digest FAPI gives the shipped policies is still tpmctl's (nothing copied)" {
	for p in password pcr-boot pcr-password secret-endorsement or-pcr; do
		tpmctl -q policy import "ship-$p" "$policies/$p.json"
		tpmctl policy show "ship-$p" >"$BATS_TEST_TMPDIR/$p.fapi.json"
		# FAPI's export computes its digests (with the PCR values of now)
		assert_equal "$(jq -r '.policyDigests[] | select(.hashAlg == "SHA256") | .digest' "$BATS_TEST_TMPDIR/$p.fapi.json")" \
			"$(tpmctl policy digest "$policies/$p.json")"
		assert_equal "$(jq -r '.policyDigests[] | select(.hashAlg == "SHA384") | .digest' "$BATS_TEST_TMPDIR/$p.fapi.json")" \
			"$(tpmctl policy digest --alg sha384 "$policies/$p.json")"
	done
}

@test "policy digest works offline for explicit values" {
	cat >"$BATS_TEST_TMPDIR/p.json" <<JSON
{"description": "PCRs 0 and 16 zero, and the password", "policy": [{"type": "POLICYPCR", "pcrs": [
  {"pcr": 0, "hashAlg": "TPM2_ALG_SHA256", "digest": "$(printf '%064d' 0)"},
  {"pcr": 16, "hashAlg": "TPM2_ALG_SHA256", "digest": "$(printf '%064d' 0)"}]},
  {"type": "POLICYAUTHVALUE"}]}
JSON
	run env -u TPMCTL_TCTI "$TPMCTL" --tcti swtpm:path=/nonexistent policy digest "$BATS_TEST_TMPDIR/p.json"
	assert_success
	# H(H(0^32 || CC_PolicyPCR || selection || H(0^64)) || CC_PolicyAuthValue), computed by hand
	assert_output "e7e069f5575efce12f2fa19e5e6cfcd07fcdcf6fb35ec1c63c39ebc608a1f04e"
	run tpmctl --json policy digest "$BATS_TEST_TMPDIR/p.json"
	assert_equal "$(jq -r .digest <<<"$output")" "e7e069f5575efce12f2fa19e5e6cfcd07fcdcf6fb35ec1c63c39ebc608a1f04e"
}

@test "the malformed-policy corpus: every file exits 3 naming what is wrong, nothing crashes" {
	corpus=$BATS_TEST_DIRNAME/../policy-corpus
	n=0
	for f in "$corpus"/*.json; do
		run tpmctl policy digest "$f"
		[ "$status" -eq 3 ] || fail "$(basename "$f"): exit $status: $output"
		[ "${#lines[@]}" -eq 1 ] || fail "$(basename "$f"): more than one line: $output"
		run tpmctl policy import corpus "$f"
		[ "$status" -eq 3 ] || fail "import $(basename "$f"): exit $status: $output"
		n=$((n + 1))
	done
	[ "$n" -ge 30 ]
	run tpmctl policy list
	refute_output --partial "/policy/corpus"
}

@test "the error names the JSON pointer of the offending field" {
	run tpmctl policy digest "$BATS_TEST_DIRNAME/../policy-corpus/huge-pcr-index.json"
	assert_output --partial "policy /policy/0/pcrs/0/pcr: 100000000 is not a PCR index (0 to 23)"
	run tpmctl policy digest "$BATS_TEST_DIRNAME/../policy-corpus/trailing-garbage.json"
	assert_output --partial "not valid JSON at byte"
}

@test "policy list, show and export" {
	tpmctl -q policy import listed "$policies/password.json"
	run tpmctl policy list
	assert_line "/policy/listed"
	run tpmctl --json policy list
	assert_equal "$(jq -r 'index("/policy/listed") != null' <<<"$output")" "true"
	run tpmctl policy show listed
	assert_success
	assert_equal "$(jq -r '.policy[0].type' <<<"$output")" "POLICYAUTHVALUE"
	tpmctl policy export listed -o "$BATS_TEST_TMPDIR/exported.json"
	run tpmctl policy digest "$BATS_TEST_TMPDIR/exported.json"
	assert_success
	assert_output "$(tpmctl policy digest "$policies/password.json")"
	run tpmctl policy export listed -o "$BATS_TEST_TMPDIR/exported.json"
	assert_failure 3
	run tpmctl policy show nothing-here
	assert_failure 4
}

@test "policy paths must be under /policy (bad input, exit 3)" {
	run tpmctl policy import /HS/SRK/x "$policies/password.json"
	assert_failure 3
	assert_output --partial "policies live under /policy/"
}

@test "what FAPI would refuse is refused first: lower-case types, no description, unnamed branches" {
	printf '{"description": "d", "policy": [{"type": "policyauthvalue"}]}' >"$BATS_TEST_TMPDIR/lower.json"
	printf '{"policy": [{"type": "POLICYAUTHVALUE"}]}' >"$BATS_TEST_TMPDIR/nodesc.json"
	printf '{"description": "d", "policy": [{"type": "POLICYOR", "branches": [{"policy": [{"type": "POLICYAUTHVALUE"}]}, {"policy": [{"type": "POLICYPASSWORD"}]}]}]}' >"$BATS_TEST_TMPDIR/unnamed.json"
	for f in lower nodesc unnamed; do
		run tpmctl policy digest "$BATS_TEST_TMPDIR/$f.json"
		assert_failure 3
	done
	run tpmctl policy digest "$BATS_TEST_TMPDIR/nodesc.json"
	assert_output --partial 'policy /description: a policy needs a "description" string'
}

@test "a policy FAPI runs that fails leaves nothing loaded (FAPI 3.2.1 would leak the object)" {
	tpmctl -q policy import secret3 "$policies/secret-endorsement.json"
	echo kept | tpmctl seal sx -i - --policy /policy/secret3
	tpm2_changeauth -T "$TPMCTL_TCTI" -c e endorsement-pw
	printf 'not it\n' >"$BATS_TEST_TMPDIR/wrong"
	for i in 1 2 3 4; do
		run tpmctl -q unseal sx --auth-file "$BATS_TEST_TMPDIR/wrong"
		assert_failure 5
		assert_equal "$(tpm_handles transient)$(tpm_handles loaded-session)" ""
	done
	tpm2_changeauth -T "$TPMCTL_TCTI" -c e -p endorsement-pw
	run tpmctl -q unseal sx
	assert_success
	assert_output "kept"
	tpmctl -q delete sx
}
