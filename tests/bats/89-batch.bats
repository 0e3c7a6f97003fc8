#!/usr/bin/env bats
# tpmctl batch: JSON requests on stdin, one JSON reply line each, through the
# operations the commands use and one TPM context for the whole stream.

load helpers

setup_file() {
	start_tpm
	"$TPMCTL" -q key create b-rsa
	"$TPMCTL" -q key create b-ecc --alg ecc256
	"$TPMCTL" -q key create b-dec --type decrypt
	printf 'pw1' >"$BATS_FILE_TMPDIR/pw"
	"$TPMCTL" -q key create b-pw --alg ecc256 --auth-file "$BATS_FILE_TMPDIR/pw"
	"$TPMCTL" export-public b-rsa -o "$BATS_FILE_TMPDIR/b-rsa.pem"
	"$TPMCTL" export-public b-ecc -o "$BATS_FILE_TMPDIR/b-ecc.pem"
	head -c 3000 /dev/urandom >"$BATS_FILE_TMPDIR/data"
	DATA_B64=$(base64 -w0 "$BATS_FILE_TMPDIR/data")
	export DATA_B64
}

# The reply on line N of $output, and one field of it (jq syntax).
reply() { sed -n "${1}p" <<<"$output"; }
field() { reply "$1" | jq -r "$2"; }

b64_to_file() { base64 -d >"$1"; }

@test "sign: the signature verifies with openssl, RSA-PSS and ECDSA" {
	run tpmctl batch <<-EOF
		{"id": 1, "op": "sign", "path": "b-rsa", "data_b64": "$DATA_B64"}
		{"id": 2, "op": "sign", "path": "b-ecc", "data_b64": "$DATA_B64"}
	EOF
	assert_success
	assert_equal "$(field 1 .ok)" true
	field 1 .signature_b64 | b64_to_file "$BATS_TEST_TMPDIR/rsa.sig"
	field 2 .signature_b64 | b64_to_file "$BATS_TEST_TMPDIR/ecc.sig"
	run openssl dgst -sha256 -sigopt rsa_padding_mode:pss -verify "$BATS_FILE_TMPDIR/b-rsa.pem" \
		-signature "$BATS_TEST_TMPDIR/rsa.sig" "$BATS_FILE_TMPDIR/data"
	assert_success
	run openssl dgst -sha256 -verify "$BATS_FILE_TMPDIR/b-ecc.pem" \
		-signature "$BATS_TEST_TMPDIR/ecc.sig" "$BATS_FILE_TMPDIR/data"
	assert_success
}

@test "sign a digest with a password from the request; verify by path and by PEM" {
	digest=$(openssl dgst -sha256 -binary "$BATS_FILE_TMPDIR/data" | base64 -w0)
	run tpmctl batch <<-EOF
		{"id": 1, "op": "sign", "path": "b-pw", "digest_b64": "$digest", "auth": "pw1"}
	EOF
	assert_success
	sig=$(field 1 .signature_b64)
	[ -n "$sig" ] && [ "$sig" != null ] || fail "no signature: $output"
	pem=$(jq -Rs . <"$BATS_FILE_TMPDIR/b-ecc.pem")
	run tpmctl batch <<-EOF
		{"id": 1, "op": "verify", "path": "b-pw", "data_b64": "$DATA_B64", "signature_b64": "$sig"}
		{"id": 2, "op": "verify", "path": "b-pw", "data_b64": "AAAA", "signature_b64": "$sig"}
		{"id": 3, "op": "verify", "pubkey_pem": $pem, "data_b64": "$DATA_B64", "signature_b64": "$sig"}
	EOF
	assert_success
	assert_line -n 0 '{"id":1,"ok":true,"valid":true}'
	assert_line -n 1 '{"id":2,"ok":true,"valid":false}'
	# b-ecc is another key: its PEM does not verify b-pw's signature.
	assert_line -n 2 '{"id":3,"ok":true,"valid":false}'
}

