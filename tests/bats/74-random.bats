#!/usr/bin/env bats
# random: bytes from the TPM, never in clear on the bus.

load helpers

@test "random N writes N bytes" {
	run bash -c "'$TPMCTL' random 100 | wc -c"
	assert_success
	assert_output "100"
}

@test "random --hex prints 2N hex digits" {
	run tpmctl random 16 --hex
	assert_success
	assert_output --regexp '^[0-9a-f]{32}$'
}

@test "random -o writes a 0600 file and refuses to overwrite it" {
	umask 022
	run tpmctl random 4096 -o "$BATS_TEST_TMPDIR/r"
	assert_success
	assert_equal "$(stat -c %s "$BATS_TEST_TMPDIR/r")" "4096"
	assert_equal "$(stat -c %a "$BATS_TEST_TMPDIR/r")" "600"
	run tpmctl random 16 -o "$BATS_TEST_TMPDIR/r"
	assert_failure 3
	run tpmctl random 16 -o "$BATS_TEST_TMPDIR/r" --force
	assert_success
	assert_equal "$(stat -c %s "$BATS_TEST_TMPDIR/r")" "16"
}

@test "two calls give different bytes" {
	a=$(tpmctl random 32 --hex)
	b=$(tpmctl random 32 --hex)
	[ "$a" != "$b" ]
}

@test "more than 1 MiB or not a number is a usage error (exit 2), like a missing count" {
	run tpmctl random 1048577
	assert_failure 2
	assert_output --partial "give a number of bytes from 0 to 1048576"
	run tpmctl random ten
	assert_failure 2
	run tpmctl random a
	assert_failure 2
	run tpmctl random
	assert_failure 2
	run tpmctl random -5
	assert_failure 2
}

@test "random bytes cross the TPM bus encrypted" {
	export TCTI_PCAP_FILE=$BATS_TEST_TMPDIR/bus.pcap
	tpmctl --tcti "pcap:$TPMCTL_TCTI" random 64 -o "$BATS_TEST_TMPDIR/r"
	[ -s "$TCTI_PCAP_FILE" ]
	python3 - "$BATS_TEST_TMPDIR/r" "$TCTI_PCAP_FILE" <<'PY'
import sys
r = open(sys.argv[1], 'rb').read()
bus = open(sys.argv[2], 'rb').read()
for i in range(0, len(r) - 8):
    assert r[i:i + 8] not in bus, "random bytes found in clear on the bus"
PY
}
