#!/usr/bin/env bats
# Commands that need neither the TPM nor FAPI send no TPM command and do not
# load libtss2-fapi (and its libcurl); the others still load it on first use.
# And the keystore objects tpmctl reads without FAPI are the ones FAPI reads.

load helpers

setup_file() {
	start_tpm
	"$TPMCTL" -q key create lean --alg ecc256
	"$TPMCTL" -q key create lean-rsa
	"$TPMCTL" export-public lean -o "$BATS_FILE_TMPDIR/lean.pem"
	echo "lean data" >"$BATS_FILE_TMPDIR/data"
	"$TPMCTL" sign lean -i "$BATS_FILE_TMPDIR/data" -o "$BATS_FILE_TMPDIR/data.sig"
	"$TPMCTL" -q import lean-ext --pubkey "$BATS_FILE_TMPDIR/lean.pem"
}

# The TPM commands a tpmctl command sends, through the pcap TCTI: 0 when the
# TCTI was never opened (it writes no file then).
commands_sent() { # commands_sent ARGS...
	local pcap=$BATS_TEST_TMPDIR/bus.pcap
	rm -f "$pcap"
	TCTI_PCAP_FILE=$pcap tpmctl --tcti "pcap:$TPMCTL_TCTI" "$@" >/dev/null ||
		fail "tpmctl $* failed"
	if [ -s "$pcap" ]; then "$BATS_TEST_DIRNAME/../../bench/pcap_commands.py" "$pcap"; else echo 0; fi
}

# Whether the dynamic loader loads libtss2-fapi for a tpmctl command.
loads_fapi() { # loads_fapi ARGS...
	local log=$BATS_TEST_TMPDIR/ld.log
	LD_DEBUG=libs LD_DEBUG_OUTPUT=$log "$TPMCTL" "$@" >/dev/null 2>&1 || fail "tpmctl $* failed"
	grep -q 'libtss2-fapi\.so' "$log".*
	local found=$?
	rm -f "$log".*
	return "$found"
}

lean_commands() {
	local d=$BATS_FILE_TMPDIR
	printf '%s\n' \
		"--version" \
		"help" \
		"list" \
		"list /HS/SRK" \
		"key show lean" \
		"key show /HS/SRK" \
		"export-public lean -o $BATS_TEST_TMPDIR/out.pem --force" \
		"verify lean -s $d/data.sig -i $d/data" \
		"verify --pubkey $d/lean.pem -s $d/data.sig -i $d/data" \
		"verify /ext/lean-ext -s $d/data.sig -i $d/data" \
		"policy digest $TPMCTL_DATADIR/policies/password.json"
}

