#!/usr/bin/env bats
# flush: clearing what other programs left in the TPM.

load helpers

# flush clears what other programs left in a TPM without a resource manager;
# through one, a client sees only its own handles, which it flushes as it
# disconnects. So this file talks to the swtpm directly in every leg.
setup() {
	export TPMCTL_TCTI=$TPM_DIRECT_TCTI
}

leak_objects() {
	for i in $(seq "$1"); do
		tpm2_createprimary -T "$TPMCTL_TCTI" -C o -G ecc -c "$BATS_TEST_TMPDIR/p$i.ctx" >/dev/null
	done
}

@test "two leaked transient objects: flush prints 2 and leaves none" {
	leak_objects 2
	assert_equal "$(tpm_handles transient | wc -l)" "2"
	run tpmctl flush
	assert_success
	assert_output "flushed 2 transient objects and 0 sessions"
	assert_equal "$(tpm_handles transient)" ""
}

@test "flush counts sessions, and --json gives both numbers" {
	leak_objects 1
	tpm2_startauthsession -T "$TPMCTL_TCTI" -S "$BATS_TEST_TMPDIR/s.ctx"
	run tpmctl --json flush
	assert_success
	assert_equal "$(jq -r .transient <<<"$output")" "1"
	assert_equal "$(jq -r .sessions <<<"$output")" "1"
	assert_equal "$(tpm_handles saved-session)$(tpm_handles loaded-session)" ""
}

@test "flush --transient leaves sessions; flush --sessions leaves objects" {
	leak_objects 1
	tpm2_startauthsession -T "$TPMCTL_TCTI" -S "$BATS_TEST_TMPDIR/s.ctx"
	run tpmctl flush --transient
	assert_output "flushed 1 transient object and 0 sessions"
	[ -n "$(tpm_handles saved-session)" ]
	leak_objects 1
	run tpmctl flush --sessions
	assert_output "flushed 0 transient objects and 1 session"
	[ -n "$(tpm_handles transient)" ]
	tpmctl -q flush
}

@test "flush on a clean TPM flushes nothing" {
	run tpmctl flush
	assert_success
	assert_output "flushed 0 transient objects and 0 sessions"
}

@test "flush keeps persistent objects (the SRK)" {
	leak_objects 1
	tpmctl -q flush
	run tpm2_getcap -T "$TPMCTL_TCTI" handles-persistent
	assert_output --partial "0x81000001"
	run tpmctl health
	assert_success
}
