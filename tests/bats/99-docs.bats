#!/usr/bin/env bats
# docs/TUTORIAL.md: every sh block, in order, against a fresh swtpm, as a
# reader would type it (tpmctl, tpm2-tools and openssl on the PATH).

load helpers

setup_file() {
	start_blank_tpm
}

# The sh blocks of a markdown file, one after the other.
sh_blocks() {
	awk '/^```sh$/ {on = 1; next} /^```/ {on = 0} on' "$1"
}

@test "every step of docs/TUTORIAL.md runs and does what it says" {
	doc=$BATS_TEST_DIRNAME/../../docs/TUTORIAL.md
	mkdir -p "$BATS_TEST_TMPDIR/bin" "$BATS_TEST_TMPDIR/work"
	ln -s "$TPMCTL" "$BATS_TEST_TMPDIR/bin/tpmctl"
	sh_blocks "$doc" >"$BATS_TEST_TMPDIR/tutorial.sh"
	[ "$(grep -c '^tpmctl ' "$BATS_TEST_TMPDIR/tutorial.sh")" -ge 15 ] || fail "too few steps found"
	cd "$BATS_TEST_TMPDIR/work"
	run env PATH="$BATS_TEST_TMPDIR/bin:$PATH" TPM2TOOLS_TCTI="$TPMCTL_TCTI" \
		TPM2OPENSSL_TCTI="$TPMCTL_TCTI" bash -euo pipefail "$BATS_TEST_TMPDIR/tutorial.sh"
	assert_success
	# openssl checked the TPM's signatures three times: tpmctl's, the
	# provider's and the wrapped key's.
	assert_equal "$(grep -c '^Verified OK$' <<<"$output")" 3
	# The last step deleted what the tutorial made.
	run tpmctl list
	assert_success
	refute_output --partial "first-key"
	refute_output --partial "disk-key"
}
