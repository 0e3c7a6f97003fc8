#!/usr/bin/env bats
# import of tpm2-tools blobs, checked by using them and by OpenSSL.

load helpers

setup_file() {
	start_tpm
	echo "imported and signed" >"$BATS_FILE_TMPDIR/data"
	printf 'toolpw' >"$BATS_FILE_TMPDIR/pw"
}

# tpm2_create under the SRK; tpm2-tools leaves its objects loaded without a
# resource manager, so flush after it.
tool_create() { # tool_create NAME ARGS...
	local name=$1; shift
	tpm2_create -T "$TPMCTL_TCTI" -C 0x81000001 -u "$BATS_TEST_TMPDIR/$name.pub" \
		-r "$BATS_TEST_TMPDIR/$name.priv" "$@" >/dev/null
	tpm2_flushcontext -T "$TPMCTL_TCTI" --transient-object
}

# The TPM's dictionary-attack counter: failed authorizations so far.
da_count() {
	printf '%d\n' "$(tpm2_getcap -T "$TPMCTL_TCTI" properties-variable |
		sed -n 's/^TPM2_PT_LOCKOUT_COUNTER: //p')"
}

# Rewrites an imported object as tpmctl 0.x recorded it: "no password".
record_as_old_import() { # record_as_old_import NAME
	local f=$TPMCTL_KEYSTORE/user/P_RSA2048SHA256/HS/SRK/$1/object.json
	jq '.with_auth = "NO" | del(.tpmctl_auth_unknown)' "$f" >"$BATS_TEST_TMPDIR/old.json"
	cat "$BATS_TEST_TMPDIR/old.json" >"$f"
}

@test "tpm2_create rsa and ecc keys, with and without password -> import -> sign -> openssl verify" {
	for g in rsa ecc; do
		for pw in no yes; do
			name=$g-$pw auth=()
			if [ "$pw" = yes ]; then
				tool_create "$name" -G "$g" -p "file:$BATS_FILE_TMPDIR/pw"
				auth=(--auth-file "$BATS_FILE_TMPDIR/pw")
			else
				tool_create "$name" -G "$g"
			fi
			run tpmctl import "$name" --pub "$BATS_TEST_TMPDIR/$name.pub" --priv "$BATS_TEST_TMPDIR/$name.priv" "${auth[@]}"
			assert_success
			assert_output "imported /HS/SRK/$name"
			# Given at import, the password is known to be there.
			if [ "$pw" = yes ]; then
				run tpmctl --json key show "$name"
				assert_equal "$(jq -c .needs_password <<<"$output")" "true"
			fi
			run tpmctl sign "$name" -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/$name.sig" "${auth[@]}"
			assert_success
			tpmctl export-public "$name" -o "$BATS_TEST_TMPDIR/$name.pem"
			opts=()
			[ "$g" = rsa ] && opts=(-sigopt rsa_padding_mode:pss)
			run openssl dgst -sha256 "${opts[@]}" -verify "$BATS_TEST_TMPDIR/$name.pem" \
				-signature "$BATS_TEST_TMPDIR/$name.sig" "$BATS_FILE_TMPDIR/data"
			assert_output "Verified OK"
			tpmctl -q delete "$name"
		done
	done
}

@test "blobs with a password, imported without --auth: sign --auth-file uses it, no DA count" {
	tool_create iy -G ecc256 -p "file:$BATS_FILE_TMPDIR/pw"
	run tpmctl import iy --pub "$BATS_TEST_TMPDIR/iy.pub" --priv "$BATS_TEST_TMPDIR/iy.priv"
	assert_success
	run tpmctl key show iy
	assert_line "needs password   unknown (imported from tpm2-tools blobs; give --auth-* if it has one)"
	run tpmctl --json key show iy
	assert_equal "$(jq -c .needs_password <<<"$output")" "null"
	before=$(da_count)
	run tpmctl sign iy --auth-file "$BATS_FILE_TMPDIR/pw" -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/iy.sig"
	assert_success
	assert_equal "$(da_count)" "$before"
	tpmctl export-public iy -o "$BATS_TEST_TMPDIR/iy.pem"
	run openssl dgst -sha256 -verify "$BATS_TEST_TMPDIR/iy.pem" -signature "$BATS_TEST_TMPDIR/iy.sig" \
		"$BATS_FILE_TMPDIR/data"
	assert_output "Verified OK"
	# Without the password the empty one is tried once, without a prompt,
	# and the error says what to do.
	run setsid -w "$TPMCTL" sign iy -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/none.sig" </dev/null
	assert_failure 5
	assert_output --partial "does not know whether /P_RSA2048SHA256/HS/SRK/iy has one"
	assert_output --partial "--auth-file"
	assert_equal "$(da_count)" "$((before + 1))"
	tpmctl -q delete iy
}

