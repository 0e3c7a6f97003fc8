#!/usr/bin/env bats
# How many TPM commands the everyday operations send (counted on the bus with
# the pcap TCTI), and that none is spent on what a command does not need:
# TPM2_Startup, GetCapability and ReadClock (FAPI's start-up), ReadPublic
# (the SRK comes from the keystore).

load helpers

STARTUP=0x00000144 GET_CAPABILITY=0x0000017a READ_CLOCK=0x00000181 READ_PUBLIC=0x00000173
START_AUTH_SESSION=0x00000176 LOAD=0x00000157 SIGN=0x0000015d FLUSH=0x00000165
POLICY_PCR=0x0000017f UNSEAL=0x0000015e PCR_READ=0x0000017e

setup_file() {
	start_tpm
	printf 'pw-%s' "$(head -c 8 /dev/urandom | xxd -p)" >"$BATS_FILE_TMPDIR/pw"
	"$TPMCTL" -q key create plain --alg ecc256
	"$TPMCTL" -q key create guarded --alg ecc256 --auth-file "$BATS_FILE_TMPDIR/pw"
	"$TPMCTL" -q key create box --type decrypt
	"$TPMCTL" export-public plain -o "$BATS_FILE_TMPDIR/plain.pem"
	"$TPMCTL" export-public guarded -o "$BATS_FILE_TMPDIR/guarded.pem"
	head -c 3000 /dev/urandom >"$BATS_FILE_TMPDIR/data"
}

# counted CMD... : runs tpmctl CMD on a fresh capture; $commands is then its
# TPM command codes, one per line, and $count how many there are.
counted() {
	local cap=$BATS_TEST_TMPDIR/bus-$RANDOM.pcap
	TCTI_PCAP_FILE=$cap run tpmctl --tcti "pcap:$TPMCTL_TCTI" "$@"
	assert_success
	[ -s "$cap" ] || fail "nothing was captured"
	capture=$cap
	commands=$(python3 "$BATS_TEST_DIRNAME/../lib/tpm_commands.py" "$cap")
	count=$(grep -c . <<<"$commands")
}

# counted_failing CMD...: as counted, for a command that is to fail.
counted_failing() {
	local cap=$BATS_TEST_TMPDIR/bus-$RANDOM.pcap
	TCTI_PCAP_FILE=$cap run tpmctl --tcti "pcap:$TPMCTL_TCTI" "$@"
	assert_failure
	capture=$cap
	commands=$(python3 "$BATS_TEST_DIRNAME/../lib/tpm_commands.py" "$cap")
	count=$(grep -c . <<<"$commands")
}

refute_needless_commands() {
	local cc
	for cc in $STARTUP $GET_CAPABILITY $READ_CLOCK $READ_PUBLIC; do
		if grep -qx "$cc" <<<"$commands"; then
			fail "sent command $cc, which it does not need: $(echo $commands)"
		fi
	done
}

assert_at_most() { # assert_at_most N
	[ "$count" -le "$1" ] || fail "$count TPM commands, expected at most $1: $(echo $commands)"
}

@test "sign with a key without a password: Load, Sign, Flush" {
	counted sign plain -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig"
	assert_at_most 4
	refute_needless_commands
	assert_equal "$(echo $commands)" "$LOAD $SIGN $FLUSH"
	run openssl dgst -sha256 -verify "$BATS_FILE_TMPDIR/plain.pem" -signature "$BATS_TEST_TMPDIR/sig" "$BATS_FILE_TMPDIR/data"
	assert_output "Verified OK"
}

