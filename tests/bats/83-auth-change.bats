#!/usr/bin/env bats
# auth change: the old password stops working, the new one works.

load helpers

setup_file() {
	start_tpm
	printf 'old password\n' >"$BATS_FILE_TMPDIR/old"
	printf 'new password\n' >"$BATS_FILE_TMPDIR/new"
	printf '' >"$BATS_FILE_TMPDIR/empty"
	echo data >"$BATS_FILE_TMPDIR/data"
}

@test "sealed object: old password stops working, new one works" {
	echo secret | tpmctl seal s -i - --auth-file "$BATS_FILE_TMPDIR/old" --type noda
	run tpmctl auth change s --auth-file "$BATS_FILE_TMPDIR/old" --new-auth-file "$BATS_FILE_TMPDIR/new"
	assert_success
	assert_output "changed the password of s"
	run tpmctl unseal s --auth-file "$BATS_FILE_TMPDIR/old"
	assert_failure 5
	run tpmctl unseal s --auth-file "$BATS_FILE_TMPDIR/new"
	assert_success
	assert_output "secret"
	tpmctl -q delete s
}

@test "key: old password stops working, new one works; FAPI signs with the new one" {
	tpmctl -q key create k --alg ecc256 --noda --auth-file "$BATS_FILE_TMPDIR/old"
	NEWPW='new password' run tpmctl auth change k --auth-file "$BATS_FILE_TMPDIR/old" --new-auth-env NEWPW
	assert_success
	run tpmctl sign k -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig" --auth-file "$BATS_FILE_TMPDIR/old"
	assert_failure 5
	run tpmctl sign k -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig" --force --auth-file "$BATS_FILE_TMPDIR/new"
	assert_success
	run tpmctl verify k -s "$BATS_TEST_TMPDIR/sig" -i "$BATS_FILE_TMPDIR/data"
	assert_success
	tpmctl -q delete k
}

@test "an empty new password removes the password" {
	tpmctl -q key create k2 --alg ecc256 --noda --auth-file "$BATS_FILE_TMPDIR/old"
	tpmctl -q auth change k2 --auth-file "$BATS_FILE_TMPDIR/old" --new-auth-file "$BATS_FILE_TMPDIR/empty"
	run tpmctl --json key show k2
	assert_equal "$(jq -r .needs_password <<<"$output")" "false"
	run setsid "$TPMCTL" sign k2 -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig" </dev/null
	assert_success
	tpmctl -q delete k2
}

@test "a wrong current password exits 5 and changes nothing" {
	echo secret | tpmctl seal s3 -i - --auth-file "$BATS_FILE_TMPDIR/old" --type noda
	run tpmctl auth change s3 --auth-file "$BATS_FILE_TMPDIR/new" --new-auth-file "$BATS_FILE_TMPDIR/new"
	assert_failure 5
	run tpmctl unseal s3 --auth-file "$BATS_FILE_TMPDIR/old"
	assert_success
	tpmctl -q delete s3
}

@test "a PCR-bound object whose policy does not allow it: exit 6 saying so" {
	echo secret | tpmctl seal s4 -i - --pcrs sha256:7 --auth-file "$BATS_FILE_TMPDIR/old"
	run tpmctl auth change s4 --auth-file "$BATS_FILE_TMPDIR/old" --new-auth-file "$BATS_FILE_TMPDIR/new"
	assert_failure 6
	assert_output --partial "does not allow changing its password"
	run tpmctl unseal s4 --auth-file "$BATS_FILE_TMPDIR/old"
	assert_success
	tpmctl -q delete s4
}

@test "the new password is asked twice on the terminal by default" {
	tpmctl -q key create k5 --alg ecc256 --noda
	run bash -c "(sleep 1; echo one; sleep 0.5; echo two) | timeout 20 script -qec '$TPMCTL auth change k5' /dev/null"
	assert_output --partial "the two passwords differ"
	run bash -c "(sleep 1; echo same; sleep 0.5; echo same) | timeout 20 script -qec '$TPMCTL auth change k5' /dev/null"
	assert_output --partial "changed the password of k5"
	PW=same run tpmctl sign k5 -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig" --auth-env PW
	assert_success
	tpmctl -q delete k5
}

@test "a new password longer than the name hash exits 3" {
	tpmctl -q key create k6 --alg ecc256 --noda
	head -c 40 /dev/zero | tr '\0' a >"$BATS_TEST_TMPDIR/long"
	run tpmctl auth change k6 --new-auth-file "$BATS_TEST_TMPDIR/long"
	assert_failure 3
	tpmctl -q delete k6
}

@test "a persistent key's password cannot be changed in the keystore copy alone: exit 3" {
	tpmctl -q key create pk --alg ecc256 --noda --persistent 0x81000020 --auth-file "$BATS_FILE_TMPDIR/old"
	run tpmctl auth change pk --auth-file "$BATS_FILE_TMPDIR/old" --new-auth-file "$BATS_FILE_TMPDIR/new"
	assert_failure 3
	assert_output --partial "is persistent at 0x81000020"
	tpmctl -q delete pk
}

@test "without a terminal the new password's options are named" {
	tpmctl -q key create k7 --alg ecc256 --noda
	run setsid "$TPMCTL" auth change k7 </dev/null
	assert_failure 5
	assert_output --partial "--new-auth-file, --new-auth-fd or --new-auth-env"
	tpmctl -q delete k7
}

@test "a policy with an ObjectChangeAuth branch: the engine picks the branch for each command" {
	cat >"$BATS_TEST_TMPDIR/p.json" <<'JSON'
{
    "description": "unseal or change the password, both with the password",
    "policy": [{
        "type": "POLICYOR",
        "branches": [
            { "name": "use", "description": "unseal",
              "policy": [ { "type": "POLICYCOMMANDCODE", "code": "TPM2_CC_Unseal" },
                          { "type": "POLICYAUTHVALUE" } ] },
            { "name": "change", "description": "change the password",
              "policy": [ { "type": "POLICYCOMMANDCODE", "code": "TPM2_CC_ObjectChangeAuth" },
                          { "type": "POLICYAUTHVALUE" } ] }
        ]
    }]
}
JSON
	tpmctl -q policy import changeable "$BATS_TEST_TMPDIR/p.json"
	echo "changeable secret" | tpmctl seal ch -i - --policy /policy/changeable --auth-file "$BATS_FILE_TMPDIR/old" --type noda
	run tpmctl unseal ch --auth-file "$BATS_FILE_TMPDIR/old"
	assert_output "changeable secret"
	run tpmctl auth change ch --auth-file "$BATS_FILE_TMPDIR/old" --new-auth-file "$BATS_FILE_TMPDIR/new"
	assert_success
	run tpmctl unseal ch --auth-file "$BATS_FILE_TMPDIR/new"
	assert_success
	assert_output "changeable secret"
	run tpmctl unseal ch --auth-file "$BATS_FILE_TMPDIR/old"
	assert_failure 5
	tpmctl -q delete ch
}
