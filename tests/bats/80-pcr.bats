#!/usr/bin/env bats
# pcr read and pcr extend, checked against tpm2_pcrread and OpenSSL.

load helpers

@test "pcr read --json equals tpm2_pcrread" {
	run tpmctl --json pcr read sha256:0,7,16+sha1:0,23
	assert_success
	for pair in sha256:0 sha256:7 sha256:16 sha1:0 sha1:23; do
		bank=${pair%:*} index=${pair#*:}
		expected=$(tpm2_pcrread -T "$TPMCTL_TCTI" "$pair" | awk -v i="$index" '$1 == i || $1 == i":" {print tolower($NF)}' | sed 's/^0x//')
		assert_equal "$(jq -r ".$bank.\"$index\"" <<<"$output")" "$expected"
	done
}

@test "pcr read without SPEC reads every bank and PCR" {
	run tpmctl --json pcr read
	assert_success
	assert_equal "$(jq -r '.sha256 | length' <<<"$output")" "24"
	assert_equal "$(jq -r '.sha1 | length' <<<"$output")" "24"
	run tpmctl pcr read sha256:16
	assert_output --regexp '^sha256:16 [0-9a-f]{64}$'
}

@test "pcr extend -i changes the value as computed with OpenSSL" {
	before=$(tpmctl --json pcr read sha256:16 | jq -r '.sha256."16"')
	echo "measured thing" >"$BATS_TEST_TMPDIR/m"
	run tpmctl pcr extend 16 -i "$BATS_TEST_TMPDIR/m"
	assert_success
	assert_output "extended PCR 16"
	expected=$( (printf '%s' "$before" | xxd -r -p; openssl dgst -sha256 -binary "$BATS_TEST_TMPDIR/m") | openssl dgst -sha256 -binary | xxd -p -c 64)
	assert_equal "$(tpmctl --json pcr read sha256:16 | jq -r '.sha256."16"')" "$expected"
	expected1=$( (printf '%040d' 0 | xxd -r -p; openssl dgst -sha1 -binary "$BATS_TEST_TMPDIR/m") | openssl dgst -sha1 -binary | xxd -p -c 64)
	[ "$(tpmctl --json pcr read sha1:16 | jq -r '.sha1."16"')" != "$(printf '%040d' 0)" ]
}

@test "pcr extend --digest extends one bank" {
	d=$(printf 'x' | openssl dgst -sha256 -binary | xxd -p -c 64)
	before=$(tpmctl --json pcr read sha256:23 | jq -r '.sha256."23"')
	before1=$(tpmctl --json pcr read sha1:23 | jq -r '.sha1."23"')
	run tpmctl pcr extend 23 --digest "sha256:$d" --log "test event"
	assert_success
	expected=$( (printf '%s' "$before" | xxd -r -p; printf '%s' "$d" | xxd -r -p) | openssl dgst -sha256 -binary | xxd -p -c 64)
	assert_equal "$(tpmctl --json pcr read sha256:23 | jq -r '.sha256."23"')" "$expected"
	assert_equal "$(tpmctl --json pcr read sha1:23 | jq -r '.sha1."23"')" "$before1"
	grep -q '"log": *"test event"' "$TPMCTL_KEYSTORE/eventlog/tpmctl-pcr.log"
}

@test "bad PCR specs, indices and digests on the command line are usage errors (exit 2)" {
	for spec in sha256:24 md5:0 sha256 sha256:a "sha256:0,,x" ""; do
		run tpmctl pcr read "$spec"
		assert_failure 2
	done
	for index in 24 abc 1x ""; do
		run tpmctl pcr extend "$index" --digest "sha256:$(printf '%064d' 0)"
		assert_failure 2
		assert_output --partial "is not a PCR index (0 to 23)"
	done
	run tpmctl pcr extend
	assert_failure 2
	run tpmctl pcr extend 16 --digest md5:00
	assert_failure 2
	run tpmctl pcr extend 16 --digest sha256:0011
	assert_failure 2
	assert_output --partial "a sha256 digest is 32 bytes of hex"
}

@test "pcr extend -i - reads stdin once and extends every bank with its hash" {
	before=$(tpmctl --json pcr read sha256:14+sha1:14)
	echo "piped" | tpmctl -q pcr extend 14 -i - --log "from a pipe"
	after=$(tpmctl --json pcr read sha256:14+sha1:14)
	b256=$(jq -r '.sha256."14"' <<<"$before") b1=$(jq -r '.sha1."14"' <<<"$before")
	e256=$( (printf '%s' "$b256" | xxd -r -p; echo piped | openssl dgst -sha256 -binary) | openssl dgst -sha256 -binary | xxd -p -c 64)
	e1=$( (printf '%s' "$b1" | xxd -r -p; echo piped | openssl dgst -sha1 -binary) | openssl dgst -sha1 -binary | xxd -p -c 64)
	assert_equal "$(jq -r '.sha256."14"' <<<"$after")" "$e256"
	assert_equal "$(jq -r '.sha1."14"' <<<"$after")" "$e1"
	tail -1 "$TPMCTL_KEYSTORE/eventlog/tpmctl-pcr.log" | jq -e '.pcr == 14 and .log == "from a pipe" and (.digests.sha256 | length) == 64'
}

@test "pcr extend --log writes to the FAPI config's log_dir, not beside the user keystore" {
	local dir=$BATS_TEST_TMPDIR/fapi
	mkdir -p "$dir"
	jq -n --arg d "$dir" '{user_dir: ($d + "/user/keystore"), system_dir: ($d + "/system"), log_dir: ($d + "/logs")}' >"$dir/fapi-config.json"
	TPMCTL_KEYSTORE= TSS2_FAPICONF=$dir/fapi-config.json run tpmctl pcr extend 15 --digest "sha256:$(printf '%064d' 1)" --log "configured"
	assert_success
	jq -e '.pcr == 15 and .log == "configured"' "$dir/logs/tpmctl-pcr.log"
	[ ! -e "$dir/user/eventlog" ]
}

@test "pcr extend --log that cannot write its log fails before extending" {
	local dir=$BATS_TEST_TMPDIR/fapi
	mkdir -p "$dir"
	touch "$dir/not-a-dir"
	jq -n --arg d "$dir" '{user_dir: ($d + "/user"), system_dir: ($d + "/system"), log_dir: ($d + "/not-a-dir/logs")}' >"$dir/fapi-config.json"
	before=$(tpmctl --json pcr read sha256:15 | jq -r '.sha256."15"')
	TPMCTL_KEYSTORE= TSS2_FAPICONF=$dir/fapi-config.json run tpmctl pcr extend 15 --digest "sha256:$(printf '%064d' 1)" --log "lost"
	assert_failure
	assert_output --partial "cannot create directory"
	assert_equal "$(tpmctl --json pcr read sha256:15 | jq -r '.sha256."15"')" "$before"
}
