#!/usr/bin/env bats
# Symmetric keys in the TPM: AES keys that encrypt and decrypt (AES-CFB in the
# TPM), HMAC keys (created, or an existing secret sealed in), checked against
# OpenSSL and tpm2-tools.

load helpers

setup_file() {
	start_tpm
	"$TPMCTL" -q key create aes --alg aes128
	"$TPMCTL" -q key create aes-other --alg aes256
	head -c 32 /dev/urandom >"$BATS_FILE_TMPDIR/hkey"
	"$TPMCTL" -q import hk --hmac-secret "$BATS_FILE_TMPDIR/hkey"
	printf 'sympw' >"$BATS_FILE_TMPDIR/pw"
}

teardown() {
	assert_tpm_clean
}

# tpm2_create under the SRK; without a resource manager tpm2-tools leaves its
# objects loaded, so flush after it.
tool_create() { # tool_create NAME ARGS...
	local name=$1
	shift
	tpm2_create -T "$TPMCTL_TCTI" -C 0x81000001 -u "$BATS_TEST_TMPDIR/$name.pub" \
		-r "$BATS_TEST_TMPDIR/$name.priv" "$@" >/dev/null
	tpm2_flushcontext -T "$TPMCTL_TCTI" --transient-object
}

aes_round_trip() { # aes_round_trip KEY SIZE [AUTH...]
	local key=$1 size=$2
	shift 2
	head -c "$size" /dev/urandom >"$BATS_TEST_TMPDIR/plain"
	run tpmctl encrypt "$key" -i "$BATS_TEST_TMPDIR/plain" -o "$BATS_TEST_TMPDIR/cipher" "$@"
	assert_success
	# The 32-byte header, then as many bytes as the plaintext.
	assert_equal "$(stat -c %s "$BATS_TEST_TMPDIR/cipher")" "$((size + 32))"
	assert_equal "$(head -c 7 "$BATS_TEST_TMPDIR/cipher")" "TPMCAES"
	run tpmctl decrypt "$key" -i "$BATS_TEST_TMPDIR/cipher" -o "$BATS_TEST_TMPDIR/back" "$@"
	assert_success
	cmp "$BATS_TEST_TMPDIR/plain" "$BATS_TEST_TMPDIR/back"
	rm -f "$BATS_TEST_TMPDIR/cipher" "$BATS_TEST_TMPDIR/back"
}

hexkey() {
	od -An -tx1 -v "$BATS_FILE_TMPDIR/hkey" | tr -d ' \n'
}

openssl_hmac() { # openssl_hmac FILE [DIGEST]
	openssl mac -digest "${2:-SHA256}" -macopt "hexkey:$(hexkey)" -in "$1" HMAC | tr 'A-F' 'a-f'
}

@test "key create --alg aes128/aes256: key show and list call them aes" {
	run tpmctl --json key show aes
	assert_success
	assert_equal "$(jq -r .type <<<"$output")" "aes"
	assert_equal "$(jq -r .algorithm <<<"$output")" "aes128"
	run tpmctl --json key show aes-other
	assert_equal "$(jq -r .algorithm <<<"$output")" "aes256"
	run tpmctl list
	assert_line "/P_RSA2048SHA256/HS/SRK/aes"
	assert_line "/P_RSA2048SHA256/HS/SRK/hk"
}

@test "AES round trips of 0 bytes, 1 byte, 1 MiB and an odd size" {
	for n in 0 1 $((1024 * 1024)) 3001; do aes_round_trip aes "$n"; done
	aes_round_trip aes-other 5000
}

