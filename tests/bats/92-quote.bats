#!/usr/bin/env bats
# quote and verify-quote: TPM2_Quote with a restricted signing key, checked
# offline; every way a quote can be wrong gives exit 1 and its reason.

load helpers

setup_file() {
	start_tpm
	# No platform event log unless a test gives one: the host's own (if it
	# has one) is not this swtpm's.
	export TPMCTL_EVENTLOG=
	"$TPMCTL" -q key create ak --type restricted-sign
	"$TPMCTL" -q key create ak-ecc --type restricted-sign --alg ecc256
	"$TPMCTL" -q key create plain # an unrestricted RSA signing key
	for k in ak ak-ecc plain; do
		"$TPMCTL" export-public "$k" -o "$BATS_FILE_TMPDIR/$k.pem"
	done
	NONCE=00112233445566778899aabbccddeeff
	export NONCE
	"$TPMCTL" quote ak --pcrs sha256:0,7+sha1:1 --nonce "$NONCE" -o "$BATS_FILE_TMPDIR/q.json"
}

Q() { echo "$BATS_FILE_TMPDIR/q.json"; }
PEM() { echo "$BATS_FILE_TMPDIR/$1.pem"; }

# edit FILE.json JQ: a copy of the quote with one field changed, in $BATS_TEST_TMPDIR/e.json.
edit() {
	jq "$1" "$(Q)" >"$BATS_TEST_TMPDIR/e.json"
	echo "$BATS_TEST_TMPDIR/e.json"
}

@test "quote -> verify-quote: valid with --pubkey and with --key, RSA and ECC keys" {
	run tpmctl verify-quote "$(Q)" --pubkey "$(PEM ak)" --nonce "$NONCE"
	assert_success
	assert_output "valid"
	run tpmctl verify-quote "$(Q)" --key ak --nonce "$NONCE"
	assert_success
	assert_output "valid"
	run tpmctl quote ak-ecc --pcrs sha256:0,7 --nonce "$NONCE" -o "$BATS_TEST_TMPDIR/qe.json"
	assert_success
	run tpmctl verify-quote "$BATS_TEST_TMPDIR/qe.json" --pubkey "$(PEM ak-ecc)" --nonce "$NONCE"
	assert_success
	assert_output "valid"
	run tpmctl verify-quote "$BATS_TEST_TMPDIR/qe.json" --key ak-ecc --nonce "$NONCE"
	assert_success
	assert_output "valid"
}

@test "the quote document: attestation, signature, the PCR values read, nonce, public key" {
	run jq -r '.format, .version, (.attest_b64 | length > 0), (.signature_b64 | length > 0)' "$(Q)"
	assert_output "$(printf 'tpmctl-quote\n1\ntrue\ntrue')"
	assert_equal "$(jq -r .nonce_b64 "$(Q)" | base64 -d | xxd -p)" "$NONCE"
	assert_equal "$(jq -r .pubkey_pem "$(Q)")" "$(cat "$(PEM ak)")"
	assert_equal "$(jq -c .pcrs "$(Q)")" "$(tpmctl pcr read sha256:0,7+sha1:1 --json | jq -c .)"
	assert_equal "$(jq -r 'has("eventlog_b64")' "$(Q)")" false
	# The attestation is a TPMS_ATTEST: TPM_GENERATED_VALUE, TPM_ST_ATTEST_QUOTE.
	assert_equal "$(jq -r .attest_b64 "$(Q)" | base64 -d | head -c 6 | xxd -p)" "ff5443478018"
	# Without --nonce: 16 random bytes, a new one each time.
	tpmctl quote ak --pcrs sha256:0 -o "$BATS_TEST_TMPDIR/a.json"
	tpmctl quote ak --pcrs sha256:0 -o "$BATS_TEST_TMPDIR/b.json"
	n1=$(jq -r .nonce_b64 "$BATS_TEST_TMPDIR/a.json" | base64 -d | xxd -p)
	n2=$(jq -r .nonce_b64 "$BATS_TEST_TMPDIR/b.json" | base64 -d | xxd -p)
	assert_equal "${#n1}" 32
	[ "$n1" != "$n2" ] || fail "the same nonce twice: $n1"
	run tpmctl verify-quote "$BATS_TEST_TMPDIR/a.json" --pubkey "$(PEM ak)" --nonce "$n1"
	assert_success
}

