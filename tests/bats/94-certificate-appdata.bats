#!/usr/bin/env bats
# certificate get/set (PEM, the EK's from the TPM), description set and
# appdata set/get: what the keystore keeps with an object besides its keys.

load helpers

setup_file() {
	start_tpm
	local d=$BATS_FILE_TMPDIR
	"$TPMCTL" -q key create certified
	"$TPMCTL" -q key create other --alg ecc256
	"$TPMCTL" export-public certified -o "$d/certified.pub"
	"$TPMCTL" export-public /HE/EK -o "$d/ek.pub"
	printf 'some data' >"$d/data"
	"$TPMCTL" -q seal sealed -i "$d/data"
	"$TPMCTL" -q nv define idx --size 8
	# A CA of the test's own, and certificates it makes for public keys.
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$d/ca.pem" 2>/dev/null
	openssl x509 -new -subj "/CN=certified" -key "$d/ca.pem" -force_pubkey "$d/certified.pub" \
		-days 30 -out "$d/certified.crt"
	openssl x509 -new -subj "/CN=test EK" -key "$d/ca.pem" -force_pubkey "$d/ek.pub" \
		-days 30 -outform DER -out "$d/ek.der"
	openssl x509 -new -subj "/CN=not the EK" -key "$d/ca.pem" -force_pubkey "$d/certified.pub" \
		-days 30 -outform DER -out "$d/not-ek.der"
}

@test "certificate get of a key without one: exit 4, no certificate" {
	run tpmctl certificate get certified
	assert_failure 4
	assert_output --regexp "certificate get: /P_[A-Z0-9]+/HS/SRK/certified has no certificate"
	run tpmctl certificate get no-such-key
	assert_failure 4
}

@test "certificate set then get: the same PEM, on stdout, in -o FILE and in --json" {
	run tpmctl certificate set certified "$BATS_FILE_TMPDIR/certified.crt"
	assert_success
	assert_output --regexp "^stored the certificate of /P_[A-Z0-9]+/HS/SRK/certified$"
	tpmctl certificate get certified >"$BATS_TEST_TMPDIR/got.pem"
	cmp "$BATS_TEST_TMPDIR/got.pem" "$BATS_FILE_TMPDIR/certified.crt"
	run tpmctl certificate get certified -o "$BATS_TEST_TMPDIR/file.pem"
	assert_success
	cmp "$BATS_TEST_TMPDIR/file.pem" "$BATS_FILE_TMPDIR/certified.crt"
	run tpmctl certificate get certified -o "$BATS_TEST_TMPDIR/file.pem"
	assert_failure 3
	run tpmctl certificate get certified -o "$BATS_TEST_TMPDIR/file.pem" -f
	assert_success
	run tpmctl --json certificate get certified
	assert_success
	jq -j .certificate_pem <<<"$output" | cmp - "$BATS_FILE_TMPDIR/certified.crt"
	[[ $(jq -r .path <<<"$output") == /P_*/HS/SRK/certified ]] || fail "path: $output"
	# From stdin, and the key still signs (the keystore object stays readable).
	run tpmctl certificate set certified - <"$BATS_FILE_TMPDIR/certified.crt"
	assert_success
	run tpmctl sign certified -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig"
	assert_success
	run tpmctl key show certified
	assert_success
}

@test "certificate set refuses another key's certificate, no PEM, a sealed object, a missing key" {
	run tpmctl certificate set other "$BATS_FILE_TMPDIR/certified.crt"
	assert_failure 3
	assert_output --partial "the certificate is for another public key than"
	run tpmctl certificate set other "$BATS_FILE_TMPDIR/data"
	assert_failure 3
	assert_output --partial "no PEM certificate"
	run tpmctl certificate set sealed "$BATS_FILE_TMPDIR/certified.crt"
	assert_failure 3
	assert_output --partial "it takes no certificate"
	run tpmctl certificate set no-such-key "$BATS_FILE_TMPDIR/certified.crt"
	assert_failure 4
	run tpmctl certificate set other "$BATS_FILE_TMPDIR/no-such-file"
	assert_failure 4
	run tpmctl certificate get other
	assert_failure 4
}

