#!/usr/bin/env bats
# The command line itself: help, version, usage errors. No TPM needed.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { :; }
teardown_file() { :; }
teardown() { :; }

@test "--help lists every command and the global options" {
	run tpmctl --help
	assert_success
	for cmd in provision info health list delete flush config completion help; do
		assert_output --partial "  $cmd "
	done
	for opt in --tcti --keystore --fapi-config --profile --json --quiet --verbose --timeout --version; do
		assert_output --partial -- "$opt"
	done
}

@test "no command prints the overview and exits 2" {
	run tpmctl
	assert_failure 2
	assert_output --partial "Usage: tpmctl"
}

@test "--version prints the version" {
	run tpmctl --version
	assert_success
	assert_output --regexp '^tpmctl [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "help COMMAND and COMMAND --help print the same help" {
	run tpmctl help flush
	assert_success
	assert_output --partial "Usage: tpmctl [GLOBAL OPTIONS] flush"
	assert_output --partial "--transient"
	help_output=$output
	run tpmctl flush --help
	assert_success
	assert_equal "$output" "$help_output"
}

@test "an unknown command exits 2 and says so in one line" {
	run tpmctl frobnicate
	assert_failure 2
	assert_output "tpmctl: unknown command frobnicate; see \`tpmctl --help\`"
}

@test "an unknown option exits 2 naming the option" {
	run tpmctl list --frobnicate
	assert_failure 2
	assert_output --partial "tpmctl: list: unknown option --frobnicate"
}

@test "a missing option argument exits 2" {
	run tpmctl list --tcti
	assert_failure 2
	assert_output --partial "option --tcti needs an argument"
}

@test "a non-numeric --timeout exits 2" {
	run tpmctl --timeout soon info
	assert_failure 2
	assert_output --partial "--timeout soon: not a whole number"
}

@test "too many arguments exit 2" {
	run tpmctl info extra
	assert_failure 2
	assert_output --partial "tpmctl: info: unexpected argument extra"
}

@test "missing arguments exit 2" {
	run tpmctl delete
	assert_failure 2
	assert_output --partial "tpmctl: delete: missing argument: PATH..."
}

@test "help for an unknown command exits 2" {
	run tpmctl help frobnicate
	assert_failure 2
	assert_output --partial "unknown command frobnicate"
}

@test "the bash completion offers the commands and their options" {
	run tpmctl completion
	assert_success
	assert_output --partial "complete -F _tpmctl tpmctl"
	# Source it and ask for completions as bash would.
	source <(tpmctl completion)
	COMP_WORDS=(tpmctl fl); COMP_CWORD=1
	_tpmctl
	assert_equal "${COMPREPLY[*]}" "flush"
	COMP_WORDS=(tpmctl flush --tr); COMP_CWORD=2
	_tpmctl
	assert_equal "${COMPREPLY[*]}" "--transient"
}

# Every command and subcommand, as `tpmctl --help` and the groups' help list them.
all_commands() {
	local cmd sub
	for cmd in $(tpmctl --help | sed -n '/^Commands:/,/^$/p' | awk 'NF {print $1}' | grep -v Commands:); do
		subs=$(tpmctl help "$cmd" | sed -n '/^Commands:/,/^$/p' | awk 'NF {print $1}' | grep -v Commands: || true)
		if [ -n "$subs" ]; then
			for sub in $subs; do echo "$cmd $sub"; done
		else
			echo "$cmd"
		fi
	done
}

# The options a command's help lists, global options left out.
command_options() { # command_options "key create"
	# shellcheck disable=SC2086
	tpmctl help $1 | grep -E '^ +(-[a-zA-Z], )?--[a-z]' |
		sed -E 's/^ +(-[a-zA-Z], )?(--[a-z][a-z-]*).*/\2/' |
		grep -vxF -e "$(tpmctl --help | sed -n '/^Global options/,$p' | grep -oE -- '--[a-z][a-z-]*')"
}

@test "every command or group has its man page, and every option of a command is in it" {
	man=$(dirname "$TPMCTL")/man
	scd=$BATS_TEST_DIRNAME/../../man/tpmctl.1.scd
	commands=$(all_commands)
	[ "$(wc -l <<<"$commands")" -ge 40 ] || fail "found only: $commands"
	for opt in $(tpmctl --help | sed -n '/^Global options/,$p' | grep -oE -- '--[a-z][a-z-]*'); do
		grep -q -- "\*$opt\*" "$man/tpmctl.1.scd" || fail "tpmctl(1) lacks global option $opt"
	done
	checked=0
	while read -r cmd; do
		page=$man/tpmctl-${cmd%% *}.1
		[ -s "$page" ] || fail "no man page $page for $cmd"
		grep -q "^## $cmd\$\|^tpmctl-$cmd(1)" "$page.scd" || fail "$page.scd has no section for $cmd"
		for opt in $(command_options "$cmd"); do
			grep -q -- "\*$opt\*" "$page.scd" || fail "man page tpmctl-${cmd%% *}(1) lacks $opt of $cmd"
			checked=$((checked + 1))
		done
	done <<<"$commands"
	[ "$checked" -ge 100 ] || fail "checked only $checked options"
	[ -s "$man/tpmctl-policy.5" ] || fail "no tpmctl-policy(5)"
	grep -q "^# POLICIES" "$scd" || fail "the source has no POLICIES section for tpmctl-policy(5)"
}