@test "two encryptions of the same data differ (random IV)" {
	echo "same data" >"$BATS_TEST_TMPDIR/plain"
	tpmctl encrypt aes -i "$BATS_TEST_TMPDIR/plain" -o "$BATS_TEST_TMPDIR/c1"
	tpmctl encrypt aes -i "$BATS_TEST_TMPDIR/plain" -o "$BATS_TEST_TMPDIR/c2"
	run ! cmp -s "$BATS_TEST_TMPDIR/c1" "$BATS_TEST_TMPDIR/c2"
	run ! cmp -s <(tail -c +33 "$BATS_TEST_TMPDIR/c1") <(tail -c +33 "$BATS_TEST_TMPDIR/c2")
}

@test "decrypt with another AES key: exit 3, one line, nothing written" {
	echo "for aes only" >"$BATS_TEST_TMPDIR/plain"
	tpmctl encrypt aes -i "$BATS_TEST_TMPDIR/plain" -o "$BATS_TEST_TMPDIR/cipher"
	run tpmctl decrypt aes-other -i "$BATS_TEST_TMPDIR/cipher" -o "$BATS_TEST_TMPDIR/out"
	assert_failure 3
	assert_equal "${#lines[@]}" 1
	assert_output --partial "encrypted with another key"
	[ ! -e "$BATS_TEST_TMPDIR/out" ]
}

@test "decrypt of input that is no AES header, or a cut one: exit 3, one line" {
	echo "not encrypted" >"$BATS_TEST_TMPDIR/junk"
	run tpmctl decrypt aes -i "$BATS_TEST_TMPDIR/junk"
	assert_failure 3
	assert_equal "${#lines[@]}" 1
	printf 'TPMCAES\001abc' >"$BATS_TEST_TMPDIR/short"
	run tpmctl decrypt aes -i "$BATS_TEST_TMPDIR/short"
	assert_failure 3
	assert_output --partial "cut short"
	printf 'TPMCAES\002%040d' 0 >"$BATS_TEST_TMPDIR/v2"
	run tpmctl decrypt aes -i "$BATS_TEST_TMPDIR/v2"
	assert_failure 3
	assert_output --partial "version 2"
}

@test "the plaintext of an AES encrypt and decrypt never crosses the TPM bus in clear" {
	printf 'MARKER-%s' "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$BATS_TEST_TMPDIR/plain"
	TCTI_PCAP_FILE=$BATS_TEST_TMPDIR/enc.pcap run tpmctl --tcti "pcap:$TPMCTL_TCTI" encrypt aes \
		-i "$BATS_TEST_TMPDIR/plain" -o "$BATS_TEST_TMPDIR/cipher"
	assert_success
	[ -s "$BATS_TEST_TMPDIR/enc.pcap" ]
	# TPM2_EncryptDecrypt2 ran, and the marker is nowhere in the capture.
	python3 "$BATS_TEST_DIRNAME/../lib/tpm_commands.py" "$BATS_TEST_TMPDIR/enc.pcap" | grep -qx 0x00000193
	run ! grep -q MARKER "$BATS_TEST_TMPDIR/enc.pcap"
	# One salted session (TPM2_StartAuthSession, 0x176) serves every chunk.
	assert_equal "$(python3 "$BATS_TEST_DIRNAME/../lib/tpm_commands.py" "$BATS_TEST_TMPDIR/enc.pcap" | grep -cx 0x00000176)" 1
	TCTI_PCAP_FILE=$BATS_TEST_TMPDIR/dec.pcap run tpmctl --tcti "pcap:$TPMCTL_TCTI" decrypt aes \
		-i "$BATS_TEST_TMPDIR/cipher"
	assert_success
	assert_output "$(cat "$BATS_TEST_TMPDIR/plain")"
	run ! grep -q MARKER "$BATS_TEST_TMPDIR/dec.pcap"
}

