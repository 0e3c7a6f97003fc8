#!/usr/bin/env bats
# encrypt and decrypt: any size, tamper-evident, interoperable with openssl.

load helpers

setup_file() {
	start_tpm
	"$TPMCTL" -q key create dk --type decrypt
	"$TPMCTL" -q key create other --type decrypt
	"$TPMCTL" export-public dk -o "$BATS_FILE_TMPDIR/dk.pem"
}

round_trip() { # round_trip SIZE
	head -c "$1" /dev/urandom >"$BATS_TEST_TMPDIR/plain"
	run tpmctl encrypt dk -i "$BATS_TEST_TMPDIR/plain" -o "$BATS_TEST_TMPDIR/cipher"
	assert_success
	run tpmctl decrypt dk -i "$BATS_TEST_TMPDIR/cipher" -o "$BATS_TEST_TMPDIR/back"
	assert_success
	cmp "$BATS_TEST_TMPDIR/plain" "$BATS_TEST_TMPDIR/back"
	rm -f "$BATS_TEST_TMPDIR/cipher" "$BATS_TEST_TMPDIR/back"
}

@test "round trips of 0 bytes, 1 byte, one RSA block and one byte more" {
	for n in 0 1 190 191; do round_trip "$n"; done
}

@test "a round trip of 10 MiB" {
	round_trip $((10 * 1024 * 1024))
}

@test "one block is plain RSA-OAEP that openssl makes and tpmctl decrypts" {
	echo "to the TPM" >"$BATS_TEST_TMPDIR/plain"
	openssl pkeyutl -encrypt -pubin -inkey "$BATS_FILE_TMPDIR/dk.pem" -in "$BATS_TEST_TMPDIR/plain" \
		-pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -out "$BATS_TEST_TMPDIR/cipher"
	run tpmctl decrypt dk -i "$BATS_TEST_TMPDIR/cipher"
	assert_success
	assert_output "to the TPM"
	tpmctl encrypt dk -i "$BATS_TEST_TMPDIR/plain" -o "$BATS_TEST_TMPDIR/c2"
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/c2")" -eq 256 ]
}

@test "larger data is an envelope with the documented header" {
	head -c 1000 /dev/urandom >"$BATS_TEST_TMPDIR/plain"
	tpmctl encrypt dk -i "$BATS_TEST_TMPDIR/plain" -o "$BATS_TEST_TMPDIR/cipher"
	assert_equal "$(head -c 8 "$BATS_TEST_TMPDIR/cipher")" "TPMCTLE1"
	# magic 8 + length 2 + wrapped key 256 + nonce 12 + data + tag 16
	assert_equal "$(stat -c %s "$BATS_TEST_TMPDIR/cipher")" "$((8 + 2 + 256 + 12 + 1000 + 16))"
}

@test "a flipped bit anywhere in the envelope: exit 3, nothing written" {
	head -c 5000 /dev/urandom >"$BATS_TEST_TMPDIR/plain"
	tpmctl encrypt dk -i "$BATS_TEST_TMPDIR/plain" -o "$BATS_TEST_TMPDIR/cipher"
	size=$(stat -c %s "$BATS_TEST_TMPDIR/cipher")
	for offset in 9 100 270 300 3000 $((size - 1)); do
		python3 -c "import sys; b=bytearray(open(sys.argv[1],'rb').read()); b[int(sys.argv[2])]^=4; open(sys.argv[3],'wb').write(b)" \
			"$BATS_TEST_TMPDIR/cipher" "$offset" "$BATS_TEST_TMPDIR/bad"
		run tpmctl decrypt dk -i "$BATS_TEST_TMPDIR/bad" -o "$BATS_TEST_TMPDIR/out"
		assert_failure 3
		[ ! -e "$BATS_TEST_TMPDIR/out" ] || fail "decrypt wrote output for a flipped bit at $offset"
		[ -z "$(ls "$BATS_TEST_TMPDIR" | grep 'out.tmp' || true)" ]
	done
}

@test "a truncated envelope exits 3" {
	head -c 5000 /dev/urandom >"$BATS_TEST_TMPDIR/plain"
	tpmctl encrypt dk -i "$BATS_TEST_TMPDIR/plain" -o "$BATS_TEST_TMPDIR/cipher"
	head -c 200 "$BATS_TEST_TMPDIR/cipher" >"$BATS_TEST_TMPDIR/short"
	run tpmctl decrypt dk -i "$BATS_TEST_TMPDIR/short" -o "$BATS_TEST_TMPDIR/out"
	assert_failure 3
	[ ! -e "$BATS_TEST_TMPDIR/out" ]
}

@test "the wrong key exits 3 with a clear message" {
	echo hello | tpmctl encrypt dk -o "$BATS_TEST_TMPDIR/cipher"
	run tpmctl decrypt other -i "$BATS_TEST_TMPDIR/cipher" -o "$BATS_TEST_TMPDIR/out"
	assert_failure 3
	assert_output --partial "not encrypted to this key"
	head -c 3000 /dev/urandom | tpmctl encrypt dk -o "$BATS_TEST_TMPDIR/big"
	run tpmctl decrypt other -i "$BATS_TEST_TMPDIR/big" -o "$BATS_TEST_TMPDIR/out"
	assert_failure 3
	[ ! -e "$BATS_TEST_TMPDIR/out" ]
}

@test "decrypted files are 0600" {
	umask 022
	echo secret | tpmctl encrypt dk -o "$BATS_TEST_TMPDIR/cipher"
	tpmctl decrypt dk -i "$BATS_TEST_TMPDIR/cipher" -o "$BATS_TEST_TMPDIR/plain"
	assert_equal "$(stat -c %a "$BATS_TEST_TMPDIR/plain")" "600"
}

@test "encrypt to a sign key or an ECC key exits 3 and says what key is needed" {
	tpmctl -q key create sk --alg ecc256
	run tpmctl encrypt sk -i /dev/null -o "$BATS_TEST_TMPDIR/c"
	assert_failure 3
	assert_output --partial "is not an RSA decrypt key"
	tpmctl -q delete sk
}

@test "the plaintext never crosses the TPM bus in clear" {
	printf 'MARKER-%s' "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$BATS_TEST_TMPDIR/plain"
	tpmctl encrypt dk -i "$BATS_TEST_TMPDIR/plain" -o "$BATS_TEST_TMPDIR/cipher"
	export TCTI_PCAP_FILE=$BATS_TEST_TMPDIR/bus.pcap
	run tpmctl --tcti "pcap:$TPMCTL_TCTI" decrypt dk -i "$BATS_TEST_TMPDIR/cipher"
	assert_success
	assert_output "$(cat "$BATS_TEST_TMPDIR/plain")"
	[ -s "$TCTI_PCAP_FILE" ]
	! grep -q "$(cat "$BATS_TEST_TMPDIR/plain")" "$TCTI_PCAP_FILE"
}
