#!/usr/bin/env bats
# provision: a blank TPM and keystore become usable; a provisioned one is left alone.

load helpers

setup_file() { :; }
setup() { start_blank_tpm; }
teardown() { assert_tpm_clean; stop_tpm; }

@test "provision sets up a noda SRK at 0x81000001 and says so" {
	run tpmctl provision
	assert_success
	assert_output "provisioned P_RSA2048SHA256: storage root key at 0x81000001"
	run tpm2_readpublic -T "$TPMCTL_TCTI" -c 0x81000001
	assert_success
	assert_output --regexp 'value: .*noda.*restricted.*decrypt'
	run tpmctl health
	assert_success
	assert_output "ok"
}

@test "provision --json names the profile and the SRK handle" {
	run tpmctl --json provision
	assert_success
	assert_equal "$(jq -r .profile <<<"$output")" "P_RSA2048SHA256"
	assert_equal "$(jq -r .srk_handle <<<"$output")" "$((0x81000001))"
	assert_equal "$(jq -r .keystore <<<"$output")" "$TPMCTL_KEYSTORE/user"
}

@test "provision with --profile P_ECCP256SHA256 uses that profile's handle" {
	run tpmctl --profile P_ECCP256SHA256 provision
	assert_success
	assert_output --partial "0x81000002"
	run tpm2_readpublic -T "$TPMCTL_TCTI" -c 0x81000002
	assert_output --partial "ecc"
}

@test "an unknown profile exits 4 and names the shipped ones" {
	run tpmctl --profile P_NOPE provision
	assert_failure 4
	assert_output --partial "no profile P_NOPE"
	assert_output --partial "P_ECCP256SHA256"
}

@test "a profile name with / or a leading . is a usage error (exit 2)" {
	for name in ../P_RSA2048SHA256 a/b .hidden; do
		run tpmctl --profile "$name" provision
		assert_failure 2
		assert_output --partial "profile name $name is not valid"
	done
}

@test "provisioning twice exits 9 and points at --force" {
	tpmctl -q provision
	run tpmctl provision
	assert_failure 9
	assert_output --partial "already provisioned for P_RSA2048SHA256; use --force"
}

@test "provision --force provisions again and keeps the keys under the SRK" {
	tpmctl -q provision
	tpmctl config >"$BATS_TEST_TMPDIR/fapi.json"
	TSS2_FAPICONF=$BATS_TEST_TMPDIR/fapi.json TSS2_LOG=all+none tss2_createkey -p /HS/SRK/kept -t sign -a ""
	run tpmctl provision --force
	assert_success
	run tpmctl list
	assert_output --partial "/P_RSA2048SHA256/HS/SRK/kept"
	echo data | openssl dgst -sha256 -binary >"$BATS_TEST_TMPDIR/digest"
	run env TSS2_FAPICONF=$BATS_TEST_TMPDIR/fapi.json TSS2_LOG=all+none \
		tss2_sign -p /HS/SRK/kept -d "$BATS_TEST_TMPDIR/digest" -o "$BATS_TEST_TMPDIR/sig" -f
	assert_success
}

@test "a persistent key the keystore does not know is not replaced without --force" {
	tpm2_createprimary -T "$TPMCTL_TCTI" -C o -G ecc -c "$BATS_TEST_TMPDIR/p.ctx" >/dev/null
	tpm2_evictcontrol -T "$TPMCTL_TCTI" -C o -c "$BATS_TEST_TMPDIR/p.ctx" 0x81000001 >/dev/null
	tpm2_flushcontext -T "$TPMCTL_TCTI" --transient-object
	run tpmctl provision
	assert_failure 9
	assert_output --partial "already holds a persistent key at 0x81000001"
	run tpmctl provision --force
	assert_success
	run tpm2_readpublic -T "$TPMCTL_TCTI" -c 0x81000001
	assert_output --partial "rsa"
}

@test "keystore files are 0600 and directories 0700" {
	umask 022
	tpmctl -q provision
	bad=$(find "$TPMCTL_KEYSTORE" \( -type f ! -perm 0600 \) -o \( -type d ! -perm 0700 \))
	assert_equal "$bad" ""
	[ -n "$(find "$TPMCTL_KEYSTORE" -name object.json)" ]
}

@test "health before provisioning exits 4 and says to provision" {
	run tpmctl health
	assert_failure 4
	assert_output "tpmctl: health: the keystore is not provisioned for P_RSA2048SHA256: run \`tpmctl provision\`"
}

@test "list before provisioning exits 4 and says to provision" {
	run tpmctl list
	assert_failure 4
	assert_output --partial "run \`tpmctl provision\`"
}

@test "the TPM full of leaked objects: provision explains 0x902 with tpmctl flush" {
	# Leaks stay in a TPM without a resource manager only (one flushes what
	# a client left when it disconnects).
	export TPMCTL_TCTI=$TPM_DIRECT_TCTI
	for i in 1 2 3; do
		tpm2_createprimary -T "$TPMCTL_TCTI" -C o -G ecc -c "$BATS_TEST_TMPDIR/p$i.ctx" >/dev/null
	done
	run tpmctl provision
	assert_failure 8
	assert_output --partial "run \`tpmctl flush\`"
	assert_output --partial "0x902"
	run tpmctl flush
	assert_output "flushed 3 transient objects and 0 sessions"
	run tpmctl provision
	assert_success
}