@test "encrypt then decrypt returns the data; random returns the bytes asked for" {
	run tpmctl batch <<-EOF
		{"id": 1, "op": "encrypt", "path": "b-dec", "data_b64": "$DATA_B64"}
		{"id": 2, "op": "random", "bytes": 48}
	EOF
	assert_success
	cipher=$(field 1 .ciphertext_b64)
	assert_equal "$(field 2 .data_b64 | base64 -d | wc -c)" 48
	run tpmctl batch <<-EOF
		{"id": 1, "op": "decrypt", "path": "b-dec", "ciphertext_b64": "$cipher"}
	EOF
	assert_success
	assert_equal "$(field 1 .data_b64)" "$DATA_B64"
	# The command decrypts what the batch encrypted.
	base64 -d <<<"$cipher" >"$BATS_TEST_TMPDIR/cipher"
	tpmctl decrypt b-dec -i "$BATS_TEST_TMPDIR/cipher" -o "$BATS_TEST_TMPDIR/plain"
	cmp "$BATS_TEST_TMPDIR/plain" "$BATS_FILE_TMPDIR/data"
}

@test "seal then unseal returns what seal got, with and without a password" {
	secret=$(head -c 64 /dev/urandom | base64 -w0)
	run tpmctl batch <<-EOF
		{"id": 1, "op": "seal", "path": "b-sealed", "data_b64": "$secret", "auth": "s3"}
		{"id": 2, "op": "unseal", "path": "b-sealed", "auth": "s3"}
		{"id": 3, "op": "seal", "path": "b-open", "data_b64": "$DATA_B64", "pcrs": "sha256:0"}
		{"id": 4, "op": "unseal", "path": "b-open"}
	EOF
	assert_success
	assert_equal "$(field 1 .path)" /P_RSA2048SHA256/HS/SRK/b-sealed
	assert_equal "$(field 1 .needs_password)" true
	assert_equal "$(field 2 .data_b64)" "$secret"
	assert_equal "$(field 3 .pcrs)" sha256:0
	assert_equal "$(field 4 .data_b64)" "$DATA_B64"
	# The command unseals what the batch sealed.
	printf 's3' >"$BATS_TEST_TMPDIR/pw"
	assert_equal "$(tpmctl unseal b-sealed --auth-file "$BATS_TEST_TMPDIR/pw" | base64 -w0)" "$secret"
}

@test "pcr_read has the shape of pcr read --json; pcr_extend changes the PCR" {
	run tpmctl batch <<-EOF
		{"id": 1, "op": "pcr_read", "pcrs": "sha256:16"}
		{"id": 2, "op": "pcr_extend", "pcr": 16, "data_b64": "aGVsbG8="}
		{"id": 3, "op": "pcr_extend", "pcr": 16, "bank": "sha256", "digest_b64": "$(head -c 32 /dev/zero | base64 -w0)"}
		{"id": 4, "op": "pcr_read", "pcrs": "sha256:16"}
	EOF
	assert_success
	assert_equal "$(reply 1 | jq -c '.pcrs | keys, (.sha256 | keys)')" '["sha256"]
["16"]'
	assert_equal "$(field 2 .digests.sha256)" "$(printf hello | sha256sum | cut -d' ' -f1)"
	assert_equal "$(reply 4 | jq -c .pcrs)" "$(tpmctl --json pcr read sha256:16 | jq -c .)"
	# The value: extended with sha256("hello"), then with 32 zero bytes.
	v1=$({ printf '%064d' 0 | xxd -r -p; printf hello | openssl dgst -sha256 -binary; } | openssl dgst -sha256 -binary | xxd -p -c 64)
	v2=$({ xxd -r -p <<<"$v1"; head -c 32 /dev/zero; } | openssl dgst -sha256 -binary | xxd -p -c 64)
	assert_equal "$(field 4 '.pcrs.sha256["16"]')" "$v2"
}

