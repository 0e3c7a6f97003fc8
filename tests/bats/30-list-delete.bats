#!/usr/bin/env bats
# list and delete, side by side with the tss2_* tools on the same keystore.

load helpers
bats_require_minimum_version 1.5.0

# Creates a FAPI key with the tss2 tools, through tpmctl's own config.
tss2_key() {
	tpmctl config >"$BATS_TEST_TMPDIR/fapi.json"
	TSS2_FAPICONF=$BATS_TEST_TMPDIR/fapi.json TSS2_LOG=all+none tss2_createkey -p "/HS/SRK/$1" -t sign -a ""
}

@test "list prints one path per line" {
	run tpmctl list
	assert_success
	assert_line "/P_RSA2048SHA256/HS/SRK"
	assert_line "/P_RSA2048SHA256/HE/EK"
	for l in "${lines[@]}"; do [[ $l == /* ]] || fail "not a path: $l"; done
}

@test "list --json: an object per path with its type, algorithm, handle and description" {
	text=$(tpmctl list | sort)
	run tpmctl list --json
	assert_success
	assert_equal "$(jq -r '.[].path' <<<"$output" | sort)" "$text"
	srk=$(jq -c '.[] | select(.path == "/P_RSA2048SHA256/HS/SRK")' <<<"$output")
	assert_equal "$(jq -r .type <<<"$srk")" restricted-decrypt
	assert_equal "$(jq -r .algorithm <<<"$srk")" rsa2048
	assert_equal "$(jq -r .persistent_handle <<<"$srk")" 2164260865
	assert_equal "$(jq -r '.[] | select(.path == "/P_RSA2048SHA256/HS") | .type' <<<"$output")" hierarchy
	tpmctl -q key create listed --description "for list"
	tpmctl -q policy import /policy/listed "$TPMCTL_DATADIR/policies/password.json"
	run tpmctl list --json
	key=$(jq -c '.[] | select(.path == "/P_RSA2048SHA256/HS/SRK/listed")' <<<"$output")
	assert_equal "$(jq -r '[.type, .algorithm, .description, .persistent_handle] | join(",")' <<<"$key")" "sign,rsa2048,for list,"
	assert_equal "$(jq -r '.[] | select(.path == "/policy/listed") | .type' <<<"$output")" policy
	tpmctl -q delete listed /policy/listed
}

@test "list PATH lists under PATH; a bare name means /HS/SRK/NAME" {
	tss2_key listed
	run tpmctl list /HS/SRK
	assert_success
	assert_output --partial "/P_RSA2048SHA256/HS/SRK/listed"
	refute_output --partial "/HE/EK"
	run tpmctl list listed
	assert_success
	assert_output "/P_RSA2048SHA256/HS/SRK/listed"
	tpmctl -q delete listed
}

@test "list of a missing path exits 4" {
	run tpmctl list /HS/SRK/missing
	assert_failure 4
	assert_output --partial "no such object in the keystore"
}

@test "--json: a TPM or FAPI error gives its code and what it means" {
	run --separate-stderr tpmctl --json delete nosuch
	assert_failure 4
	assert_equal "$(jq -r .exit <<<"$output")" 4
	assert_equal "$(jq -r .code <<<"$output")" 0x6001d
	assert_equal "$(jq -r .hint <<<"$output")" "no such object in the keystore; see \`tpmctl list\`"
	assert_equal "tpmctl: delete: $(jq -r .error <<<"$output")" "$stderr"
}

@test "delete removes a key made by tss2_createkey" {
	tss2_key doomed
	run tpmctl delete doomed
	assert_success
	assert_output "deleted doomed"
	run tpmctl list
	refute_output --partial "doomed"
}

@test "delete of a missing path exits 4 with FAPI's code decoded" {
	run tpmctl delete /HS/SRK/missing
	assert_failure 4
	assert_output "tpmctl: delete: deleting /HS/SRK/missing: no such object in the keystore; see \`tpmctl list\` (0x6001d: fapi:The provided path is bad)"
}

@test "delete tries every path and exits with the first failure" {
	tss2_key one
	tss2_key two
	run tpmctl delete one missing two
	assert_failure 4
	assert_line "deleted one"
	assert_line "deleted two"
	assert_line --partial "deleting /HS/SRK/missing: no such object"
	assert_line "tpmctl: delete: 1 of 3 paths not deleted"
	run tpmctl list
	refute_output --partial "/one"
	refute_output --partial "/two"
}

@test "delete refuses the SRK and the hierarchies (exit 3)" {
	for p in /HS/SRK /P_RSA2048SHA256/HS/SRK /HE/EK /HS /LOCKOUT; do
		run tpmctl delete "$p"
		assert_failure 3
		assert_output --partial "refusing to delete $p"
	done
	run tpmctl health
	assert_success
}

@test "paths with characters FAPI cannot store are bad input (exit 3)" {
	run tpmctl delete 'a b'
	assert_failure 3
	assert_output --partial "character ' ' is not allowed"
	run tpmctl delete '/HS/SRK/../x'
	assert_failure 3
	assert_output --partial "'..' are not allowed"
}

@test "delete --json prints nothing on success; -q prints nothing" {
	tss2_key quiet
	run tpmctl -q delete quiet
	assert_success
	assert_output ""
}

@test "key show of an NV index that list shows says what it is" {
	tpmctl config >"$BATS_TEST_TMPDIR/fapi.json"
	TSS2_FAPICONF=$BATS_TEST_TMPDIR/fapi.json TSS2_LOG=all+none \
		tss2_createnv -p /nv/Owner/shown -t noda -s 32 -a ""
	run tpmctl list
	assert_line /nv/Owner/shown
	run tpmctl key show /nv/Owner/shown
	assert_success
	assert_line --regexp '^type +NV index \(ordinary\)$'
	assert_line --regexp '^size +32 bytes'
	assert_line --regexp '^handle +0x01[0-9a-f]{6}$'
	run tpmctl --json key show /nv/Owner/shown
	assert_success
	jq -e '.type == "nv" and .nv_type == "ordinary" and .size == 32 and (.attributes | index("no_da"))' <<<"$output"
	tpmctl -q delete /nv/Owner/shown
	run tpmctl key show /nv/Owner/shown
	assert_failure 4
}
