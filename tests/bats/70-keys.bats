#!/usr/bin/env bats
# key create and key show.

load helpers

@test "key create makes a sign key under the SRK; key show describes it" {
	run tpmctl key create k1
	assert_success
	assert_output "created /P_RSA2048SHA256/HS/SRK/k1"
	run tpmctl key show k1
	assert_success
	assert_line --regexp '^path +/P_RSA2048SHA256/HS/SRK/k1$'
	assert_line --regexp '^type +sign$'
	assert_line --regexp '^algorithm +rsa2048 \(name hash sha256\)$'
	# No password: noda (see the DICTIONARY-ATTACK LOCKOUT section of the man page).
	assert_line --regexp '^attributes +fixedtpm fixedparent sensitivedataorigin userwithauth noda sign$'
	assert_line --regexp '^persistent +no$'
	assert_line --regexp '^needs password +no$'
	tpmctl -q delete k1
}

@test "key show --json holds type, algorithm, attributes, handle, policy, description, password" {
	tpmctl -q key create k2 --type decrypt --description "backup key" --noda
	run tpmctl --json key show k2
	assert_success
	assert_equal "$(jq -r .path <<<"$output")" "/P_RSA2048SHA256/HS/SRK/k2"
	assert_equal "$(jq -r .type <<<"$output")" "decrypt"
	assert_equal "$(jq -r .algorithm <<<"$output")" "rsa2048"
	assert_equal "$(jq -r '.attributes | index("noda") != null' <<<"$output")" "true"
	assert_equal "$(jq -r '.attributes | index("decrypt") != null' <<<"$output")" "true"
	assert_equal "$(jq -r .persistent_handle <<<"$output")" "null"
	assert_equal "$(jq -r .policy <<<"$output")" "null"
	assert_equal "$(jq -r .description <<<"$output")" "backup key"
	assert_equal "$(jq -r .needs_password <<<"$output")" "false"
	tpmctl -q delete k2
}

@test "every --alg makes its kind of key, found again by its bare name" {
	for alg in rsa2048 ecc256 ecc384; do
		run tpmctl key create "a-$alg" --alg "$alg"
		assert_success
		run tpmctl --json key show "a-$alg"
		assert_equal "$(jq -r .algorithm <<<"$output")" "$alg"
	done
	run tpmctl --json key show a-ecc384
	assert_equal "$(jq -r .name_hash <<<"$output")" "sha384"
	tpmctl -q delete a-rsa2048 a-ecc256 a-ecc384
}

@test "--alg rsa3072 is a usage error (exit 2) that says why" {
	run tpmctl key create big --alg rsa3072
	assert_failure 2
	assert_output --partial "cannot make RSA-3072 keys"
}

@test "an unknown --alg or --type is a usage error" {
	run tpmctl key create x --alg dsa
	assert_failure 2
	run tpmctl key create x --type wrap
	assert_failure 2
	assert_output --partial "use sign, decrypt, restricted-sign or restricted-decrypt"
}

@test "restricted keys have the restricted attribute" {
	tpmctl -q key create rs --type restricted-sign --alg ecc256
	tpmctl -q key create rd --type restricted-decrypt --alg ecc256
	run tpmctl --json key show rs
	assert_equal "$(jq -r .type <<<"$output")" "restricted-sign"
	run tpmctl --json key show rd
	assert_equal "$(jq -r .type <<<"$output")" "restricted-decrypt"
	tpmctl -q delete rs rd
}

@test "creating an existing key exits 9" {
	tpmctl -q key create dup --alg ecc256
	run tpmctl key create dup --alg ecc256
	assert_failure 9
	assert_output --partial "already exists"
	run tpmctl key create dup
	assert_failure 9
	tpmctl -q delete dup
}

@test "--persistent makes the key persistent; a taken handle exits 9; delete frees it" {
	run tpmctl key create pers --alg ecc256 --persistent 0x81000010
	assert_success
	run tpm2_getcap -T "$TPMCTL_TCTI" handles-persistent
	assert_output --partial "0x81000010"
	run tpmctl --json key show pers
	assert_equal "$(jq -r .persistent_handle <<<"$output")" "$((0x81000010))"
	run tpmctl key create pers2 --alg ecc256 --persistent 0x81000010
	assert_failure 9
	assert_output --partial "already holds a persistent object at 0x81000010"
	echo data >"$BATS_TEST_TMPDIR/data"
	run tpmctl sign pers -i "$BATS_TEST_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig"
	assert_success
	tpmctl -q delete pers
	run tpm2_getcap -T "$TPMCTL_TCTI" handles-persistent
	refute_output --partial "0x81000010"
}

@test "--persistent outside the persistent range is a usage error (exit 2), before the TPM" {
	TPMCTL_TCTI=swtpm:path=/nonexistent run tpmctl key create p3 --persistent 0x80000001
	assert_failure 2
	assert_output --partial "not a persistent handle"
}

@test "a key made by tss2_createkey is shown and used by tpmctl" {
	tpmctl config >"$BATS_TEST_TMPDIR/fapi.json"
	TSS2_FAPICONF=$BATS_TEST_TMPDIR/fapi.json TSS2_LOG=all+none tss2_createkey -p /HS/SRK/fromtss -t sign -a ""
	run tpmctl --json key show fromtss
	assert_success
	assert_equal "$(jq -r .type <<<"$output")" "sign"
	tpmctl -q delete fromtss
}

@test "key show of a missing key exits 4" {
	run tpmctl key show nope
	assert_failure 4
	assert_output --partial "no object /HS/SRK/nope in the keystore"
}

@test "a bare name in two profiles is ambiguous (exit 3) until the full path is given" {
	tpmctl -q key create twin --alg ecc256
	run tpmctl key create /P_ECCP384SHA384/HS/SRK/twin
	assert_success
	run tpmctl key show twin
	assert_failure 3
	assert_output --partial "twin is ambiguous"
	run tpmctl key show /P_ECCP384SHA384/HS/SRK/twin
	assert_success
	tpmctl -q delete /P_ECCP256SHA256/HS/SRK/twin /P_ECCP384SHA384/HS/SRK/twin
}

@test "key create provisions a profile that is not provisioned yet" {
	rm -rf "$TPMCTL_KEYSTORE/system/P_ECCP384SHA384"
	tpm2_evictcontrol -T "$TPMCTL_TCTI" -C o -c 0x81000004 >/dev/null
	run tpmctl key create auto --alg ecc384
	assert_success
	assert_output --partial "provisioned P_ECCP384SHA384 first"
	assert_output --partial "created /P_ECCP384SHA384/HS/SRK/auto"
	tpmctl -q delete auto
}

@test "key --help lists create and show; key create --help lists its options" {
	run tpmctl key --help
	assert_success
	assert_output --partial "create"
	assert_output --partial "show"
	run tpmctl key create --help
	assert_success
	assert_output --partial "Usage: tpmctl [GLOBAL OPTIONS] key create PATH"
	for opt in --type --alg --noda --policy --persistent --description --auth-file --auth-fd --auth-env --auth-prompt; do
		assert_output --partial -- "$opt"
	done
}
