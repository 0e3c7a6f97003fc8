#!/usr/bin/env bats
# Hostile outputs: what tpmctl does when -o names a FIFO, a device, a link or
# a directory, perhaps another user's in a shared directory such as /tmp; and
# outputs written only once the TPM and the keystore lock are free.

load ../bats/helpers

setup_file() {
	start_tpm
	printf 'the-secret-value' >"$BATS_FILE_TMPDIR/secret"
	"$TPMCTL" -q seal s -i "$BATS_FILE_TMPDIR/secret"
	head -c 200000 /dev/urandom >"$BATS_FILE_TMPDIR/big"
	"$TPMCTL" -q seal big -i "$BATS_FILE_TMPDIR/big"
	"$TPMCTL" -q key create box --type decrypt
	"$TPMCTL" -q key create pub --alg ecc256
	"$TPMCTL" encrypt box -i "$BATS_FILE_TMPDIR/big" -o "$BATS_FILE_TMPDIR/big.enc"
}

setup() {
	# A shared directory, as /tmp is: world-writable and sticky.
	shared=$BATS_TEST_TMPDIR/shared
	mkdir -m 1777 "$shared"
}

# secret_out PATH [options]: unseal s into PATH (a secret output).
secret_out() {
	local out=$1
	shift
	tpmctl unseal s -o "$out" "$@"
}

# public_out PATH [options]: the public key into PATH (not a secret).
public_out() {
	local out=$1
	shift
	tpmctl export-public pub -o "$out" "$@"
}

# fifo_open FIFO: this shell holds FIFO open (read and write, so that the
# open does not wait), as a reader would; fifo_close puts what came in into
# $drained and closes it (not in a subshell: the shell's own fd goes).
fifo_open() {
	exec 7<>"$1"
}
fifo_close() {
	drained=$(timeout 1 cat <&7 || true)
	exec 7<&-
}

@test "stdout stays allowed for secrets" {
	run secret_out -
	assert_success
	assert_output "the-secret-value"
}

@test "an existing FIFO is refused without --force, secret or not, and gets nothing" {
	mkfifo "$shared/out"
	fifo_open "$shared/out"
	run secret_out "$shared/out"
	assert_failure 3
	assert_output "tpmctl: unseal: $shared/out exists; use --force to write into it (a FIFO)"
	run tpmctl random 16 -o "$shared/out"
	assert_failure 3
	assert_output --partial "exists; use --force to write into it (a FIFO)"
	run public_out "$shared/out"
	assert_failure 3
	assert_output --partial "exists; use --force to write into it (a FIFO)"
	fifo_close
	assert_equal "$drained" ""
}

@test "with --force, a FIFO of one's own gets the secret; one nobody reads fails at once" {
	mkfifo "$shared/out"
	fifo_open "$shared/out"
	run secret_out "$shared/out" --force
	assert_success
	fifo_close
	assert_equal "$drained" "the-secret-value"
	run timeout 20 "$TPMCTL" unseal s -o "$shared/out" --force
	assert_failure 3
	assert_output "tpmctl: unseal: cannot write $shared/out: no process reads that FIFO"
}

@test "a FIFO of another user in a shared directory never gets a secret, even with --force" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to make a FIFO of another user (chown nobody)"
	chown nobody "$shared"
	mkfifo "$shared/disk.key"
	chown nobody "$shared/disk.key"
	chmod 666 "$shared/disk.key"
	fifo_open "$shared/disk.key"
	run secret_out "$shared/disk.key"
	assert_failure 3
	assert_output --partial "exists; use --force to write into it (a FIFO)"
	run secret_out "$shared/disk.key" --force
	assert_failure 3
	assert_output "tpmctl: unseal: $shared/disk.key is a FIFO of another user (uid 65534): a secret is never written there, even with --force; choose another path or -"
	run tpmctl random 16 -o "$shared/disk.key" --force
	assert_failure 3
	assert_output --partial "a FIFO of another user"
	fifo_close
	assert_equal "$drained" ""
	# What is not secret goes where --force says.
	fifo_open "$shared/disk.key"
	run public_out "$shared/disk.key" --force
	assert_success
	fifo_close
	assert_equal "$(head -1 <<<"$drained")" "-----BEGIN PUBLIC KEY-----"
}

