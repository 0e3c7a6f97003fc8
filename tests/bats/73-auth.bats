#!/usr/bin/env bats
# Passwords: every source, wrong ones, no terminal, lockout, never on argv.

load helpers

setup_file() {
	start_tpm
	printf 'correct horse\n' >"$BATS_FILE_TMPDIR/pw"
	printf 'wrong' >"$BATS_FILE_TMPDIR/bad"
	"$TPMCTL" -q key create pk --alg ecc256 --auth-file "$BATS_FILE_TMPDIR/pw"
	"$TPMCTL" -q key create nodakey --alg ecc256 --noda --auth-file "$BATS_FILE_TMPDIR/pw"
	echo data >"$BATS_FILE_TMPDIR/data"
}

sign_with() { # sign_with KEY AUTH-OPTIONS...
	local key=$1; shift
	tpmctl sign "$key" -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig" --force "$@"
}

@test "the key records that it needs a password" {
	run tpmctl --json key show pk
	assert_equal "$(jq -r .needs_password <<<"$output")" "true"
}

@test "--auth-file works, with its trailing newline dropped" {
	run sign_with pk --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_success
	run tpmctl verify pk -s "$BATS_TEST_TMPDIR/sig" -i "$BATS_FILE_TMPDIR/data"
	assert_success
}

@test "--auth-env works" {
	MY_PASSWORD='correct horse' run sign_with pk --auth-env MY_PASSWORD
	assert_success
}

@test "--auth-fd works" {
	run sign_with pk --auth-fd 5 5<"$BATS_FILE_TMPDIR/pw"
	assert_success
}

@test "--auth-prompt and the automatic prompt read the terminal" {
	# Typed after the prompt appears, as a person would: nothing is echoed.
	run bash -c "(sleep 1; echo 'correct horse') | timeout 20 script -qec '$TPMCTL sign pk -i $BATS_FILE_TMPDIR/data -o $BATS_TEST_TMPDIR/sig --force' /dev/null"
	assert_success
	assert_output --partial "Password for /P_ECCP256SHA256/HS/SRK/pk:"
	refute_output --partial "correct horse"
}

@test "key create --auth-prompt asks twice and refuses two different passwords" {
	run timeout 20 script -qec "$TPMCTL key create prompted --alg ecc256 --auth-prompt" /dev/null <<<$'one\ntwo'
	assert_failure 3
	assert_output --partial "the two passwords differ"
	run timeout 20 script -qec "$TPMCTL key create prompted --alg ecc256 --auth-prompt" /dev/null <<<$'same\nsame'
	assert_success
	run sign_with prompted --auth-env PW
	assert_failure 2
	assert_output --partial "--auth-env PW: the environment variable is not set"
	PW=wrong run sign_with prompted --auth-env PW
	assert_failure 5
	PW=same run sign_with prompted --auth-env PW
	assert_success
	tpmctl -q delete prompted
}

@test "a wrong password exits 5" {
	run sign_with nodakey --auth-file "$BATS_FILE_TMPDIR/bad"
	assert_failure 5
	assert_output --partial "authorization failed: wrong password"
}

@test "no source and no terminal: exit 5 naming the three options" {
	run setsid "$TPMCTL" sign pk -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig" </dev/null
	assert_failure 5
	assert_output --partial "needs a password and there is no terminal to ask on: use --auth-file, --auth-fd or --auth-env"
}

@test "two sources at once is a usage error" {
	PW=x run sign_with pk --auth-file "$BATS_FILE_TMPDIR/pw" --auth-env PW
	assert_failure 2
}

@test "a password longer than the name hash (32 bytes) is refused before FAPI sees it (exit 3)" {
	head -c 33 /dev/zero | tr '\0' a >"$BATS_TEST_TMPDIR/long"
	run tpmctl key create longpw --alg ecc256 --auth-file "$BATS_TEST_TMPDIR/long"
	assert_failure 3
	assert_output --partial "is 33 bytes; the TPM takes at most 32"
	head -c 200 /dev/zero | tr '\0' a >"$BATS_TEST_TMPDIR/huge"
	run sign_with pk --auth-file "$BATS_TEST_TMPDIR/huge"
	assert_failure 3
	head -c 32 /dev/zero | tr '\0' a >"$BATS_TEST_TMPDIR/max"
	run tpmctl key create maxpw --alg ecc256 --auth-file "$BATS_TEST_TMPDIR/max"
	assert_success
	run sign_with maxpw --auth-file "$BATS_TEST_TMPDIR/max"
	assert_success
	tpmctl -q delete maxpw
}

@test "a password file too large or unreadable says which, whatever the file's name (exit 3)" {
	head -c 5000 /dev/zero | tr '\0' a >"$BATS_TEST_TMPDIR/huge"
	run sign_with pk --auth-file "$BATS_TEST_TMPDIR/huge"
	assert_failure 3
	assert_output --partial "the password in $BATS_TEST_TMPDIR/huge is longer than 32 bytes"
	# The error is told by its code, not by words in its message.
	mkdir "$BATS_TEST_TMPDIR/larger than"
	run sign_with pk --auth-file "$BATS_TEST_TMPDIR/larger than"
	assert_failure 3
	assert_output --partial "cannot read $BATS_TEST_TMPDIR/larger than: Is a directory"
}

@test "a password with a NUL byte is refused (exit 3)" {
	printf 'ab\0cd' >"$BATS_TEST_TMPDIR/nul"
	run tpmctl key create nulpw --alg ecc256 --auth-file "$BATS_TEST_TMPDIR/nul"
	assert_failure 3
	assert_output --partial "contains a NUL byte"
}

@test "the password is not on the command line of the running process" {
	kill -STOP "$(cat "$TPM_DIR/swtpm.pid")"
	"$TPMCTL" --timeout 5 sign pk -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig" \
		--auth-file "$BATS_FILE_TMPDIR/pw" &
	pid=$!
	sleep 0.5
	cmdline=$(tr '\0' ' ' </proc/$pid/cmdline)
	kill -CONT "$(cat "$TPM_DIR/swtpm.pid")"
	wait $pid
	[[ $cmdline == *"--auth-file"* ]]
	[[ $cmdline != *"correct horse"* ]]
}

@test "a --noda key survives 10 wrong passwords and still works" {
	before=$(tpmctl --json info | jq -r .lockout.counter)
	for i in $(seq 10); do
		run sign_with nodakey --auth-file "$BATS_FILE_TMPDIR/bad"
		assert_failure 5
		refute_output --partial "lockout"
	done
	run sign_with nodakey --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_success
	run tpmctl --json info
	assert_equal "$(jq -r .lockout.counter <<<"$output")" "$before"
}

@test "a DA-protected key: wrong passwords lead to lockout, reported with how to recover" {
	locked=0
	for i in $(seq 8); do
		run sign_with pk --auth-file "$BATS_FILE_TMPDIR/bad"
		assert_failure 5
		if [[ $output == *"dictionary-attack lockout"* ]]; then locked=1; break; fi
	done
	[ "$locked" -eq 1 ] || fail "no lockout after 8 wrong passwords"
	assert_output --partial "tpmctl lockout clear"
	# The SRK has noda: a --noda key still works during the lockout.
	run sign_with nodakey --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_success
	tpm2_dictionarylockout -T "$TPMCTL_TCTI" --clear-lockout
	run sign_with pk --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_success
}
