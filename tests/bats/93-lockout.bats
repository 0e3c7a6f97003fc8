#!/usr/bin/env bats
# lockout status and lockout clear, health's warning and its failure in
# lockout, and what sign and unseal say in lockout. The messages of each
# wrong password (tries left, the try that locks out) are the subject of
# tests/reliability/lockout.bats; this file does not repeat them.

load helpers

setup_file() {
	start_tpm
	# 3 tries; one forgotten every 60 s; the lockout password's own wait
	# 60 s (the test that tries a wrong one comes last).
	tpm2_dictionarylockout -T "$TPMCTL_TCTI" -s -n 3 -t 60 -l 60
	local d=$BATS_FILE_TMPDIR
	printf 'right-%s' "$(head -c 8 /dev/urandom | xxd -p)" >"$d/pw"
	printf 'wrong' >"$d/bad"
	printf 'some data' >"$d/data"
	printf 'lockout-%s' "$(head -c 8 /dev/urandom | xxd -p)" >"$d/lockout-pw"
	# With a password and without --noda: DA-protected.
	"$TPMCTL" -q key create guarded --auth-file "$d/pw"
	"$TPMCTL" -q seal guarded-secret -i "$d/data" --auth-file "$d/pw"
}

teardown_file() {
	tpm2_dictionarylockout -T "$TPMCTL_TCTI" -c >/dev/null 2>&1 ||
		tpm2_dictionarylockout -T "$TPMCTL_TCTI" -c -p "file:$BATS_FILE_TMPDIR/lockout-pw" \
			>/dev/null 2>&1 || true
	stop_tpm
}

wrong_sign() {
	run tpmctl sign guarded -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig" -f \
		--auth-file "$BATS_FILE_TMPDIR/bad"
}

getcap_counter() {
	tpm2_getcap -T "$TPMCTL_TCTI" properties-variable | sed -n 's/^TPM2_PT_LOCKOUT_COUNTER: //p'
}

@test "lockout status: 0 of 3, the recovery times, not locked out, next try now" {
	run tpmctl lockout status
	assert_success
	assert_line --regexp '^failed tries +0 of 3$'
	assert_line --regexp '^recovery time +1 min \(one failed try forgotten every 1 min\)$'
	assert_line --regexp '^lockout recovery +1 min '
	assert_line --regexp '^locked out +no$'
	assert_line --regexp '^next try +now$'
	run tpmctl --json lockout status
	assert_success
	assert_equal "$(jq -c . <<<"$output")" \
		'{"failed_tries":0,"max_tries":3,"recovery_time":60,"lockout_recovery":60,"locked_out":false,"next_try_in":0,"next_try_at":null}'
}

@test "health warns about a failed try on stderr and still exits 0" {
	wrong_sign
	assert_failure 5
	assert_equal "$(($(getcap_counter)))" 1
	run --separate-stderr tpmctl health
	assert_success
	assert_output "ok"
	[[ $stderr == *"tpmctl: health: warning: 1 of 3 failed tries toward dictionary-attack lockout (one forgotten every 60 s)"* ]] ||
		fail "no warning on stderr: $stderr"
	run --separate-stderr tpmctl --json health
	assert_success
	assert_equal "$(jq -r .ok <<<"$output")" true
	assert_equal "$(jq -r .exit_code <<<"$output")" 0
	[[ $(jq -r .warning <<<"$output") == "1 of 3 failed tries"* ]] || fail "warning: $output"
	run tpmctl --json lockout status
	assert_equal "$(jq -r .failed_tries <<<"$output")" "$(($(getcap_counter)))"
	assert_equal "$(jq -r .locked_out <<<"$output")" false
	# -q: the warning too is left out.
	run --separate-stderr tpmctl -q health
	assert_success
	assert_equal "$stderr" ""
}

@test "wrong passwords until locked out: lockout status says so, sign and unseal say how long to wait" {
	local i
	for i in 1 2 3 4; do
		run tpmctl --json lockout status
		[ "$(jq -r .locked_out <<<"$output")" = true ] && break
		wrong_sign
		assert_failure 5
	done
	run tpmctl lockout status
	assert_success
	assert_line --regexp '^failed tries +3 of 3$'
	assert_line --regexp '^locked out +yes$'
	assert_line --regexp '^next try +within 1 min \(by [0-9]{2}:[0-9]{2}:[0-9]{2}\), or now after `tpmctl lockout clear`$'
	run tpmctl --json lockout status
	assert_equal "$(jq -r .locked_out <<<"$output")" true
	assert_equal "$(jq -r .failed_tries <<<"$output")" 3
	assert_equal "$(jq -r .next_try_in <<<"$output")" 60
	[[ $(jq -r .next_try_at <<<"$output") =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]] ||
		fail "next_try_at: $output"
	run tpm2_getcap -T "$TPMCTL_TCTI" properties-variable
	assert_output --regexp 'inLockout: +1'
	# The right password now: exit 5, and how long to wait.
	run tpmctl sign guarded -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig" \
		--auth-file "$BATS_FILE_TMPDIR/pw"
	assert_failure 5
	assert_output --regexp "the TPM is in dictionary-attack lockout after 3 wrong passwords: wait at most 1 min \(until [0-9]{2}:[0-9]{2}:[0-9]{2}\) for the next try"
	run tpmctl unseal guarded-secret --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_failure 5
	assert_output --regexp "unsealing .*guarded-secret: the TPM is in dictionary-attack lockout after 3 wrong passwords: wait at most 1 min"
	# health fails, and names the way out.
	run tpmctl health
	assert_failure 5
	assert_output --regexp "dictionary-attack lockout after 3 failed tries: the next try is possible within 60 s \(by [0-9:]{8}\), or clear it with \`tpmctl lockout clear\`"
}