@test "every command's --help and help COMMAND work" {
	while read -r cmd; do
		run tpmctl help $cmd
		assert_success
		assert_output --partial "Usage: tpmctl [GLOBAL OPTIONS] $cmd"
		run tpmctl $cmd --help
		assert_success
	done <<<"$(all_commands)"
}

@test "the exit code table is the same in the README and the man page" {
	top=$BATS_TEST_DIRNAME/../..
	for code in 0 1 2 3 4 5 6 7 8 9; do
		readme=$(sed -n "s/^| $code | \([^(|]*\).*/\1/p" "$top/README.md" | sed 's/ *$//')
		man=$(grep -A1 -x "|  $code" "$top/man/tpmctl.1.scd" | sed -n 's/^:  \([^(]*\).*/\1/p' | sed 's/ *$//')
		[ -n "$readme" ] || fail "README lacks exit code $code"
		[ -n "$man" ] || fail "man page lacks exit code $code"
		assert_equal "$man" "$readme"
	done
}

@test "meson install puts the binary, man pages, completion, profiles, policies and the FAPI template in place" {
	build=$(dirname "$TPMCTL")
	[ -f "$build/build.ninja" ] || fail "TPMCTL is not in a meson build directory"
	run meson install -C "$build" --destdir "$BATS_TEST_TMPDIR/root" --no-rebuild
	assert_success
	root=$BATS_TEST_TMPDIR/root
	prefix=$(meson introspect "$build" --buildoptions | jq -r '.[] | select(.name == "prefix") | .value')
	[ -x "$root$prefix/bin/tpmctl" ]
	[ -f "$root$prefix/share/man/man1/tpmctl.1" ]
	[ -f "$root$prefix/share/man/man1/tpmctl-sign.1" ]
	[ -f "$root$prefix/share/man/man1/tpmctl-nv.1" ]
	[ -f "$root$prefix/share/man/man5/tpmctl-policy.5" ]
	[ -f "$root$prefix/share/man/man7/tpmctl-profiles.7" ]
	[ -f "$root$prefix/share/bash-completion/completions/tpmctl" ]
	for p in P_RSA2048SHA256 P_ECCP256SHA256 P_ECCP384SHA384; do
		[ -f "$root$prefix/share/tpmctl/profiles/$p.json" ]
	done
	[ -f "$root$prefix/share/tpmctl/policies/pcr-boot.json" ]
	[ -f "$root$prefix/share/tpmctl/fapi-config/fapi-config.json" ]
}

@test "the README's first command (./demo) runs the main job against its own swtpm and cleans up" {
	top=$BATS_TEST_DIRNAME/../..
	run "$top/demo"
	assert_success
	assert_output --partial "Verified OK"
	assert_output --partial "the disk key"
	assert_output --partial "policy not satisfied: PCR sha256:16 changed since sealing"
	assert_output --partial "is stopped and removed"
	dir=$(sed -n 's/^Done: the software TPM in \(.*\) is stopped and removed\.$/\1/p' <<<"$output")
	[ -n "$dir" ] && [ ! -e "$dir" ]
}

@test "options after the command word work with POSIXLY_CORRECT set" {
	POSIXLY_CORRECT=1 run tpmctl list --frobnicate
	assert_failure 2
	assert_output --partial "unknown option --frobnicate"
	POSIXLY_CORRECT=1 run tpmctl help random --json
	assert_success
	POSIXLY_CORRECT=1 run tpmctl random 4 --tcti "swtpm:path=/nonexistent/tpm.sock" --timeout 5
	refute_output --partial "unexpected argument"
	POSIXLY_CORRECT=1 run tpmctl config --keystore /tmp/ks-posix --json
	assert_success
	assert_output --partial "/tmp/ks-posix"
}

@test "positional words keep their order around options, and -- ends the options" {
	run tpmctl help --json pcr extend
	assert_success
	assert_output --partial "Usage: tpmctl [GLOBAL OPTIONS] pcr extend INDEX"
	run tpmctl random -- -5
	assert_failure 2
	assert_output --partial "-5: give a number of bytes"
}

@test "--json: a usage error is one JSON document on stdout, the line stays on stderr" {
	for args in "--json frob" "--json sign" "sign --json --bogus" "--json nv frob" "--json --timeout x info"; do
		# shellcheck disable=SC2086
		run --separate-stderr tpmctl $args
		assert_failure 2
		assert_equal "$(jq -r .exit <<<"$output")" 2
		error=$(jq -r .error <<<"$output")
		[[ $stderr == "tpmctl: $error" || $stderr =~ ^tpmctl:\ [a-z]+:\ "$error"$ ]] ||
			fail "stderr '$stderr' is not the JSON's error '$error'"
		assert_equal "$(jq -r 'keys | join(",")' <<<"$output")" "error,exit"
	done
	run --separate-stderr tpmctl --json sign --bogus
	assert_equal "$(jq -r .error <<<"$output")" "unknown option --bogus; see \`tpmctl sign --help\`"
}
