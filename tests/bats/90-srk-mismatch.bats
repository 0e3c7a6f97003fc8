#!/usr/bin/env bats
# The TPM's storage root key is not the keystore's (evicted, or another key at
# its handle): commands say so, name the handle and what to do, leave nothing
# loaded, and `tpmctl health` agrees with them.

load helpers

setup() {
	start_tpm
	echo data >"$BATS_TEST_TMPDIR/data"
	echo secret >"$BATS_TEST_TMPDIR/secret"
	tpmctl -q key create k
	tpmctl -q seal s -i "$BATS_TEST_TMPDIR/secret"
}
teardown() {
	assert_tpm_clean
	stop_tpm
}
setup_file() { :; }

sign_k() {
	tpmctl sign k -i "$BATS_TEST_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig" --force
}

# A cleared TPM, provisioned again by a second keystore for profile $1.
clear_and_provision_other() {
	tpm2_clear -T "$TPMCTL_TCTI" -c p
	TPMCTL_KEYSTORE=$BATS_TEST_TMPDIR/other tpmctl -q --profile "$1" provision
}

@test "SRK evicted: sign, unseal and random exit 4 naming it; health agrees; provision --force brings the keys back" {
	tpm2_evictcontrol -T "$TPMCTL_TCTI" -C o -c 0x81000001 >/dev/null
	missing="the storage root key 0x81000001 this keystore was provisioned with is not in the TPM"
	run sign_k
	assert_failure 4
	assert_output --partial "tpmctl: sign: loading /P_RSA2048SHA256/HS/SRK/k: $missing"
	assert_output --partial 'run `tpmctl health`'
	assert_output --partial "(0x18b: "
	run tpmctl unseal s
	assert_failure 4
	assert_output --partial "tpmctl: unseal: loading /P_RSA2048SHA256/HS/SRK/s: $missing"
	run tpmctl random 8 --hex
	assert_failure 4
	assert_output --partial "tpmctl: random: starting a session salted with the storage root key: $missing"
	assert_tpm_clean
	run tpmctl health
	assert_failure 4
	assert_output --partial "0x81000001 is not in the TPM"
	assert_output --partial "tpmctl provision --force"
	# The advice holds: the TPM was not cleared, so the same SRK comes back.
	tpmctl -q provision --force
	run sign_k
	assert_success
	run tpmctl unseal s
	assert_output "secret"
}

@test "another keystore provisioned on the cleared TPM: sign, unseal and random exit 8 naming the handle" {
	clear_and_provision_other P_RSA2048SHA256
	other="the key at 0x81000001 is not the storage root key this keystore was provisioned with (another TPM, or a cleared one)"
	run sign_k
	assert_failure 8
	assert_output --partial "tpmctl: sign: loading /P_RSA2048SHA256/HS/SRK/k: $other"
	assert_output --partial 'run `tpmctl health`; provision again only if the TPM was cleared'
	assert_output --partial "(0x1df: "
	run tpmctl unseal s
	assert_failure 8
	assert_output --partial "tpmctl: unseal: loading /P_RSA2048SHA256/HS/SRK/s: $other"
	run tpmctl random 8 --hex
	assert_failure 8
	assert_output --partial "tpmctl: random: starting a session salted with the storage root key: $other"
	assert_output --partial "(0x2c4: "
	assert_tpm_clean
	run tpmctl health
	assert_failure 8
	assert_output --partial "the key at 0x81000001 is not the storage root key this keystore was provisioned with"
	assert_output --partial "keys are lost"
	# The other keystore is the TPM's now, and is healthy.
	run env TPMCTL_KEYSTORE="$BATS_TEST_TMPDIR/other" "$TPMCTL" health
	assert_success
	assert_output "ok"
}

@test "another ECC storage root key: the salt decrypts to another session key, and that is said too" {
	tpmctl -q key create e --alg ecc256
	clear_and_provision_other P_ECCP256SHA256
	other="the key at 0x81000002 is not the storage root key this keystore was provisioned with"
	run tpmctl sign e -i "$BATS_TEST_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig"
	assert_failure 8
	assert_output --partial "loading /P_ECCP256SHA256/HS/SRK/e: $other"
	run tpmctl --profile P_ECCP256SHA256 random 8 --hex
	assert_failure 8
	assert_output --partial "tpmctl: random: reading random bytes from the TPM: $other"
	assert_output --partial "(0x9a2: "
	assert_tpm_clean
	run tpmctl --profile P_ECCP256SHA256 health
	assert_failure 8
	assert_output --partial "$other"
}

@test "with the keystore's SRK in place, a failure that is not the SRK's keeps its own message" {
	printf 'pw\n' >"$BATS_TEST_TMPDIR/pw"
	printf 'wrong\n' >"$BATS_TEST_TMPDIR/bad"
	tpmctl -q key create withpw --auth-file "$BATS_TEST_TMPDIR/pw"
	run tpmctl sign withpw -i "$BATS_TEST_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig" \
		--auth-file "$BATS_TEST_TMPDIR/bad"
	assert_failure 5
	assert_output --partial "wrong password"
	refute_output --partial "storage root key"
	# (-q: the wrong password left a failed try, which health warns of.)
	run tpmctl -q health
	assert_output "ok"
}
