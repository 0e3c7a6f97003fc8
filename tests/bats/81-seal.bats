#!/usr/bin/env bats
# seal and unseal: passwords, PCRs, large data, and the secret never in clear on the bus.

load helpers

setup_file() {
	start_tpm
	printf 'open sesame\n' >"$BATS_FILE_TMPDIR/pw"
	printf 'wrong\n' >"$BATS_FILE_TMPDIR/bad"
}

@test "round trips: from a file, from stdin, with NUL bytes, 128 and 129 bytes, 16 MiB" {
	printf 'a\0b\0c' >"$BATS_TEST_TMPDIR/nul"
	head -c 128 /dev/urandom >"$BATS_TEST_TMPDIR/128"
	head -c 129 /dev/urandom >"$BATS_TEST_TMPDIR/129"
	head -c $((16 * 1024 * 1024)) /dev/urandom >"$BATS_TEST_TMPDIR/16m"
	for f in nul 128 129 16m; do
		run tpmctl seal "rt-$f" -i "$BATS_TEST_TMPDIR/$f"
		assert_success
		assert_output "sealed /P_RSA2048SHA256/HS/SRK/rt-$f"
		tpmctl unseal "rt-$f" -o "$BATS_TEST_TMPDIR/$f.out"
		cmp "$BATS_TEST_TMPDIR/$f" "$BATS_TEST_TMPDIR/$f.out"
	done
	echo "from stdin" | tpmctl seal rt-stdin -i -
	run tpmctl unseal rt-stdin
	assert_output "from stdin"
	tpmctl -q delete rt-nul rt-128 rt-129 rt-16m rt-stdin
	[ ! -d "$TPMCTL_KEYSTORE/user/P_RSA2048SHA256/HS/SRK/rt-16m" ]
}

@test "an empty secret, from a file or stdin: exit 3 before the TPM is reached, nothing made" {
	: >"$BATS_TEST_TMPDIR/empty"
	run env TPMCTL_TCTI=swtpm:path=/nonexistent "$TPMCTL" seal empty -i "$BATS_TEST_TMPDIR/empty"
	assert_failure 3
	assert_output "tpmctl: seal: the secret is empty: $BATS_TEST_TMPDIR/empty has no bytes to seal"
	run tpmctl seal empty -i - </dev/null
	assert_failure 3
	assert_output "tpmctl: seal: the secret is empty: standard input has no bytes to seal"
	run bash -c "printf '' | '$TPMCTL' seal empty -i -"
	assert_failure 3
	run tpmctl unseal empty
	assert_failure 4
}

@test "--random 32 seals TPM-made bytes; --random 200 too" {
	tpmctl -q seal rnd --random 32
	run bash -c "'$TPMCTL' unseal rnd | wc -c"
	assert_output "32"
	a=$(tpmctl unseal rnd | xxd -p)
	b=$(tpmctl unseal rnd | xxd -p)
	assert_equal "$a" "$b"
	tpmctl -q seal rnd200 --random 200
	run bash -c "'$TPMCTL' unseal rnd200 | wc -c"
	assert_output "200"
	tpmctl -q delete rnd rnd200
}

@test "with a password: right one works, wrong one exits 5, none and no terminal exits 5" {
	echo secret | tpmctl seal pw1 -i - --auth-file "$BATS_FILE_TMPDIR/pw"
	run tpmctl unseal pw1 --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_success
	assert_output "secret"
	run tpmctl unseal pw1 --auth-file "$BATS_FILE_TMPDIR/bad"
	assert_failure 5
	run setsid "$TPMCTL" unseal pw1 </dev/null
	assert_failure 5
	assert_output --partial "--auth-file, --auth-fd or --auth-env"
	tpmctl -q delete pw1
}

@test "with PCRs, and PCRs + password; multi-PCR and multi-bank selections" {
	echo s1 | tpmctl seal p1 -i - --pcrs sha256:0,7
	echo s2 | tpmctl seal p2 -i - --pcrs sha256:0,2,4,7+sha1:0
	echo s3 | tpmctl seal p3 -i - --pcrs sha256:0,7,16 --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_equal "$(tpmctl unseal p1)" "s1"
	assert_equal "$(tpmctl unseal p2)" "s2"
	assert_equal "$(tpmctl unseal p3 --auth-file "$BATS_FILE_TMPDIR/pw")" "s3"
	run tpmctl unseal p3 --auth-file "$BATS_FILE_TMPDIR/bad"
	assert_failure 5
	tpmctl -q delete p1 p2 p3
}

