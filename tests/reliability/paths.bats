#!/usr/bin/env bats
# Bad paths, bad keystores, bad TCTIs and signals: each gets its documented
# exit code and one line saying what to fix.

load ../bats/helpers

setup_file() {
	start_tpm
	printf 'sealed' >"$BATS_FILE_TMPDIR/secret"
	"$TPMCTL" -q seal s -i "$BATS_FILE_TMPDIR/secret"
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$BATS_FILE_TMPDIR/key.pem" 2>/dev/null
}

swtpm_pid() {
	cat "$TPM_DIR/swtpm.pid"
}

@test "key create, seal and import refuse paths that cannot hold a key: exit 3, nothing created" {
	before=$(tpmctl list)
	run tpmctl key create //
	assert_failure 3
	assert_output "tpmctl: key create: path // names no object (give NAME or /HS/SRK/NAME)"
	for path in a/b /policy/x /ext/x /nv/x; do
		run tpmctl key create "$path"
		assert_failure 3
		assert_output --partial "keys and sealed objects live under a hierarchy"
		run tpmctl seal "$path" -i "$BATS_FILE_TMPDIR/secret"
		assert_failure 3
		assert_output --partial "keys and sealed objects live under a hierarchy"
		run tpmctl import "$path" --pem "$BATS_FILE_TMPDIR/key.pem"
		assert_failure 3
		assert_output --partial "keys and sealed objects live under a hierarchy"
	done
	run tpmctl key create /HS
	assert_failure 3
	assert_output --partial "names a hierarchy, not an object under it"
	assert_equal "$(tpmctl list)" "$before"
	run tpmctl key create /HS/SRK/fine --alg ecc256
	assert_success
	tpmctl -q delete fine
}

@test "a TCTI module that does not exist is a TPM tpmctl cannot reach: exit 7" {
	for cmd in "random 4" "key create k" "unseal s" "health"; do
		# shellcheck disable=SC2086
		run tpmctl --tcti nope:xx $cmd
		assert_failure 7
		assert_output --partial "no TCTI module \"nope\" (TCTI \"nope:xx\"): check --tcti or TPMCTL_TCTI"
	done
}

@test "an unset --auth-env variable is a usage error, found before any TPM command" {
	unset TPMCTL_NO_SUCH_VAR
	export TCTI_PCAP_FILE=$BATS_TEST_TMPDIR/bus.pcap
	run tpmctl --tcti "pcap:$TPMCTL_TCTI" unseal s --auth-env TPMCTL_NO_SUCH_VAR
	assert_failure 2
	assert_output "tpmctl: unseal: --auth-env TPMCTL_NO_SUCH_VAR: the environment variable is not set"
	run tpmctl --tcti "pcap:$TPMCTL_TCTI" key create k --auth-env TPMCTL_NO_SUCH_VAR
	assert_failure 2
	[ ! -s "$TCTI_PCAP_FILE" ]
	TPMCTL_NO_SUCH_VAR= run tpmctl unseal s --auth-env TPMCTL_NO_SUCH_VAR
	assert_success # set, and empty: no password, as the object has none
	assert_output "sealed"
}

@test "a keystore that is a file is refused, naming it" {
	echo x >"$BATS_TEST_TMPDIR/ks"
	TPMCTL_KEYSTORE=$BATS_TEST_TMPDIR/ks run tpmctl list
	assert_failure 3
	assert_output "tpmctl: list: the keystore $BATS_TEST_TMPDIR/ks is not a directory: give --keystore (or TPMCTL_KEYSTORE) a directory, created if missing"
}

@test "a keystore writable by others is refused, sticky or not, as ssh refuses such a ~/.ssh" {
	cp -a "$TPMCTL_KEYSTORE" "$BATS_TEST_TMPDIR/ks"
	for mode in 777 1777 770; do
		chmod "$mode" "$BATS_TEST_TMPDIR/ks"
		run tpmctl --keystore "$BATS_TEST_TMPDIR/ks" unseal s
		assert_failure 3
		assert_output "tpmctl: unseal: the keystore $BATS_TEST_TMPDIR/ks is writable by other users (mode $(printf %04o "0$mode")): chmod go-w $BATS_TEST_TMPDIR/ks"
	done
	chmod 700 "$BATS_TEST_TMPDIR/ks"
	run tpmctl --keystore "$BATS_TEST_TMPDIR/ks" unseal s
	assert_success
	assert_output "sealed"
}