@test "a file of another user in a shared directory is not replaced by a secret, even with --force" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to make a file of another user (chown nobody)"
	echo theirs >"$shared/disk.key"
	chown nobody "$shared/disk.key"
	run secret_out "$shared/disk.key" --force
	assert_failure 3
	assert_output --partial "is a file of another user (uid 65534)"
	assert_equal "$(cat "$shared/disk.key")" "theirs"
	assert_equal "$(stat -c %U "$shared/disk.key")" "nobody"
}

@test "a link to /dev/null: refused without --force; never followed for a secret" {
	ln -s /dev/null "$shared/out"
	run secret_out "$shared/out"
	assert_failure 3
	assert_output --partial "exists; use --force to write there (a symbolic link)"
	run public_out "$shared/out"
	assert_failure 3
	assert_output --partial "exists; use --force to write there (a symbolic link)"
	run secret_out "$shared/out" --force
	assert_failure 3
	assert_output "tpmctl: unseal: $shared/out is a symbolic link to a device: a secret is not written through a link; give the target itself or -"
	run tpmctl random 8 -o "$shared/out" --force
	assert_failure 3
	run public_out "$shared/out" --force
	assert_success
	[ -L "$shared/out" ]
}

@test "a link to a file is replaced with --force, the file it names stays as it was" {
	echo old >"$BATS_TEST_TMPDIR/target"
	ln -s "$BATS_TEST_TMPDIR/target" "$shared/out"
	run secret_out "$shared/out"
	assert_failure 3
	assert_output --partial "exists; use --force to write there (a symbolic link)"
	run secret_out "$shared/out" --force
	assert_success
	[ ! -L "$shared/out" ]
	assert_equal "$(cat "$shared/out")" "the-secret-value"
	assert_equal "$(stat -c %a "$shared/out")" "600"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/target")" "old"
	ln -s "$BATS_TEST_TMPDIR/target" "$shared/pub"
	run public_out "$shared/pub" --force
	assert_success
	[ ! -L "$shared/pub" ]
	assert_equal "$(cat "$BATS_TEST_TMPDIR/target")" "old"
}

@test "a device: refused without --force; a secret only into a device of one's own" {
	run secret_out /dev/null
	assert_failure 3
	assert_output "tpmctl: unseal: /dev/null exists; use --force to write into it (a device)"
	run public_out /dev/null
	assert_failure 3
	run public_out /dev/null --force
	assert_success
	run secret_out /dev/null --force
	if [ "$(id -u)" -eq 0 ]; then
		assert_success # root's own device
	else
		assert_failure 3
		assert_output --partial "/dev/null is a device of another user (uid 0)"
	fi
	[ -c /dev/null ]
}

@test "a directory is refused, with or without --force" {
	mkdir "$shared/dir"
	for force in "" --force; do
		run secret_out "$shared/dir" $force
		assert_failure 3
		assert_output "tpmctl: unseal: $shared/dir is a directory; give a file name"
		run public_out "$shared/dir" $force
		assert_failure 3
		assert_output --partial "is a directory"
	done
	assert_equal "$(ls -A "$shared/dir")" ""
}

