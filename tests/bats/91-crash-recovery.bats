#!/usr/bin/env bats
# After a tpmctl killed mid-command: what it left loaded in the TPM and half
# made in the keystore is cleaned up by the next command, which says so.
# The states are those a kill leaves at each step (tests/reliability/kill.bats
# kills at random points).

load helpers

SRK=/P_RSA2048SHA256/HS/SRK
USER_SRK() { echo "$TPMCTL_KEYSTORE/user$SRK"; }

setup_file() {
	start_tpm
	head -c 300 /dev/urandom >"$BATS_FILE_TMPDIR/big"
	head -c 1000 /dev/urandom >"$BATS_FILE_TMPDIR/data"
}

# The TPM record, leftovers and a full TPM are matters of a TPM without a
# resource manager (one flushes what a client leaves and swaps objects out
# itself): those tests talk to the swtpm directly in every leg.
direct_tpm() {
	export TPMCTL_TCTI=$TPM_DIRECT_TCTI
}

# journal_tpm B|-: the TPM record of the keystore journal, as a process
# holding the lock leaves it (B: it had objects or sessions loaded).
journal_tpm() {
	printf '%s' "$1" | dd of="$TPMCTL_KEYSTORE/tpmctl.journal" conv=notrunc status=none
}

# journal_op C|D|R PATH: the keystore record, as a killed create, delete or rewrite leaves it.
journal_op() {
	printf '%s %s\n' "$1" "$2" |
		dd of="$TPMCTL_KEYSTORE/tpmctl.journal" bs=1 seek=8 conv=notrunc status=none
}

@test "objects and sessions a killed tpmctl left loaded are flushed by the next command" {
	direct_tpm
	for i in 1 2; do
		tpm2_createprimary -T "$TPMCTL_TCTI" -C o -G ecc -c "$BATS_TEST_TMPDIR/p$i.ctx" >/dev/null
	done
	"$(dirname "$TPMCTL")/tests/leak_sessions" 1
	journal_tpm B
	run tpmctl random 4 --hex
	assert_success
	assert_line "tpmctl: random: flushed 2 objects and 1 session that a killed tpmctl left in the TPM"
	assert_equal "$(tpm_handles transient)$(tpm_handles loaded-session)" ""
	# Once: the record is cleared.
	run tpmctl random 4 --hex
	refute_output --partial "flushed"
}

@test "with no word of a killed tpmctl, other programs' objects stay loaded" {
	direct_tpm
	tpm2_createprimary -T "$TPMCTL_TCTI" -C o -G ecc -c "$BATS_TEST_TMPDIR/p.ctx" >/dev/null
	run tpmctl random 4 --hex
	assert_success
	refute_output --partial "flushed"
	assert_equal "$(tpm_handles transient | wc -l)" 1
	tpmctl -q flush
}

@test "a command that does not reach the TPM leaves the record for the next that does" {
	direct_tpm
	tpm2_createprimary -T "$TPMCTL_TCTI" -C o -G ecc -c "$BATS_TEST_TMPDIR/p.ctx" >/dev/null
	journal_tpm B
	run tpmctl list
	refute_output --partial "flushed"
	run tpmctl random 4 --hex
	assert_line "tpmctl: random: flushed 1 object that a killed tpmctl left in the TPM"
}

@test "a TPM full of sessions (0x903): unseal flushes those no tpmctl uses and tries again" {
	direct_tpm
	echo "small secret" | tpmctl -q seal full-sessions -i -
	"$(dirname "$TPMCTL")/tests/leak_sessions" 3
	run tpmctl unseal full-sessions
	assert_success
	assert_line "small secret"
	assert_line "tpmctl: unseal: the TPM was full: flushed 3 sessions that no tpmctl uses"
	tpmctl -q delete full-sessions
}

@test "a TPM full of objects (0x902): sign flushes those no tpmctl uses and tries again" {
	direct_tpm
	tpmctl -q key create full-objects --alg ecc256
	for i in 1 2 3; do
		tpm2_createprimary -T "$TPMCTL_TCTI" -C o -G ecc -c "$BATS_TEST_TMPDIR/p$i.ctx" >/dev/null
	done
	run tpmctl sign full-objects -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig"
	assert_success
	assert_output "tpmctl: sign: the TPM was full: flushed 3 objects that no tpmctl uses"
	tpmctl verify full-objects -s "$BATS_TEST_TMPDIR/sig" -i "$BATS_FILE_TMPDIR/data"
	tpmctl -q delete full-objects
}

@test "a seal killed before FAPI wrote its object: the envelope it left goes, the name is free" {
	mkdir -p "$(USER_SRK)/half"
	head -c 100 /dev/urandom >"$(USER_SRK)/half/tpmctl-sealed.bin"
	head -c 10 /dev/urandom >"$(USER_SRK)/half/tpmctl-sealed.bin.tmp-AbC123"
	journal_op C "$SRK/half"
	run tpmctl list
	assert_success
	assert_line "tpmctl: list: removed the half-made $SRK/half that a killed tpmctl left"
	refute_line "$SRK/half"
	[ ! -e "$(USER_SRK)/half" ]
	run tpmctl seal half -i "$BATS_FILE_TMPDIR/big"
	assert_success
	tpmctl unseal half | cmp - "$BATS_FILE_TMPDIR/big"
	tpmctl -q delete half
}