@test "key_create, key_show (as key show --json), list and delete" {
	run tpmctl batch <<-EOF
		{"id": 1, "op": "key_create", "path": "b-new", "alg": "ecc256", "type": "sign", "description": "d"}
		{"id": 2, "op": "key_show", "path": "b-new"}
	EOF
	assert_success
	assert_equal "$(reply 1)" '{"id":1,"ok":true,"path":"/P_ECCP256SHA256/HS/SRK/b-new","type":"sign","profile":"P_ECCP256SHA256","persistent_handle":null,"needs_password":false}'
	assert_equal "$(field 2 .algorithm)" ecc256
	assert_equal "$(field 2 .description)" d
	assert_equal "$(reply 2 | jq -c 'del(.id, .ok)')" "$(tpmctl --json key show b-new | jq -c .)"
	run tpmctl batch <<-EOF
		{"id": 3, "op": "list", "path": "/P_ECCP256SHA256/HS/SRK"}
		{"id": 4, "op": "delete", "path": "b-new"}
		{"id": 5, "op": "list", "path": "/P_ECCP256SHA256/HS/SRK"}
	EOF
	assert_success
	assert_equal "$(field 1 '.paths | index("/P_ECCP256SHA256/HS/SRK/b-new") != null')" true
	assert_equal "$(reply 2)" '{"id":4,"ok":true,"deleted":["/P_ECCP256SHA256/HS/SRK/b-new"]}'
	assert_equal "$(field 3 '.paths | index("/P_ECCP256SHA256/HS/SRK/b-new")')" null
	run tpmctl key show b-new
	assert_failure 4
}