@test "certificate get /HE/EK: exit 4 without an EK certificate in the TPM" {
	run tpmctl certificate get /HE/EK
	assert_failure 4
	assert_output --partial "has no certificate: the keystore holds none and the TPM has no EK certificate"
}

@test "certificate get /HE/EK: the TPM's EK certificate from its NV index, PEM" {
	local n
	n=$(stat -c %s "$BATS_FILE_TMPDIR/not-ek.der")
	tpm2_nvdefine -T "$TPMCTL_TCTI" 0x01c0000a -C o -s "$n" -a "ownerwrite|ownerread|authread|no_da" >/dev/null
	tpm2_nvwrite -T "$TPMCTL_TCTI" 0x01c0000a -C o -i "$BATS_FILE_TMPDIR/not-ek.der"
	# A certificate for another key (another EK template) is not the EK's.
	run tpmctl certificate get /HE/EK
	assert_failure 4
	assert_output --partial "the TPM's EK certificates are for other keys"
	n=$(stat -c %s "$BATS_FILE_TMPDIR/ek.der")
	tpm2_nvdefine -T "$TPMCTL_TCTI" 0x01c00002 -C o -s "$n" -a "ownerwrite|ownerread|authread|no_da" >/dev/null
	tpm2_nvwrite -T "$TPMCTL_TCTI" 0x01c00002 -C o -i "$BATS_FILE_TMPDIR/ek.der"
	run tpmctl certificate get /HE/EK -o "$BATS_TEST_TMPDIR/ek.pem"
	assert_success
	openssl x509 -in "$BATS_TEST_TMPDIR/ek.pem" -outform DER | cmp - "$BATS_FILE_TMPDIR/ek.der"
	run openssl x509 -in "$BATS_TEST_TMPDIR/ek.pem" -noout -subject
	assert_output --partial "test EK"
	tpm2_nvundefine -T "$TPMCTL_TCTI" 0x01c00002 -C o
	tpm2_nvundefine -T "$TPMCTL_TCTI" 0x01c0000a -C o
}