@test "PCR change then unseal: exit 6 naming the PCR, 5 times, nothing left loaded, others still work" {
	echo keep | tpmctl seal other -i -
	echo bound | tpmctl seal bound16 -i - --pcrs sha256:0,16
	tpmctl -q pcr extend 16 --digest "sha256:$(printf '%064d' 7)"
	for i in 1 2 3 4 5; do
		run tpmctl unseal bound16
		assert_failure 6
		assert_output "tpmctl: unseal: policy not satisfied: PCR sha256:16 changed since sealing"
		assert_equal "$(tpm_handles transient)" ""
	done
	run tpmctl unseal other
	assert_success
	assert_output "keep"
	tpmctl -q delete other bound16
}

@test "a key-less policy check: a changed PCR in a multi-bank seal is named too" {
	echo x | tpmctl seal mb -i - --pcrs sha1:0+sha256:23
	tpmctl -q pcr extend 23 --digest "sha256:$(printf '%064d' 9)"
	run tpmctl unseal mb
	assert_failure 6
	assert_output --partial "PCR sha256:23 changed since sealing"
	tpmctl -q delete mb
}

secret_on_bus() { # secret_on_bus NAME SEAL-OPTIONS... -> fails if the marker shows on the bus
	local name=$1; shift
	local marker="MARKER-$(head -c 12 /dev/urandom | xxd -p)"
	export TCTI_PCAP_FILE=$BATS_TEST_TMPDIR/$name.pcap
	printf '%s' "$marker" | tpmctl --tcti "pcap:$TPMCTL_TCTI" seal "$name" -i - "$@"
	run tpmctl --tcti "pcap:$TPMCTL_TCTI" unseal "$name" "${auth[@]}"
	assert_success
	assert_output "$marker"
	[ -s "$TCTI_PCAP_FILE" ]
	if grep -q "$marker" "$TCTI_PCAP_FILE"; then
		fail "the secret crossed the bus in clear ($name)"
	fi
	unset TCTI_PCAP_FILE
	tpmctl -q delete "$name"
}

@test "the secret never crosses the TPM bus in clear: password, PCR, PCR+password objects" {
	auth=(--auth-file "$BATS_FILE_TMPDIR/pw")
	secret_on_bus bus-pw --auth-file "$BATS_FILE_TMPDIR/pw"
	auth=()
	secret_on_bus bus-pcr --pcrs sha256:0,7
	auth=(--auth-file "$BATS_FILE_TMPDIR/pw")
	secret_on_bus bus-both --pcrs sha256:0,7 --auth-file "$BATS_FILE_TMPDIR/pw"
}

@test "FAPI's own unseal would show the secret on the bus (why tpmctl does not use it)" {
	marker="MARKER-$(head -c 12 /dev/urandom | xxd -p)"
	printf '%s' "$marker" | tpmctl seal fapi-bus -i -
	tpmctl config | sed 's#"tcti": "#"tcti": "pcap:#' >"$BATS_TEST_TMPDIR/fapi.json"
	TCTI_PCAP_FILE=$BATS_TEST_TMPDIR/fapi.pcap TSS2_FAPICONF=$BATS_TEST_TMPDIR/fapi.json TSS2_LOG=all+none \
		tss2_unseal -p /HS/SRK/fapi-bus -o "$BATS_TEST_TMPDIR/out" -f
	grep -q "$marker" "$BATS_TEST_TMPDIR/fapi.pcap"
	tpmctl -q delete fapi-bus
}

@test "unseal output files are 0600 and are not overwritten without --force" {
	umask 022
	echo s | tpmctl seal o1 -i -
	tpmctl unseal o1 -o "$BATS_TEST_TMPDIR/out"
	assert_equal "$(stat -c %a "$BATS_TEST_TMPDIR/out")" "600"
	run tpmctl unseal o1 -o "$BATS_TEST_TMPDIR/out"
	assert_failure 3
	run tpmctl unseal o1 -o "$BATS_TEST_TMPDIR/out" --force
	assert_success
	tpmctl -q delete o1
}

