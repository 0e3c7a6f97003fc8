#!/usr/bin/env bats
# sign and verify, checked by OpenSSL itself.

load helpers

setup_file() {
	start_tpm
	for alg in rsa2048 ecc256 ecc384; do
		"$TPMCTL" -q key create "s-$alg" --alg "$alg"
		"$TPMCTL" export-public "s-$alg" -o "$BATS_FILE_TMPDIR/s-$alg.pem"
	done
	head -c 5000 /dev/urandom >"$BATS_FILE_TMPDIR/data"
}

hash_of() {
	case $1 in ecc384) echo sha384 ;; *) echo sha256 ;; esac
}

@test "export-public writes a PEM that openssl reads" {
	for alg in rsa2048 ecc256 ecc384; do
		run openssl pkey -pubin -in "$BATS_FILE_TMPDIR/s-$alg.pem" -noout -text
		assert_success
	done
	run tpmctl export-public s-rsa2048
	assert_success
	assert_line "-----BEGIN PUBLIC KEY-----"
}

@test "public outputs follow the user's umask; they are not secrets" {
	umask 022
	tpmctl export-public s-ecc256 -o "$BATS_TEST_TMPDIR/pub.pem"
	assert_equal "$(stat -c %a "$BATS_TEST_TMPDIR/pub.pem")" "644"
	tpmctl sign s-ecc256 -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig"
	assert_equal "$(stat -c %a "$BATS_TEST_TMPDIR/sig")" "644"
}

@test "tpmctl sign -> openssl dgst -verify, for every --alg (default schemes)" {
	for alg in rsa2048 ecc256 ecc384; do
		sig=$BATS_TEST_TMPDIR/$alg.sig
		run tpmctl sign "s-$alg" -i "$BATS_FILE_TMPDIR/data" -o "$sig"
		assert_success
		opts=()
		[ "$alg" = rsa2048 ] && opts=(-sigopt rsa_padding_mode:pss)
		run openssl dgst "-$(hash_of $alg)" "${opts[@]}" -verify "$BATS_FILE_TMPDIR/s-$alg.pem" \
			-signature "$sig" "$BATS_FILE_TMPDIR/data"
		assert_success
		assert_output "Verified OK"
	done
}

@test "RSA schemes rsapss and rsassa -> openssl pkeyutl -verify of the digest" {
	openssl dgst -sha256 -binary "$BATS_FILE_TMPDIR/data" >"$BATS_TEST_TMPDIR/digest"
	for scheme in rsapss rsassa; do
		run tpmctl sign s-rsa2048 --scheme "$scheme" --digest -i "$BATS_TEST_TMPDIR/digest" -o "$BATS_TEST_TMPDIR/$scheme.sig"
		assert_success
		padding=pss
		[ "$scheme" = rsassa ] && padding=pkcs1
		run openssl pkeyutl -verify -pubin -inkey "$BATS_FILE_TMPDIR/s-rsa2048.pem" \
			-in "$BATS_TEST_TMPDIR/digest" -sigfile "$BATS_TEST_TMPDIR/$scheme.sig" \
			-pkeyopt digest:sha256 -pkeyopt "rsa_padding_mode:$padding"
		assert_success
		run tpmctl verify s-rsa2048 --scheme "$scheme" -s "$BATS_TEST_TMPDIR/$scheme.sig" -i "$BATS_FILE_TMPDIR/data"
		assert_success
		assert_output "valid"
	done
}

@test "ecdsa signatures are DER that openssl pkeyutl verifies" {
	openssl dgst -sha256 -binary "$BATS_FILE_TMPDIR/data" >"$BATS_TEST_TMPDIR/digest"
	tpmctl sign s-ecc256 --scheme ecdsa --digest -i "$BATS_TEST_TMPDIR/digest" -o "$BATS_TEST_TMPDIR/sig"
	run openssl asn1parse -inform DER -in "$BATS_TEST_TMPDIR/sig"
	assert_success
	assert_line --index 0 --partial "SEQUENCE"
	run openssl pkeyutl -verify -pubin -inkey "$BATS_FILE_TMPDIR/s-ecc256.pem" \
		-in "$BATS_TEST_TMPDIR/digest" -sigfile "$BATS_TEST_TMPDIR/sig"
	assert_success
}