@test "quote writes stdout by default, and refuses to overwrite -o without --force" {
	run tpmctl quote ak --pcrs sha256:0
	assert_success
	assert_equal "$(jq -r .format <<<"$output")" tpmctl-quote
	run tpmctl quote ak --pcrs sha256:0 -o "$(Q)"
	assert_failure 3
	cp "$(Q)" "$BATS_TEST_TMPDIR/q.json"
	run tpmctl quote ak --pcrs sha256:0 -o "$BATS_TEST_TMPDIR/q.json" --force
	assert_success
}

@test "--nonce-file on both sides; a nonce file and --nonce are the same bytes" {
	printf 'verifier-nonce' >"$BATS_TEST_TMPDIR/n"
	tpmctl quote ak-ecc --pcrs sha256:0 --nonce-file "$BATS_TEST_TMPDIR/n" -o "$BATS_TEST_TMPDIR/q.json"
	run tpmctl verify-quote "$BATS_TEST_TMPDIR/q.json" --key ak-ecc --nonce-file "$BATS_TEST_TMPDIR/n"
	assert_success
	run tpmctl verify-quote "$BATS_TEST_TMPDIR/q.json" --key ak-ecc --nonce "$(xxd -p <"$BATS_TEST_TMPDIR/n")"
	assert_success
}

@test "a wrong nonce: exit 1, the nonce named" {
	run tpmctl verify-quote "$(Q)" --pubkey "$(PEM ak)" --nonce 00112233
	assert_failure 1
	assert_output "tpmctl: verify-quote: the quote's nonce is not the one given"
	# The document's own nonce changed: it must still be the quoted one.
	run tpmctl verify-quote "$(edit '.nonce_b64 = "AAAA"')" --pubkey "$(PEM ak)"
	assert_failure 1
	assert_output --partial "the quote's nonce is not the one its document lists"
}

@test "verify-quote without --nonce checks the document's nonce and warns" {
	run tpmctl verify-quote "$(Q)" --pubkey "$(PEM ak)"
	assert_success
	assert_line "valid"
	assert_output --partial "warning: no --nonce given"
	run tpmctl -q verify-quote "$(Q)" --pubkey "$(PEM ak)"
	assert_success
	assert_output ""
}

@test "an altered PCR value: exit 1, the PCR digest named" {
	run tpmctl verify-quote "$(edit '.pcrs.sha256."7" = ("11" * 32)')" --pubkey "$(PEM ak)" --nonce "$NONCE"
	assert_failure 1
	assert_output --partial "the PCR values listed are not the ones quoted"
	# A quoted PCR left out, and one listed that was not quoted.
	run tpmctl verify-quote "$(edit 'del(.pcrs.sha1)')" --pubkey "$(PEM ak)" --nonce "$NONCE"
	assert_failure 1
	assert_output --partial "PCR sha1:1 is quoted but its value is not listed"
	run tpmctl verify-quote "$(edit '.pcrs.sha256."8" = ("00" * 32)')" --pubkey "$(PEM ak)" --nonce "$NONCE"
	assert_failure 1
	assert_output --partial "PCR sha256:8 is listed but the quote does not cover it"
}

@test "an altered signature or attestation: exit 1, the signature named" {
	sig=$(jq -r .signature_b64 "$(Q)" | base64 -d | xxd -p -c 1000)
	bad=${sig:0:100}$(printf '%02x' $((0x${sig:100:2} ^ 1)))${sig:102}
	bad_b64=$(xxd -r -p <<<"$bad" | base64 -w0)
	run tpmctl verify-quote "$(edit ".signature_b64 = \"$bad_b64\"")" --pubkey "$(PEM ak)" --nonce "$NONCE"
	assert_failure 1
	assert_output --partial "the signature does not verify with the key given"
	att=$(jq -r .attest_b64 "$(Q)" | base64 -d | xxd -p -c 1000)
	bad=${att:0:40}$(printf '%02x' $((0x${att:40:2} ^ 1)))${att:42}
	bad_b64=$(xxd -r -p <<<"$bad" | base64 -w0)
	run tpmctl verify-quote "$(edit ".attest_b64 = \"$bad_b64\"")" --pubkey "$(PEM ak)" --nonce "$NONCE"
	assert_failure 1
	assert_output --partial "the signature does not verify with the key given"
}