@test "sign with a password: at most 4 commands, the password never on the bus" {
	counted sign guarded -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig" --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_at_most 4
	refute_needless_commands
	grep -qx "$START_AUTH_SESSION" <<<"$commands" || fail "no salted session: $(echo $commands)"
	if grep -qF "$(cat "$BATS_FILE_TMPDIR/pw")" "$capture"; then
		fail "the password crossed the bus in clear"
	fi
	run openssl dgst -sha256 -verify "$BATS_FILE_TMPDIR/guarded.pem" -signature "$BATS_TEST_TMPDIR/sig" "$BATS_FILE_TMPDIR/data"
	assert_output "Verified OK"
	run tpmctl sign guarded -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig2" --auth-env NO_SUCH_VARIABLE_SET
	assert_failure
}

@test "unseal with a PCR policy: 5 commands, no PCR_Read, the secret never on the bus" {
	local marker="MARKER-$(head -c 12 /dev/urandom | xxd -p)"
	printf '%s' "$marker" | tpmctl seal pcrsecret -i - --pcrs sha256:0,7
	counted unseal pcrsecret
	assert_output "$marker"
	assert_at_most 5
	refute_needless_commands
	# PolicyPCR compares the PCRs itself: one salted policy session first,
	# then the object, the unseal, and the flush of the object.
	assert_equal "$(echo $commands)" "$START_AUTH_SESSION $POLICY_PCR $LOAD $UNSEAL $FLUSH"
	if grep -q "$marker" "$capture"; then
		fail "the secret crossed the bus in clear"
	fi
	tpmctl -q delete pcrsecret
}

@test "unseal after a PCR changed: the PCR named, read only then, nothing loaded" {
	printf 'pcr-bound' | tpmctl seal pcrmoved -i - --pcrs sha256:16
	tpmctl pcr extend 16 -i /dev/null
	counted_failing unseal pcrmoved
	assert_equal "$status" 6
	assert_output "tpmctl: unseal: policy not satisfied: PCR sha256:16 changed since sealing"
	assert_equal "$(echo $commands)" "$START_AUTH_SESSION $POLICY_PCR $PCR_READ $FLUSH"
	tpmctl -q delete pcrmoved
}

@test "unseal with a password: the password and the secret never on the bus" {
	local marker="MARKER-$(head -c 12 /dev/urandom | xxd -p)"
	printf '%s' "$marker" | tpmctl seal pwsecret -i - --auth-file "$BATS_FILE_TMPDIR/pw"
	counted unseal pwsecret --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_output "$marker"
	assert_at_most 4
	refute_needless_commands
	if grep -q "$marker" "$capture" || grep -qF "$(cat "$BATS_FILE_TMPDIR/pw")" "$capture"; then
		fail "a secret crossed the bus in clear"
	fi
	tpmctl -q delete pwsecret
}

@test "random: at most 3 commands, the bytes never on the bus" {
	counted random 32 -o "$BATS_TEST_TMPDIR/r"
	assert_at_most 3
	refute_needless_commands
	assert_equal "$(stat -c %s "$BATS_TEST_TMPDIR/r")" 32
	python3 - "$BATS_TEST_TMPDIR/r" "$capture" <<'PY'
import sys
r = open(sys.argv[1], 'rb').read()
bus = open(sys.argv[2], 'rb').read()
for i in range(0, len(r) - 8):
    assert r[i:i + 8] not in bus, "random bytes found in clear on the bus"
PY
}

@test "decrypt: at most 4 commands, the plaintext never on the bus" {
	local marker="MARKER-$(head -c 12 /dev/urandom | xxd -p)"
	printf '%s' "$marker" >"$BATS_TEST_TMPDIR/plain"
	tpmctl encrypt box -i "$BATS_TEST_TMPDIR/plain" -o "$BATS_TEST_TMPDIR/cipher"
	counted decrypt box -i "$BATS_TEST_TMPDIR/cipher"
	assert_output "$marker"
	assert_at_most 4
	refute_needless_commands
	if grep -q "$marker" "$capture"; then
		fail "the plaintext crossed the bus in clear"
	fi
}

