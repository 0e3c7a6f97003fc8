#!/usr/bin/env bats
# health: one word when all is well, the reason and its exit code when not.

load helpers

setup() { start_tpm; }
teardown() { assert_tpm_clean; stop_tpm; }
setup_file() { :; }

@test "health prints ok and exits 0" {
	run tpmctl health
	assert_success
	assert_output "ok"
}

@test "health --json says ok with exit code 0" {
	run tpmctl --json health
	assert_success
	assert_equal "$(jq -r .ok <<<"$output")" "true"
	assert_equal "$(jq -r .exit_code <<<"$output")" "0"
}

@test "health with the SRK gone from the TPM exits 4 and says provision --force" {
	tpm2_evictcontrol -T "$TPMCTL_TCTI" -C o -c 0x81000001 >/dev/null
	run tpmctl health
	assert_failure 4
	assert_output --partial "storage root key 0x81000001 is not in the TPM (was the TPM cleared?)"
	assert_output --partial "tpmctl provision --force"
	run tpmctl provision --force
	assert_success
	run tpmctl health
	assert_success
}

@test "health --json on failure still prints the reason and code" {
	tpm2_evictcontrol -T "$TPMCTL_TCTI" -C o -c 0x81000001 >/dev/null
	run --separate-stderr tpmctl --json health
	assert_failure 4
	assert_equal "$(jq -r .ok <<<"$output")" "false"
	assert_equal "$(jq -r .exit_code <<<"$output")" "4"
	[[ $(jq -r .reason <<<"$output") == *"provision --force"* ]]
}

@test "health in dictionary-attack lockout exits 5 and says how to recover" {
	tpm2_dictionarylockout -T "$TPMCTL_TCTI" --setup-parameters --max-tries=1 --recovery-time=600 --lockout-recovery-time=600
	# Without a resource manager every tpm2-tools call leaves its objects
	# loaded, so flush after each.
	tpm2_createprimary -T "$TPMCTL_TCTI" -C o -G ecc -c "$BATS_TEST_TMPDIR/p.ctx" >/dev/null
	tpm2_flushcontext -T "$TPMCTL_TCTI" --transient-object
	tpm2_create -T "$TPMCTL_TCTI" -C "$BATS_TEST_TMPDIR/p.ctx" -G ecc -p right \
		-u "$BATS_TEST_TMPDIR/k.pub" -r "$BATS_TEST_TMPDIR/k.priv" >/dev/null
	tpm2_flushcontext -T "$TPMCTL_TCTI" --transient-object
	tpm2_load -T "$TPMCTL_TCTI" -C "$BATS_TEST_TMPDIR/p.ctx" -u "$BATS_TEST_TMPDIR/k.pub" \
		-r "$BATS_TEST_TMPDIR/k.priv" -c "$BATS_TEST_TMPDIR/k.ctx" >/dev/null
	echo data >"$BATS_TEST_TMPDIR/data"
	tpm2_sign -T "$TPMCTL_TCTI" -c "$BATS_TEST_TMPDIR/k.ctx" -p wrong -o "$BATS_TEST_TMPDIR/sig" \
		"$BATS_TEST_TMPDIR/data" 2>/dev/null && fail "a wrong password signed"
	tpm2_flushcontext -T "$TPMCTL_TCTI" --transient-object
	run tpmctl health
	assert_failure 5
	assert_output --partial "dictionary-attack lockout"
	assert_output --partial "tpmctl lockout clear"
	run tpmctl --json info
	assert_equal "$(jq -r .lockout.locked_out <<<"$output")" "true"
	tpm2_dictionarylockout -T "$TPMCTL_TCTI" --clear-lockout
	run tpmctl health
	assert_success
}