@test "sign reads stdin and writes stdout by default" {
	tpmctl sign s-ecc256 <"$BATS_FILE_TMPDIR/data" >"$BATS_TEST_TMPDIR/sig"
	run tpmctl verify s-ecc256 -s "$BATS_TEST_TMPDIR/sig" <"$BATS_FILE_TMPDIR/data"
	assert_success
}

@test "an openssl signature of a digest verifies with tpmctl verify --pubkey, no TPM needed" {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$BATS_TEST_TMPDIR/ec.key" 2>/dev/null
	openssl pkey -in "$BATS_TEST_TMPDIR/ec.key" -pubout -out "$BATS_TEST_TMPDIR/ec.pub"
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$BATS_TEST_TMPDIR/rsa.key" 2>/dev/null
	openssl pkey -in "$BATS_TEST_TMPDIR/rsa.key" -pubout -out "$BATS_TEST_TMPDIR/rsa.pub"
	openssl dgst -sha256 -binary "$BATS_FILE_TMPDIR/data" >"$BATS_TEST_TMPDIR/digest"
	openssl pkeyutl -sign -inkey "$BATS_TEST_TMPDIR/ec.key" -in "$BATS_TEST_TMPDIR/digest" -out "$BATS_TEST_TMPDIR/ec.sig"
	openssl pkeyutl -sign -inkey "$BATS_TEST_TMPDIR/rsa.key" -in "$BATS_TEST_TMPDIR/digest" \
		-pkeyopt digest:sha256 -pkeyopt rsa_padding_mode:pss -out "$BATS_TEST_TMPDIR/rsa.sig"
	run env -u TPMCTL_TCTI "$TPMCTL" --tcti swtpm:path=/nonexistent verify --pubkey "$BATS_TEST_TMPDIR/ec.pub" \
		-s "$BATS_TEST_TMPDIR/ec.sig" --digest -i "$BATS_TEST_TMPDIR/digest"
	assert_success
	assert_output "valid"
	run tpmctl verify --pubkey "$BATS_TEST_TMPDIR/rsa.pub" -s "$BATS_TEST_TMPDIR/rsa.sig" --digest -i "$BATS_TEST_TMPDIR/digest"
	assert_success
	run tpmctl verify --pubkey "$BATS_TEST_TMPDIR/rsa.pub" --scheme rsassa -s "$BATS_TEST_TMPDIR/rsa.sig" --digest -i "$BATS_TEST_TMPDIR/digest"
	assert_failure 1
}

@test "tampered data or a tampered signature: exit 1 and invalid signature" {
	for alg in rsa2048 ecc256 ecc384; do
		tpmctl sign "s-$alg" -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig" --force
		cp "$BATS_FILE_TMPDIR/data" "$BATS_TEST_TMPDIR/changed"
		printf 'x' >>"$BATS_TEST_TMPDIR/changed"
		run tpmctl verify "s-$alg" -s "$BATS_TEST_TMPDIR/sig" -i "$BATS_TEST_TMPDIR/changed"
		assert_failure 1
		assert_output "tpmctl: verify: invalid signature"
		python3 -c "import sys; b=bytearray(open(sys.argv[1],'rb').read()); b[len(b)//2]^=1; open(sys.argv[1],'wb').write(b)" "$BATS_TEST_TMPDIR/sig"
		run tpmctl verify --pubkey "$BATS_FILE_TMPDIR/s-$alg.pem" -s "$BATS_TEST_TMPDIR/sig" -i "$BATS_FILE_TMPDIR/data"
		assert_failure 1
	done
}

@test "verify --json says valid true or false" {
	tpmctl sign s-ecc256 -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig"
	run --separate-stderr tpmctl --json verify s-ecc256 -s "$BATS_TEST_TMPDIR/sig" -i "$BATS_FILE_TMPDIR/data"
	assert_success
	assert_equal "$(jq -r .valid <<<"$output")" "true"
	run --separate-stderr tpmctl --json verify s-ecc256 -s "$BATS_TEST_TMPDIR/sig" -i /dev/null
	assert_failure 1
	assert_equal "$(jq -r .valid <<<"$output")" "false"
}