# cache STEP... : runs the steps in one long-lived context (as a batch of
# requests does) on a fresh capture; $loads is then how many TPM2_Load it sent.
cache() {
	local cap=$BATS_TEST_TMPDIR/cache-$RANDOM.pcap
	TCTI_PCAP_FILE=$cap TPMCTL_TCTI="pcap:$TPMCTL_TCTI" run --separate-stderr "$(dirname "$TPMCTL")/tests/object_cache_check" "$@"
	loads=$(python3 "$BATS_TEST_DIRNAME/../lib/tpm_commands.py" "$cap" | grep -cx "$LOAD" || true)
}

@test "a long-lived context loads a key once however often it is used" {
	cache sign:plain sign:plain sign:plain transient
	assert_success
	assert_equal "$(echo $output)" "sign plain: 0 sign plain: 0 sign plain: 0 transient 1"
	assert_equal "$loads" 1
}

@test "the cache keeps the TPM's transient slots less one, flushing the least recently used" {
	tpmctl -q key create third --alg ecc256
	tpmctl -q key create fourth --alg ecc256
	# swtpm guarantees 3 transient slots (TPM2_PT_HR_TRANSIENT_MIN): 2 cached
	cache sign:plain sign:third sign:plain sign:fourth transient sign:plain sign:third transient
	assert_success
	assert_equal "$(echo $output)" "sign plain: 0 sign third: 0 sign plain: 0 sign fourth: 0 transient 2 sign plain: 0 sign third: 0 transient 2"
	# third went when fourth came (plain was used since), fourth when third came back
	assert_equal "$loads" 4
	tpmctl -q delete third fourth
}

@test "a changed keystore object is loaded again; a deleted one is flushed and not found" {
	tpmctl -q key create doomed --alg ecc256
	cache sign:doomed touch:doomed sign:doomed transient remove:doomed sign:doomed sign:plain transient
	assert_success
	assert_equal "$(echo $output)" "sign doomed: 0 touched doomed sign doomed: 0 transient 1 removed doomed sign doomed: 4 sign plain: 0 transient 1"
	assert_equal "$loads" 3
	rm -rf "$TPMCTL_KEYSTORE"/user/P_*/HS/SRK/doomed
}

@test "a password given once for a key is kept by the context; a wrong one is not" {
	export GOOD_PW=$(cat "$BATS_FILE_TMPDIR/pw") BAD_PW=wrong
	cache sign:guarded
	assert_equal "$output" "sign guarded: 5"
	cache sign-env:guarded:GOOD_PW sign:guarded
	assert_equal "$(echo $output)" "sign guarded: 0 sign guarded: 0"
	assert_equal "$loads" 1
	cache sign-env:guarded:BAD_PW sign:guarded
	assert_equal "$(echo $output)" "sign guarded: 5 sign guarded: 5"
	[[ $stderr == *"wrong password"*"needs a password and there is no terminal"* ]] ||
		fail "the wrong password was kept: $stderr"
}

@test "tpm_cache_clear flushes every object the context loaded" {
	cache sign:plain transient clear transient sign:plain
	assert_success
	assert_equal "$(echo $output)" "sign plain: 0 transient 1 cleared transient 0 sign plain: 0"
	assert_equal "$loads" 2
}

@test "a full TPM (0x902) makes room: the least recently used object goes, the load is tried again" {
	# A resource manager swaps objects out itself: only a TPM without one
	# fills up this way.
	export TPMCTL_TCTI=$TPM_DIRECT_TCTI
	tpmctl -q key create third --alg ecc256
	# plain is cached, and an object of "another program" takes a second of
	# the 3 slots: loading needs two (the TPM loads the persistent SRK into one)
	cache sign:plain occupy:plain transient sign:third transient
	assert_success
	assert_equal "$(echo $output)" "sign plain: 0 occupied 0 transient 2 sign third: 0 transient 2"
	assert_equal "$loads" 3 # plain, third refused, third again
	tpmctl -q delete third
}