@test "blobs without a password, imported without --auth: sign, decrypt and auth change need no option" {
	tool_create in -G rsa
	tpmctl -q import in --pub "$BATS_TEST_TMPDIR/in.pub" --priv "$BATS_TEST_TMPDIR/in.priv"
	before=$(da_count)
	# No terminal either: nothing asks.
	run setsid -w "$TPMCTL" sign in -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/in.sig" </dev/null
	assert_success
	echo "to the tool key" | tpmctl encrypt in -o "$BATS_TEST_TMPDIR/c"
	run setsid -w "$TPMCTL" decrypt in -i "$BATS_TEST_TMPDIR/c" </dev/null
	assert_success
	assert_output "to the tool key"
	assert_equal "$(da_count)" "$before"
	# A new password is known: from then on the key needs it.
	run setsid -w "$TPMCTL" auth change in --new-auth-file "$BATS_FILE_TMPDIR/pw" </dev/null
	assert_success
	run tpmctl key show in
	assert_line "needs password   yes"
	run tpmctl sign in --auth-file "$BATS_FILE_TMPDIR/pw" -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/in2.sig"
	assert_success
	assert_equal "$(da_count)" "$before"
	tpmctl -q delete in
}

@test "a password given is used when the keystore says the key has none (an older import)" {
	tool_create old -G rsa -p "file:$BATS_FILE_TMPDIR/pw"
	tpmctl -q import old --pub "$BATS_TEST_TMPDIR/old.pub" --priv "$BATS_TEST_TMPDIR/old.priv"
	record_as_old_import old
	run tpmctl key show old
	assert_line "needs password   no"
	before=$(da_count)
	run tpmctl sign old --auth-file "$BATS_FILE_TMPDIR/pw" -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/old.sig"
	assert_success
	tpmctl export-public old -o "$BATS_TEST_TMPDIR/old.pem"
	run openssl dgst -sha256 -sigopt rsa_padding_mode:pss -verify "$BATS_TEST_TMPDIR/old.pem" \
		-signature "$BATS_TEST_TMPDIR/old.sig" "$BATS_FILE_TMPDIR/data"
	assert_output "Verified OK"
	echo "small" | tpmctl encrypt old -o "$BATS_TEST_TMPDIR/c1"
	head -c 1000 /dev/urandom >"$BATS_TEST_TMPDIR/big"
	tpmctl encrypt old -i "$BATS_TEST_TMPDIR/big" -o "$BATS_TEST_TMPDIR/c2"
	run tpmctl decrypt old --auth-file "$BATS_FILE_TMPDIR/pw" -i "$BATS_TEST_TMPDIR/c1"
	assert_success
	assert_output "small"
	tpmctl decrypt old --auth-file "$BATS_FILE_TMPDIR/pw" -i "$BATS_TEST_TMPDIR/c2" -o "$BATS_TEST_TMPDIR/big.out"
	cmp "$BATS_TEST_TMPDIR/big" "$BATS_TEST_TMPDIR/big.out"
	assert_equal "$(da_count)" "$before"
	tpmctl -q delete old
}

@test "sealed data with a password, imported without --auth: unseal --auth-file uses it" {
	echo "a tool's guarded secret" >"$BATS_TEST_TMPDIR/secret"
	tool_create sp -i "$BATS_TEST_TMPDIR/secret" -p "file:$BATS_FILE_TMPDIR/pw"
	tpmctl -q import sp --pub "$BATS_TEST_TMPDIR/sp.pub" --priv "$BATS_TEST_TMPDIR/sp.priv"
	before=$(da_count)
	run tpmctl unseal sp --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_success
	assert_output "a tool's guarded secret"
	record_as_old_import sp
	run tpmctl unseal sp --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_success
	assert_equal "$(da_count)" "$before"
	tpmctl -q delete sp
}