@test "an AES key with a password: round trip with it, exit 5 with a wrong one" {
	tpmctl -q key create aes-pw --alg aes128 --auth-file "$BATS_FILE_TMPDIR/pw" --description "disk key"
	run tpmctl --json key show aes-pw
	assert_equal "$(jq -r .description <<<"$output")" "disk key"
	assert_equal "$(jq -r .needs_password <<<"$output")" "true"
	# With a password, dictionary-attack protection stays.
	assert_equal "$(jq -r '.attributes | index("noda")' <<<"$output")" "null"
	aes_round_trip aes-pw 4000 --auth-file "$BATS_FILE_TMPDIR/pw"
	echo data >"$BATS_TEST_TMPDIR/plain"
	tpmctl encrypt aes-pw -i "$BATS_TEST_TMPDIR/plain" -o "$BATS_TEST_TMPDIR/cipher" --auth-file "$BATS_FILE_TMPDIR/pw"
	printf 'wrong' >"$BATS_TEST_TMPDIR/bad"
	run tpmctl decrypt aes-pw -i "$BATS_TEST_TMPDIR/cipher" --auth-file "$BATS_TEST_TMPDIR/bad"
	assert_failure 5
	assert_equal "${#lines[@]}" 1
	tpmctl -q delete aes-pw
}

@test "an AES key bound to a PCR works until the PCR changes: exit 6" {
	tpmctl -q key create aes-pcr --alg aes128 --pcrs sha256:16
	aes_round_trip aes-pcr 3000
	echo data >"$BATS_TEST_TMPDIR/plain"
	tpmctl encrypt aes-pcr -i "$BATS_TEST_TMPDIR/plain" -o "$BATS_TEST_TMPDIR/cipher"
	echo change | tpmctl -q pcr extend 16 -i -
	run tpmctl decrypt aes-pcr -i "$BATS_TEST_TMPDIR/cipher"
	assert_failure 6
	assert_output --partial "PCR sha256:16 changed"
	tpmctl -q delete aes-pcr
}

@test "an AES key bound to a PCR with a password: chunks in one kept session pair, nothing in clear" {
	tpmctl -q key create aes-pcrpw --alg aes256 --pcrs sha256:17 --auth-file "$BATS_FILE_TMPDIR/pw"
	aes_round_trip aes-pcrpw 70000 --auth-file "$BATS_FILE_TMPDIR/pw"
	printf 'MARKER-%s' "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$BATS_TEST_TMPDIR/plain"
	head -c 3000 /dev/zero >>"$BATS_TEST_TMPDIR/plain"
	tpmctl encrypt aes-pcrpw -i "$BATS_TEST_TMPDIR/plain" -o "$BATS_TEST_TMPDIR/cipher" --auth-file "$BATS_FILE_TMPDIR/pw"
	TCTI_PCAP_FILE=$BATS_TEST_TMPDIR/dec.pcap run tpmctl --tcti "pcap:$TPMCTL_TCTI" decrypt aes-pcrpw \
		-i "$BATS_TEST_TMPDIR/cipher" -o "$BATS_TEST_TMPDIR/back" --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_success
	cmp "$BATS_TEST_TMPDIR/plain" "$BATS_TEST_TMPDIR/back"
	run ! grep -q MARKER "$BATS_TEST_TMPDIR/dec.pcap"
	# 3 chunks: the policy runs before each (PolicyPCR 0x17f), the sessions start once.
	python3 "$BATS_TEST_DIRNAME/../lib/tpm_commands.py" "$BATS_TEST_TMPDIR/dec.pcap" >"$BATS_TEST_TMPDIR/cmds"
	assert_equal "$(grep -cx 0x00000193 "$BATS_TEST_TMPDIR/cmds")" 3
	assert_equal "$(grep -cx 0x0000017f "$BATS_TEST_TMPDIR/cmds")" 3
	assert_equal "$(grep -cx 0x00000176 "$BATS_TEST_TMPDIR/cmds")" 2
	printf 'wrong' >"$BATS_TEST_TMPDIR/bad"
	run tpmctl decrypt aes-pcrpw -i "$BATS_TEST_TMPDIR/cipher" --auth-file "$BATS_TEST_TMPDIR/bad"
	assert_failure 5
	tpmctl -q delete aes-pcrpw
}

