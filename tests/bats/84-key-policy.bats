#!/usr/bin/env bats
# Keys bound to PCRs sign through tpmctl's engine, and stop when a PCR changes.

load helpers

setup_file() {
	start_tpm
	echo data >"$BATS_FILE_TMPDIR/data"
	printf 'pw\n' >"$BATS_FILE_TMPDIR/pw"
}

@test "a key bound to sha256:0,7,16 signs for every --alg; openssl verifies; exit 6 after a change" {
	for alg in rsa2048 ecc256 ecc384; do
		tpmctl -q key create "pcr-$alg" --alg "$alg" --pcrs sha256:0,7,16
		run tpmctl sign "pcr-$alg" -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/$alg.sig"
		assert_success
		tpmctl export-public "pcr-$alg" -o "$BATS_TEST_TMPDIR/$alg.pem"
		hash=sha256 opts=()
		[ "$alg" = ecc384 ] && hash=sha384
		[ "$alg" = rsa2048 ] && opts=(-sigopt rsa_padding_mode:pss)
		run openssl dgst "-$hash" "${opts[@]}" -verify "$BATS_TEST_TMPDIR/$alg.pem" \
			-signature "$BATS_TEST_TMPDIR/$alg.sig" "$BATS_FILE_TMPDIR/data"
		assert_output "Verified OK"
	done
	run tpmctl --json key show pcr-ecc256
	[ "$(jq -r .policy <<<"$output")" != "null" ]
	tpmctl -q pcr extend 16 --digest "sha256:$(printf '%064d' 4)"
	for alg in rsa2048 ecc256 ecc384; do
		run tpmctl sign "pcr-$alg" -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/after.sig"
		assert_failure 6
		assert_output "tpmctl: sign: policy not satisfied: PCR sha256:16 changed since sealing"
		[ ! -e "$BATS_TEST_TMPDIR/after.sig" ]
		assert_equal "$(tpm_handles transient)" ""
	done
	tpmctl -q delete pcr-rsa2048 pcr-ecc256 pcr-ecc384
}

@test "a key bound to PCRs and a password needs both" {
	tpmctl -q key create pcrpw --alg ecc256 --noda --pcrs sha256:7 --auth-file "$BATS_FILE_TMPDIR/pw"
	run tpmctl sign pcrpw -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig" --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_success
	printf 'nope\n' >"$BATS_TEST_TMPDIR/bad"
	run tpmctl sign pcrpw -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig2" --auth-file "$BATS_TEST_TMPDIR/bad"
	assert_failure 5
	tpmctl -q delete pcrpw
}

@test "a key with a keystore policy (--policy) signs too" {
	tpmctl -q policy import boot "$BATS_TEST_DIRNAME/../../policies/pcr-boot.json"
	tpmctl -q key create polkey --alg ecc256 --policy /policy/boot
	run tpmctl sign polkey -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig"
	assert_success
	run tpmctl verify polkey -s "$BATS_TEST_TMPDIR/sig" -i "$BATS_FILE_TMPDIR/data"
	assert_success
	tpmctl -q delete polkey
}

@test "a key whose policy has an OR after a PCR element, and two ORs in a row, signs; authPolicy is the policy digest" {
	# PCR 16 as now, then sign or decrypt, then quote or sign. FAPI 3.2.1
	# computes another digest for this than the TPM does.
	cat >"$BATS_TEST_TMPDIR/after.json" <<'JSON'
{"description": "PCR 16 as now, an OR after it, a second OR after that", "policy": [
  {"type": "POLICYPCR", "currentPCRs": [16]},
  {"type": "POLICYOR", "branches": [
    {"name": "sign", "description": "sign", "policy": [{"type": "POLICYCOMMANDCODE", "code": "TPM2_CC_Sign"}]},
    {"name": "decrypt", "description": "decrypt", "policy": [{"type": "POLICYCOMMANDCODE", "code": "TPM2_CC_RSA_Decrypt"}]}]},
  {"type": "POLICYOR", "branches": [
    {"name": "quote", "description": "quote", "policy": [{"type": "POLICYCOMMANDCODE", "code": "TPM2_CC_Quote"}]},
    {"name": "sign", "description": "sign", "policy": [{"type": "POLICYCOMMANDCODE", "code": "TPM2_CC_Sign"}]}]}]}
JSON
	tpmctl -q policy import after "$BATS_TEST_TMPDIR/after.json"
	for alg in ecc256 ecc384; do
		tpmctl -q key create "after-$alg" --alg "$alg" --policy /policy/after
		hash=sha256
		[ "$alg" = ecc384 ] && hash=sha384
		assert_equal "$(tpmctl --json key show "after-$alg" | jq -r .policy)" \
			"$(tpmctl policy digest --alg "$hash" "$BATS_TEST_TMPDIR/after.json")"
		run tpmctl sign "after-$alg" -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/$alg.sig"
		assert_success
		run tpmctl verify "after-$alg" -s "$BATS_TEST_TMPDIR/$alg.sig" -i "$BATS_FILE_TMPDIR/data"
		assert_success
	done
	run tpmctl policy list
	refute_output --partial "tpmctl-"
	tpmctl -q pcr extend 16 --digest "sha256:$(printf '%064d' 6)"
	run tpmctl sign after-ecc256 -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/late.sig"
	assert_failure 6
	assert_output "tpmctl: sign: policy not satisfied: PCR sha256:16 changed since sealing"
	tpmctl -q delete after-ecc256 after-ecc384
}

@test "--pcrs and --policy together is a usage error" {
	run tpmctl key create both --pcrs sha256:7 --policy /policy/x
	assert_failure 2
}

@test "a decrypt key bound to PCRs decrypts through the engine; exit 6 after a change" {
	tpmctl -q key create pcrbox --type decrypt --pcrs sha256:0,7,23
	head -c 3000 /dev/urandom >"$BATS_TEST_TMPDIR/plain"
	tpmctl encrypt pcrbox -i "$BATS_TEST_TMPDIR/plain" -o "$BATS_TEST_TMPDIR/cipher"
	echo small | tpmctl encrypt pcrbox -o "$BATS_TEST_TMPDIR/small"
	export TCTI_PCAP_FILE=$BATS_TEST_TMPDIR/bus.pcap
	run tpmctl --tcti "pcap:$TPMCTL_TCTI" decrypt pcrbox -i "$BATS_TEST_TMPDIR/small"
	assert_success
	assert_output "small"
	! grep -q small "$TCTI_PCAP_FILE"
	unset TCTI_PCAP_FILE
	tpmctl decrypt pcrbox -i "$BATS_TEST_TMPDIR/cipher" -o "$BATS_TEST_TMPDIR/back"
	cmp "$BATS_TEST_TMPDIR/plain" "$BATS_TEST_TMPDIR/back"
	tpmctl -q pcr extend 23 --digest "sha256:$(printf '%064d' 8)"
	run tpmctl decrypt pcrbox -i "$BATS_TEST_TMPDIR/cipher" -o "$BATS_TEST_TMPDIR/back2"
	assert_failure 6
	assert_output --partial "PCR sha256:23 changed"
	tpmctl -q delete pcrbox
}