@test "lockout clear (empty lockout password) ends the lockout; the right password works again" {
	run tpmctl lockout clear
	assert_success
	assert_output "lockout cleared: 0 of 3 failed tries"
	assert_equal "$(($(getcap_counter)))" 0
	run tpmctl --json lockout status
	assert_equal "$(jq -r .locked_out <<<"$output")" false
	assert_equal "$(jq -r .failed_tries <<<"$output")" 0
	run tpmctl sign guarded -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig" \
		--auth-file "$BATS_FILE_TMPDIR/pw"
	assert_success
	run --separate-stderr tpmctl health
	assert_success
	assert_equal "$stderr" ""
}

@test "batch: lockout_status and lockout_clear" {
	wrong_sign
	assert_failure 5
	run tpmctl batch <<-EOF
		{"id": 1, "op": "lockout_status"}
		{"id": 2, "op": "lockout_clear"}
		{"id": 3, "op": "lockout_status", "path": "x"}
	EOF
	assert_equal "$(sed -n 1p <<<"$output" | jq -r '.ok, .failed_tries, .max_tries, .locked_out' | tr '\n' ' ')" "true 1 3 false "
	assert_equal "$(sed -n 2p <<<"$output" | jq -r '.ok, .failed_tries' | tr '\n' ' ')" "true 0 "
	assert_equal "$(sed -n 3p <<<"$output" | jq -r .ok)" false
	assert_equal "$(($(getcap_counter)))" 0
}

@test "lockout clear with the lockout password from --auth-file, and --json" {
	tpm2_changeauth -T "$TPMCTL_TCTI" -c lockout "file:$BATS_FILE_TMPDIR/lockout-pw"
	wrong_sign
	assert_failure 5
	run tpmctl --json lockout clear --auth-file "$BATS_FILE_TMPDIR/lockout-pw"
	assert_success
	assert_equal "$(jq -r '.failed_tries, .locked_out' <<<"$output" | tr '\n' ' ')" "0 false "
	assert_equal "$(($(getcap_counter)))" 0
	run tpmctl lockout clear --auth-file "$BATS_FILE_TMPDIR/lockout-pw" --auth-env NOPE
	assert_failure 2
}

@test "lockout status and clear on a TPM never provisioned (no SRK to salt with)" {
	local blank=$BATS_TEST_TMPDIR/blank
	swtpm_start "$blank"
	tpm2_dictionarylockout -T "swtpm:path=$blank/tpm.sock" -s -n 2 -t 60 -l 60
	tpm2_changeauth -T "swtpm:path=$blank/tpm.sock" -c lockout "file:$BATS_FILE_TMPDIR/lockout-pw"
	TPMCTL_TCTI="swtpm:path=$blank/tpm.sock" TPMCTL_KEYSTORE=$blank/ks run tpmctl --json lockout status
	assert_success
	assert_equal "$(jq -r .max_tries <<<"$output")" 2
	TPMCTL_TCTI="swtpm:path=$blank/tpm.sock" TPMCTL_KEYSTORE=$blank/ks \
		run tpmctl lockout clear --auth-file "$BATS_FILE_TMPDIR/lockout-pw"
	assert_success
	assert_output "lockout cleared: 0 of 2 failed tries"
	run tpm2_getcap -T "swtpm:path=$blank/tpm.sock" handles-loaded-session
	assert_output ""
	swtpm_stop "$blank"
}

# Last: the lockout hierarchy then refuses every password for 60 s.
@test "a wrong lockout password: exit 5, and the lockout recovery wait it starts" {
	run tpmctl lockout clear --auth-file "$BATS_FILE_TMPDIR/bad"
	assert_failure 5
	assert_output --partial "wrong lockout password; the lockout hierarchy now refuses every password for 60 s (its lockout recovery time)"
	run tpmctl lockout clear --auth-file "$BATS_FILE_TMPDIR/lockout-pw"
	assert_failure 5
	assert_output --partial "the lockout hierarchy refuses its password after a wrong one: wait at most 60 s"
	# The status still reads.
	run tpmctl lockout status
	assert_success
}