@test "HMAC of a secret imported with --hmac-secret is openssl's for 0 B, 1 KiB and 10 MiB" {
	for n in 0 1024 $((10 * 1024 * 1024)); do
		head -c "$n" /dev/urandom >"$BATS_TEST_TMPDIR/data"
		run tpmctl hmac hk -i "$BATS_TEST_TMPDIR/data" --hex
		assert_success
		assert_output "$(openssl_hmac "$BATS_TEST_TMPDIR/data")"
	done
	# stdin, raw bytes out
	head -c 5000 /dev/urandom >"$BATS_TEST_TMPDIR/data"
	tpmctl hmac hk -o "$BATS_TEST_TMPDIR/mac" <"$BATS_TEST_TMPDIR/data"
	assert_equal "$(od -An -tx1 -v "$BATS_TEST_TMPDIR/mac" | tr -d ' \n')" "$(openssl_hmac "$BATS_TEST_TMPDIR/data")"
}

@test "--hmac-secret --hash sha384 with a password gives openssl's HMAC-SHA384" {
	tpmctl -q import hk384 --hmac-secret "$BATS_FILE_TMPDIR/hkey" --hash sha384 --auth-file "$BATS_FILE_TMPDIR/pw"
	head -c 3000 /dev/urandom >"$BATS_TEST_TMPDIR/data"
	run tpmctl hmac hk384 -i "$BATS_TEST_TMPDIR/data" --hex --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_success
	assert_output "$(openssl_hmac "$BATS_TEST_TMPDIR/data" SHA384)"
	tpmctl -q delete hk384
}

@test "the HMAC secret crosses the bus encrypted and is refused when empty" {
	printf 'HMACSECRET-%s' "$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$BATS_TEST_TMPDIR/secret"
	TCTI_PCAP_FILE=$BATS_TEST_TMPDIR/bus.pcap run tpmctl --tcti "pcap:$TPMCTL_TCTI" import hs \
		--hmac-secret "$BATS_TEST_TMPDIR/secret"
	assert_success
	[ -s "$BATS_TEST_TMPDIR/bus.pcap" ]
	run ! grep -q HMACSECRET "$BATS_TEST_TMPDIR/bus.pcap"
	run ! grep -rq HMACSECRET "$TPMCTL_KEYSTORE"
	tpmctl -q delete hs
	: >"$BATS_TEST_TMPDIR/empty"
	run tpmctl import hl --hmac-secret "$BATS_TEST_TMPDIR/empty"
	assert_failure 3
	run tpmctl list
	refute_line --partial "/hl"
}

@test "HMAC secrets longer than the hash's block (65 B, 200 B, 4 KiB) give openssl's HMAC" {
	echo "long keys" >"$BATS_TEST_TMPDIR/data"
	for n in 64 65 200 4096; do
		head -c "$n" /dev/urandom >"$BATS_TEST_TMPDIR/key"
		tpmctl -q import "hl$n" --hmac-secret "$BATS_TEST_TMPDIR/key"
		run tpmctl hmac "hl$n" -i "$BATS_TEST_TMPDIR/data" --hex
		assert_success
		hex=$(od -An -tx1 -v "$BATS_TEST_TMPDIR/key" | tr -d ' \n')
		assert_output "$(openssl mac -digest SHA256 -macopt "hexkey:$hex" -in "$BATS_TEST_TMPDIR/data" HMAC | tr 'A-F' 'a-f')"
		tpmctl -q delete "hl$n"
	done
	head -c 4097 /dev/urandom >"$BATS_TEST_TMPDIR/key"
	run tpmctl import hl --hmac-secret "$BATS_TEST_TMPDIR/key"
	assert_failure 3
}