@test "certificate get --platform: the TPM's platform certificates from their NV range, PEM" {
	local d=$BATS_FILE_TMPDIR
	run tpmctl certificate get --platform
	assert_failure 4
	assert_output --partial "the TPM has no platform certificate (NV indices 0x01c08000 to 0x01c0ffff)"
	openssl x509 -new -subj "/CN=platform one" -key "$d/ca.pem" -force_pubkey "$d/certified.pub" \
		-days 30 -outform DER -out "$BATS_TEST_TMPDIR/p1.der"
	openssl x509 -new -subj "/CN=platform two" -key "$d/ca.pem" -force_pubkey "$d/certified.pub" \
		-days 30 -outform DER -out "$BATS_TEST_TMPDIR/p2.der"
	printf 'not a certificate' >"$BATS_TEST_TMPDIR/junk"
	for spec in 0x01c08000:p1.der 0x01c08008:junk 0x01c09000:p2.der; do
		index=${spec%%:*} file=$BATS_TEST_TMPDIR/${spec#*:}
		tpm2_nvdefine -T "$TPMCTL_TCTI" "$index" -C o -s "$(stat -c %s "$file")" \
			-a "ownerwrite|ownerread|authread|no_da" >/dev/null
		tpm2_nvwrite -T "$TPMCTL_TCTI" "$index" -C o -i "$file"
	done
	run tpmctl certificate get --platform -o "$BATS_TEST_TMPDIR/all.pem"
	assert_success
	run openssl crl2pkcs7 -nocrl -certfile "$BATS_TEST_TMPDIR/all.pem"
	assert_success
	run bash -c "openssl crl2pkcs7 -nocrl -certfile '$BATS_TEST_TMPDIR/all.pem' | openssl pkcs7 -print_certs -noout"
	assert_line --partial "platform one"
	assert_line --partial "platform two"
	run tpmctl --json certificate get --platform
	assert_success
	assert_equal "$(jq -r '[.certificates[].index] | join(",")' <<<"$output")" "0x01c08000,0x01c09000"
	jq -r '.certificates[0].certificate_pem' <<<"$output" | openssl x509 -outform DER |
		cmp - "$BATS_TEST_TMPDIR/p1.der"
	run tpmctl certificate get --platform certified
	assert_failure 2
	run tpmctl certificate get
	assert_failure 2
	for index in 0x01c08000 0x01c08008 0x01c09000; do
		tpm2_nvundefine -T "$TPMCTL_TCTI" "$index" -C o
	done
}

@test "description set: key show shows it, for a key and an NV index; \"\" removes it" {
	run tpmctl description set certified "the web server's TLS key"
	assert_success
	assert_output --regexp "^set the description of /P_[A-Z0-9]+/HS/SRK/certified$"
	run tpmctl key show certified
	assert_line --regexp "^description +the web server's TLS key$"
	run tpmctl --json key show certified
	assert_equal "$(jq -r .description <<<"$output")" "the web server's TLS key"
	run tpmctl description set /nv/Owner/idx "a counter of boots"
	assert_success
	run tpmctl key show /nv/Owner/idx
	assert_line --regexp "^description +a counter of boots$"
	run tpmctl --json description set certified ""
	assert_success
	assert_equal "$(jq -r .description <<<"$output")" ""
	run tpmctl key show certified
	assert_line --regexp "^description +-$"
}

@test "description set refuses control characters, a missing object" {
	run tpmctl description set certified "$(printf 'two\nlines')"
	assert_failure 3
	run tpmctl description set no-such-key text
	assert_failure 4
}

@test "appdata: binary bytes round trip, from a file and stdin, raw and base64 under --json" {
	head -c 3000 /dev/urandom >"$BATS_TEST_TMPDIR/bin"
	run tpmctl appdata get certified
	assert_success
	assert_output ""
	run tpmctl appdata set certified -i "$BATS_TEST_TMPDIR/bin"
	assert_success
	assert_output --regexp "^stored 3000 bytes of application data with /P_[A-Z0-9]+/HS/SRK/certified$"
	tpmctl appdata get certified | cmp - "$BATS_TEST_TMPDIR/bin"
	run tpmctl appdata get certified -o "$BATS_TEST_TMPDIR/out"
	assert_success
	cmp "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/bin"
	run tpmctl --json appdata get certified
	assert_success
	assert_equal "$(jq -r .bytes <<<"$output")" 3000
	jq -r .appdata_b64 <<<"$output" | base64 -d | cmp - "$BATS_TEST_TMPDIR/bin"
	# --json with -o: the bytes go to the file, the document says where.
	run tpmctl --json appdata get certified -o "$BATS_TEST_TMPDIR/out2"
	assert_success
	assert_equal "$(jq -r '[.path, .bytes, .output] | join(",")' <<<"$output")" \
		"$(tpmctl --json key show certified | jq -r .path),3000,$BATS_TEST_TMPDIR/out2"
	cmp "$BATS_TEST_TMPDIR/out2" "$BATS_TEST_TMPDIR/bin"
	# stdin, an NV index and a sealed object.
	printf '\x00\x01\xff' | tpmctl -q appdata set /nv/Owner/idx -
	tpmctl appdata get /nv/Owner/idx | cmp - <(printf '\x00\x01\xff')
	printf 'x' | tpmctl -q appdata set sealed -i -
	assert_equal "$(tpmctl appdata get sealed)" x
	run tpmctl unseal sealed
	assert_output "some data"
	# Empty: no data.
	run tpmctl appdata set certified - </dev/null
	assert_success
	run tpmctl --json appdata get certified
	assert_equal "$(jq -r '.bytes, .appdata_b64' <<<"$output" | tr '\n' ' ')" "0  "
}

@test "appdata refuses more than 256 KiB, a missing object, a hierarchy, no input" {
	head -c $((256 * 1024 + 1)) /dev/zero >"$BATS_TEST_TMPDIR/big"
	run tpmctl appdata set certified -i "$BATS_TEST_TMPDIR/big"
	assert_failure 3
	run tpmctl appdata set no-such-key -i "$BATS_FILE_TMPDIR/data"
	assert_failure 4
	run tpmctl appdata get no-such-key
	assert_failure 4
	run tpmctl appdata set /HS -i "$BATS_FILE_TMPDIR/data"
	assert_failure 3
	assert_output --partial "only keys, sealed objects and NV indices have it"
	run tpmctl appdata set certified
	assert_failure 2
	run tpmctl appdata set certified - -i "$BATS_FILE_TMPDIR/data"
	assert_failure 2
}