@test "a quote checked with another key: exit 1" {
	run tpmctl verify-quote "$(Q)" --pubkey "$(PEM plain)" --nonce "$NONCE"
	assert_failure 1
	assert_output --partial "the signature does not verify with the key given"
	run tpmctl verify-quote "$(Q)" --pubkey "$(PEM ak-ecc)" --nonce "$NONCE"
	assert_failure 1
	assert_output --partial "the signature is RSA, the key is not"
}

# A TPMT_SIGNATURE (RSA-PSS, SHA-256) around a raw RSA signature file.
rsapss_sig() {
	{ printf '\x00\x16\x00\x0b\x01\x00'; cat "$1"; } | base64 -w0
}

@test "a forged attestation (wrong magic) signed by an unrestricted key: the magic check refuses it" {
	jq -r .attest_b64 "$(Q)" | base64 -d >"$BATS_TEST_TMPDIR/attest"
	# Control: the genuine attestation re-signed by the unrestricted key
	# verifies with that key's public key; only the magic differs below.
	tpmctl sign plain -i "$BATS_TEST_TMPDIR/attest" -o "$BATS_TEST_TMPDIR/sig"
	run tpmctl verify-quote "$(edit ".signature_b64 = \"$(rsapss_sig "$BATS_TEST_TMPDIR/sig")\"")" \
		--pubkey "$(PEM plain)" --nonce "$NONCE"
	assert_success
	# The forgery: any data an unrestricted key signs, here with magic 0.
	{ printf '\x00\x00\x00\x00'; tail -c +5 "$BATS_TEST_TMPDIR/attest"; } >"$BATS_TEST_TMPDIR/forged"
	tpmctl sign plain -i "$BATS_TEST_TMPDIR/forged" -o "$BATS_TEST_TMPDIR/fsig"
	jq ".attest_b64 = \"$(base64 -w0 "$BATS_TEST_TMPDIR/forged")\" |
		.signature_b64 = \"$(rsapss_sig "$BATS_TEST_TMPDIR/fsig")\"" "$(Q)" >"$BATS_TEST_TMPDIR/f.json"
	run tpmctl verify-quote "$BATS_TEST_TMPDIR/f.json" --pubkey "$(PEM plain)" --nonce "$NONCE"
	assert_failure 1
	assert_output "tpmctl: verify-quote: the attestation's magic is 0x00000000, not TPM_GENERATED_VALUE (0xff544347): the TPM did not make it"
	# An attestation of another type (here TPM_ST_ATTEST_CERTIFY), also signed.
	{ head -c 4 "$BATS_TEST_TMPDIR/attest"; printf '\x80\x17'; tail -c +7 "$BATS_TEST_TMPDIR/attest"; } >"$BATS_TEST_TMPDIR/typed"
	tpmctl sign plain -i "$BATS_TEST_TMPDIR/typed" -o "$BATS_TEST_TMPDIR/tsig"
	jq ".attest_b64 = \"$(base64 -w0 "$BATS_TEST_TMPDIR/typed")\" |
		.signature_b64 = \"$(rsapss_sig "$BATS_TEST_TMPDIR/tsig")\"" "$(Q)" >"$BATS_TEST_TMPDIR/t.json"
	run tpmctl verify-quote "$BATS_TEST_TMPDIR/t.json" --pubkey "$(PEM plain)" --nonce "$NONCE"
	assert_failure 1
	assert_output --partial "not a quote"
	# Through the keystore an unrestricted key is refused outright.
	run tpmctl verify-quote "$BATS_TEST_TMPDIR/f.json" --key plain --nonce "$NONCE"
	assert_failure 3
	assert_output --partial "is not a restricted signing key (it is sign)"
}