@test "error lines: malformed JSON, unknown op, missing field, bad base64, wrong password; the stream goes on" {
	run tpmctl batch <<-EOF
		{"id": 1, "op": "random", "bytes": 4
		{"id": 2, "op": "frobnicate"}
		{"id": 3, "op": "sign", "data_b64": "AAAA"}
		{"id": 4, "op": "sign", "path": "b-rsa", "data_b64": "not base64!"}
		{"id": 5, "op": "sign", "path": "b-pw", "data_b64": "AAAA", "auth": "wrong"}
		{"id": 6, "op": "random", "bytes": "4"}
		{"id": 7, "op": "random", "bytes": 4, "extra": 1}
		{"id": 8, "op": "sign", "path": "no-such-key", "data_b64": "AAAA"}
		{"id": 9, "op": "sign", "path": "b-pw", "data_b64": "AAAA"}
		[1, 2]
		{"id": 10, "op": "random", "bytes": 4}
	EOF
	assert_success
	assert_equal "${#lines[@]}" 11
	assert_line -n 0 --regexp '^\{"ok":false,"exit":2,"error":"malformed JSON: .*"\}$'
	assert_line -n 1 --regexp '^\{"id":2,"ok":false,"exit":2,"error":"unknown op \\"frobnicate\\" \(the ops: sign, verify, .*\)"\}$'
	assert_line -n 2 '{"id":3,"ok":false,"exit":2,"error":"the request has no \"path\""}'
	assert_line -n 3 '{"id":4,"ok":false,"exit":3,"error":"\"data_b64\" is not valid base64"}'
	assert_line -n 4 --regexp '^\{"id":5,"ok":false,"exit":5,"error":"signing with /P_ECCP256SHA256/HS/SRK/b-pw: .*wrong password.*"\}$'
	assert_line -n 5 '{"id":6,"ok":false,"exit":2,"error":"\"bytes\" must be a whole number"}'
	assert_line -n 6 '{"id":7,"ok":false,"exit":2,"error":"random takes no field \"extra\""}'
	assert_equal "$(field 8 .exit)" 4
	# The CLI's own line for the same failure, without "tpmctl: sign: ".
	cli=$(printf 'AAAA' | base64 -d | "$TPMCTL" sign no-such-key 2>&1 >/dev/null) || true
	assert_equal "tpmctl: sign: $(field 8 .error)" "$cli"
	assert_line -n 8 --regexp '^\{"id":9,"ok":false,"exit":5,"error":".*needs a password.*"\}$'
	assert_line -n 9 '{"ok":false,"exit":2,"error":"a request must be a JSON object"}'
	assert_line -n 10 --regexp '^\{"id":10,"ok":true,"data_b64":"[A-Za-z0-9+/]{6}=="\}$'
}

@test "the default password (--auth-file) serves requests without auth" {
	run tpmctl batch --auth-file "$BATS_FILE_TMPDIR/pw" <<-EOF
		{"id": 1, "op": "sign", "path": "b-pw", "data_b64": "AAAA"}
		{"id": 2, "op": "sign", "path": "b-pw", "data_b64": "AAAA", "auth": "wrong"}
	EOF
	assert_success
	assert_equal "$(field 1 .ok)" true
	assert_equal "$(field 2 .exit)" 5
	run tpmctl batch --auth-fd 0 </dev/null
	assert_failure 2
}

@test "ids are echoed as given, replies come in request order" {
	{
		for i in $(seq 1 40); do
			case $((i % 4)) in
			0) echo "{\"id\": $i, \"op\": \"random\", \"bytes\": $i}" ;;
			1) echo "{\"id\": \"s-$i\", \"op\": \"sign\", \"path\": \"b-ecc\", \"data_b64\": \"AAAA\"}" ;;
			2) echo "{\"op\": \"pcr_read\", \"pcrs\": \"sha1:$((i % 24))\"}" ;;
			3) echo "{\"id\": 1.50, \"op\": \"list\"}" ;;
			esac
		done
	} >"$BATS_TEST_TMPDIR/requests"
	run tpmctl batch <"$BATS_TEST_TMPDIR/requests"
	assert_success
	assert_equal "${#lines[@]}" 40
	for i in $(seq 1 40); do
		line=${lines[$((i - 1))]}
		case $((i % 4)) in
		0) [[ $line == "{\"id\":$i,\"ok\":true,\"data_b64\":"* ]] || fail "line $i: $line"
		   assert_equal "$(jq -r .data_b64 <<<"$line" | base64 -d | wc -c)" "$i" ;;
		1) [[ $line == "{\"id\":\"s-$i\",\"ok\":true,\"signature_b64\":"* ]] || fail "line $i: $line" ;;
		2) [[ $line == "{\"ok\":true,\"pcrs\":{\"sha1\":{\"$((i % 24))\":"* ]] || fail "line $i: $line" ;;
		3) [[ $line == '{"id":1.50,"ok":true,"paths":'* ]] || fail "line $i: $line" ;;
		esac
	done
}

@test "a line over 16 MiB gets an error line, without id; the next request is answered" {
	{
		printf '{"id": 1, "op": "random", "bytes": 1, "pad": "'
		head -c $((17 * 1024 * 1024)) /dev/zero | tr '\0' a
		printf '"}\n{"id": 2, "op": "random", "bytes": 2}\n'
	} >"$BATS_TEST_TMPDIR/big"
	run tpmctl batch <"$BATS_TEST_TMPDIR/big"
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_line -n 0 '{"ok":false,"exit":3,"error":"the request is longer than 16777216 bytes"}'
	assert_line -n 1 --regexp '^\{"id":2,"ok":true,"data_b64":"[A-Za-z0-9+/]{3}="\}$'
}

# A batch reading from a FIFO, so that the test writes requests one by one.
start_batch() {
	mkfifo "$BATS_TEST_TMPDIR/in"
	"$TPMCTL" batch "$@" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	BATCH_PID=$!
	exec {BATCH_FD}>"$BATS_TEST_TMPDIR/in"
}

# Waits until the batch has written N reply lines.
wait_replies() {
	local n=$1 tries=0
	while [ "$(wc -l <"$BATS_TEST_TMPDIR/out")" -lt "$n" ]; do
		kill -0 "$BATCH_PID" 2>/dev/null || fail "batch died: $(cat "$BATS_TEST_TMPDIR/err")"
		tries=$((tries + 1))
		[ "$tries" -lt 6000 ] || fail "no reply $n: $(cat "$BATS_TEST_TMPDIR/out")"
		sleep 0.05
	done
}

