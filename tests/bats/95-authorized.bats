#!/usr/bin/env bats
# Update-proof seals: seal --authorized-by KEY, `policy authorize` of new PCR
# values after an update, unseal through PolicyAuthorize in tpmctl's own
# engine; seal --force; key show's bindings.

load helpers

setup_file() {
	start_tpm
	printf 'open sesame\n' >"$BATS_FILE_TMPDIR/pw"
	printf 'wrong\n' >"$BATS_FILE_TMPDIR/bad"
	printf 'the secret\n' >"$BATS_FILE_TMPDIR/secret"
}

# The authorization records' directory, beside the keystore.
authz_dir() {
	echo "$TPMCTL_KEYSTORE/tpmctl-authorizations"
}

# The record file of an authorized policy path.
authz_file() { # authz_file /policy/NAME
	local f
	for f in "$(authz_dir)"/*.json; do
		if [ "$(jq -r .path "$f")" = "$1" ]; then
			echo "$f"
			return 0
		fi
	done
	return 1
}

update() { # the "update": PCR 16 changes
	tpmctl -q pcr extend 16 --digest "sha256:$(head -c 32 /dev/urandom | xxd -p -c 64)"
}

@test "the story: seal --authorized-by, update, unseal fails (6), policy authorize, unseal works" {
	tpmctl -q key create story-signer
	run tpmctl seal story -i "$BATS_FILE_TMPDIR/secret" --authorized-by story-signer
	assert_success
	assert_output "sealed /P_RSA2048SHA256/HS/SRK/story"
	# Nothing authorized yet: exit 6 saying what to do.
	run tpmctl unseal story
	assert_failure 6
	assert_output --partial "no policy authorized by /P_RSA2048SHA256/HS/SRK/story-signer is stored"
	assert_output --partial "tpmctl policy authorize POLICYPATH --key /P_RSA2048SHA256/HS/SRK/story-signer"
	run tpmctl policy authorize story-v1 --key story-signer --pcrs sha256:16
	assert_success
	assert_output "authorized /policy/story-v1 by /P_RSA2048SHA256/HS/SRK/story-signer"
	run --separate-stderr tpmctl unseal story
	assert_success
	assert_output "the secret"
	assert_equal "$stderr" "tpmctl: unseal: unsealed with the authorized policy /policy/story-v1"
	# The update changes PCR 16: the approved policy no longer holds.
	update
	run tpmctl unseal story
	assert_failure 6
	assert_output --partial "/policy/story-v1: PCR sha256:16 changed since it was authorized"
	# The vendor approves the new value.
	tpmctl -q policy authorize story-v2 --key story-signer --pcrs sha256:16
	run --separate-stderr tpmctl unseal story
	assert_success
	assert_output "the secret"
	assert_equal "$stderr" "tpmctl: unseal: unsealed with the authorized policy /policy/story-v2"
	# The approved policy is in the policy store too.
	run tpmctl policy show story-v2
	assert_success
	assert_output --partial POLICYPCR
	tpmctl -q delete story story-signer
}

@test "the secret never crosses the bus in clear; wrong password is exit 5; -q is quiet" {
	tpmctl -q key create bus-signer
	local marker="MARKER-$(head -c 12 /dev/urandom | xxd -p)"
	printf '%s' "$marker" | tpmctl -q seal bus-a -i - --authorized-by bus-signer \
		--auth-file "$BATS_FILE_TMPDIR/pw"
	tpmctl -q policy authorize bus-v1 --key bus-signer --pcrs sha256:16,23
	export TCTI_PCAP_FILE=$BATS_TEST_TMPDIR/unseal.pcap
	run --separate-stderr tpmctl -q --tcti "pcap:$TPMCTL_TCTI" unseal bus-a \
		--auth-file "$BATS_FILE_TMPDIR/pw"
	unset TCTI_PCAP_FILE
	assert_success
	assert_output "$marker"
	assert_equal "$stderr" ""
	[ -s "$BATS_TEST_TMPDIR/unseal.pcap" ]
	if grep -q "$marker" "$BATS_TEST_TMPDIR/unseal.pcap"; then
		fail "the secret crossed the bus in clear"
	fi
	# PolicyAuthorize ran in tpmctl's engine: the commands on the bus.
	python3 "$BATS_TEST_DIRNAME/../lib/tpm_commands.py" "$BATS_TEST_TMPDIR/unseal.pcap" \
		>"$BATS_TEST_TMPDIR/commands"
	grep -qx 0x0000016a "$BATS_TEST_TMPDIR/commands" # PolicyAuthorize
	grep -qx 0x00000177 "$BATS_TEST_TMPDIR/commands" # VerifySignature
	grep -qx 0x0000016b "$BATS_TEST_TMPDIR/commands" # PolicyAuthValue
	grep -qx 0x0000015e "$BATS_TEST_TMPDIR/commands" # Unseal
	run tpmctl unseal bus-a --auth-file "$BATS_FILE_TMPDIR/bad"
	assert_failure 5
	tpmctl -q delete bus-a bus-signer
}

@test "a policy approved by another key, or a forged signature: exit 6, nothing unsealed" {
	tpmctl -q key create evil-signer
	tpmctl -q key create good-signer
	tpmctl -q seal guarded -i "$BATS_FILE_TMPDIR/secret" --authorized-by good-signer
	tpmctl -q policy authorize evil-v1 --key evil-signer --pcrs sha256:16
	# Another key's approval is not one of good-signer's.
	run tpmctl unseal guarded
	assert_failure 6
	assert_output --partial "no policy authorized by /P_RSA2048SHA256/HS/SRK/good-signer is stored"
	refute_output --partial "the secret"
	# evil-signer's signature passed off as good-signer's: the TPM refuses it.
	tpmctl -q policy authorize good-v0 --key good-signer --pcrs sha256:16
	local good evil
	good=$(authz_file /policy/good-v0)
	evil=$(authz_file /policy/evil-v1)
	jq --slurpfile g "$good" '.keyName = $g[0].keyName | .keyPublic = $g[0].keyPublic |
		.path = "/policy/forged"' "$evil" >"$(authz_dir)/0123456789abcdef0123456789abcdef.json"
	rm "$good"
	run tpmctl unseal guarded
	assert_failure 6
	assert_output --partial "/policy/forged: the signature authorizing /policy/forged is not valid"
	refute_output --partial "the secret"
	rm "$(authz_dir)/0123456789abcdef0123456789abcdef.json"
	tpmctl -q delete guarded evil-signer good-signer
}

@test "two authorizations: unseal picks the one that holds now and says which" {
	tpmctl -q key create two-signer
	tpmctl -q seal two -i "$BATS_FILE_TMPDIR/secret" --authorized-by two-signer
	tpmctl -q policy authorize two-old --key two-signer --pcrs sha256:16
	update
	tpmctl -q policy authorize two-new --key two-signer --pcrs sha256:16
	run --separate-stderr tpmctl unseal two
	assert_success
	assert_equal "$stderr" "tpmctl: unseal: unsealed with the authorized policy /policy/two-new"
	# The newest is tried first; when it does not hold, the older one that does is used.
	tpmctl -q policy authorize two-other --key two-signer --pcrs sha256:23
	tpmctl -q pcr extend 23 --digest "sha256:$(printf '%064d' 5)"
	run --separate-stderr tpmctl unseal two
	assert_success
	assert_output "the secret"
	assert_equal "$stderr" "tpmctl: unseal: unsealed with the authorized policy /policy/two-new"
	# --json: one document, the secret as data_b64 and the authorization.
	run --separate-stderr tpmctl --json unseal two
	assert_success
	assert_equal "$(jq -r .authorization <<<"$output")" /policy/two-new
	assert_equal "$(jq -r .data_b64 <<<"$output" | base64 -d)" "the secret"
	# When none holds, each one's reason is given.
	update
	run tpmctl unseal two
	assert_failure 6
	assert_output --partial "/policy/two-new: PCR sha256:16 changed since it was authorized"
	assert_output --partial "/policy/two-old: PCR sha256:16 changed since it was authorized"
	assert_output --partial "/policy/two-other: PCR sha256:23 changed since it was authorized"
	tpmctl -q delete two two-signer
}

@test "--ref: approvals must carry the object's policyRef" {
	tpmctl -q key create ref-signer
	tpmctl -q seal refd -i "$BATS_FILE_TMPDIR/secret" --authorized-by ref-signer --ref prod
	tpmctl -q policy authorize ref-none --key ref-signer --pcrs sha256:16
	run tpmctl unseal refd
	assert_failure 6
	assert_output --partial '(ref "prod") is stored'
	assert_output --partial "--ref prod"
	tpmctl -q policy authorize ref-prod --key ref-signer --ref prod --pcrs sha256:16
	run tpmctl -q unseal refd
	assert_success
	assert_output "the secret"
	run bash -c "echo x | '$TPMCTL' --json seal refd3 -i - --authorized-by ref-signer --ref prod"
	assert_success
	assert_equal "$(jq -r .authorized_by <<<"$output")" ref-signer
	assert_equal "$(jq -r .policy_ref <<<"$output")" prod
	tpmctl -q delete refd3
	run tpmctl seal refd2 -i "$BATS_FILE_TMPDIR/secret" --ref prod
	assert_failure 2
	run tpmctl seal refd2 -i "$BATS_FILE_TMPDIR/secret" --authorized-by ref-signer --pcrs sha256:0
	assert_failure 2
	run tpmctl seal refd2 -i "$BATS_FILE_TMPDIR/secret" --authorized-by ref-signer \
		--ref "$(printf '%040d' 0)"
	assert_failure 2
	tpmctl -q delete refd ref-signer
}

@test "policy authorize: existing path, --force, policies it cannot approve, keys it cannot use" {
	tpmctl -q key create pa-signer
	tpmctl -q policy authorize pa-v1 --key pa-signer --pcrs sha256:16
	run tpmctl policy authorize pa-v1 --key pa-signer --pcrs sha256:16
	assert_failure 9
	assert_output --partial "/policy/pa-v1 exists"
	run tpmctl policy authorize pa-v1 --key pa-signer --pcrs sha256:16 --force
	assert_success
	# A stored policy is approved as FAPI gives it (currentPCRs: the values now) ...
	cat >"$BATS_TEST_TMPDIR/cur.json" <<-EOF
		{"description": "current", "policy": [{"type": "POLICYPCR", "currentPCRs": [16]}]}
	EOF
	tpmctl -q policy import pa-cur "$BATS_TEST_TMPDIR/cur.json"
	run tpmctl policy authorize pa-cur --key pa-signer
	assert_success
	[ "$(jq -r '.policy.policy[0].pcrs[0].pcr' "$(authz_file /policy/pa-cur)")" = 16 ]
	# ... but not one the engine cannot run.
	tpmctl -q policy import pa-secret "$TPMCTL_DATADIR/policies/secret-endorsement.json"
	run tpmctl policy authorize pa-secret --key pa-signer
	assert_failure 3
	assert_output --partial "hold no POLICYSECRET or POLICYAUTHORIZE"
	run tpmctl --json policy authorize pa-v1 --key pa-signer --ref r1
	assert_success
	assert_equal "$(jq -r .policy <<<"$output")" /policy/pa-v1
	assert_equal "$(jq -r .policy_ref <<<"$output")" r1
	assert_equal "$(jq -r .hash <<<"$output")" sha256
	[ -f "$(jq -r .file <<<"$output")" ]
	echo x | tpmctl -q seal pa-sealed -i -
	run tpmctl policy authorize pa-v1 --key pa-sealed
	assert_failure 3
	assert_output --partial "not a signing key"
	run tpmctl policy authorize pa-v1
	assert_failure 2
	run tpmctl policy authorize pa-none --key pa-signer
	assert_failure 4
	tpmctl -q delete pa-signer pa-sealed
}

@test "--alg: a sha384 key approves for sha256 objects; another hash is said, not tried" {
	tpmctl -q --profile P_ECCP384SHA384 key create alg-signer
	tpmctl -q seal alg-obj -i "$BATS_FILE_TMPDIR/secret" --authorized-by /P_ECCP384SHA384/HS/SRK/alg-signer
	tpmctl -q policy authorize alg-v1 --key /P_ECCP384SHA384/HS/SRK/alg-signer --pcrs sha256:16
	run tpmctl unseal alg-obj
	assert_failure 6
	assert_output --partial "/policy/alg-v1: approved for sha384 objects, and this one's name hash is sha256 (approve it with --alg sha256)"
	run tpmctl --json policy authorize alg-v1 --key /P_ECCP384SHA384/HS/SRK/alg-signer --alg sha256
	assert_success
	assert_equal "$(jq -r .hash <<<"$output")" sha256
	run tpmctl -q unseal alg-obj
	assert_success
	assert_output "the secret"
	run tpmctl policy authorize alg-v1 --key /P_ECCP384SHA384/HS/SRK/alg-signer --alg sha1
	assert_failure 2
	tpmctl -q delete alg-obj /P_ECCP384SHA384/HS/SRK/alg-signer
}

@test "policy digest computes PolicyAuthorize digests offline, as the TPM does" {
	tpmctl -q key create dg-signer
	tpmctl -q seal dg -i "$BATS_FILE_TMPDIR/secret" --authorized-by dg-signer --ref prod \
		--auth-file "$BATS_FILE_TMPDIR/pw"
	local name policy
	name=$(tpmctl --json key show dg | jq -r .bindings.authorized_by.key_name)
	policy=$(tpmctl --json key show dg | jq -r .policy)
	cat >"$BATS_TEST_TMPDIR/authorize.json" <<-EOF
		{"description": "d", "policy": [
		  {"type": "POLICYAUTHORIZE", "keyName": "$name", "policyRef": "$(printf prod | xxd -p)"},
		  {"type": "POLICYAUTHVALUE"}]}
	EOF
	run tpmctl policy digest "$BATS_TEST_TMPDIR/authorize.json"
	assert_success
	assert_output "$policy"
	# The same policy through the TPM (a trial session by tpm2-tools).
	cat >"$BATS_TEST_TMPDIR/noref.json" <<-EOF
		{"description": "d", "policy": [{"type": "POLICYAUTHORIZE", "keyName": "$name"}]}
	EOF
	run tpmctl policy digest "$BATS_TEST_TMPDIR/noref.json"
	assert_success
	local expected
	expected=$(python3 -c '
import hashlib, sys
name = bytes.fromhex(sys.argv[1])
d = hashlib.sha256(bytes(32) + bytes.fromhex("0000016a") + name).digest()
print(hashlib.sha256(d).hexdigest())' "$name")
	assert_output "$expected"
	# Without the key, no digest: exit 3 naming the element.
	echo '{"description": "d", "policy": [{"type": "POLICYAUTHORIZE", "keyPath": "/HS/SRK/k"}]}' \
		>"$BATS_TEST_TMPDIR/path.json"
	run tpmctl policy digest "$BATS_TEST_TMPDIR/path.json"
	assert_failure 3
	assert_output --partial "/policy/0: a POLICYAUTHORIZE needs the signing key"
	tpmctl -q delete dg dg-signer
}

@test "seal --force keeps the old object when the new seal fails, replaces it when it succeeds" {
	echo old | tpmctl -q seal forced -i -
	run bash -c "echo new | '$TPMCTL' seal forced -i -"
	assert_failure 9
	# A bad PCR spec, a key that does not exist: the old object stays and unseals.
	run bash -c "echo new | '$TPMCTL' seal forced -i - --force --pcrs sha256:99"
	assert_failure
	run tpmctl unseal forced
	assert_success
	assert_output old
	run bash -c "echo new | '$TPMCTL' seal forced -i - --force --authorized-by no-such-key"
	assert_failure 4
	run tpmctl unseal forced
	assert_output old
	# Nothing half-made is left beside it.
	run tpmctl list /HS/SRK
	refute_output --partial tpmctl-new
	# Success: the new secret, with the new binding.
	run bash -c "echo new | '$TPMCTL' seal forced -i - --force --auth-file '$BATS_FILE_TMPDIR/pw'"
	assert_success
	assert_output "sealed /P_RSA2048SHA256/HS/SRK/forced"
	run tpmctl unseal forced --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_success
	assert_output new
	run tpmctl list /HS/SRK
	refute_output --partial tpmctl-new
	# Larger than the TPM seals: the envelope is replaced with it.
	head -c 4096 /dev/urandom >"$BATS_TEST_TMPDIR/big"
	tpmctl -q seal forced -i "$BATS_TEST_TMPDIR/big" --force
	tpmctl unseal forced -o "$BATS_TEST_TMPDIR/big.out"
	cmp "$BATS_TEST_TMPDIR/big" "$BATS_TEST_TMPDIR/big.out"
	echo small | tpmctl -q seal forced -i - --force
	run tpmctl unseal forced
	assert_output small
	[ ! -e "$TPMCTL_KEYSTORE/user/P_RSA2048SHA256/HS/SRK/forced/tpmctl-sealed.bin" ]
	# A key is not replaced.
	tpmctl -q key create forced-key
	run bash -c "echo x | '$TPMCTL' seal forced-key -i - --force"
	assert_failure 9
	assert_output --partial "not sealed data"
	run tpmctl key show forced-key
	assert_output --partial "type             sign"
	tpmctl -q delete forced forced-key
}

@test "seal --force killed after the swap: the next command deletes the old object it left" {
	# The state such a kill leaves: the new object at PATH, the old one
	# beside it, and the journal's word to delete the old one.
	echo new | tpmctl -q seal kj -i -
	echo old | tpmctl -q seal kj-tpmctl-new-0badcafe -i -
	printf 'D %s\n' /P_RSA2048SHA256/HS/SRK/kj-tpmctl-new-0badcafe |
		dd of="$TPMCTL_KEYSTORE/tpmctl.journal" bs=1 seek=8 conv=notrunc status=none
	run tpmctl list /HS/SRK
	assert_success
	assert_output --partial "finished deleting /P_RSA2048SHA256/HS/SRK/kj-tpmctl-new-0badcafe"
	refute_line /P_RSA2048SHA256/HS/SRK/kj-tpmctl-new-0badcafe
	run tpmctl unseal kj
	assert_output new
	tpmctl -q delete kj
}

@test "key show: what an object is bound to (PCRs, password, authorized-by), text and --json" {
	echo x | tpmctl -q seal ks-pcr -i - --pcrs sha256:7,16
	echo x | tpmctl -q seal ks-pw -i - --auth-file "$BATS_FILE_TMPDIR/pw"
	echo x | tpmctl -q seal ks-both -i - --pcrs sha1:0 --auth-file "$BATS_FILE_TMPDIR/pw"
	tpmctl -q key create ks-signer
	echo x | tpmctl -q seal ks-auth -i - --authorized-by ks-signer --ref prod
	run tpmctl key show ks-pcr
	assert_line "bound to PCRs    sha256:7,16 (bank sha256)"
	assert_line "needs password   no"
	assert_line "policy (text)    PCR sha256:7,16"
	run tpmctl --json key show ks-pcr
	assert_equal "$(jq -c .bindings <<<"$output")" \
		'{"pcrs":"sha256:7,16","pcr_banks":"sha256","password":false,"authorized_by":null,"policy_text":"PCR sha256:7,16"}'
	run tpmctl key show ks-pw
	assert_line "needs password   yes"
	refute_output --partial "bound to PCRs"
	refute_output --partial "authorized by"
	run tpmctl --json key show ks-pw
	assert_equal "$(jq -c .bindings <<<"$output")" \
		'{"pcrs":null,"pcr_banks":null,"password":true,"authorized_by":null,"policy_text":null}'
	run tpmctl --json key show ks-both
	assert_equal "$(jq -c .bindings <<<"$output")" \
		'{"pcrs":"sha1:0","pcr_banks":"sha1","password":true,"authorized_by":null,"policy_text":"PCR sha1:0; password"}'
	run tpmctl key show ks-auth
	assert_line --partial "authorized by    /P_RSA2048SHA256/HS/SRK/ks-signer (name 000b"
	assert_line --partial ', ref "prod"'
	assert_line --regexp '^policy \(text\)    policies authorized by key 000b[0-9a-f]{64} \(ref "prod"\)$'
	run tpmctl --json key show ks-auth
	assert_equal "$(jq -r .bindings.authorized_by.key <<<"$output")" /P_RSA2048SHA256/HS/SRK/ks-signer
	assert_equal "$(jq -r .bindings.authorized_by.policy_ref <<<"$output")" prod
	assert_equal "$(jq -r .bindings.password <<<"$output")" false
	assert_equal "$(jq -r .bindings.authorized_by.key_name <<<"$output")" \
		"$(tpmctl --json key show ks-auth | jq -r .bindings.authorized_by.key_name)"
	# A key without a policy: no binding.
	run tpmctl --json key show ks-signer
	assert_equal "$(jq -c .bindings <<<"$output")" \
		'{"pcrs":null,"pcr_banks":null,"password":false,"authorized_by":null,"policy_text":null}'
	tpmctl -q delete ks-pcr ks-pw ks-both ks-auth ks-signer
}

@test "batch: seal with authorized_by and policy_ref, unseal says which authorization held" {
	tpmctl -q key create b-signer
	local secret
	secret=$(printf 'batch secret' | base64 -w0)
	run tpmctl batch <<-EOF
		{"id": 0, "op": "policy_authorize", "policy": "b-v1", "key": "b-signer", "policy_ref": "batch", "pcrs": "sha256:16"}
		{"id": 1, "op": "seal", "path": "b-auth", "data_b64": "$secret", "authorized_by": "b-signer", "policy_ref": "batch"}
		{"id": 2, "op": "unseal", "path": "b-auth"}
		{"id": 3, "op": "seal", "path": "b-auth", "data_b64": "$secret", "pcrs": "sha256:0", "force": true}
		{"id": 4, "op": "unseal", "path": "b-auth"}
	EOF
	assert_success
	assert_equal "$(sed -n 1p <<<"$output" | jq -r .policy)" /policy/b-v1
	assert_equal "$(sed -n 1p <<<"$output" | jq -r .policy_ref)" batch
	assert_equal "$(sed -n 2p <<<"$output" | jq -r .authorized_by)" b-signer
	assert_equal "$(sed -n 3p <<<"$output" | jq -r .data_b64)" "$secret"
	assert_equal "$(sed -n 3p <<<"$output" | jq -r .authorization)" /policy/b-v1
	assert_equal "$(sed -n 4p <<<"$output" | jq -r .path)" /P_RSA2048SHA256/HS/SRK/b-auth
	assert_equal "$(sed -n 5p <<<"$output" | jq -r .data_b64)" "$secret"
	assert_equal "$(sed -n 5p <<<"$output" | jq -r .authorization)" null
	# An unknown field is refused before anything runs.
	run tpmctl batch <<<'{"id": 1, "op": "policy_authorize", "policy": "x", "key": "b-signer", "ref": "y"}'
	assert_output '{"id":1,"ok":false,"exit":2,"error":"policy_authorize takes no field \"ref\""}'
	run tpmctl --json key show b-auth
	assert_equal "$(jq -r .bindings.pcrs <<<"$output")" sha256:0
	tpmctl -q delete b-auth b-signer
}