@test "--pcrs-expected: pcr read --json output matches; a changed value or an unquoted PCR does not" {
	tpmctl pcr read sha256:0,7 --json >"$BATS_TEST_TMPDIR/expected.json"
	run tpmctl verify-quote "$(Q)" --key ak --nonce "$NONCE" --pcrs-expected "$BATS_TEST_TMPDIR/expected.json"
	assert_success
	assert_output "valid"
	jq '.sha256."7" = ("ab" * 32)' "$BATS_TEST_TMPDIR/expected.json" >"$BATS_TEST_TMPDIR/wrong.json"
	run tpmctl verify-quote "$(Q)" --key ak --nonce "$NONCE" --pcrs-expected "$BATS_TEST_TMPDIR/wrong.json"
	assert_failure 1
	assert_output "tpmctl: verify-quote: PCR sha256:7 is $(printf '00%.0s' $(seq 32)), expected $(printf 'ab%.0s' $(seq 32))"
	echo '{"sha256": {"9": "'"$(printf '00%.0s' $(seq 32))"'"}}' >"$BATS_TEST_TMPDIR/unquoted.json"
	run tpmctl verify-quote "$(Q)" --key ak --nonce "$NONCE" --pcrs-expected "$BATS_TEST_TMPDIR/unquoted.json"
	assert_failure 1
	assert_output --partial "PCR sha256:9 is expected but not quoted"
	echo '{"sha256": {"7": "00"}}' >"$BATS_TEST_TMPDIR/short.json"
	run tpmctl verify-quote "$(Q)" --key ak --nonce "$NONCE" --pcrs-expected "$BATS_TEST_TMPDIR/short.json"
	assert_failure 3
	assert_output --partial "sha256:7 is not 32 bytes of hex"
}

@test "verify-quote --pubkey needs no TPM" {
	TPMCTL_TCTI=swtpm:path=/nonexistent TPMCTL_KEYSTORE=/nonexistent \
		run tpmctl verify-quote "$(Q)" --pubkey "$(PEM ak)" --nonce "$NONCE"
	assert_success
	assert_output "valid"
}

@test "verify-quote --json says what was checked" {
	run tpmctl verify-quote "$(Q)" --key ak --nonce "$NONCE" --json
	assert_success
	assert_equal "$(jq -r '.valid, .nonce_checked, .eventlog, (.clock > 0), (.safe | type)' <<<"$output")" \
		"$(printf 'true\ntrue\nfalse\ntrue\nboolean')"
	assert_equal "$(jq -c .pcrs <<<"$output")" "$(jq -c .pcrs "$(Q)")"
	run --separate-stderr tpmctl verify-quote "$(Q)" --key ak --nonce 01 --json
	assert_failure 1
	assert_equal "$(jq -r '.exit, .error' <<<"$output")" \
		"$(printf "1\nthe quote's nonce is not the one given")"
	assert_equal "$stderr" "tpmctl: verify-quote: the quote's nonce is not the one given"
}

# An event log (crypto-agile, sha1 and sha256) of one event per PCR:FILL,
# whose digests are FILL repeated; the PCRs get the same extends.
make_eventlog() { # make_eventlog FILE PCR:FILL...
	python3 - "$@" <<-'EOF'
		import struct, sys
		b = bytearray()
		spec = (b"Spec ID Event03\0" + struct.pack("<IBBBBI", 0, 0, 2, 0, 2, 2)
		        + struct.pack("<HHHH", 4, 20, 11, 32) + b"\0")
		b += struct.pack("<II", 0, 3) + bytes(20) + struct.pack("<I", len(spec)) + spec
		for arg in sys.argv[2:]:
		    pcr, fill = arg.split(":")
		    f = int(fill, 16)
		    data = b"event " + arg.encode()
		    b += (struct.pack("<IIIH", int(pcr), 13, 2, 4) + bytes([f]) * 20
		          + struct.pack("<H", 11) + bytes([f]) * 32 + struct.pack("<I", len(data)) + data)
		open(sys.argv[1], "wb").write(b)
	EOF
}