fd_count() { ls "/proc/$BATCH_PID/fd" | wc -l; }
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$BATCH_PID/status"; }

@test "another tpmctl deletes a key between two requests: an error line, not a crash" {
	tpmctl -q key create b-gone --alg ecc256
	start_batch
	echo '{"id": 1, "op": "sign", "path": "b-gone", "data_b64": "AAAA"}' >&"$BATCH_FD"
	wait_replies 1
	# The keystore is not locked while the batch waits: this does not block.
	run timeout 20 "$TPMCTL" delete b-gone
	assert_success
	echo '{"id": 2, "op": "sign", "path": "b-gone", "data_b64": "AAAA"}' >&"$BATCH_FD"
	echo '{"id": 3, "op": "sign", "path": "b-ecc", "data_b64": "AAAA"}' >&"$BATCH_FD"
	exec {BATCH_FD}>&-
	wait "$BATCH_PID"
	run cat "$BATS_TEST_TMPDIR/out"
	assert_equal "$(field 1 .ok)" true
	assert_equal "$(field 2 .exit)" 4
	assert_equal "$(field 3 .ok)" true
}

@test "a key used again is loaded once: 20 signs, one Load, 20 Sign, one Flush" {
	# (A key without a password is not asked for its name before each use:
	# its signature is checked instead; see the next test.)
	for i in $(seq 20); do
		echo "{\"id\": $i, \"op\": \"sign\", \"path\": \"b-rsa\", \"data_b64\": \"$DATA_B64\"}"
	done >"$BATS_TEST_TMPDIR/in"
	local cap=$BATS_TEST_TMPDIR/bus.pcap
	TCTI_PCAP_FILE=$cap run tpmctl --tcti "pcap:$TPMCTL_TCTI" batch <"$BATS_TEST_TMPDIR/in"
	assert_success
	assert_equal "$(grep -c '"ok":true' <<<"$output")" 20
	commands=$(python3 "$BATS_TEST_DIRNAME/../lib/tpm_commands.py" "$cap")
	assert_equal "$(grep -cx 0x00000157 <<<"$commands")" 1 # Load
	assert_equal "$(grep -cx 0x0000015d <<<"$commands")" 20 # Sign
	assert_equal "$(grep -cx 0x00000165 <<<"$commands")" 1 # FlushContext, at the end
	assert_equal "$(grep -c . <<<"$commands")" 22
	assert_equal "$(tpm_handles transient)" ""
}

@test "another program replacing the kept key at its handle again and again: every signature is the key's" {
	local k=$BATS_TEST_TMPDIR/other n=150 i ok
	# The other program's key: RSA-PSS, no password, as b-rsa, under the SRK.
	tpm2_create -T "$TPMCTL_TCTI" -Q -C 0x81000001 -G rsa2048:rsapss-sha256:null \
		-a 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign' -u "$k.pub" -r "$k.priv"
	for i in $(seq "$n"); do
		echo "{\"id\": $i, \"op\": \"sign\", \"path\": \"b-rsa\", \"data_b64\": \"$DATA_B64\"}"
	done >"$BATS_TEST_TMPDIR/requests"
	start_batch
	# While the batch signs, the other program (which takes no lock) flushes
	# every object and loads its key, which takes the freed handle.
	(
		exec {BATCH_FD}>&- # the batch's input ends with the test's writer
		while kill -0 "$BATCH_PID" 2>/dev/null; do
			tpm2_flushcontext -T "$TPMCTL_TCTI" --transient-object 2>/dev/null
			tpm2_load -T "$TPMCTL_TCTI" -Q -C 0x81000001 -u "$k.pub" -r "$k.priv" -c "$k.ctx" 2>/dev/null
		done
	) &
	local other_pid=$!
	cat "$BATS_TEST_TMPDIR/requests" >&"$BATCH_FD"
	exec {BATCH_FD}>&-
	wait "$BATCH_PID" || true
	wait "$other_pid"
	tpm2_flushcontext -T "$TPMCTL_TCTI" --transient-object
	run cat "$BATS_TEST_TMPDIR/out"
	assert_equal "${#lines[@]}" "$n"
	ok=0
	for i in $(seq "$n"); do
		[ "$(field "$i" .ok)" = true ] || continue
		field "$i" .signature_b64 | b64_to_file "$BATS_TEST_TMPDIR/sig"
		openssl dgst -sha256 -sigopt rsa_padding_mode:pss -verify "$BATS_FILE_TMPDIR/b-rsa.pem" \
			-signature "$BATS_TEST_TMPDIR/sig" "$BATS_FILE_TMPDIR/data" >/dev/null ||
			fail "reply $i is not b-rsa's signature: $(reply "$i")"
		ok=$((ok + 1))
	done
	# Most requests still succeed; a few may fail while the other program
	# flushes the key between its load and its use (an error line).
	[ "$ok" -ge $((n / 2)) ] || fail "only $ok of $n signs succeeded: $(grep -m3 '"ok":false' <<<"$output")"
}

