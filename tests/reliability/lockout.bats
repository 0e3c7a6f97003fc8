#!/usr/bin/env bats
# The dictionary-attack story: wrong passwords say the tries left, the last
# one that the TPM is now locked out and until when, commands in lockout how
# long to wait; objects without a password get noda and keep working in
# lockout, objects with one keep the TPM's protection.

load ../bats/helpers

setup_file() {
	start_tpm
	# 5 tries; one forgotten every 120 s (long enough that none is forgotten
	# while the file runs); the lockout password's own wait 10 s.
	tpm2_dictionarylockout -T "$TPMCTL_TCTI" -s -n 5 -t 120 -l 10
	local d=$BATS_FILE_TMPDIR
	printf 'right-%s' "$(head -c 8 /dev/urandom | xxd -p)" >"$d/pw"
	printf 'wrong' >"$d/bad"
	printf 'some data' >"$d/data"
	"$TPMCTL" -q key create guarded --auth-file "$d/pw"
	"$TPMCTL" -q seal guarded-secret -i "$d/data" --auth-file "$d/pw"
	"$TPMCTL" -q key create open
	"$TPMCTL" -q seal open-secret -i "$d/data"
	"$TPMCTL" -q seal open-pinned -i "$d/data" --type 0x81000030
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$d/ec.pem" 2>/dev/null
	"$TPMCTL" -q import moved-in --wrap "$d/ec.pem"
	"$TPMCTL" -q key create guarded-noda --noda --auth-file "$d/pw"
}

teardown_file() {
	tpm2_dictionarylockout -T "$TPMCTL_TCTI" -c >/dev/null 2>&1 || true
	stop_tpm
}

attributes() {
	tpmctl key show "$1" --json | jq -r '.attributes | join(" ")'
}

wrong_sign() {
	run tpmctl sign guarded -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig" -f \
		--auth-file "$BATS_FILE_TMPDIR/bad"
}

wrong_unseal() {
	run tpmctl unseal guarded-secret --auth-file "$BATS_FILE_TMPDIR/bad"
}

@test "objects without a password get noda; objects with one keep DA protection" {
	local o
	for o in open open-secret open-pinned moved-in guarded-noda; do
		[[ " $(attributes "$o") " == *" noda "* ]] || fail "$o lacks noda: $(attributes "$o")"
	done
	for o in guarded guarded-secret; do
		[[ " $(attributes "$o") " != *" noda "* ]] || fail "$o has noda: $(attributes "$o")"
	done
	# As the TPM has it, not only the keystore.
	run tpm2_readpublic -T "$TPMCTL_TCTI" -c 0x81000030
	assert_success
	assert_output --regexp 'attributes:.*noda'
}

@test "wrong passwords 1 to 4 say the tries left" {
	wrong_sign
	assert_failure 5
	assert_output --partial "wrong password: 4 of 5 tries left before lockout"
	wrong_unseal
	assert_failure 5
	assert_output --partial "wrong password: 3 of 5 tries left before lockout"
	wrong_sign
	assert_failure 5
	assert_output --partial "wrong password: 2 of 5 tries left before lockout"
	wrong_unseal
	assert_failure 5
	assert_output --partial "wrong password: 1 of 5 tries left before lockout"
}

@test "the fifth wrong password says the TPM is now locked out, and until when" {
	wrong_sign
	assert_failure 5
	assert_output --regexp "wrong password, try 5 of 5: the TPM is now in dictionary-attack lockout until [0-9]{2}:[0-9]{2}:[0-9]{2} \(2 min\), then allows one try every 2 min; or clear it with \`tpmctl lockout clear\`"
	run tpm2_getcap -T "$TPMCTL_TCTI" properties-variable
	assert_output --regexp 'inLockout: +1'
}

@test "in lockout, sign and unseal say how long to wait, even with the right password" {
	run tpmctl sign guarded -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig" \
		--auth-file "$BATS_FILE_TMPDIR/pw"
	assert_failure 5
	assert_output --regexp "signing with /P_[A-Z0-9]+/HS/SRK/guarded: the TPM is in dictionary-attack lockout after 5 wrong passwords: wait at most 2 min \(until [0-9]{2}:[0-9]{2}:[0-9]{2}\) for the next try"
	run tpmctl unseal guarded-secret --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_failure 5
	assert_output --regexp "unsealing /P_[A-Z0-9]+/HS/SRK/guarded-secret: the TPM is in dictionary-attack lockout .*wait at most 2 min"
	refute_output --partial "tries left"
}

@test "in lockout, objects without a password (noda) keep working" {
	run tpmctl sign open -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig"
	assert_success
	run tpmctl sign moved-in -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig2"
	assert_success
	run tpmctl unseal open-secret
	assert_success
	assert_output "some data"
	run tpmctl unseal open-pinned
	assert_success
	assert_output "some data"
}

@test "a wrong password on a noda object says nothing of tries, in lockout or not" {
	run tpmctl sign guarded-noda -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig" \
		--auth-file "$BATS_FILE_TMPDIR/bad"
	assert_failure 5
	assert_output --partial "authorization failed: wrong password"
	refute_output --partial "tries"
	refute_output --partial "lockout"
	run tpmctl sign guarded-noda -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig" \
		--auth-file "$BATS_FILE_TMPDIR/pw"
	assert_success
}

lockout_counter() {
	tpm2_getcap -T "$TPMCTL_TCTI" properties-variable | sed -n 's/^TPM2_PT_LOCKOUT_COUNTER: //p'
}

# The TPM dies (kill -9 of swtpm) and starts again on its state.
kill_tpm() {
	local pid
	pid=$(cat "$TPM_DIR/swtpm.pid")
	kill -9 "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
	rm -f "$TPM_DIR/swtpm.pid"
	swtpm_start "$TPM_DIR"
}

@test "a TPM that dies counts a failure for DA objects used, none for noda objects without a password" {
	# From an orderly start, with the counter at 0.
	tpm2_shutdown -T "$TPMCTL_TCTI"
	swtpm_stop "$TPM_DIR"
	swtpm_start "$TPM_DIR"
	tpm2_dictionarylockout -T "$TPMCTL_TCTI" -c
	assert_equal "$(lockout_counter)" 0x0
	local i
	for i in 1 2 3; do
		run tpmctl sign open -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig" -f
		assert_success
		run tpmctl unseal open-secret
		assert_success
		kill_tpm
	done
	assert_equal "$(lockout_counter)" 0x0
	# The right password, on an object with DA protection: the TPM cannot
	# know the command ended well, and counts it when it starts again.
	run tpmctl sign guarded -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig" -f \
		--auth-file "$BATS_FILE_TMPDIR/pw"
	assert_success
	kill_tpm
	assert_equal "$(lockout_counter)" 0x1
	tpm2_dictionarylockout -T "$TPMCTL_TCTI" -c
}

@test "once the lockout is cleared, the tries are back and the right password works" {
	tpm2_dictionarylockout -T "$TPMCTL_TCTI" -c
	wrong_unseal
	assert_failure 5
	assert_output --partial "wrong password: 4 of 5 tries left before lockout"
	run tpmctl unseal guarded-secret --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_success
	assert_output "some data"
	tpm2_dictionarylockout -T "$TPMCTL_TCTI" -c
}
