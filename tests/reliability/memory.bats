#!/usr/bin/env bats
# Secrets left in tpmctl's memory when it exits: a core taken at exit_group
# (gdb's gcore) is searched for a marker planted in a password or a secret.
# tpmctl wipes every copy it can reach, so what it owns counts 0. libtss2
# keeps copies tpmctl cannot reach (man tpmctl, SECURITY): those are named
# and their exact count asserted, so that a change either way is seen.

load ../bats/helpers

setup_file() {
	start_tpm
	local d=$BATS_FILE_TMPDIR
	printf 'PWMARKER-%s' "$(head -c 8 /dev/urandom | xxd -p)" >"$d/pw"
	printf 'NEWMARKER-%s' "$(head -c 8 /dev/urandom | xxd -p)" >"$d/newpw"
	printf 'SECRETMARKER-%s' "$(head -c 8 /dev/urandom | xxd -p)" >"$d/secret"
	# Over 128 bytes: sealed in an envelope, the TPM holds its key alone.
	{ head -c 300 /dev/zero | tr '\0' x; cat "$d/secret"; } >"$d/big-secret"
	printf 'data to sign' >"$d/data"
	"$TPMCTL" -q seal small -i "$d/secret" --auth-file "$d/pw"
	"$TPMCTL" -q key create signer --auth-file "$d/pw"
	"$TPMCTL" -q key create changing --auth-file "$d/pw"
	"$TPMCTL" -q key create box --type decrypt
	"$TPMCTL" encrypt box -i "$d/secret" -o "$d/secret.enc"
}

# core_copies FILE CMD...: runs tpmctl CMD under gdb, takes a core as it
# calls exit_group, and sets $copies to how many times the content of FILE
# is in it. The command must exit 0.
core_copies() {
	local marker_file=$1 core=$BATS_TEST_TMPDIR/core log=$BATS_TEST_TMPDIR/gdb.log
	shift
	command -v gdb >/dev/null || fail "gdb is missing (.ci/install-deps installs it)"
	rm -f "$core"
	gdb -q -batch -nx -ex 'set pagination off' -ex 'catch syscall exit_group' -ex run \
		-ex 'printf "exit status %d\n", $rdi' -ex "gcore $core" -ex kill \
		--args "$TPMCTL" "$@" >"$log" 2>&1 </dev/null
	[ -s "$core" ] || fail "no core: $(tail -5 "$log")"
	grep -q '^exit status 0$' "$log" || fail "tpmctl $* failed: $(cat "$log")"
	copies=$(python3 -c 'import sys
core, marker = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
print(core.count(marker))' "$core" "$marker_file")
	rm -f "$core"
}

setup() {
	if [ -n "${TPMCTL_SANITIZER_DIR:-}" ]; then
		# ASan keeps freed memory unwiped in its quarantine and maps
		# terabytes of shadow: the plain build's run is the one that counts.
		skip "memory contents are checked in the plain build"
	fi
}

@test "unseal: no copy of the unsealed secret at exit" {
	core_copies "$BATS_FILE_TMPDIR/secret" unseal small --auth-file "$BATS_FILE_TMPDIR/pw" \
		-o "$BATS_TEST_TMPDIR/out"
	assert_equal "$copies" 0
	cmp "$BATS_TEST_TMPDIR/out" "$BATS_FILE_TMPDIR/secret"
	core_copies "$BATS_FILE_TMPDIR/secret" unseal small --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_equal "$copies" 0
}

@test "unseal, sign: of the password, only ESYS's record of the session it authorized" {
	# ESYS keeps sessionKey || password (the session's HMAC key) in its record
	# of the session, freed unwiped when the session ends: at most 1 copy
	# (none when the TCTI reused that memory since, as tpm2-abrmd's does).
	core_copies "$BATS_FILE_TMPDIR/pw" unseal small --auth-file "$BATS_FILE_TMPDIR/pw" \
		-o "$BATS_TEST_TMPDIR/out"
	[ "$copies" -le 1 ] || fail "unseal: $copies copies of the password at exit"
	core_copies "$BATS_FILE_TMPDIR/pw" sign signer --auth-file "$BATS_FILE_TMPDIR/pw" \
		-i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig"
	[ "$copies" -le 1 ] || fail "sign: $copies copies of the password at exit"
}

@test "auth change: no copy of the new password; of the old one, ESYS's session record" {
	core_copies "$BATS_FILE_TMPDIR/newpw" auth change changing \
		--auth-file "$BATS_FILE_TMPDIR/pw" --new-auth-file "$BATS_FILE_TMPDIR/newpw"
	assert_equal "$copies" 0
	core_copies "$BATS_FILE_TMPDIR/newpw" auth change changing \
		--auth-file "$BATS_FILE_TMPDIR/newpw" --new-auth-file "$BATS_FILE_TMPDIR/pw"
	# ESYS frees its session record unwiped: whether that memory is still
	# intact at exit depends on what the TCTI allocated since (none is left
	# through tpm2-abrmd's).
	[ "$copies" -le 1 ] || fail "$copies copies of the old password at exit"
}

@test "decrypt: no copy of the plaintext" {
	core_copies "$BATS_FILE_TMPDIR/secret" decrypt box -i "$BATS_FILE_TMPDIR/secret.enc" \
		-o "$BATS_TEST_TMPDIR/plain"
	assert_equal "$copies" 0
	cmp "$BATS_TEST_TMPDIR/plain" "$BATS_FILE_TMPDIR/secret"
}

@test "seal: no copy of a secret in an envelope; FAPI's two of one it seals directly" {
	core_copies "$BATS_FILE_TMPDIR/secret" seal big -i "$BATS_FILE_TMPDIR/big-secret" \
		--auth-file "$BATS_FILE_TMPDIR/pw"
	assert_equal "$copies" 0
	# Fapi_CreateSeal keeps the secret and the password (TPMS_SENSITIVE_CREATE)
	# in its context's command state and in its ESYS context's copy of the
	# command's inputs, both freed unwiped: 2 copies each.
	core_copies "$BATS_FILE_TMPDIR/secret" seal small2 -i "$BATS_FILE_TMPDIR/secret" \
		--auth-file "$BATS_FILE_TMPDIR/newpw"
	assert_equal "$copies" 2
	core_copies "$BATS_FILE_TMPDIR/newpw" seal small3 -i "$BATS_FILE_TMPDIR/secret" \
		--auth-file "$BATS_FILE_TMPDIR/newpw"
	assert_equal "$copies" 2
}