@test "10000 requests: no growth of file descriptors, memory or TPM handles" {
	line() { # the i-th request of a mix
		case $(($1 % 10)) in
		0) echo "{\"id\": $1, \"op\": \"random\", \"bytes\": 32}" ;;
		5) echo "{\"id\": $1, \"op\": \"sign\", \"path\": \"b-ecc\", \"data_b64\": \"AAAA\"}" ;;
		1 | 6) echo "{\"id\": $1, \"op\": \"list\", \"path\": \"/HS/SRK\"}" ;;
		2) echo "{\"id\": $1, \"op\": \"key_show\", \"path\": \"b-rsa\"}" ;;
		3) echo "{\"id\": $1, \"op\": \"sign\", \"path\": \"no-such\", \"data_b64\": \"AAAA\"}" ;;
		4) echo "{\"id\": $1, \"op\": \"random\", \"bytes\": \"x\"}" ;;
		*) echo "{\"id\": $1, \"op\": \"pcr_read\", \"pcrs\": \"sha256:0,1,2\"}" ;;
		esac
	}
	for i in $(seq 1 1000); do line "$i"; done >"$BATS_TEST_TMPDIR/first"
	for i in $(seq 1001 10000); do line "$i"; done >"$BATS_TEST_TMPDIR/rest"
	start_batch
	cat "$BATS_TEST_TMPDIR/first" >&"$BATCH_FD"
	wait_replies 1000
	fds_early=$(fd_count) rss_early=$(rss_kib)
	cat "$BATS_TEST_TMPDIR/rest" >&"$BATCH_FD"
	wait_replies 10000
	fds_late=$(fd_count) rss_late=$(rss_kib)
	assert_equal "$(tpm_handles transient)" ""
	assert_equal "$(tpm_handles loaded-session)" ""
	exec {BATCH_FD}>&-
	wait "$BATCH_PID"
	assert_equal "$fds_late" "$fds_early"
	# Allocator noise, not growth: 10000 requests leaking would be far more.
	# Under ASan, freed memory waits in its quarantine and VmRSS grows with
	# the traffic: there LeakSanitizer checks the exit instead, and the plain
	# run checks VmRSS.
	if [ -z "${TPMCTL_SANITIZER_DIR:-}" ]; then
		[ "$rss_late" -le $((rss_early + 2048)) ] || fail "VmRSS grew from $rss_early to $rss_late KiB"
	fi
	run cat "$BATS_TEST_TMPDIR/out"
	assert_equal "${#lines[@]}" 10000
	assert_equal "$(grep -c '"ok":true' <<<"$output")" 8000
	assert_equal "$(sed -n 10000p <<<"$output" | jq .id)" 10000
}