@test "a seal killed after FAPI wrote its object: the whole object stays and works" {
	tpmctl -q seal whole -i "$BATS_FILE_TMPDIR/big"
	head -c 10 /dev/urandom >"$(USER_SRK)/whole/tpmctl-sealed.bin.tmp-XyZ789"
	journal_op C "$SRK/whole"
	run tpmctl list
	assert_success
	assert_line "tpmctl: list: kept $SRK/whole: a killed tpmctl had made it whole"
	assert_equal "$(ls "$(USER_SRK)/whole")" "$(printf 'object.json\ntpmctl-sealed.bin')"
	tpmctl unseal whole | cmp - "$BATS_FILE_TMPDIR/big"
	tpmctl -q delete whole
}

@test "a seal killed while FAPI wrote its object (an empty object.json): it all goes" {
	mkdir -p "$(USER_SRK)/torn"
	head -c 100 /dev/urandom >"$(USER_SRK)/torn/tpmctl-sealed.bin"
	: >"$(USER_SRK)/torn/object.json"
	journal_op C "$SRK/torn"
	run tpmctl seal torn -i "$BATS_FILE_TMPDIR/big"
	assert_success
	assert_line "tpmctl: seal: removed the half-made $SRK/torn that a killed tpmctl left"
	tpmctl unseal torn | cmp - "$BATS_FILE_TMPDIR/big"
	tpmctl -q delete torn
}

@test "a delete killed after the envelope went: the next command finishes it" {
	tpmctl -q seal gone -i "$BATS_FILE_TMPDIR/big"
	rm "$(USER_SRK)/gone/tpmctl-sealed.bin"
	journal_op D "$SRK/gone"
	run tpmctl list
	assert_success
	assert_line "tpmctl: list: finished deleting $SRK/gone, which a killed tpmctl had begun"
	refute_line "$SRK/gone"
	[ ! -e "$(USER_SRK)/gone" ]
	run tpmctl delete gone
	assert_failure 4
}

@test "a delete of a persistent sealed object killed midway: the handle goes too" {
	echo "persistent" | tpmctl -q seal pers -i - --type 0x81000123
	rm "$(USER_SRK)/pers/object.json.tmp-"* 2>/dev/null || true
	journal_op D "$SRK/pers"
	run tpmctl list
	assert_success
	assert_line "tpmctl: list: finished deleting $SRK/pers, which a killed tpmctl had begun"
	refute_output --partial "0x81000123"
	[ -z "$(tpm_handles persistent | grep -i 0x81000123)" ]
}

@test "an import killed while writing: the directory and temporary file it left go" {
	mkdir -p "$(USER_SRK)/imp"
	echo '{"objectType": 1' >"$(USER_SRK)/imp/object.json.tmp-Q1w2E3"
	run tpmctl list
	refute_line "$SRK/imp" # a temporary file is no object, record or not
	journal_op C "$SRK/imp"
	run tpmctl list
	assert_line "tpmctl: list: removed the half-made $SRK/imp that a killed tpmctl left"
	[ ! -e "$(USER_SRK)/imp" ]
}

@test "an auth change killed while rewriting the object: the temporary file goes, the key works" {
	tpmctl -q key create rewritten
	cp "$(USER_SRK)/rewritten/object.json" "$(USER_SRK)/rewritten/object.json.tmp-A1b2C3"
	journal_op R "$SRK/rewritten"
	run tpmctl list
	assert_line "tpmctl: list: removed what a killed tpmctl left of its rewrite of $SRK/rewritten; the object is whole"
	[ ! -e "$(USER_SRK)/rewritten/object.json.tmp-A1b2C3" ]
	run tpmctl sign rewritten -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig"
	assert_success
	# a rewrite that finishes leaves no record behind
	tpmctl -q auth change rewritten --new-auth-file <(printf 'new-password')
	run tpmctl list
	refute_output --partial "killed tpmctl"
	tpmctl -q delete rewritten
}

@test "a sealed secret over 128 bytes is listed once" {
	tpmctl -q seal listed-once -i "$BATS_FILE_TMPDIR/big"
	run tpmctl list "$SRK"
	assert_success
	assert_equal "$(grep -c "^$SRK/listed-once\$" <<<"$output")" 1
	tpmctl -q delete listed-once
}

@test "a failed seal leaves nothing behind: not the envelope, not the journal's record" {
	tpmctl -q seal exists -i "$BATS_FILE_TMPDIR/big"
	run tpmctl seal exists -i "$BATS_FILE_TMPDIR/big"
	assert_failure 9
	tpmctl unseal exists | cmp - "$BATS_FILE_TMPDIR/big"
	run tpmctl seal bad-pcrs -i "$BATS_FILE_TMPDIR/big" --pcrs sha256:99
	assert_failure
	[ ! -e "$(USER_SRK)/bad-pcrs" ]
	run tpmctl list
	refute_output --partial "killed"
	tpmctl -q delete exists
}