@test "a created HMAC key gives stable output, different from another key's" {
	tpmctl -q key create hm --alg hmac
	tpmctl -q key create hm2 --alg hmac --hash sha384
	head -c 2000 /dev/urandom >"$BATS_TEST_TMPDIR/data"
	a=$(tpmctl hmac hm -i "$BATS_TEST_TMPDIR/data" --hex)
	b=$(tpmctl hmac hm -i "$BATS_TEST_TMPDIR/data" --hex)
	assert_equal "$a" "$b"
	assert_equal "${#a}" 64
	c=$(tpmctl hmac hm2 -i "$BATS_TEST_TMPDIR/data" --hex)
	assert_equal "${#c}" 96
	run tpmctl --json key show hm
	assert_equal "$(jq -r .type <<<"$output")" "hmac"
	run tpmctl --json hmac hm -i "$BATS_TEST_TMPDIR/data"
	assert_equal "$(jq -r .hmac <<<"$output")" "$a"
	tpmctl -q delete hm
	tpmctl -q delete hm2
}

@test "hmac with a key that is not an HMAC key, and encrypt with an HMAC key: exit 3" {
	run tpmctl hmac aes -i /dev/null
	assert_failure 3
	assert_output --partial "not an HMAC key"
	run tpmctl encrypt hk -i /dev/null
	assert_failure 3
	run tpmctl sign hk -i /dev/null
	assert_failure 3
	assert_output --partial "use \`tpmctl hmac\`"
	assert_equal "${#lines[@]}" 1
	run tpmctl sign aes -i /dev/null
	assert_failure 3
	assert_output --partial "(it is aes)"
}

@test "bad --alg/--hash combinations are usage errors" {
	run tpmctl key create x --alg aes128 --hash sha256
	assert_failure 2
	run tpmctl key create x --alg hmac --hash md5
	assert_failure 2
	run tpmctl key create x --alg aes128 --type decrypt
	assert_failure 2
	run tpmctl key create x --alg rsa2048 --hash sha256
	assert_failure 2
	run tpmctl import x --pub /dev/null --priv /dev/null --hash sha256
	assert_failure 2
	run tpmctl list
	refute_line --partial "/x"
}

@test "export --format tpm2-tools of AES and HMAC keys -> tpm2_load; tpm2_encryptdecrypt and tpm2_hmac agree" {
	tpmctl -q export aes --format tpm2-tools -o "$BATS_TEST_TMPDIR/aes"
	tpm2_load -T "$TPMCTL_TCTI" -C 0x81000001 -u "$BATS_TEST_TMPDIR/aes.pub" -r "$BATS_TEST_TMPDIR/aes.priv" \
		-c "$BATS_TEST_TMPDIR/aes.ctx" >/dev/null
	head -c 2500 /dev/urandom >"$BATS_TEST_TMPDIR/plain"
	tpmctl encrypt aes -i "$BATS_TEST_TMPDIR/plain" -o "$BATS_TEST_TMPDIR/cipher"
	# The documented header: IV at offset 16, ciphertext from 32.
	dd if="$BATS_TEST_TMPDIR/cipher" of="$BATS_TEST_TMPDIR/iv" bs=1 skip=16 count=16 2>/dev/null
	tail -c +33 "$BATS_TEST_TMPDIR/cipher" >"$BATS_TEST_TMPDIR/body"
	tpm2_encryptdecrypt -T "$TPMCTL_TCTI" -c "$BATS_TEST_TMPDIR/aes.ctx" -d -G cfb -t "$BATS_TEST_TMPDIR/iv" \
		-o "$BATS_TEST_TMPDIR/back" "$BATS_TEST_TMPDIR/body"
	tpm2_flushcontext -T "$TPMCTL_TCTI" --transient-object
	cmp "$BATS_TEST_TMPDIR/plain" "$BATS_TEST_TMPDIR/back"

	tpmctl -q export hk --format tpm2-tools -o "$BATS_TEST_TMPDIR/hk"
	tpm2_load -T "$TPMCTL_TCTI" -C 0x81000001 -u "$BATS_TEST_TMPDIR/hk.pub" -r "$BATS_TEST_TMPDIR/hk.priv" \
		-c "$BATS_TEST_TMPDIR/hk.ctx" >/dev/null
	echo "hmac me" >"$BATS_TEST_TMPDIR/data"
	tpm2_hmac -T "$TPMCTL_TCTI" -c "$BATS_TEST_TMPDIR/hk.ctx" -o "$BATS_TEST_TMPDIR/tools.mac" "$BATS_TEST_TMPDIR/data"
	tpm2_flushcontext -T "$TPMCTL_TCTI" --transient-object
	assert_equal "$(od -An -tx1 -v "$BATS_TEST_TMPDIR/tools.mac" | tr -d ' \n')" "$(openssl_hmac "$BATS_TEST_TMPDIR/data")"
}