@test "tpm2_create -i secret -> import -> unseal gives it back" {
	echo "a tool's secret" >"$BATS_TEST_TMPDIR/secret"
	tool_create sealed -i "$BATS_TEST_TMPDIR/secret"
	tpmctl -q import sealed --pub "$BATS_TEST_TMPDIR/sealed.pub" --priv "$BATS_TEST_TMPDIR/sealed.priv"
	run tpmctl unseal sealed
	assert_success
	assert_output "a tool's secret"
	tpmctl -q delete sealed
}

@test "round trip: create, export, delete, import elsewhere: FAPI's fields are the same, and it signs" {
	tpmctl -q key create orig --alg rsa2048
	obj=$TPMCTL_KEYSTORE/user/P_RSA2048SHA256/HS/SRK
	cp "$obj/orig/object.json" "$BATS_TEST_TMPDIR/orig.json"
	tpmctl -q export orig --format tpm2-tools -o "$BATS_TEST_TMPDIR/orig"
	tpmctl -q delete orig
	tpmctl -q import moved --pub "$BATS_TEST_TMPDIR/orig.pub" --priv "$BATS_TEST_TMPDIR/orig.priv"
	for field in objectType system persistent_handle public private name signing_scheme description certificate delete_prohibited; do
		assert_equal "$(jq -cS ".$field" "$obj/moved/object.json")" "$(jq -cS ".$field" "$BATS_TEST_TMPDIR/orig.json")"
	done
	# The blobs do not say whether the key has a password: FAPI asks tpmctl.
	assert_equal "$(jq -r .with_auth "$obj/moved/object.json")" "YES"
	run tpmctl key show moved
	assert_line --partial "needs password   unknown"
	run tpmctl sign moved -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/moved.sig"
	assert_success
	tpmctl -q delete moved
}

@test "bad input: truncated, swapped, garbage, another parent: exit 3, nothing written" {
	tool_create good -G ecc
	head -c 40 "$BATS_TEST_TMPDIR/good.pub" >"$BATS_TEST_TMPDIR/short.pub"
	head -c 1000 /dev/urandom >"$BATS_TEST_TMPDIR/garbage"
	tpm2_createprimary -T "$TPMCTL_TCTI" -C o -G ecc -c "$BATS_TEST_TMPDIR/other.ctx" >/dev/null
	tpm2_flushcontext -T "$TPMCTL_TCTI" --transient-object
	tpm2_create -T "$TPMCTL_TCTI" -C "$BATS_TEST_TMPDIR/other.ctx" -G ecc -u "$BATS_TEST_TMPDIR/other.pub" \
		-r "$BATS_TEST_TMPDIR/other.priv" >/dev/null
	tpm2_flushcontext -T "$TPMCTL_TCTI" --transient-object
	for pair in "short.pub good.priv" "good.priv good.pub" "garbage good.priv" "good.pub garbage" "other.pub other.priv" "good.pub other.priv"; do
		set -- $pair
		run tpmctl import bad --pub "$BATS_TEST_TMPDIR/$1" --priv "$BATS_TEST_TMPDIR/$2"
		[ "$status" -eq 3 ] || fail "$pair: exit $status: $output"
		[ ! -e "$TPMCTL_KEYSTORE/user/P_RSA2048SHA256/HS/SRK/bad" ] || fail "$pair left a keystore entry"
	done
	run tpmctl import bad --pub "$BATS_TEST_TMPDIR/other.pub" --priv "$BATS_TEST_TMPDIR/other.priv"
	assert_output --partial "made under another parent"
}

@test "import needs --pub and --priv; an existing path exits 9" {
	run tpmctl import x --pub /dev/null
	assert_failure 2
	tool_create dup -G ecc
	tpmctl -q import dup --pub "$BATS_TEST_TMPDIR/dup.pub" --priv "$BATS_TEST_TMPDIR/dup.priv"
	run tpmctl import dup --pub "$BATS_TEST_TMPDIR/dup.pub" --priv "$BATS_TEST_TMPDIR/dup.priv"
	assert_failure 9
	tpmctl -q delete dup
}