@test "errors: missing path 4, existing name 9, data too large 3, bad usage 2" {
	run tpmctl unseal nothing-here
	assert_failure 4
	echo s | tpmctl seal taken -i -
	echo t >"$BATS_TEST_TMPDIR/t"
	run tpmctl seal taken -i "$BATS_TEST_TMPDIR/t"
	assert_failure 9
	tpmctl -q delete taken
	head -c $((64 * 1024 * 1024 + 1)) /dev/zero >"$BATS_TEST_TMPDIR/huge"
	run tpmctl seal huge -i "$BATS_TEST_TMPDIR/huge"
	assert_failure 3
	run tpmctl seal x
	assert_failure 2
	run tpmctl seal x -i /dev/null --random 4
	assert_failure 2
	run tpmctl seal x -i "$BATS_TEST_TMPDIR/t" --pcrs sha256:99
	assert_failure 2
	assert_output --partial "99"
}

@test "unseal of a key (not sealed data) exits 3" {
	tpmctl -q key create notsealed --alg ecc256
	run tpmctl unseal notsealed
	assert_failure 3
	assert_output --partial "is not sealed data"
	tpmctl -q delete notsealed
}

@test "seal --json describes what was sealed" {
	run tpmctl --json seal js -i "$BATS_FILE_TMPDIR/pw" --pcrs sha256:7
	assert_success
	assert_equal "$(jq -r .path <<<"$output")" "/P_RSA2048SHA256/HS/SRK/js"
	assert_equal "$(jq -r .bytes <<<"$output")" "12"
	assert_equal "$(jq -r .pcrs <<<"$output")" "sha256:7"
	tpmctl -q delete js
}

@test "a large secret whose encrypted part went missing: exit 4, never the key" {
	head -c 1000 /dev/urandom >"$BATS_TEST_TMPDIR/big"
	tpmctl -q seal lost -i "$BATS_TEST_TMPDIR/big"
	rm "$TPMCTL_KEYSTORE/user/P_RSA2048SHA256/HS/SRK/lost/tpmctl-sealed.bin"
	run tpmctl unseal lost -o "$BATS_TEST_TMPDIR/out"
	assert_failure 4
	assert_output --partial "is missing from the keystore"
	[ ! -e "$BATS_TEST_TMPDIR/out" ]
	tpmctl -q delete lost
}

@test "small data that looks like tpmctl's own envelope key still round-trips" {
	printf 'tpmctl envelope key v1:%s' "$(head -c 32 /dev/zero | tr '\0' k)" >"$BATS_TEST_TMPDIR/tricky"
	tpmctl -q seal tricky -i "$BATS_TEST_TMPDIR/tricky"
	tpmctl unseal tricky -o "$BATS_TEST_TMPDIR/back"
	cmp "$BATS_TEST_TMPDIR/tricky" "$BATS_TEST_TMPDIR/back"
	tpmctl -q delete tricky
}

@test "--auth-file - is refused (stdin may carry the data): use --auth-fd 0" {
	run bash -c "echo data | '$TPMCTL' seal st -i - --auth-file -"
	assert_failure 2
	assert_output --partial "--auth-fd 0"
}

@test "an object in another profile unseals when the active profile is not provisioned" {
	echo other | tpmctl seal /P_ECCP256SHA256/HS/SRK/elsewhere -i -
	rm -rf "$TPMCTL_KEYSTORE/system/P_ECCP384SHA384"
	tpm2_evictcontrol -T "$TPMCTL_TCTI" -C o -c 0x81000004 >/dev/null
	run tpmctl --profile P_ECCP384SHA384 unseal /P_ECCP256SHA256/HS/SRK/elsewhere
	assert_success
	assert_output "other"
	tpmctl -q delete /P_ECCP256SHA256/HS/SRK/elsewhere
}

@test "a --type that is not a seal flag is a usage error (exit 2), before the TPM" {
	echo s >"$BATS_TEST_TMPDIR/s"
	TPMCTL_TCTI=swtpm:path=/nonexistent run tpmctl seal typed -i "$BATS_TEST_TMPDIR/s" --type sign
	assert_failure 2
	assert_output --partial '"sign" is not a seal flag'
}