@test "export --format pem of AES and HMAC keys: exit 3, naming what they are" {
	run tpmctl export aes --format pem -o "$BATS_TEST_TMPDIR/aes.pem"
	assert_failure 3
	assert_output --partial "is an AES key"
	run tpmctl export hk --format pem -o "$BATS_TEST_TMPDIR/hk.pem"
	assert_failure 3
	assert_output --partial "is an HMAC key"
	[ ! -e "$BATS_TEST_TMPDIR/aes.pem" ]
}

@test "export, delete and import back of an AES key: the old ciphertext still decrypts" {
	tpmctl -q key create aes-move --alg aes256
	echo "keep me" >"$BATS_TEST_TMPDIR/plain"
	tpmctl encrypt aes-move -i "$BATS_TEST_TMPDIR/plain" -o "$BATS_TEST_TMPDIR/cipher"
	tpmctl -q export aes-move --format tpm2-tools -o "$BATS_TEST_TMPDIR/m"
	tpmctl -q delete aes-move
	run tpmctl key show aes-move
	assert_failure 4
	run tpmctl import aes-move --pub "$BATS_TEST_TMPDIR/m.pub" --priv "$BATS_TEST_TMPDIR/m.priv"
	assert_success
	run tpmctl decrypt aes-move -i "$BATS_TEST_TMPDIR/cipher"
	assert_success
	assert_output "keep me"
	tpmctl -q delete aes-move
}

@test "tpm2_create -G aes128cfb and -G hmac keys import and work" {
	tool_create taes -G aes128cfb
	run tpmctl import taes --pub "$BATS_TEST_TMPDIR/taes.pub" --priv "$BATS_TEST_TMPDIR/taes.priv"
	assert_success
	aes_round_trip taes 2048
	# -G aes: the mode is left to the command (TPM_ALG_NULL); tpmctl says CFB.
	tool_create tnull -G aes
	tpmctl -q import tnull --pub "$BATS_TEST_TMPDIR/tnull.pub" --priv "$BATS_TEST_TMPDIR/tnull.priv"
	aes_round_trip tnull 1500
	tpmctl -q delete tnull
	tool_create thm -G hmac
	run tpmctl import thm --pub "$BATS_TEST_TMPDIR/thm.pub" --priv "$BATS_TEST_TMPDIR/thm.priv"
	assert_success
	run tpmctl --json key show thm
	assert_equal "$(jq -r .type <<<"$output")" "hmac"
	echo "data" >"$BATS_TEST_TMPDIR/data"
	run tpmctl hmac thm -i "$BATS_TEST_TMPDIR/data" --hex
	assert_success
	assert_equal "${#output}" 64
	# tpm2_hmac with the same blobs says the same.
	tpm2_load -T "$TPMCTL_TCTI" -C 0x81000001 -u "$BATS_TEST_TMPDIR/thm.pub" -r "$BATS_TEST_TMPDIR/thm.priv" \
		-c "$BATS_TEST_TMPDIR/thm.ctx" >/dev/null
	tpm2_hmac -T "$TPMCTL_TCTI" -c "$BATS_TEST_TMPDIR/thm.ctx" -o "$BATS_TEST_TMPDIR/tools.mac" "$BATS_TEST_TMPDIR/data"
	tpm2_flushcontext -T "$TPMCTL_TCTI" --transient-object
	assert_equal "$(od -An -tx1 -v "$BATS_TEST_TMPDIR/tools.mac" | tr -d ' \n')" "$output"
	# A tpm2-tools AES key with a password.
	tool_create taespw -G aes256cfb -p "file:$BATS_FILE_TMPDIR/pw"
	tpmctl -q import taespw --pub "$BATS_TEST_TMPDIR/taespw.pub" --priv "$BATS_TEST_TMPDIR/taespw.priv" \
		--auth-file "$BATS_FILE_TMPDIR/pw"
	aes_round_trip taespw 100 --auth-file "$BATS_FILE_TMPDIR/pw"
	tpmctl -q delete taes
	tpmctl -q delete thm
	tpmctl -q delete taespw
}

