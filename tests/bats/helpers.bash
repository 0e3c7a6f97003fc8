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

# TPMCTL_TCTI reaches the swtpm of DIR: directly, or through a tpm2-abrmd
# in the resource-manager leg (TPMCTL_TEST_RM=tabrmd, set by tests/run).
# TPM_DIRECT_TCTI always reaches the swtpm itself, to see every handle.
use_tpm() { # use_tpm DIR
	export TPM_DIRECT_TCTI="swtpm:path=$1/tpm.sock"
	export TPMCTL_TCTI=$TPM_DIRECT_TCTI
	export TPMCTL_KEYSTORE="$1/ks"
	if [ "${TPMCTL_TEST_RM:-}" = tabrmd ]; then
		abrmd_start "$1" || return 1
		TPMCTL_TCTI=$(cat "$1/abrmd.tcti")
	fi
}

# Whether tpmctl talks to the TPM through a resource manager in this leg.
resource_managed() {
	[ "${TPMCTL_TEST_RM:-}" = tabrmd ]
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
	use_tpm "$TPM_DIR"
}

# A fresh, never provisioned TPM and an empty keystore.
start_blank_tpm() {
	TPM_DIR=$BATS_FILE_TMPDIR/blank
	rm -rf "$TPM_DIR"
	mkdir -p "$TPM_DIR"
	swtpm_start "$TPM_DIR"
	export TPM_DIR
	use_tpm "$TPM_DIR"
}

stop_tpm() {
	if [ -n "${TPM_DIR:-}" ]; then
		abrmd_stop "$TPM_DIR"
		swtpm_stop "$TPM_DIR"
	fi
}

# Handles of one kind in the TPM (tpm2_getcap names), one per line; the
# swtpm's own, not a resource manager's view of one connection.
tpm_handles() {
	tpm2_getcap -T "${TPM_DIRECT_TCTI:-$TPMCTL_TCTI}" "handles-$1" | sed -n 's/^- //p'
}

# Every test ends with nothing left loaded in the TPM.
assert_tpm_clean() {
	local kind left
	for kind in transient loaded-session saved-session; do
		left=$(tpm_handles "$kind")
		if [ -n "$left" ]; then
			tpm2_flushcontext -T "$TPM_DIRECT_TCTI" --transient-object >/dev/null 2>&1
			tpm2_flushcontext -T "$TPM_DIRECT_TCTI" --loaded-session >/dev/null 2>&1
			tpm2_flushcontext -T "$TPM_DIRECT_TCTI" --saved-session >/dev/null 2>&1
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