@test "random, decrypt and export check their secret output before any TPM work" {
	mkfifo "$shared/out"
	chmod 666 "$shared/out"
	if [ "$(id -u)" -eq 0 ]; then chown nobody "$shared/out"; fi
	TCTI_PCAP_FILE=$BATS_TEST_TMPDIR/pcap TPMCTL_TCTI="pcap:$TPMCTL_TCTI" \
		run tpmctl random 8 -o "$shared/out" --force
	assert_failure 3
	[ ! -s "$BATS_TEST_TMPDIR/pcap" ]
	ln -s /dev/null "$shared/null"
	run tpmctl decrypt box -i "$BATS_FILE_TMPDIR/big.enc" -o "$shared/null" --force
	assert_failure 3
	assert_output --partial "a secret is not written through a link"
	run tpmctl export box --format pem -o "$shared/null" --force
	assert_failure 3
	assert_output --partial "a secret is not written through a link"
}

# reader_after_marker MARKER: reads all of stdin only once MARKER exists (at
# least 3 s, past --timeout 2), and prints the byte count.
reader_after_marker() {
	sleep 3
	for _ in $(seq 300); do
		[ -e "$1" ] && break
		sleep 0.1
	done
	wc -c
}

@test "unseal and decrypt into a full pipe finish the TPM first" {
	export -f reader_after_marker
	marker=$BATS_TEST_TMPDIR/other-ran
	out=$BATS_TEST_TMPDIR/count
	("$TPMCTL" --timeout 2 unseal big | reader_after_marker "$marker" >"$out"
	 echo "${PIPESTATUS[0]}" >"$out.status") &
	pipeline=$!
	run tpmctl --timeout 20 random 4 --hex
	assert_success
	assert_tpm_clean
	touch "$marker"
	wait "$pipeline"
	assert_equal "$(cat "$out")" "200000"
	assert_equal "$(cat "$out.status")" "0"

	rm -f "$marker"
	("$TPMCTL" --timeout 2 decrypt box -i "$BATS_FILE_TMPDIR/big.enc" |
		reader_after_marker "$marker" >"$out"
	 echo "${PIPESTATUS[0]}" >"$out.status") &
	pipeline=$!
	run tpmctl --timeout 20 key show box
	assert_success
	touch "$marker"
	wait "$pipeline"
	assert_equal "$(cat "$out")" "200000"
	assert_equal "$(cat "$out.status")" "0"
}

@test "encrypt into a full pipe gives up the keystore lock first: a writer runs meanwhile" {
	export -f reader_after_marker
	marker=$BATS_TEST_TMPDIR/other-ran
	out=$BATS_TEST_TMPDIR/count
	("$TPMCTL" --timeout 2 encrypt box -i "$BATS_FILE_TMPDIR/big" |
		reader_after_marker "$marker" >"$out"
	 echo "${PIPESTATUS[0]}" >"$out.status") &
	pipeline=$!
	sleep 0.5
	run tpmctl --timeout 20 key create writer-meanwhile --alg ecc256
	assert_success
	touch "$marker"
	wait "$pipeline"
	[ "$(cat "$out")" -gt 200000 ] || fail "ciphertext of $(cat "$out") bytes"
	assert_equal "$(cat "$out.status")" "0"
	tpmctl -q delete writer-meanwhile
}

@test "a reader that goes away: the TPM is left clean and the next command works" {
	for cmd in "unseal big" "random 100000" "decrypt box -i $BATS_FILE_TMPDIR/big.enc"; do
		# shellcheck disable=SC2086
		("$TPMCTL" $cmd | head -c 10 >/dev/null; echo "${PIPESTATUS[0]}" >"$BATS_TEST_TMPDIR/st")
		status=$(cat "$BATS_TEST_TMPDIR/st")
		# a broken pipe ends it (SIGPIPE, 141) or it finished first
		[ "$status" = 141 ] || [ "$status" = 0 ] || [ "$status" = 3 ] ||
			fail "$cmd into a closed pipe: exit $status"
		assert_tpm_clean
	done
	run tpmctl unseal big -o "$BATS_TEST_TMPDIR/again"
	assert_success
	cmp "$BATS_TEST_TMPDIR/again" "$BATS_FILE_TMPDIR/big"
}
