#!/usr/bin/env bats
# --json: every command's document, in success and in failure, has the
# fields the man page's JSON OUTPUT table lists for it, and no others.

load helpers
bats_require_minimum_version 1.5.0
load ../lib/json_invocations

setup_file() {
	start_tpm
	mkdir -p "$BATS_FILE_TMPDIR/d"
	setup_json_objects "$BATS_FILE_TMPDIR/d" >/dev/null 2>&1
}

# The table: "COMMAND<TAB>FIELDS" per command.
schema_table() {
	sed -n '/^# JSON OUTPUT$/,/^# EXIT STATUS$/p' "$BATS_TEST_DIRNAME/../../man/tpmctl.1.scd" |
		awk '/^\|  / {cmd = substr($0, 4); next} /^:  / && cmd != "" {print cmd "\t" substr($0, 4); cmd = ""}'
}

# check_doc FIELDS JSON: the document's keys against the documented fields.
check_doc() {
	python3 - "$1" "$2" <<-'EOF'
		import json, re, sys
		spec, text = sys.argv[1], sys.argv[2]
		doc = json.loads(text)
		spec = re.sub(r"\s*\(.*\)\s*$", "", spec).strip()
		if spec == "[_string_]":
		    assert isinstance(doc, list) and all(isinstance(x, str) for x in doc), "not an array of strings"
		    sys.exit(0)
		if spec.startswith("["):
		    assert isinstance(doc, list) and doc, "not a non-empty array"
		    docs, spec = doc, spec.strip("[]")
		else:
		    docs = [doc]
		fields = [f.strip() for f in spec.split(",")]
		required = {f for f in fields if not f.endswith("?")}
		allowed = {f.rstrip("?") for f in fields}
		for d in docs:
		    assert isinstance(d, dict), "not an object: %r" % d
		    missing, extra = required - set(d), set(d) - allowed
		    assert not missing and not extra, "missing %s, undocumented %s" % (sorted(missing), sorted(extra))
	EOF
}

@test "every command that prints data has a row in the man page's JSON OUTPUT table" {
	table=$(schema_table | cut -f1)
	[ "$(wc -l <<<"$table")" -ge 40 ] || fail "table: $table"
	for cmd in $(tpmctl --help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 {print $1}'); do
		case $cmd in batch | serve | completion | config | help) continue ;; esac
		subs=$(tpmctl help "$cmd" | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 {print $1}')
		for sub in ${subs:-""}; do
			full=$cmd${sub:+ $sub}
			grep -qxF "$full" <<<"$table" || fail "no JSON OUTPUT row for $full"
		done
	done
}

@test "in success, each command's --json document has exactly the documented fields" {
	declare -A schema
	while IFS=$'\t' read -r cmd fields; do schema[$cmd]=$fields; done < <(schema_table)
	checked=0
	while IFS=$'\t' read -r cmd args; do
		[ -n "${schema[$cmd]:-}" ] || fail "no JSON OUTPUT row for $cmd"
		# shellcheck disable=SC2086
		run --separate-stderr tpmctl --json $args
		[ "$status" -eq 0 ] || fail "tpmctl --json $args: exit $status: $stderr"
		err=$(check_doc "${schema[$cmd]}" "$output" 2>&1) || fail "$cmd: $err; got $output"
		checked=$((checked + 1))
	done < <(json_invocations "$BATS_FILE_TMPDIR/d")
	[ "$checked" -ge 40 ] || fail "checked only $checked commands"
}

@test "in failure, each command's --json document is the error, with exit and error" {
	while IFS=$'\t' read -r cmd _; do
		# shellcheck disable=SC2086
		run --separate-stderr tpmctl --json $cmd --no-such-option
		assert_failure 2
		err=$(check_doc "exit, error, code?, hint?" "$output" 2>&1) || fail "$cmd: $err; got $output"
	done < <(schema_table)
	# A failure the TPM or FAPI reports: code and hint too.
	run --separate-stderr tpmctl --json key show /HS/SRK/no-such-key
	assert_failure 4
	check_doc "exit, error, code?, hint?" "$output"
	run --separate-stderr tpmctl --json verify js-k -s "$BATS_FILE_TMPDIR/d/sig" -i "$BATS_FILE_TMPDIR/d/data8"
	assert_failure 1
	check_doc "valid, exit, error, code?, hint?" "$output"
	assert_equal "$(jq -r .valid <<<"$output")" false
}