@test "a tpm2-tools AES key for another mode (CBC) imports and is refused by encrypt, exit 3" {
	tool_create tcbc -G aes128cbc
	tpmctl -q import tcbc --pub "$BATS_TEST_TMPDIR/tcbc.pub" --priv "$BATS_TEST_TMPDIR/tcbc.priv"
	run tpmctl encrypt tcbc -i /dev/null
	assert_failure 3
	assert_output --partial "CFB"
	tpmctl -q delete tcbc
}

@test "batch: hmac, encrypt and decrypt with AES keys, key_create with the new algs" {
	data=$(printf 'batch data' | base64)
	printf '%s\n' \
		"{\"id\":1,\"op\":\"hmac\",\"path\":\"hk\",\"data_b64\":\"$data\"}" \
		"{\"id\":2,\"op\":\"encrypt\",\"path\":\"aes\",\"data_b64\":\"$data\"}" \
		"{\"id\":3,\"op\":\"key_create\",\"path\":\"bh\",\"alg\":\"hmac\",\"hash\":\"sha384\"}" \
		"{\"id\":4,\"op\":\"key_create\",\"path\":\"ba\",\"alg\":\"aes256\"}" \
		>"$BATS_TEST_TMPDIR/req"
	run tpmctl batch <"$BATS_TEST_TMPDIR/req"
	assert_success
	printf 'batch data' >"$BATS_TEST_TMPDIR/data"
	assert_equal "$(jq -r 'select(.id==1).hmac' <<<"$output")" "$(openssl_hmac "$BATS_TEST_TMPDIR/data")"
	cipher=$(jq -r 'select(.id==2).ciphertext_b64' <<<"$output")
	assert_equal "$(jq -r 'select(.id==3).type' <<<"$output")" "hmac"
	assert_equal "$(jq -r 'select(.id==4).ok' <<<"$output")" "true"
	printf '%s\n' \
		"{\"id\":5,\"op\":\"decrypt\",\"path\":\"aes\",\"ciphertext_b64\":\"$cipher\"}" \
		"{\"id\":6,\"op\":\"decrypt\",\"path\":\"ba\",\"ciphertext_b64\":\"$cipher\"}" \
		"{\"id\":7,\"op\":\"hmac\",\"path\":\"bh\",\"data_b64\":\"$data\"}" \
		>"$BATS_TEST_TMPDIR/req2"
	run tpmctl batch <"$BATS_TEST_TMPDIR/req2"
	assert_equal "$(jq -r 'select(.id==5).data_b64' <<<"$output" | base64 -d)" "batch data"
	assert_equal "$(jq -r 'select(.id==6).ok' <<<"$output")" "false"
	assert_equal "$(jq -r 'select(.id==7).hmac' <<<"$output" | tr -d '\n' | wc -c)" 96
	tpmctl -q delete bh
	tpmctl -q delete ba
}
