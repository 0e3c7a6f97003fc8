#!/usr/bin/env bats
# --json: commands that print data, or did something, say it as one JSON
# document with the batch ops' field names; binary data as base64.

load helpers
bats_require_minimum_version 1.5.0

@test "random --json: the bytes as data_b64; with -o, the file and its size" {
	run tpmctl --json random 32
	assert_success
	assert_equal "$(jq -r .data_b64 <<<"$output" | base64 -d | wc -c)" 32
	run tpmctl random 16 --json -o "$BATS_TEST_TMPDIR/r"
	assert_success
	assert_equal "$(jq -c . <<<"$output")" "{\"output\":\"$BATS_TEST_TMPDIR/r\",\"bytes\":16}"
	assert_equal "$(stat -c %s "$BATS_TEST_TMPDIR/r")" 16
}

@test "sign --json: the signature as signature_b64, which openssl verifies" {
	tpmctl -q key create jsonsign
	tpmctl export-public jsonsign -o "$BATS_TEST_TMPDIR/pub.pem"
	printf 'signed data' >"$BATS_TEST_TMPDIR/data"
	run tpmctl --json sign jsonsign -i "$BATS_TEST_TMPDIR/data"
	assert_success
	jq -r .signature_b64 <<<"$output" | base64 -d >"$BATS_TEST_TMPDIR/sig"
	run openssl dgst -sha256 -verify "$BATS_TEST_TMPDIR/pub.pem" \
		-sigopt rsa_padding_mode:pss -signature "$BATS_TEST_TMPDIR/sig" "$BATS_TEST_TMPDIR/data"
	assert_output "Verified OK"
	tpmctl -q delete jsonsign
}

@test "pcr extend --json: the PCR and the digests extended into each bank" {
	printf 'measured' >"$BATS_TEST_TMPDIR/m"
	run tpmctl --json pcr extend 16 -i "$BATS_TEST_TMPDIR/m"
	assert_success
	assert_equal "$(jq -r .pcr <<<"$output")" 16
	assert_equal "$(jq -r .digests.sha256 <<<"$output")" \
		"$(openssl dgst -sha256 -r "$BATS_TEST_TMPDIR/m" | cut -d' ' -f1)"
}

@test "delete --json: the full paths deleted; auth change --json: the path" {
	tpmctl -q key create jd1
	tpmctl -q key create jd2
	run tpmctl --json delete jd1 jd2
	assert_success
	assert_equal "$(jq -c .deleted <<<"$output")" \
		'["/P_RSA2048SHA256/HS/SRK/jd1","/P_RSA2048SHA256/HS/SRK/jd2"]'
	tpmctl -q key create jpw
	printf 'new-pw' >"$BATS_TEST_TMPDIR/pw"
	run tpmctl --json auth change jpw --new-auth-file "$BATS_TEST_TMPDIR/pw"
	assert_success
	assert_equal "$(jq -c . <<<"$output")" '{"path":"jpw","changed":true}'
	tpmctl -q delete jpw
}

@test "--json failure of a data command: the error document, no data" {
	run --separate-stderr tpmctl --json sign no-such-key -i /dev/null
	assert_failure 4
	assert_equal "$(jq -r .exit <<<"$output")" 4
	refute_output --partial signature_b64
}

@test "encrypt, decrypt and export-public --json: ciphertext_b64, data_b64, pubkey_pem" {
	tpmctl -q key create jbox --type decrypt
	printf 'json secret' >"$BATS_TEST_TMPDIR/p"
	run --separate-stderr tpmctl --json encrypt jbox -i "$BATS_TEST_TMPDIR/p"
	assert_success
	jq -r .ciphertext_b64 <<<"$output" | base64 -d >"$BATS_TEST_TMPDIR/c"
	run --separate-stderr tpmctl --json decrypt jbox -i "$BATS_TEST_TMPDIR/c"
	assert_success
	assert_equal "$(jq -r .data_b64 <<<"$output" | base64 -d)" "json secret"
	run --separate-stderr tpmctl --json export-public jbox
	assert_success
	assert_equal "$(jq -r .pubkey_pem <<<"$output")" "$(tpmctl export-public jbox)"
	assert_equal "$(jq -r .path <<<"$output")" /P_RSA2048SHA256/HS/SRK/jbox
	tpmctl -q delete jbox
}

@test "unseal --json: the secret as data_b64; list --json: what an object is bound to" {
	printf 'sealed for json' | tpmctl -q seal jseal -i - --pcrs sha256:16
	run --separate-stderr tpmctl --json unseal jseal
	assert_success
	assert_equal "$(jq -r .data_b64 <<<"$output" | base64 -d)" "sealed for json"
	run tpmctl --json list
	assert_equal "$(jq -r '.[] | select(.path | endswith("/jseal")) | .bindings.pcrs' <<<"$output")" sha256:16
	tpmctl -q delete jseal
}

@test "list --json: a public key imported with --pubkey is of type public, a stored policy of type policy" {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$BATS_TEST_TMPDIR/k.pem" 2>/dev/null
	openssl pkey -in "$BATS_TEST_TMPDIR/k.pem" -pubout -out "$BATS_TEST_TMPDIR/pub.pem"
	tpmctl -q import jpartner --pubkey "$BATS_TEST_TMPDIR/pub.pem"
	tpmctl -q policy import jpolicy "$TPMCTL_DATADIR/policies/pcr-password.json"
	run --separate-stderr tpmctl --json list
	assert_success
	assert_equal "$(jq -r '.[] | select(.path == "/ext/jpartner") | .type' <<<"$output")" public
	assert_equal "$(jq -r '.[] | select(.path == "/policy/jpolicy") | .type' <<<"$output")" policy
	tpmctl -q delete /ext/jpartner
	tpmctl -q delete /policy/jpolicy
}