@test "export --format pem -> delete -> import --pem -> sign" {
	tpmctl -q key create viapem --alg ecc256
	tpmctl -q export viapem --format pem -o "$BATS_TEST_TMPDIR/k.pem"
	tpmctl -q delete viapem
	run tpmctl import back --pem "$BATS_TEST_TMPDIR/k.pem"
	assert_success
	run tpmctl sign back -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig"
	assert_success
	run tpmctl verify back -s "$BATS_TEST_TMPDIR/sig" -i "$BATS_FILE_TMPDIR/data"
	assert_success
	tpmctl -q delete back
}

@test "tpm2_encodeobject PEM -> import --pem -> sign, with the key's password" {
	tool_create enc -G ecc -p "file:$BATS_FILE_TMPDIR/pw"
	tpm2_encodeobject -T "$TPMCTL_TCTI" -C 0x81000001 -u "$BATS_TEST_TMPDIR/enc.pub" \
		-r "$BATS_TEST_TMPDIR/enc.priv" -p -o "$BATS_TEST_TMPDIR/enc.pem"
	tpm2_flushcontext -T "$TPMCTL_TCTI" --transient-object
	tpm2_flushcontext -T "$TPMCTL_TCTI" --loaded-session
	# tpm2_encodeobject -p writes emptyAuth TRUE all the same: the option says it.
	run tpmctl import enc --pem "$BATS_TEST_TMPDIR/enc.pem" --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_success
	run tpmctl --json key show enc
	assert_equal "$(jq -r .needs_password <<<"$output")" "true"
	run tpmctl sign enc -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig" --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_success
	tpmctl -q delete enc
}

@test "import --pem of a PEM of the wrong type, or garbage, exits 3" {
	tpmctl -q key create pubonly --alg ecc256
	tpmctl export-public pubonly -o "$BATS_TEST_TMPDIR/pub.pem"
	run tpmctl import wrong --pem "$BATS_TEST_TMPDIR/pub.pem"
	assert_failure 3
	assert_output --partial "not a TSS2 PRIVATE KEY file"
	head -c 500 /dev/urandom >"$BATS_TEST_TMPDIR/garbage.pem"
	run tpmctl import wrong --pem "$BATS_TEST_TMPDIR/garbage.pem"
	assert_failure 3
	run tpmctl import wrong --pem "$BATS_TEST_TMPDIR/pub.pem" --pub "$BATS_TEST_TMPDIR/pub.pem"
	assert_failure 2
	tpmctl -q delete pubonly
}

@test "import --pubkey stores an OpenSSL public key under /ext for verify" {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$BATS_TEST_TMPDIR/ec.key" 2>/dev/null
	openssl pkey -in "$BATS_TEST_TMPDIR/ec.key" -pubout -out "$BATS_TEST_TMPDIR/ec.pub"
	openssl dgst -sha256 -sign "$BATS_TEST_TMPDIR/ec.key" -out "$BATS_TEST_TMPDIR/ec.sig" "$BATS_FILE_TMPDIR/data"
	run tpmctl import partner --pubkey "$BATS_TEST_TMPDIR/ec.pub"
	assert_success
	run tpmctl verify /ext/partner -s "$BATS_TEST_TMPDIR/ec.sig" -i "$BATS_FILE_TMPDIR/data"
	assert_success
	assert_output "valid"
	echo tampered >>"$BATS_TEST_TMPDIR/other"
	run tpmctl verify /ext/partner -s "$BATS_TEST_TMPDIR/ec.sig" -i "$BATS_TEST_TMPDIR/other"
	assert_failure 1
	run tpmctl list /ext
	assert_output --partial "/ext/partner"
	run tpmctl import bad --pubkey "$BATS_FILE_TMPDIR/data"
	assert_failure 3
	tpmctl -q delete /ext/partner
}

