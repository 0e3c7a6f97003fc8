#!/usr/bin/env bats
# The keystore lock, signals and the temporary FAPI config.

load helpers

@test "a writer waits for the keystore lock, and gives up with exit 7 after --timeout" {
	lock=$TPMCTL_KEYSTORE/tpmctl.lock
	flock -x "$lock" sleep 3 &
	holder=$!
	sleep 0.3
	run tpmctl --timeout 1 delete /HS/SRK/nothing
	assert_failure 7
	assert_output "tpmctl: delete: the keystore stayed locked by another tpmctl process"
	wait $holder
	run tpmctl delete /HS/SRK/nothing
	assert_failure 4
}

@test "without a resource manager even readers take turns (swtpm interleaves processes)" {
	lock=$TPMCTL_KEYSTORE/tpmctl.lock
	flock -s "$lock" sleep 3 &
	holder=$!
	sleep 0.3
	run env TPMCTL_TCTI="$TPM_DIRECT_TCTI" "$TPMCTL" --timeout 1 list
	assert_failure 7
	assert_output "tpmctl: list: the keystore stayed locked by another tpmctl process"
	wait $holder
	run tpmctl list
	assert_success
}

@test "through a resource manager readers run side by side, writers still take turns" {
	resource_managed || TPMCTL_TCTI=device:/dev/tpmrm0 # detected by name, not used
	lock=$TPMCTL_KEYSTORE/tpmctl.lock
	flock -s "$lock" sleep 3 &
	holder=$!
	sleep 0.3
	if resource_managed; then
		run tpmctl --timeout 1 sign /P_RSA2048SHA256/HS/SRK/nothing -i /dev/null -o "$BATS_TEST_TMPDIR/sig"
		assert_failure 4 # the reader got in: the key is not there
		run tpmctl --timeout 1 key create w1
		assert_failure 7
		assert_output "tpmctl: key create: the keystore stayed locked by another tpmctl process"
	else
		# Without a resource manager here, a TCTI naming one still decides the
		# lock: list reads the keystore only and needs no TPM.
		run tpmctl --timeout 1 list
		assert_success
	fi
	wait $holder
}

@test "SIGTERM in the middle of TPM work: exit 143 and nothing left loaded" {
	interrupted=0
	for delay in 0.01 0.02 0.03 0.05 0.08; do
		"$TPMCTL" -q provision --force &
		pid=$!
		sleep "$delay"
		kill -TERM "$pid" 2>/dev/null || true
		status=0
		wait "$pid" || status=$?
		[ "$status" -eq 143 ] || [ "$status" -eq 0 ] || fail "exit $status after SIGTERM at $delay s"
		[ "$status" -eq 143 ] && interrupted=$((interrupted + 1))
		assert_equal "$(tpm_handles transient)$(tpm_handles loaded-session)" ""
		tpmctl -q provision --force
	done
	[ "$interrupted" -gt 0 ] || fail "no SIGTERM arrived while tpmctl ran"
	run tpmctl health
	assert_success
}

@test "the temporary FAPI config is private and gone after the command" {
	export TMPDIR=$BATS_TEST_TMPDIR
	run tpmctl list
	assert_success
	assert_equal "$(ls "$BATS_TEST_TMPDIR")" ""
}

@test "config prints the FAPI config tpmctl uses, usable by the tss2 tools" {
	run tpmctl config
	assert_success
	assert_equal "$(jq -r .profile_name <<<"$output")" "P_RSA2048SHA256"
	assert_equal "$(jq -r .user_dir <<<"$output")" "$TPMCTL_KEYSTORE/user"
	assert_equal "$(jq -r .system_dir <<<"$output")" "$TPMCTL_KEYSTORE/system"
	assert_equal "$(jq -r .tcti <<<"$output")" "$TPMCTL_TCTI"
	echo "$output" >"$BATS_TEST_TMPDIR/fapi.json"
	run env TSS2_FAPICONF=$BATS_TEST_TMPDIR/fapi.json TSS2_LOG=all+none tss2_list
	assert_success
	assert_output --partial "/P_RSA2048SHA256/HS/SRK"
}

@test "config without any TCTI leaves FAPI's default (an empty tcti), not \"(null)\"" {
	TPMCTL_TCTI= run tpmctl config
	assert_success
	assert_equal "$(jq -r .tcti <<<"$output")" ""
}

@test "--fapi-config uses a FAPI config file as is" {
	tpmctl config >"$BATS_TEST_TMPDIR/fapi.json"
	run env -u TPMCTL_TCTI -u TPMCTL_KEYSTORE "$TPMCTL" --fapi-config "$BATS_TEST_TMPDIR/fapi.json" list
	assert_success
	assert_line "/P_RSA2048SHA256/HS/SRK"
}

@test "a malformed --fapi-config exits 3 naming the file" {
	printf '{"profile_name": ' >"$BATS_TEST_TMPDIR/bad.json"
	run tpmctl --fapi-config "$BATS_TEST_TMPDIR/bad.json" list
	assert_failure 3
	assert_output --partial "$BATS_TEST_TMPDIR/bad.json: not valid JSON"
}

@test "a missing --fapi-config exits 4" {
	run tpmctl --fapi-config "$BATS_TEST_TMPDIR/none.json" list
	assert_failure 4
	assert_output --partial "cannot open $BATS_TEST_TMPDIR/none.json"
}