@test "--digest of the wrong size exits 3" {
	printf '0123456789' >"$BATS_TEST_TMPDIR/short"
	run tpmctl sign s-rsa2048 --digest -i "$BATS_TEST_TMPDIR/short" -o "$BATS_TEST_TMPDIR/sig"
	assert_failure 3
	assert_output --partial "the input is 10 bytes; a SHA256 digest is 32"
	[ ! -e "$BATS_TEST_TMPDIR/sig" ]
}

@test "a scheme that does not fit the key exits 3" {
	run tpmctl sign s-ecc256 --scheme rsapss -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig"
	assert_failure 3
	assert_output --partial "does not fit an ECC key"
}

@test "signing with a decrypt key exits 3" {
	tpmctl -q key create dec --type decrypt
	run tpmctl sign dec -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig"
	assert_failure 3
	assert_output --partial "not an unrestricted signing key"
	tpmctl -q delete dec
}

@test "an existing output is refused before the TPM is asked for anything" {
	echo keep >"$BATS_TEST_TMPDIR/sig"
	export TCTI_PCAP_FILE=$BATS_TEST_TMPDIR/bus.pcap
	run tpmctl --tcti "pcap:$TPMCTL_TCTI" sign s-ecc256 -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig"
	assert_failure 3
	[ ! -s "$TCTI_PCAP_FILE" ] || fail "the TPM was used before the output was checked"
}

@test "an existing output is not overwritten without --force (exit 3)" {
	echo keep >"$BATS_TEST_TMPDIR/sig"
	run tpmctl sign s-ecc256 -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig"
	assert_failure 3
	assert_output --partial "exists; use --force"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/sig")" "keep"
	run tpmctl sign s-ecc256 -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig" --force
	assert_success
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/sig")" -gt 60 ]
}

@test "verify needs -s and exactly one of PATH and --pubkey (exit 2)" {
	run tpmctl verify s-ecc256 -i "$BATS_FILE_TMPDIR/data"
	assert_failure 2
	run tpmctl verify -s x -i "$BATS_FILE_TMPDIR/data"
	assert_failure 2
	assert_output --partial "give either a key PATH or --pubkey PEMFILE"
}

@test "verify --pubkey with a file that is not a PEM key exits 3" {
	echo "not a key" >"$BATS_TEST_TMPDIR/bad.pem"
	echo sig >"$BATS_TEST_TMPDIR/sig"
	run tpmctl verify --pubkey "$BATS_TEST_TMPDIR/bad.pem" -s "$BATS_TEST_TMPDIR/sig" -i "$BATS_FILE_TMPDIR/data"
	assert_failure 3
	assert_output --partial "is not a PEM public key"
}

# The openssl command `tpmctl help sign` prints under LABEL, with its
# placeholders filled in.
help_command() { # help_command LABEL PUB SIG DATA
	tpmctl help sign | grep -A1 -F "  $1" | sed -n 2p |
		sed -e "s|^ *||" -e "s|PUB.pem|$2|" -e "s|SIG|$3|" -e "s|DATA|$4|"
}

@test "the openssl commands in help sign verify tpmctl's signatures, one per key type" {
	local d=$BATS_FILE_TMPDIR/data t=$BATS_TEST_TMPDIR
	tpmctl sign s-rsa2048 -i "$d" -o "$t/pss"
	tpmctl sign s-rsa2048 --scheme rsassa -i "$d" -o "$t/pkcs1"
	tpmctl sign s-ecc256 -i "$d" -o "$t/e256"
	tpmctl sign s-ecc384 -i "$d" -o "$t/e384"
	for c in "rsa2048, RSA-PSS (default):|s-rsa2048|pss" "rsa2048, --scheme rsassa:|s-rsa2048|pkcs1" \
		"ecc256:|s-ecc256|e256" "ecc384:|s-ecc384|e384"; do
		IFS='|' read -r label key sig <<<"$c"
		cmd=$(help_command "$label" "$BATS_FILE_TMPDIR/$key.pem" "$t/$sig" "$d")
		[[ $cmd == "openssl dgst "* ]] || fail "no openssl command for $label in help sign"
		run $cmd
		assert_success
		assert_output "Verified OK"
	done
	# Without the PSS option OpenSSL rejects an RSA-PSS signature: the hint matters.
	run openssl dgst -sha256 -verify "$BATS_FILE_TMPDIR/s-rsa2048.pem" -signature "$t/pss" "$d"
	assert_failure
}
