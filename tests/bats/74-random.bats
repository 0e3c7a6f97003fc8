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
	# The session is salted with the SRK (an encrypted salt) and obfuscates
	# parameters with XOR (TPM_ALG_XOR, 0x000a), as the man page says.
	python3 - "$TCTI_PCAP_FILE" "$BATS_TEST_DIRNAME/../../bench" <<'PY'
import struct, sys
sys.path.insert(0, sys.argv[2])
from pcap_commands import segments
starts = []
for port, p in segments(open(sys.argv[1], 'rb').read()):
    if len(p) >= 10 and struct.unpack_from(">I", p, 6)[0] == 0x176:
        starts.append(p)
assert len(starts) == 1, "expected one TPM2_StartAuthSession, saw %d" % len(starts)
p, off = starts[0], 10 + 8  # header, then the tpmKey and bind handles
tpm_key = struct.unpack_from(">I", p, 10)[0]
assert tpm_key >> 24 == 0x81, "the salt key is not a persistent key: 0x%08x" % tpm_key
nonce = struct.unpack_from(">H", p, off)[0]
off += 2 + nonce
salt = struct.unpack_from(">H", p, off)[0]
assert salt > 0, "no encrypted salt"
off += 2 + salt + 1  # the salt, then the session type
alg = struct.unpack_from(">H", p, off)[0]
assert alg == 0x000a, "parameter encryption 0x%04x, not XOR" % alg
PY
}

@test "random 1 MiB: every byte, not a repeated chunk, one TPM2_GetRandom per digest-sized chunk" {
	local out=$BATS_TEST_TMPDIR/r cap=$BATS_TEST_TMPDIR/bus.pcap max_digest
	TCTI_PCAP_FILE=$cap run tpmctl --tcti "pcap:$TPMCTL_TCTI" random 1048576 -o "$out"
	assert_success
	assert_equal "$(stat -c %s "$out")" "1048576"
	# What TPM2_GetRandom gives at most per command.
	max_digest=$(tpm2_getcap -T "$TPMCTL_TCTI" properties-fixed |
		sed -n '/TPM2_PT_MAX_DIGEST:/{n;s/.*raw: //p}')
	[ -n "$max_digest" ] || fail "no TPM2_PT_MAX_DIGEST"
	python3 - "$out" "$((max_digest))" <<'PY'
import sys
data, chunk = open(sys.argv[1], "rb").read(), int(sys.argv[2])
assert data.count(0) < len(data) // 128, "too many zero bytes"
chunks = [data[i:i + chunk] for i in range(0, len(data), chunk)]
assert len(set(chunks)) == len(chunks), "a chunk of random bytes came twice"
PY
	commands=$(python3 "$BATS_TEST_DIRNAME/../lib/tpm_commands.py" "$cap")
	# The session, then one TPM2_GetRandom per chunk: nothing per chunk else.
	assert_equal "$(grep -c . <<<"$commands")" "$((1 + 1048576 / max_digest))"
	assert_equal "$(grep -cx 0x0000017b <<<"$commands")" "$((1048576 / max_digest))"
	# Another run gives other bytes.
	run tpmctl random 4096 -o "$BATS_TEST_TMPDIR/r2"
	assert_success
	! cmp -s "$BATS_TEST_TMPDIR/r2" <(head -c 4096 "$out")
}