@test "a keystore of another user is refused" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to give a directory to another user (chown nobody)"
	cp -a "$TPMCTL_KEYSTORE" "$BATS_TEST_TMPDIR/ks"
	chown -R nobody "$BATS_TEST_TMPDIR/ks"
	chmod 700 "$BATS_TEST_TMPDIR/ks"
	run tpmctl --keystore "$BATS_TEST_TMPDIR/ks" list
	assert_failure 3
	assert_output "tpmctl: list: the keystore $BATS_TEST_TMPDIR/ks belongs to another user (uid 65534): use a keystore of your own, or chown it"
}

@test "a keystore its user cannot read is refused, naming it" {
	# Root reads whatever the mode says: the check runs as nobody then.
	dir=$(mktemp -d /tmp/tpmctl-ks-XXXXXX)
	chmod 755 "$dir"
	mkdir "$dir/ks"
	as=()
	if [ "$(id -u)" -eq 0 ]; then
		chown nobody "$dir/ks"
		as=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	fi
	chmod 300 "$dir/ks"
	run "${as[@]}" "$TPMCTL" --keystore "$dir/ks" list
	chmod 700 "$dir/ks"
	rm -rf "$dir"
	assert_failure 3
	assert_output --partial "the keystore $dir/ks is not readable and writable by you (mode 0300): chmod u+rwx $dir/ks"
}

@test "a keystore that does not exist yet is created private" {
	run tpmctl --keystore "$BATS_TEST_TMPDIR/new/ks" list
	assert_failure 4 # there, but empty
	assert_output --partial "not provisioned"
	assert_equal "$(stat -c %a "$BATS_TEST_TMPDIR/new/ks")" "700"
}

@test "--timeout 0 and a stopped TPM: the first SIGINT is held, a second one ends tpmctl with exit 7" {
	kill -STOP "$(swtpm_pid)"
	"$TPMCTL" --timeout 0 random 8 --hex >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	sleep 1
	kill -INT "$pid"
	sleep 1
	alive=0
	kill -0 "$pid" 2>/dev/null && alive=1
	kill -INT "$pid"
	status=0
	wait "$pid" || status=$?
	kill -CONT "$(swtpm_pid)"
	assert_equal "$alive" 1
	assert_equal "$status" 7
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" "tpmctl: random: interrupted twice: stopped waiting for the TPM; what it holds loaded goes with \`tpmctl flush\` once it answers"
	# The keystore lock went with the process.
	run tpmctl --timeout 10 unseal s
	assert_success
	assert_output "sealed"
	tpmctl -q flush
}

@test "one SIGTERM is held until the TPM answers, then ends tpmctl after its cleanup" {
	kill -STOP "$(swtpm_pid)"
	"$TPMCTL" --timeout 0 unseal s >"$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	sleep 1
	kill -TERM "$pid"
	sleep 1
	alive=0
	kill -0 "$pid" 2>/dev/null && alive=1
	kill -CONT "$(swtpm_pid)"
	status=0
	wait "$pid" || status=$?
	assert_equal "$alive" 1
	assert_equal "$status" 143
	assert_tpm_clean
}

@test "a kill -9 while FAPI starts leaves no FAPI config behind" {
	export TMPDIR=$BATS_TEST_TMPDIR/tmp
	mkdir "$TMPDIR"
	kill -STOP "$(swtpm_pid)"
	"$TPMCTL" --timeout 0 key create killed &
	pid=$!
	sleep 1
	kill -9 "$pid"
	wait "$pid" || true
	kill -CONT "$(swtpm_pid)"
	assert_equal "$(ls -A "$TMPDIR")" ""
	tpmctl -q flush
	run tpmctl key show killed
	assert_failure 4
}
