#!/usr/bin/env bats
# `delete /`: the whole keystore, only with --force, saying what goes.

load helpers

@test "delete / without --force exits 3, names what it would delete, and deletes nothing" {
	tpmctl -q key create keep --persistent 0x81000020
	before=$(tpmctl list)
	run tpmctl delete /
	assert_failure 3
	assert_output --partial "refusing to delete /: that deletes the whole keystore"
	assert_output --partial "0x81000001"
	assert_output --partial "0x81000020"
	assert_output --partial "give --force"
	assert_equal "$(tpmctl list)" "$before"
	assert_equal "$(tpm_handles persistent | grep -c 0x81000020)" 1
}

@test "delete / must stand alone" {
	run tpmctl delete / keep --force
	assert_failure 2
	assert_output --partial "give it alone"
}

@test "delete / --force removes every object and persistent handle; provision starts again" {
	dd if=/dev/urandom bs=1k count=2 2>/dev/null | tpmctl -q seal bigsecret -i -
	tpmctl policy import pw "$TPMCTL_DATADIR/policies/password.json" >/dev/null
	n=$(tpmctl list | wc -l)
	run tpmctl --json delete / --force
	assert_success
	assert_equal "$(jq '.deleted | length' <<<"$output")" "$n"
	jq -e '.evicted | index("0x81000001") and index("0x81000020")' <<<"$output"
	assert_equal "$(tpm_handles persistent)" ""
	[ -z "$(find "$TPMCTL_KEYSTORE" -name object.json)" ]
	run tpmctl list
	assert_failure 4
	assert_output --partial "not provisioned"
	tpmctl -q provision
	tpmctl -q key create again
	echo data >"$BATS_TEST_TMPDIR/d"
	tpmctl sign again -i "$BATS_TEST_TMPDIR/d" -o "$BATS_TEST_TMPDIR/sig"
}