@test "import --wrap of openssl RSA-2048 and P-256 keys -> sign -> verify with the original public key" {
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$BATS_TEST_TMPDIR/rsa.key" 2>/dev/null
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$BATS_TEST_TMPDIR/ec.key" 2>/dev/null
	for k in rsa ec; do
		openssl pkey -in "$BATS_TEST_TMPDIR/$k.key" -pubout -out "$BATS_TEST_TMPDIR/$k.pub"
		run tpmctl import "wrapped-$k" --wrap "$BATS_TEST_TMPDIR/$k.key"
		assert_success
		run tpmctl sign "wrapped-$k" -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/$k.sig"
		assert_success
		opts=()
		[ "$k" = rsa ] && opts=(-sigopt rsa_padding_mode:pss)
		run openssl dgst -sha256 "${opts[@]}" -verify "$BATS_TEST_TMPDIR/$k.pub" \
			-signature "$BATS_TEST_TMPDIR/$k.sig" "$BATS_FILE_TMPDIR/data"
		assert_output "Verified OK"
		tpmctl -q delete "wrapped-$k"
	done
}

@test "import --wrap: the private key never crosses the TPM bus in clear; a password is set" {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$BATS_TEST_TMPDIR/ec.key" 2>/dev/null
	secret=$(openssl pkey -in "$BATS_TEST_TMPDIR/ec.key" -outform DER | tail -c +8 | head -c 32 | xxd -p -c 64)
	export TCTI_PCAP_FILE=$BATS_TEST_TMPDIR/bus.pcap
	run tpmctl --tcti "pcap:$TPMCTL_TCTI" import wpw --wrap "$BATS_TEST_TMPDIR/ec.key" --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_success
	unset TCTI_PCAP_FILE
	python3 - "$secret" "$BATS_TEST_TMPDIR/bus.pcap" <<'PY'
import sys
d = bytes.fromhex(sys.argv[1]); bus = open(sys.argv[2], 'rb').read()
assert len(d) == 32 and d not in bus and d[:16] not in bus, "the private key crossed the bus"
PY
	run tpmctl sign wpw -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig" --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_success
	printf 'other\n' >"$BATS_TEST_TMPDIR/bad"
	run tpmctl sign wpw -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig2" --auth-file "$BATS_TEST_TMPDIR/bad"
	assert_failure 5
	tpmctl -q delete wpw
}

@test "import --wrap of something that is not a private key exits 3" {
	run tpmctl import nokey --wrap "$BATS_FILE_TMPDIR/data"
	assert_failure 3
	assert_output --partial "not an unencrypted PEM private key"
	openssl genpkey -algorithm ED25519 -out "$BATS_TEST_TMPDIR/ed.key"
	run tpmctl import nokey --wrap "$BATS_TEST_TMPDIR/ed.key"
	assert_failure 3
}

@test "a decrypt key round-trips through export and import" {
	tpmctl -q key create box --type decrypt
	tpmctl -q export box --format tpm2-tools -o "$BATS_TEST_TMPDIR/box"
	echo "for the box" | tpmctl encrypt box -o "$BATS_TEST_TMPDIR/c"
	tpmctl -q delete box
	run tpmctl import box2 --pub "$BATS_TEST_TMPDIR/box.pub" --priv "$BATS_TEST_TMPDIR/box.priv"
	assert_success
	run tpmctl decrypt box2 -i "$BATS_TEST_TMPDIR/c"
	assert_output "for the box"
	tpmctl -q delete box2
}

@test "objects with a policy, and paths below a key, are refused (exit 3)" {
	tpmctl -q key create pk --alg rsa2048 --pcrs sha256:7
	tpmctl -q export pk --format tpm2-tools -o "$BATS_TEST_TMPDIR/pk"
	run tpmctl import pk2 --pub "$BATS_TEST_TMPDIR/pk.pub" --priv "$BATS_TEST_TMPDIR/pk.priv"
	assert_failure 3
	assert_output --partial "has a policy"
	tpmctl -q delete pk
	tool_create k -G ecc
	run tpmctl import /HS/SRK/a/b --pub "$BATS_TEST_TMPDIR/k.pub" --priv "$BATS_TEST_TMPDIR/k.priv"
	assert_failure 3
}

@test "import --json names the path" {
	tool_create js -G ecc
	run tpmctl --json import js --pub "$BATS_TEST_TMPDIR/js.pub" --priv "$BATS_TEST_TMPDIR/js.priv"
	assert_success
	assert_equal "$(jq -r .path <<<"$output")" "/HS/SRK/js"
	tpmctl -q delete js
}
