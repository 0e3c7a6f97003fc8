#!/usr/bin/env bats
# export: keys and sealed objects, checked by tpm2-tools and the tpm2-openssl provider.

load helpers

setup_file() {
	start_tpm
	echo "signed by others" >"$BATS_FILE_TMPDIR/data"
	openssl dgst -sha256 -binary "$BATS_FILE_TMPDIR/data" >"$BATS_FILE_TMPDIR/digest"
}

@test "export --format tpm2-tools -> tpm2_load + tpm2_sign -> tpmctl verify and openssl verify" {
	for alg in rsa2048 ecc256; do
		tpmctl -q key create "tt-$alg" --alg "$alg"
		run tpmctl export "tt-$alg" --format tpm2-tools -o "$BATS_TEST_TMPDIR/$alg"
		assert_success
		parent=0x81000001
		[ "$alg" = ecc256 ] && parent=0x81000002
		assert_output --partial "parent $parent"
		assert_equal "$(stat -c %a "$BATS_TEST_TMPDIR/$alg.priv")" "600"
		tpm2_load -T "$TPMCTL_TCTI" -C "$parent" -u "$BATS_TEST_TMPDIR/$alg.pub" \
			-r "$BATS_TEST_TMPDIR/$alg.priv" -c "$BATS_TEST_TMPDIR/$alg.ctx" >/dev/null
		scheme=()
		[ "$alg" = rsa2048 ] && scheme=(-s rsapss)
		tpm2_sign -T "$TPMCTL_TCTI" -c "$BATS_TEST_TMPDIR/$alg.ctx" -g sha256 "${scheme[@]}" -f plain \
			-o "$BATS_TEST_TMPDIR/$alg.sig" "$BATS_FILE_TMPDIR/data"
		tpm2_flushcontext -T "$TPMCTL_TCTI" --transient-object
		run tpmctl verify "tt-$alg" -s "$BATS_TEST_TMPDIR/$alg.sig" -i "$BATS_FILE_TMPDIR/data"
		assert_success
		tpmctl export-public "tt-$alg" -o "$BATS_TEST_TMPDIR/$alg.pem"
		opts=()
		[ "$alg" = rsa2048 ] && opts=(-sigopt rsa_padding_mode:pss)
		run openssl dgst -sha256 "${opts[@]}" -verify "$BATS_TEST_TMPDIR/$alg.pem" \
			-signature "$BATS_TEST_TMPDIR/$alg.sig" "$BATS_FILE_TMPDIR/data"
		assert_output "Verified OK"
		tpmctl -q delete "tt-$alg"
	done
}

@test "a sealed object: export -> tpm2_load + tpm2_unseal gives the data" {
	echo "for tpm2-tools" | tpmctl seal ts -i -
	tpmctl -q export ts --format tpm2-tools -o "$BATS_TEST_TMPDIR/ts"
	tpm2_load -T "$TPMCTL_TCTI" -C 0x81000001 -u "$BATS_TEST_TMPDIR/ts.pub" -r "$BATS_TEST_TMPDIR/ts.priv" \
		-c "$BATS_TEST_TMPDIR/ts.ctx" >/dev/null
	run tpm2_unseal -T "$TPMCTL_TCTI" -c "$BATS_TEST_TMPDIR/ts.ctx"
	tpm2_flushcontext -T "$TPMCTL_TCTI" --transient-object
	assert_success
	assert_output "for tpm2-tools"
	tpmctl -q delete ts
}

@test "export --format pem -> openssl pkeyutl -provider tpm2 -sign -> tpmctl verify" {
	for alg in rsa2048 ecc256; do
		tpmctl -q key create "pem-$alg" --alg "$alg"
		run tpmctl --json export "pem-$alg" --format pem -o "$BATS_TEST_TMPDIR/$alg.pem"
		assert_success
		assert_equal "$(jq -r .empty_auth <<<"$output")" "true"
		assert_equal "$(head -1 "$BATS_TEST_TMPDIR/$alg.pem")" "-----BEGIN TSS2 PRIVATE KEY-----"
		opts=()
		[ "$alg" = rsa2048 ] && opts=(-pkeyopt rsa_padding_mode:pss -pkeyopt digest:sha256)
		TPM2OPENSSL_TCTI=$TPMCTL_TCTI openssl pkeyutl -provider tpm2 -provider default -sign \
			-inkey "$BATS_TEST_TMPDIR/$alg.pem" "${opts[@]}" -in "$BATS_FILE_TMPDIR/digest" \
			-out "$BATS_TEST_TMPDIR/$alg.sig" </dev/null
		run tpmctl verify "pem-$alg" --digest -s "$BATS_TEST_TMPDIR/$alg.sig" -i "$BATS_FILE_TMPDIR/digest"
		assert_success
		assert_output "valid"
		tpmctl -q delete "pem-$alg"
	done
}

# The TPM's dictionary-attack counter: failed authorizations so far.
da_count() {
	printf '%d\n' "$(tpm2_getcap -T "$TPMCTL_TCTI" properties-variable |
		sed -n 's/^TPM2_PT_LOCKOUT_COUNTER: //p')"
}