extend_like_log() { # extend_like_log PCR:FILL...
	local e pcr fill
	for e in "$@"; do
		pcr=${e%:*} fill=${e#*:}
		tpmctl -q pcr extend "$pcr" --digest "sha256:$(printf "$fill%.0s" $(seq 32))"
		tpmctl -q pcr extend "$pcr" --digest "sha1:$(printf "$fill%.0s" $(seq 20))"
	done
}

@test "the event log goes with the quote and is replayed against the quoted PCRs" {
	make_eventlog "$BATS_TEST_TMPDIR/log" 10:a0 10:a1 11:b0
	extend_like_log 10:a0 10:a1 11:b0
	TPMCTL_EVENTLOG=$BATS_TEST_TMPDIR/log run tpmctl quote ak --pcrs sha256:0,10,11 --nonce 01 \
		-o "$BATS_TEST_TMPDIR/q.json"
	assert_success
	assert_equal "$(jq -r .eventlog_b64 "$BATS_TEST_TMPDIR/q.json" | base64 -d | xxd -p -c 10000)" \
		"$(xxd -p -c 10000 "$BATS_TEST_TMPDIR/log")"
	run tpmctl verify-quote "$BATS_TEST_TMPDIR/q.json" --key ak --nonce 01 --json
	assert_success
	assert_equal "$(jq -r '.eventlog, .eventlog_pcrs' <<<"$output")" "$(printf 'true\n2')"
	# A log whose events do not make the quoted values.
	make_eventlog "$BATS_TEST_TMPDIR/other" 10:a0 10:a2 11:b0
	jq ".eventlog_b64 = \"$(base64 -w0 "$BATS_TEST_TMPDIR/other")\"" "$BATS_TEST_TMPDIR/q.json" >"$BATS_TEST_TMPDIR/o.json"
	run tpmctl verify-quote "$BATS_TEST_TMPDIR/o.json" --key ak --nonce 01
	assert_failure 1
	assert_output "tpmctl: verify-quote: the event log does not replay to the quoted value of PCR sha256:10"
	# A log cut short.
	head -c 100 "$BATS_TEST_TMPDIR/log" >"$BATS_TEST_TMPDIR/cut"
	jq ".eventlog_b64 = \"$(base64 -w0 "$BATS_TEST_TMPDIR/cut")\"" "$BATS_TEST_TMPDIR/q.json" >"$BATS_TEST_TMPDIR/c.json"
	run tpmctl verify-quote "$BATS_TEST_TMPDIR/c.json" --key ak --nonce 01
	assert_failure 1
	assert_output --partial "the event log is truncated"
}

@test "an event log that cannot be read is left out with a warning" {
	TPMCTL_EVENTLOG=$BATS_TEST_TMPDIR/missing run tpmctl quote ak --pcrs sha256:0 -o "$BATS_TEST_TMPDIR/q.json"
	assert_success
	assert_output --partial "warning: the event log is left out: cannot open $BATS_TEST_TMPDIR/missing"
	assert_equal "$(jq -r 'has("eventlog_b64")' "$BATS_TEST_TMPDIR/q.json")" false
}

@test "quote refuses what cannot make a trustworthy quote, and bad arguments" {
	run tpmctl quote plain --pcrs sha256:0
	assert_failure 3
	assert_output --partial "plain is not a restricted signing key (it is sign)"
	run tpmctl quote ak
	assert_failure 2
	assert_output --partial "--pcrs"
	run tpmctl quote ak --pcrs sha256:0 --nonce "$(printf '00%.0s' $(seq 65))"
	assert_failure 2
	run tpmctl quote ak --pcrs sha256:0 --nonce 0 # odd hex
	assert_failure 2
	run tpmctl quote ak --pcrs sha256:0 --nonce 00 --nonce-file /dev/null
	assert_failure 2
	run tpmctl quote ak --pcrs sha256:99
	assert_failure 2
	run tpmctl quote nokey --pcrs sha256:0
	assert_failure 4
	run tpmctl verify-quote "$(Q)"
	assert_failure 2
	run tpmctl verify-quote "$(Q)" --key ak --pubkey "$(PEM ak)"
	assert_failure 2
	echo '{"format": "something else"}' >"$BATS_TEST_TMPDIR/x.json"
	run tpmctl verify-quote "$BATS_TEST_TMPDIR/x.json" --key ak
	assert_failure 3
	assert_output --partial "not a quote document"
	run tpmctl verify-quote "$BATS_TEST_TMPDIR/none.json" --key ak
	assert_failure 4
}

@test "batch: quote, then verify_quote of its reply; an invalid quote is valid: false with the reason" {
	pem=$(jq -Rs . <"$(PEM ak)")
	run tpmctl batch <<-EOF
		{"id": 1, "op": "quote", "path": "ak", "pcrs": "sha256:0,7", "nonce_b64": "AQID"}
	EOF
	assert_success
	assert_equal "$(jq -r '.ok, .format, (.pcrs.sha256 | keys | join(","))' <<<"$output")" \
		"$(printf 'true\ntpmctl-quote\n0,7')"
	quote=$(jq -c 'del(.id, .ok)' <<<"$output")
	run tpmctl batch <<-EOF
		{"id": 2, "op": "verify_quote", "quote": $quote, "pubkey_pem": $pem, "nonce_b64": "AQID"}
		{"id": 3, "op": "verify_quote", "quote": $quote, "path": "ak", "nonce_b64": "AQIE"}
		{"id": 4, "op": "verify_quote", "quote": $quote, "path": "ak", "pcrs_expected": {"sha256": {"7": "$(printf 'ab%.0s' $(seq 32))"}}}
		{"id": 5, "op": "verify_quote", "quote": {"format": 1}, "path": "ak"}
		{"id": 6, "op": "quote", "path": "plain", "pcrs": "sha256:0"}
	EOF
	assert_success
	assert_equal "$(sed -n 1p <<<"$output" | jq -r '.ok, .valid')" "$(printf 'true\ntrue')"
	assert_equal "$(sed -n 2p <<<"$output" | jq -r '.ok, .valid, .reason')" \
		"$(printf "true\nfalse\nthe quote's nonce is not the one given")"
	assert_equal "$(sed -n 3p <<<"$output" | jq -r '.valid, (.reason | startswith("PCR sha256:7 is "))')" \
		"$(printf 'false\ntrue')"
	assert_equal "$(sed -n 4p <<<"$output" | jq -r '.ok, .exit')" "$(printf 'false\n3')"
	assert_equal "$(sed -n 5p <<<"$output" | jq -r '.ok, .exit')" "$(printf 'false\n3')"
}

@test "a key with a password quotes with it; without it: exit 5" {
	printf 'ak-pw' >"$BATS_TEST_TMPDIR/pw"
	tpmctl -q key create ak-pw --type restricted-sign --noda --auth-file "$BATS_TEST_TMPDIR/pw"
	run tpmctl quote ak-pw --pcrs sha256:0 --nonce 02 --auth-file "$BATS_TEST_TMPDIR/pw" -o "$BATS_TEST_TMPDIR/q.json"
	assert_success
	run tpmctl verify-quote "$BATS_TEST_TMPDIR/q.json" --key ak-pw --nonce 02
	assert_success
	run tpmctl quote ak-pw --pcrs sha256:0
	assert_failure 5
	assert_output --partial "needs a password"
}

@test "a key bound to a PCR quotes while the PCR holds, and not after (exit 6)" {
	tpmctl -q key create ak-pcr --type restricted-sign --pcrs sha256:12
	run tpmctl quote ak-pcr --pcrs sha256:0,12 --nonce 03 -o "$BATS_TEST_TMPDIR/q.json"
	assert_success
	run tpmctl verify-quote "$BATS_TEST_TMPDIR/q.json" --key ak-pcr --nonce 03
	assert_success
	tpmctl -q pcr extend 12 --digest "sha256:$(printf '12%.0s' $(seq 32))"
	run tpmctl quote ak-pcr --pcrs sha256:0
	assert_failure 6
	assert_output --partial "PCR"
}

@test "ecc384: the quote is signed, and its PCR digest made, with SHA-384" {
	tpmctl -q key create ak-384 --type restricted-sign --alg ecc384
	tpmctl quote ak-384 --pcrs sha256:0+sha1:0 --nonce ab -o "$BATS_TEST_TMPDIR/q.json"
	assert_equal "$(jq -r .signature_b64 "$BATS_TEST_TMPDIR/q.json" | base64 -d | head -c 4 | xxd -p)" 0018000c
	run tpmctl verify-quote "$BATS_TEST_TMPDIR/q.json" --key ak-384 --nonce ab
	assert_success
	assert_output "valid"
}