@test "EOF: exit 0, nothing left in the TPM" {
	run tpmctl batch <<<'{"id": 1, "op": "sign", "path": "b-rsa", "data_b64": "AAAA"}'
	assert_success
	assert_equal "$(tpm_handles transient)" ""
	run tpmctl batch </dev/null
	assert_success
	assert_output ""
}

@test "SIGTERM while waiting for input: exit 143, nothing left in the TPM" {
	start_batch
	echo '{"id": 1, "op": "sign", "path": "b-rsa", "data_b64": "AAAA"}' >&"$BATCH_FD"
	wait_replies 1
	kill -TERM "$BATCH_PID"
	status=0
	wait "$BATCH_PID" || status=$?
	exec {BATCH_FD}>&-
	assert_equal "$status" 143
	assert_equal "$(tpm_handles transient)" ""
}

@test "SIGTERM mid-stream: the request under way is answered, exit 143, TPM clean" {
	start_batch
	for i in $(seq 1 50); do
		echo "{\"id\": $i, \"op\": \"random\", \"bytes\": 16384}" >&"$BATCH_FD"
	done
	wait_replies 1
	kill -TERM "$BATCH_PID"
	status=0
	wait "$BATCH_PID" || status=$?
	exec {BATCH_FD}>&-
	assert_equal "$status" 143
	run cat "$BATS_TEST_TMPDIR/out"
	[ "${#lines[@]}" -lt 50 ] || fail "all 50 requests ran despite SIGTERM"
	for l in "${lines[@]}"; do
		[[ $l == '{"id":'*',"ok":true,"data_b64":"'*'"}' ]] || fail "a cut reply: ${l:0:80}"
	done
	assert_equal "$(tpm_handles transient)" ""
	assert_equal "$(tpm_handles loaded-session)" ""
}

@test "batch --help names the options and the exit statuses" {
	run tpmctl batch --help
	assert_success
	assert_output --partial "--auth-file"
	assert_output --partial "128+N"
}

# The examples of the man page's batch section, run as they are written: a
# block of commands, and after it, if any, the replies it prints ("..."
# matches any string).
@test "the examples of man tpmctl batch run and print what the page says" {
	scd=$BATS_TEST_DIRNAME/../../man/tpmctl.1.scd
	section=$(sed -n '/^## batch$/,/^## /p' "$scd")
	[ -n "$section" ] || fail "no batch section in the man page"
	mkdir "$BATS_TEST_TMPDIR/ex" && cd "$BATS_TEST_TMPDIR/ex"
	echo one >a.txt && echo two >b.txt && printf 'pw-ex' >pw.txt
	mkdir bin && printf '#!/bin/sh\nexec "%s" "$@"\n' "$TPMCTL" >bin/tpmctl && chmod +x bin/tpmctl
	# Blocks, unescaped as scdoc does, separated by NUL.
	awk '/^```$/ { if (inblock) { printf "%c", 0; inblock = 0 } else inblock = 1; next }
	     inblock { gsub(/\\\\/, "\\"); print }' <<<"$section" >blocks
	n=0 last_output=
	while IFS= read -r -d '' block; do
		if [[ $block == '{'* ]]; then
			[ -n "$last_output" ] || fail "replies without a command block before them"
			mapfile -t want <<<"${block%$'\n'}"
			mapfile -t got <<<"$last_output"
			assert_equal "${#got[@]}" "${#want[@]}"
			for i in "${!want[@]}"; do
				pattern=$(sed 's/[][\.*^$+?(){}|/]/\\&/g; s/"\\\.\\\.\\\."/"[^"]*"/g' <<<"${want[$i]}")
				[[ ${got[$i]} =~ ^${pattern}$ ]] || fail "example reply: got ${got[$i]}, page says ${want[$i]}"
			done
			last_output=
			continue
		fi
		n=$((n + 1))
		last_output=$(PATH=$PWD/bin:$PATH bash -eo pipefail -c "$block") ||
			fail "example $n failed: $block"
		[ -n "$last_output" ] || fail "example $n printed nothing"
	done <blocks
	[ "$n" -ge 3 ] || fail "only $n example blocks found"
}