@test "the PEM key file says whether the key has a password (emptyAuth TRUE or FALSE, always there)" {
	printf 'pw\n' >"$BATS_TEST_TMPDIR/pw"
	tpmctl -q key create pempw --alg ecc256 --noda --auth-file "$BATS_TEST_TMPDIR/pw"
	run tpmctl --json export pempw --format pem -o "$BATS_TEST_TMPDIR/pw.pem"
	assert_equal "$(jq -r .empty_auth <<<"$output")" "false"
	run openssl asn1parse -in "$BATS_TEST_TMPDIR/pw.pem"
	assert_line --index 1 --partial "OBJECT            :2.23.133.10.1.3"
	assert_line --index 2 --partial "cont [ 0 ]"
	assert_line --index 3 --partial "BOOLEAN           :0"
	tpmctl -q key create pemnopw --alg ecc256
	tpmctl -q export pemnopw --format pem -o "$BATS_TEST_TMPDIR/nopw.pem"
	run openssl asn1parse -in "$BATS_TEST_TMPDIR/nopw.pem"
	assert_line --index 3 --partial "BOOLEAN           :255"
	tpmctl -q delete pempw
	tpmctl -q delete pemnopw
}

@test "a key with a password as PEM: openssl pkeyutl -passin signs with it, no DA count, openssl verifies" {
	printf 'secret pw\n' >"$BATS_TEST_TMPDIR/pw"
	for alg in ecc256 rsa2048; do
		tpmctl -q key create "pw-$alg" --alg "$alg" --auth-file "$BATS_TEST_TMPDIR/pw"
		tpmctl -q export "pw-$alg" --format pem -o "$BATS_TEST_TMPDIR/$alg.pem"
		tpmctl export-public "pw-$alg" -o "$BATS_TEST_TMPDIR/$alg.pub"
		before=$(da_count)
		opts=()
		[ "$alg" = rsa2048 ] && opts=(-pkeyopt rsa_padding_mode:pss -pkeyopt digest:sha256)
		run env TPM2OPENSSL_TCTI="$TPMCTL_TCTI" openssl pkeyutl -provider tpm2 -provider default \
			-passin "file:$BATS_TEST_TMPDIR/pw" -sign -inkey "$BATS_TEST_TMPDIR/$alg.pem" "${opts[@]}" \
			-in "$BATS_FILE_TMPDIR/digest" -out "$BATS_TEST_TMPDIR/$alg.sig"
		assert_success
		assert_equal "$(da_count)" "$before"
		run openssl pkeyutl -verify -pubin -inkey "$BATS_TEST_TMPDIR/$alg.pub" "${opts[@]}" \
			-in "$BATS_FILE_TMPDIR/digest" -sigfile "$BATS_TEST_TMPDIR/$alg.sig"
		assert_success
		assert_output "Signature Verified Successfully"
		# The provider reads the key file with the password too.
		run env TPM2OPENSSL_TCTI="$TPMCTL_TCTI" openssl pkey -provider tpm2 -provider default \
			-passin "file:$BATS_TEST_TMPDIR/pw" -in "$BATS_TEST_TMPDIR/$alg.pem" -pubout
		assert_success
		assert_equal "$output" "$(cat "$BATS_TEST_TMPDIR/$alg.pub")"
		assert_equal "$(da_count)" "$before"
		tpmctl -q delete "pw-$alg"
	done
}

@test "a key whose password is unknown (imported from blobs) exports with emptyAuth FALSE" {
	tpm2_create -T "$TPMCTL_TCTI" -C 0x81000001 -G ecc -u "$BATS_TEST_TMPDIR/u.pub" \
		-r "$BATS_TEST_TMPDIR/u.priv" >/dev/null
	tpm2_flushcontext -T "$TPMCTL_TCTI" --transient-object
	tpmctl -q import unk --pub "$BATS_TEST_TMPDIR/u.pub" --priv "$BATS_TEST_TMPDIR/u.priv"
	run tpmctl export unk --format pem -o "$BATS_TEST_TMPDIR/u.pem"
	assert_success
	assert_output --partial "password unknown"
	run openssl asn1parse -in "$BATS_TEST_TMPDIR/u.pem"
	assert_line --index 3 --partial "BOOLEAN           :0"
	# It has none: OpenSSL takes the empty one.
	printf '\n' >"$BATS_TEST_TMPDIR/empty"
	run env TPM2OPENSSL_TCTI="$TPMCTL_TCTI" openssl pkeyutl -provider tpm2 -provider default \
		-passin "file:$BATS_TEST_TMPDIR/empty" -sign -inkey "$BATS_TEST_TMPDIR/u.pem" \
		-in "$BATS_FILE_TMPDIR/digest" -out "$BATS_TEST_TMPDIR/u.sig"
	assert_success
	run tpmctl verify unk --digest -s "$BATS_TEST_TMPDIR/u.sig" -i "$BATS_FILE_TMPDIR/digest"
	assert_output "valid"
	tpmctl -q delete unk
}

@test "export errors: sealed data as pem 3, missing path 4, no format 2, existing output 3" {
	echo s | tpmctl seal es -i -
	run tpmctl export es --format pem -o "$BATS_TEST_TMPDIR/es.pem"
	assert_failure 3
	assert_output --partial "is sealed data, not a key"
	run tpmctl export nothing --format pem -o "$BATS_TEST_TMPDIR/x.pem"
	assert_failure 4
	run tpmctl export es -o "$BATS_TEST_TMPDIR/x"
	assert_failure 2
	touch "$BATS_TEST_TMPDIR/es.pub"
	run tpmctl export es --format tpm2-tools -o "$BATS_TEST_TMPDIR/es"
	assert_failure 3
	run tpmctl export es --format tpm2-tools -o "$BATS_TEST_TMPDIR/es" --force
	assert_success
	tpmctl -q delete es
}
