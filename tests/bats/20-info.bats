#!/usr/bin/env bats
# info, and what happens when there is no TPM to talk to.

load helpers

@test "info shows maker, firmware, spec, algorithms, banks, profile, provisioning, lockout" {
	run tpmctl info
	assert_success
	assert_line --regexp '^manufacturer +IBM \(SW   TPM\)$'
	assert_line --regexp '^firmware +[0-9a-f]{8}\.[0-9a-f]{8}$'
	assert_line --regexp '^spec +TPM 2\.0, revision 1\.[0-9]{2} \([0-9]{4}\)$'
	assert_line --regexp '^algorithms +.*rsa .*sha256 .*ecc '
	assert_line --regexp '^pcr banks +.*sha256'
	assert_line --regexp '^profile +P_RSA2048SHA256$'
	assert_line --regexp '^provisioned +yes$'
	assert_line --regexp '^lockout +0 of [0-9]+ failed tries'
}

@test "info --json is one object with stable snake_case keys" {
	run tpmctl --json info
	assert_success
	assert_equal "$(jq -r .manufacturer <<<"$output")" "IBM"
	assert_equal "$(jq -r .family <<<"$output")" "2.0"
	assert_equal "$(jq -r '.algorithms | index("sha256") != null' <<<"$output")" "true"
	assert_equal "$(jq -r '.pcr_banks | index("sha256") != null' <<<"$output")" "true"
	assert_equal "$(jq -r .profile <<<"$output")" "P_RSA2048SHA256"
	assert_equal "$(jq -r .provisioned <<<"$output")" "true"
	assert_equal "$(jq -r .lockout.counter <<<"$output")" "0"
	assert_equal "$(jq -r .lockout.locked_out <<<"$output")" "false"
	assert_equal "$(jq -r '.lockout.max_tries | type' <<<"$output")" "number"
	keys=$(jq -r 'paths | map(tostring) | join(".")' <<<"$output" | grep -v '^[a-z_.0-9]*$' || true)
	assert_equal "$keys" ""
}

@test "info agrees with tpm2_getcap on the lockout counter" {
	expected=$(tpm2_getcap -T "$TPMCTL_TCTI" properties-variable | awk '/TPM2_PT_LOCKOUT_COUNTER/ {print $2}')
	run tpmctl --json info
	assert_equal "$(jq -r .lockout.counter <<<"$output")" "$((expected))"
}

@test "--tcti on the command line beats TPMCTL_TCTI, before or after the command" {
	run env TPMCTL_TCTI=swtpm:path=/nonexistent "$TPMCTL" info --tcti "swtpm:path=$TPM_DIR/tpm.sock"
	assert_success
	run env TPMCTL_TCTI=swtpm:path=/nonexistent "$TPMCTL" --tcti "swtpm:path=$TPM_DIR/tpm.sock" info
	assert_success
}

@test "an unreachable TPM exits 7 with what to check" {
	run tpmctl --tcti swtpm:path=/nonexistent/tpm.sock info
	assert_failure 7
	assert_output --partial "tpmctl: info: cannot connect to the TPM at swtpm:path=/nonexistent/tpm.sock"
	assert_output --partial "check --tcti (or TPMCTL_TCTI)"
	assert_output --partial "(0xa000a: tcti:IO failure)"
	[ "${#lines[@]}" -eq 1 ]
}

@test "no TCTI anywhere and no /dev/tpmrm0: exit 7 saying how to point tpmctl at a TPM" {
	[ ! -e /dev/tpmrm0 ] || skip "this machine has a TPM at /dev/tpmrm0"
	run env -u TPMCTL_TCTI "$TPMCTL" info
	assert_failure 7
	assert_output --partial "no TPM found: /dev/tpmrm0 does not exist"
	assert_output --partial "--tcti"
}

@test "a TPM that stops answering gives exit 7 within --timeout, and leaves no temp config" {
	export TMPDIR=$BATS_TEST_TMPDIR
	kill -STOP "$(cat "$TPM_DIR/swtpm.pid")"
	start=$SECONDS
	# delete starts FAPI, which asks the TPM (list reads the keystore alone).
	run tpmctl --timeout 2 delete /HS/SRK/nothing
	elapsed=$((SECONDS - start))
	kill -CONT "$(cat "$TPM_DIR/swtpm.pid")"
	assert_failure 7
	assert_output "tpmctl: delete: TPM did not answer within 2 s"
	[ "$elapsed" -le 4 ]
	assert_equal "$(ls "$BATS_TEST_TMPDIR" | grep tpmctl-fapi || true)" ""
	run tpmctl health
	assert_success
}

@test "-v shows FAPI's log; without it FAPI says nothing" {
	run tpmctl delete /HS/SRK/nothing-here
	assert_failure 4
	[ "${#lines[@]}" -eq 1 ]
	run tpmctl -v delete /HS/SRK/nothing-here
	assert_failure 4
	assert_output --partial "ERROR:fapi"
}

@test "no TCTI anywhere: list and key show still read the keystore, which needs no TPM" {
	[ ! -e /dev/tpmrm0 ] || skip "this machine has a TPM at /dev/tpmrm0"
	run env -u TPMCTL_TCTI "$TPMCTL" list /HS/SRK
	assert_success
	assert_output --partial "/HS/SRK"
	run env -u TPMCTL_TCTI "$TPMCTL" key show /HS/SRK
	assert_success
	run env -u TPMCTL_TCTI "$TPMCTL" random 4
	assert_failure 7
}