@test "every op of the table is named in batch --help and in the man page" {
	reply=$(echo '{"op": "no-such-op"}' | tpmctl batch)
	ops=$(jq -r .error <<<"$reply" | sed -n 's/.*(the ops: \(.*\))$/\1/p' | tr -d ,)
	[ "$(wc -w <<<"$ops")" -ge 20 ] || fail "ops: $ops"
	help=$(tpmctl batch --help | tr -s ' \n,' ' ')
	scd=$BATS_TEST_DIRNAME/../../man/tpmctl.1.scd
	for op in $ops; do
		[[ " $help " == *" $op "* || " $help " == *" $op; "* ]] || fail "batch --help lacks $op"
		grep -q "^|  $op\$\|_${op}_\|\*$op\*" "$scd" || fail "the man page lacks op $op"
	done
}

@test "batch import: tpm2_create blobs, a TSS2 PEM key file and a public key, in the request" {
	tpm2_create -T "$TPMCTL_TCTI" -C 0x81000001 -G ecc -u "$BATS_TEST_TMPDIR/k.pub" -r "$BATS_TEST_TMPDIR/k.priv" >/dev/null
	tpmctl -q key create bi-src
	tpmctl -q export bi-src --format pem -o "$BATS_TEST_TMPDIR/src.pem"
	tpmctl export-public bi-src -o "$BATS_TEST_TMPDIR/src.pub.pem"
	tpmctl -q delete bi-src
	{
		jq -nc --arg p "$(base64 -w0 "$BATS_TEST_TMPDIR/k.pub")" --arg q "$(base64 -w0 "$BATS_TEST_TMPDIR/k.priv")" \
			'{id: 1, op: "import", path: "bi-blobs", pub_b64: $p, priv_b64: $q}'
		jq -nc --rawfile pem "$BATS_TEST_TMPDIR/src.pem" '{id: 2, op: "import", path: "bi-pem", tss2_pem: $pem}'
		jq -nc --rawfile pem "$BATS_TEST_TMPDIR/src.pub.pem" '{id: 3, op: "import", path: "bi-pub", pubkey_pem: $pem}'
		echo '{"id": 4, "op": "import", "path": "bi-none"}'
		echo '{"id": 5, "op": "import", "path": "bi-bad", "tss2_pem": "not a key"}'
	} >"$BATS_TEST_TMPDIR/req"
	run tpmctl batch <"$BATS_TEST_TMPDIR/req"
	assert_success
	assert_line -n 0 '{"id":1,"ok":true,"path":"/HS/SRK/bi-blobs"}'
	assert_line -n 1 '{"id":2,"ok":true,"path":"/HS/SRK/bi-pem"}'
	assert_line -n 2 '{"id":3,"ok":true,"path":"/ext/bi-pub"}'
	assert_line -n 3 '{"id":4,"ok":false,"exit":2,"error":"give pub_b64 and priv_b64, tss2_pem, or pubkey_pem"}'
	assert_line -n 4 --regexp '^\{"id":5,"ok":false,"exit":3,'
	# The imported keys sign, and the imported public key verifies bi-pem's signatures.
	printf 'imported' >"$BATS_TEST_TMPDIR/d"
	tpmctl sign bi-blobs -i "$BATS_TEST_TMPDIR/d" -o "$BATS_TEST_TMPDIR/s1"
	tpmctl verify bi-blobs -i "$BATS_TEST_TMPDIR/d" -s "$BATS_TEST_TMPDIR/s1"
	tpmctl sign bi-pem -i "$BATS_TEST_TMPDIR/d" -o "$BATS_TEST_TMPDIR/s2"
	run tpmctl verify /ext/bi-pub -i "$BATS_TEST_TMPDIR/d" -s "$BATS_TEST_TMPDIR/s2"
	assert_output valid
	tpmctl -q delete bi-blobs bi-pem /ext/bi-pub
}
