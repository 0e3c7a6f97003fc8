# Common set-up for every bats file: a copy of the provisioned golden TPM
# state and keystore, served by a swtpm of the file's own.

bats_require_minimum_version 1.5.0
load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash
source "$BATS_TEST_DIRNAME/../lib/swtpm.bash"

: "${TPMCTL:?tests/run sets TPMCTL to the binary under test}"
: "${TPMCTL_GOLDEN:?tests/run sets TPMCTL_GOLDEN to the provisioned state}"

# Exit 86 is how the sanitizer build reports a finding (tests/run).
tpmctl() {
	local status=0
	"$TPMCTL" "$@" || status=$?
	if [ "$status" -eq 86 ] && [ -n "${TPMCTL_SANITIZER_DIR:-}" ]; then
		echo "tpmctl $* ($BATS_TEST_NAME)" >>"$TPMCTL_SANITIZER_DIR/exit86-$$"
	fi
	return "$status"
}

# A private TPM and keystore for this file, copied from the golden state.
start_tpm() {
	TPM_DIR=$BATS_FILE_TMPDIR/tpm
	rm -rf "$TPM_DIR"
	mkdir -p "$TPM_DIR"
	cp -a "$TPMCTL_GOLDEN/state" "$TPM_DIR/state"
	cp -a "$TPMCTL_GOLDEN/ks" "$TPM_DIR/ks"
	swtpm_start "$TPM_DIR"
	export TPM_DIR
	export TPMCTL_TCTI="swtpm:path=$TPM_DIR/tpm.sock"
	export TPMCTL_KEYSTORE="$TPM_DIR/ks"
}

# A fresh, never provisioned TPM and an empty keystore.
start_blank_tpm() {
	TPM_DIR=$BATS_FILE_TMPDIR/blank
	rm -rf "$TPM_DIR"
	mkdir -p "$TPM_DIR"
	swtpm_start "$TPM_DIR"
	export TPM_DIR
	export TPMCTL_TCTI="swtpm:path=$TPM_DIR/tpm.sock"
	export TPMCTL_KEYSTORE="$TPM_DIR/ks"
}

stop_tpm() {
	if [ -n "${TPM_DIR:-}" ]; then swtpm_stop "$TPM_DIR"; fi
}

# Handles of one kind in the TPM (tpm2_getcap names), one per line.
tpm_handles() {
	tpm2_getcap -T "$TPMCTL_TCTI" "handles-$1" | sed -n 's/^- //p'
}

# Every test ends with nothing left loaded in the TPM.
assert_tpm_clean() {
	local kind left
	for kind in transient loaded-session saved-session; do
		left=$(tpm_handles "$kind")
		if [ -n "$left" ]; then
			tpm2_flushcontext -T "$TPMCTL_TCTI" --transient-object >/dev/null 2>&1
			tpm2_flushcontext -T "$TPMCTL_TCTI" --loaded-session >/dev/null 2>&1
			tpm2_flushcontext -T "$TPMCTL_TCTI" --saved-session >/dev/null 2>&1
			fail "the test left $kind handles in the TPM: $left"
		fi
	done
}

setup_file() {
	start_tpm
}

teardown_file() {
	stop_tpm
}

teardown() {
	assert_tpm_clean
}