@test "keystore-only commands send no TPM command" {
	while read -r cmd; do
		# shellcheck disable=SC2086
		assert_equal "$cmd: $(commands_sent $cmd)" "$cmd: 0"
	done < <(lean_commands)
	# The count is a real one: sign talks to the TPM.
	n=$(commands_sent sign lean -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/s.sig")
	[ "$n" -gt 0 ] || fail "sign sent no TPM command"
}

@test "keystore-only commands and the ESYS hot paths do not load libtss2-fapi; key create does" {
	while read -r cmd; do
		# shellcheck disable=SC2086
		if loads_fapi $cmd; then fail "$cmd loaded libtss2-fapi"; fi
	done < <(lean_commands)
	# sign and random talk to the TPM through ESYS alone.
	if loads_fapi sign lean -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/s.sig" --force; then
		fail "sign loaded libtss2-fapi"
	fi
	if loads_fapi random 16 -o "$BATS_TEST_TMPDIR/r" --force; then
		fail "random loaded libtss2-fapi"
	fi
	loads_fapi -q key create lean2 || fail "key create did not load libtss2-fapi"
	run tpmctl key show lean2
	assert_success
	tpmctl -q delete lean2
}

@test "key show of an NV index reads the keystore only" {
	tpmctl config >"$BATS_TEST_TMPDIR/fapi.json"
	TSS2_FAPICONF=$BATS_TEST_TMPDIR/fapi.json TSS2_LOG=all+none \
		tss2_createnv -p /nv/Owner/lean -t noda -s 16 -a ""
	assert_equal "$(commands_sent key show /nv/Owner/lean)" "0"
	if loads_fapi key show /nv/Owner/lean; then fail "key show /nv loaded libtss2-fapi"; fi
	tpmctl -q delete /nv/Owner/lean
}

@test "list gives what FAPI's own list gives, in the same order" {
	tpmctl config >"$BATS_TEST_TMPDIR/fapi.json"
	for p in / /HS/SRK /HE /P_RSA2048SHA256 /ext; do
		expected=$(TSS2_FAPICONF=$BATS_TEST_TMPDIR/fapi.json TSS2_LOG=all+none tss2_list -p "$p" | tr ':' '\n')
		run tpmctl list "$p"
		assert_success
		assert_output "$expected"
	done
}

@test "the key blobs tpmctl reads from the keystore are the bytes Fapi_GetTpmBlobs returns" {
	tpmctl config >"$BATS_TEST_TMPDIR/fapi.json"
	printf pw >"$BATS_TEST_TMPDIR/pw"
	tpmctl -q key create blob-ecc384 --alg ecc384 --type restricted-sign
	tpmctl -q key create blob-dec --type decrypt --auth-file "$BATS_TEST_TMPDIR/pw"
	tpmctl -q key create blob-pcr --pcrs sha256:0,7
	head -c 32 /dev/urandom | tpmctl -q seal blob-seal -i -
	for k in lean lean-rsa blob-ecc384 blob-dec blob-pcr blob-seal; do
		tpmctl -q export "$k" --format tpm2-tools -o "$BATS_TEST_TMPDIR/$k"
		path=$(tpmctl --json key show "$k" | jq -r .path)
		TSS2_FAPICONF=$BATS_TEST_TMPDIR/fapi.json TSS2_LOG=all+none tss2_gettpmblobs \
			-p "$path" -u "$BATS_TEST_TMPDIR/$k.fapi.pub" -r "$BATS_TEST_TMPDIR/$k.fapi.priv"
		cmp "$BATS_TEST_TMPDIR/$k.pub" "$BATS_TEST_TMPDIR/$k.fapi.pub" || fail "$k: public differs"
		cmp "$BATS_TEST_TMPDIR/$k.priv" "$BATS_TEST_TMPDIR/$k.fapi.priv" || fail "$k: private differs"
	done
	tpmctl -q delete blob-ecc384 blob-dec blob-pcr blob-seal
}

@test "a malformed keystore object is one clear line and exit 3, not a crash" {
	tpmctl -q key create broken
	f=$TPMCTL_KEYSTORE/user/P_RSA2048SHA256/HS/SRK/broken/object.json
	cp "$f" "$BATS_TEST_TMPDIR/good.json"
	jq '.public.publicArea.parameters.keyBits = "many"' "$f" >"$BATS_TEST_TMPDIR/o.json"
	cat "$BATS_TEST_TMPDIR/o.json" >"$f"
	run tpmctl key show broken
	assert_failure 3
	assert_output "tpmctl: key show: $f: keystore object field keyBits: not a number in range"
	printf '{"objectType": 1, "public": ' >"$f"
	run tpmctl export-public broken
	assert_failure 3
	assert_output --partial "$f: not valid JSON"
	cat "$BATS_TEST_TMPDIR/good.json" >"$f" # FAPI's delete reads it too
	tpmctl -q delete broken
}

@test "libtss2's OpenSSL contexts are tpmctl's default one, not one built per hash" {
	# tpm2-tss 3.2.1 asks for a new OpenSSL library context per hash, HMAC
	# and nonce; the executable's OSSL_LIB_CTX_new answers for libtss2.
	log=$BATS_TEST_TMPDIR/bindings
	LD_DEBUG=bindings LD_DEBUG_OUTPUT=$log "$TPMCTL" random 16 >/dev/null
	run grep -h "OSSL_LIB_CTX_new'" "$log".*
	assert_line --regexp "binding file .*/libtss2-esys\.so\.0 \[0\] to .*tpmctl \[0\]: normal symbol \`OSSL_LIB_CTX_new'"
	# a long random, many GetRandom commands, comes out whole
	run tpmctl random 65536 -o "$BATS_TEST_TMPDIR/r"
	assert_success
	assert_equal "$(stat -c %s "$BATS_TEST_TMPDIR/r")" 65536
}

@test "only serve loads libmicrohttpd (and its GnuTLS): one-shot commands do not" {
	# (key create loads FAPI, whose libcurl has GnuTLS: there only libmicrohttpd counts.)
	for args in "--version" "list" "sign lean -i $BATS_FILE_TMPDIR/data -o $BATS_TEST_TMPDIR/s.sig --force" \
		"random 16 -o $BATS_TEST_TMPDIR/r --force" "-q key create lean3"; do
		# shellcheck disable=SC2086
		LD_DEBUG=libs LD_DEBUG_OUTPUT=$BATS_TEST_TMPDIR/ld.log "$TPMCTL" $args >/dev/null 2>&1 ||
			fail "tpmctl $args failed"
		pattern='libmicrohttpd\|libgnutls'
		[ "$args" = "-q key create lean3" ] && pattern=libmicrohttpd
		if grep -q "$pattern" "$BATS_TEST_TMPDIR"/ld.log.*; then
			fail "tpmctl $args loaded $pattern"
		fi
		rm -f "$BATS_TEST_TMPDIR"/ld.log.*
	done
	tpmctl -q delete lean3
	# serve loads it when it starts, and serves.
	"$TPMCTL" serve --listen "unix:$BATS_TEST_TMPDIR/s.sock" 2>"$BATS_TEST_TMPDIR/serve.log" &
	pid=$!
	for _ in $(seq 100); do [ -S "$BATS_TEST_TMPDIR/s.sock" ] && break; sleep 0.05; done
	run curl -s --unix-socket "$BATS_TEST_TMPDIR/s.sock" http://tpmctl/v1/health
	kill -TERM "$pid"
	wait "$pid"
	assert_output '{"status":"ok"}'
}
