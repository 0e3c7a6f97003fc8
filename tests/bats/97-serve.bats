#!/usr/bin/env bats
# tpmctl serve: the operations over HTTP/JSON on a unix socket (or TCP with a
# bearer token), served by one TPM context; clients are curl and python3.

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
	start_tpm
	"$TPMCTL" -q key create s-rsa
	"$TPMCTL" -q key create s-ecc --alg ecc256
	"$TPMCTL" export-public s-rsa -o "$BATS_FILE_TMPDIR/s-rsa.pem"
	"$TPMCTL" export-public s-ecc -o "$BATS_FILE_TMPDIR/s-ecc.pem"
	head -c 3000 /dev/urandom >"$BATS_FILE_TMPDIR/data"
	DATA_B64=$(base64 -w0 "$BATS_FILE_TMPDIR/data")
	export DATA_B64
	printf 'tok-0123456789abcdef-xyz\n' >"$BATS_FILE_TMPDIR/token"
}

setup() {
	SOCK=$BATS_TEST_TMPDIR/tpmctl.sock
	SERVER_LOG=$BATS_TEST_TMPDIR/serve.log
	SERVER_PID=
}

# Starts the server in the background with these options, and waits until it
# listens (its first log line).
start_server() {
	"$TPMCTL" serve "$@" 2>"$SERVER_LOG" &
	SERVER_PID=$!
	for _ in $(seq 200); do
		grep -q 'listening on' "$SERVER_LOG" 2>/dev/null && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.05
	done
	cat "$SERVER_LOG" >&2
	fail "the server did not start"
}

start_unix() {
	start_server --listen "unix:$SOCK" "$@"
}

# SIGTERM; the server's exit status in SERVER_STATUS.
stop_server() {
	SERVER_STATUS=0
	[ -n "$SERVER_PID" ] || return 0
	kill -TERM "$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" || SERVER_STATUS=$?
	SERVER_PID=
	if [ "$SERVER_STATUS" -eq 86 ] && [ -n "${TPMCTL_SANITIZER_DIR:-}" ]; then
		echo "tpmctl serve ($BATS_TEST_NAME)" >>"$TPMCTL_SANITIZER_DIR/exit86-$$"
	fi
}

teardown() {
	stop_server
	assert_tpm_clean
}

# call METHOD PATH [BODY]: CODE gets the HTTP status, BODY the reply. BODY
# may be @FILE.
call() {
	local args=(-sS --unix-socket "$SOCK" -X "$1" -o "$BATS_TEST_TMPDIR/reply" -w '%{http_code}')
	[ $# -lt 3 ] || args+=(-H 'Content-Type: application/json' --data-binary "$3")
	CODE=$(curl "${args[@]}" "http://tpmctl$2") || fail "curl $1 $2 failed"
	BODY=$(cat "$BATS_TEST_TMPDIR/reply")
}

op() { # op NAME BODY
	call POST "/v1/op/$1" "$2"
}

expect() { # expect CODE: the last call's status
	[ "$CODE" = "$1" ] || fail "HTTP $CODE, not $1: $BODY"
}

f() { jq -r "$1" <<<"$BODY"; }

@test "the story: key_create, sign (openssl verifies), verify, seal/unseal with a PCR policy, random, delete" {
	start_unix
	op key_create '{"path": "story", "alg": "ecc256"}'
	expect 200
	assert_equal "$(f .path)" /P_ECCP256SHA256/HS/SRK/story
	op key_show '{"path": "/P_ECCP256SHA256/HS/SRK/story"}'
	expect 200
	# The command line works on the keystore while the server runs.
	tpmctl --profile P_ECCP256SHA256 export-public story -o "$BATS_TEST_TMPDIR/story.pem"
	op sign "{\"path\": \"/P_ECCP256SHA256/HS/SRK/story\", \"data_b64\": \"$DATA_B64\"}"
	expect 200
	f .signature_b64 | base64 -d >"$BATS_TEST_TMPDIR/sig"
	run openssl dgst -sha256 -verify "$BATS_TEST_TMPDIR/story.pem" \
		-signature "$BATS_TEST_TMPDIR/sig" "$BATS_FILE_TMPDIR/data"
	assert_success
	sig=$(base64 -w0 "$BATS_TEST_TMPDIR/sig")
	op verify "{\"path\": \"/P_ECCP256SHA256/HS/SRK/story\", \"data_b64\": \"$DATA_B64\", \"signature_b64\": \"$sig\"}"
	expect 200
	assert_equal "$BODY" '{"valid":true}'
	op verify "{\"path\": \"/P_ECCP256SHA256/HS/SRK/story\", \"data_b64\": \"AAAA\", \"signature_b64\": \"$sig\"}"
	expect 200
	assert_equal "$BODY" '{"valid":false}'

	# RSA-PSS with a key the command line made.
	op sign "{\"path\": \"s-rsa\", \"data_b64\": \"$DATA_B64\"}"
	expect 200
	f .signature_b64 | base64 -d >"$BATS_TEST_TMPDIR/rsa.sig"
	run openssl dgst -sha256 -sigopt rsa_padding_mode:pss -verify "$BATS_FILE_TMPDIR/s-rsa.pem" \
		-signature "$BATS_TEST_TMPDIR/rsa.sig" "$BATS_FILE_TMPDIR/data"
	assert_success

	secret=$(head -c 32 /dev/urandom | base64 -w0)
	op seal "{\"path\": \"sealed\", \"data_b64\": \"$secret\", \"pcrs\": \"sha256:16\"}"
	expect 200
	op unseal '{"path": "sealed"}'
	expect 200
	assert_equal "$(f .data_b64)" "$secret"
	# The PCR moves: the policy no longer holds (exit 6, 412).
	tpmctl pcr extend 16 -i "$BATS_FILE_TMPDIR/data" >/dev/null
	op unseal '{"path": "sealed"}'
	expect 412
	assert_equal "$(f .exit)" 6

	op random '{"bytes": 40}'
	expect 200
	assert_equal "$(f .data_b64 | base64 -d | wc -c)" 40

	op delete '{"path": "sealed"}'
	expect 200
	op delete '{"path": "/P_ECCP256SHA256/HS/SRK/story"}'
	expect 200
	op key_show '{"path": "/P_ECCP256SHA256/HS/SRK/story"}'
	expect 404
	assert_equal "$(f .exit)" 4
	run tpmctl list
	refute_output --partial story
}

@test "bad input: malformed JSON, types, unknown fields, base64, not an object, id/op, '..' -> 400" {
	start_unix
	op sign '{"path": "s-rsa", "data_b64": '
	expect 400
	assert_equal "$(f .exit)" 2
	[[ $(f .error) == "malformed JSON"* ]] || fail "$BODY"
	op random '{"bytes": "8"}'
	expect 400
	assert_equal "$BODY" '{"error":"\"bytes\" must be a whole number","exit":2}'
	op sign '{"path": "s-rsa", "data_b64": "AAAA", "colour": "red"}'
	expect 400
	assert_equal "$(f .error)" 'sign takes no field "colour"'
	op sign '{"path": "s-rsa", "data_b64": "not base64!"}'
	expect 400
	assert_equal "$BODY" '{"error":"\"data_b64\" is not valid base64","exit":3}'
	op sign '[1, 2]'
	expect 400
	op random '{"bytes": 8, "op": "sign"}'
	expect 400
	assert_equal "$(f .error)" 'random takes no field "op"'
	op random '{"bytes": 8, "id": 1}'
	expect 400
	op key_show '{"path": "../../etc/passwd"}'
	expect 400
	op key_show '{"path": "/P_RSA2048SHA256/HS/SRK/../SRK"}'
	expect 400
	# An empty body is an empty request.
	op list ''
	expect 200
	# The server is still there.
	call GET /v1/health
	expect 200
}

@test "a body over --max-body is 413, declared or chunked, and the server still serves" {
	start_unix --max-body 4096
	head -c 5000 /dev/zero | tr '\0' a >"$BATS_TEST_TMPDIR/big"
	op sign "@$BATS_TEST_TMPDIR/big"
	expect 413
	assert_equal "$(f .exit)" 3
	CODE=$(curl -sS --unix-socket "$SOCK" -H 'Transfer-Encoding: chunked' \
		--data-binary "@$BATS_TEST_TMPDIR/big" -o /dev/null -w '%{http_code}' \
		http://tpmctl/v1/op/sign)
	expect 413
	op random '{"bytes": 8}'
	expect 200
	call GET /v1/health
	expect 200
	assert_equal "$BODY" '{"status":"ok"}'
}

@test "unknown route or op -> 404, wrong method -> 405 with Allow" {
	start_unix
	call GET /v1/nothing
	expect 404
	call GET /
	expect 404
	op nosuchop '{}'
	expect 404
	assert_equal "$(f .exit)" 4
	call POST /v1/op/ '{}'
	expect 404
	call POST /v1/op/sign/more '{}'
	expect 404
	call GET /v1/op/sign
	expect 405
	call DELETE /v1/keys
	expect 405
	call POST /v1/health '{}'
	expect 405
	run curl -sS --unix-socket "$SOCK" -D - -o /dev/null -X PUT http://tpmctl/v1/info
	assert_line --partial 'Allow: GET'
}

@test "the socket is 0660; a second server on the same socket is refused (exit 9)" {
	start_unix
	assert_equal "$(stat -c %a "$SOCK")" 660
	run tpmctl serve --listen "unix:$SOCK"
	assert_failure 9
	assert_output --partial "already listens"
	call GET /v1/health
	expect 200
}

@test "TCP: refused without --token-file; 401 without or with a wrong token, 200 with it" {
	run tpmctl serve --listen tcp:127.0.0.1:0
	assert_failure 2
	assert_output --partial "needs --token-file"
	start_server --listen tcp:0 --token-file "$BATS_FILE_TMPDIR/token"
	port=$(sed -n 's/.*listening on tcp:127\.0\.0\.1:\([0-9]*\).*/\1/p' "$SERVER_LOG")
	[ -n "$port" ] || fail "no port in: $(cat "$SERVER_LOG")"
	url=http://127.0.0.1:$port/v1/op/random
	run curl -sS -o /dev/null -w '%{http_code}' -d '{"bytes": 4}' "$url"
	assert_output 401
	run curl -sS -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer tok-0123456789abcdef-xy' \
		-d '{"bytes": 4}' "$url"
	assert_output 401
	run curl -sS -o /dev/null -w '%{http_code}' -H 'Authorization: Basic dG9rOng=' \
		-d '{"bytes": 4}' "$url"
	assert_output 401
	run curl -sS -w '\n%{http_code}' -H 'Authorization: Bearer tok-0123456789abcdef-xyz' \
		-d '{"bytes": 4}' "$url"
	assert_line -n 1 200
	# Neither the token nor a body reaches the log.
	run cat "$SERVER_LOG"
	refute_output --partial tok-0123
	assert_line --partial 'POST /v1/op/random 401'
	assert_line --partial 'POST /v1/op/random 200'
}

@test "a token on the unix socket too; the log has no password" {
	start_unix --token-file "$BATS_FILE_TMPDIR/token"
	call GET /v1/health
	expect 401
	run curl -sS --unix-socket "$SOCK" -H 'Authorization: Bearer tok-0123456789abcdef-xyz' \
		-d '{"path": "pw-key", "auth": "Sekr1t-pw"}' http://tpmctl/v1/op/key_create
	assert_success
	run curl -sS --unix-socket "$SOCK" -H 'Authorization: Bearer tok-0123456789abcdef-xyz' \
		-d "{\"path\": \"pw-key\", \"auth\": \"wrong\", \"data_b64\": \"$DATA_B64\"}" \
		-w '\n%{http_code}' http://tpmctl/v1/op/sign
	assert_line -n 1 403
	run curl -sS --unix-socket "$SOCK" -H 'Authorization: Bearer tok-0123456789abcdef-xyz' \
		-d "{\"path\": \"pw-key\", \"auth\": \"Sekr1t-pw\", \"data_b64\": \"$DATA_B64\"}" \
		-w '\n%{http_code}' http://tpmctl/v1/op/sign
	assert_line -n 1 200
	run cat "$SERVER_LOG"
	refute_output --partial Sekr1t
	refute_output --partial tok-0123
	refute_output --partial "$DATA_B64"
	tpmctl delete pw-key
}

@test "SIGTERM: exit 0, the socket removed, nothing left in the TPM" {
	start_unix
	op sign "{\"path\": \"s-rsa\", \"data_b64\": \"$DATA_B64\"}"
	expect 200
	op sign "{\"path\": \"s-ecc\", \"data_b64\": \"$DATA_B64\"}"
	expect 200
	stop_server
	assert_equal "$SERVER_STATUS" 0
	[ ! -e "$SOCK" ] || fail "the socket is still there"
	grep -q 'Terminated: stopping' "$SERVER_LOG" || fail "$(cat "$SERVER_LOG")"
	assert_tpm_clean
}

@test "SIGINT during a request: the request is answered, then exit 0" {
	start_unix
	# A body sent slowly (about 2 s): the request is under way at the signal.
	printf '{"path": "s-rsa", "data_b64": "%s"}' "$DATA_B64" >"$BATS_TEST_TMPDIR/req"
	curl -sS --unix-socket "$SOCK" --limit-rate 2000 --data-binary "@$BATS_TEST_TMPDIR/req" \
		-o "$BATS_TEST_TMPDIR/reply" -w '%{http_code}' http://tpmctl/v1/op/sign \
		>"$BATS_TEST_TMPDIR/code" &
	client=$!
	sleep 0.7
	kill -INT "$SERVER_PID"
	wait "$client"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/code")" 200
	jq -e .signature_b64 "$BATS_TEST_TMPDIR/reply" >/dev/null
	stop_server
	assert_equal "$SERVER_STATUS" 0
	grep -q 'Interrupt: stopping' "$SERVER_LOG" || fail "$(cat "$SERVER_LOG")"
}

@test "SIGHUP reopens the keystore; the server goes on" {
	start_unix
	op sign "{\"path\": \"s-rsa\", \"data_b64\": \"$DATA_B64\"}"
	expect 200
	kill -HUP "$SERVER_PID"
	sleep 0.2
	op sign "{\"path\": \"s-rsa\", \"data_b64\": \"$DATA_B64\"}"
	expect 200
	grep -q SIGHUP "$SERVER_LOG" || fail "$(cat "$SERVER_LOG")"
}

@test "the command line works on the same keystore while the server runs" {
	start_unix
	op key_create '{"path": "from-http"}'
	expect 200
	# The server keeps its keys loaded between requests, not the lock.
	op sign "{\"path\": \"from-http\", \"data_b64\": \"$DATA_B64\"}"
	expect 200
	tpmctl sign from-http -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/cli.sig"
	tpmctl -q key create from-cli --alg ecc256
	op key_show '{"path": "/P_ECCP256SHA256/HS/SRK/from-cli"}'
	expect 200
	tpmctl delete from-http
	op key_show '{"path": "from-http"}'
	expect 404
	op delete '{"path": "/P_ECCP256SHA256/HS/SRK/from-cli"}'
	expect 200
}

@test "the same answers as the command line: key_show, pcr_read, info, keys" {
	start_unix
	op key_show '{"path": "s-ecc"}'
	expect 200
	assert_equal "$(jq -S . <<<"$BODY")" "$(tpmctl --json key show s-ecc | jq -S .)"
	op pcr_read '{"pcrs": "sha256:0,1,7"}'
	expect 200
	assert_equal "$(jq -c .pcrs <<<"$BODY")" "$(tpmctl --json pcr read sha256:0,1,7 | jq -c .)"
	call GET /v1/info
	expect 200
	assert_equal "$(jq -S 'del(.lockout)' <<<"$BODY")" "$(tpmctl --json info | jq -S 'del(.lockout)')"
	call GET /v1/keys
	expect 200
	assert_equal "$(jq -c '.paths | sort' <<<"$BODY")" "$(tpmctl --json list | jq -c '[.[].path] | sort')"
	assert_equal "$(jq -c '.objects | sort_by(.path)' <<<"$BODY")" "$(tpmctl --json list | jq -c 'sort_by(.path)')"
}

@test "health: 503 with the reason when the TPM is not there" {
	TPMCTL_TCTI="swtpm:path=$BATS_TEST_TMPDIR/none.sock" start_unix --timeout 5
	call GET /v1/health
	expect 503
	assert_equal "$(f .status)" unavailable
	assert_equal "$(f .exit)" 7
	op random '{"bytes": 4}'
	expect 503
}

@test "every route is in openapi.json, and every path of openapi.json is served" {
	start_unix
	call GET /v1/openapi.json
	expect 200
	doc=$BODY
	assert_equal "$(jq -r .openapi <<<"$doc")" 3.0.3
	# The document installed with tpmctl is the one served.
	assert_equal "$(tpmctl serve --openapi | jq -S -c .)" "$(jq -S -c . <<<"$doc")"
	ops=$(sed -n 's/^ *{"\([a-z_0-9]*\)", op_.*/\1/p' "$BATS_TEST_DIRNAME/../../src/ops.c" | sort)
	[ "$(wc -l <<<"$ops")" -ge 10 ] || fail "no ops found in src/ops.c"
	expected=$( (printf '/v1/op/%s\n' $ops; printf '%s\n' /v1/health /v1/info /v1/keys /v1/openapi.json) | sort)
	assert_equal "$(jq -r '.paths | keys[]' <<<"$doc" | sort)" "$expected"
	# Each path answers its method (not 404 or 405), and only that one.
	while read -r path method; do
		M=${method^^}
		if [ "$M" = POST ]; then call POST "$path" '{"unknown_field": 1}'; else call GET "$path"; fi
		[ "$CODE" != 404 ] && [ "$CODE" != 405 ] || fail "$M $path: $CODE $BODY"
		other=GET
		[ "$M" = GET ] && other=POST
		if [ "$other" = POST ]; then call POST "$path" '{}'; else call GET "$path"; fi
		expect 405
	done < <(jq -r '.paths | to_entries[] | .key + " " + (.value | keys[0])' <<<"$doc")
	# Each op's fields are the ones the op takes.
	fields=$(jq -c '.paths["/v1/op/sign"].post.requestBody.content["application/json"].schema.properties | keys' <<<"$doc")
	assert_equal "$fields" '["auth","data_b64","digest_b64","path","scheme"]'
}

@test "python http.client: keep-alive connection, several requests" {
	start_unix
	run python3 - "$SOCK" <<-'EOF'
		import http.client, json, socket, sys
		class UnixConnection(http.client.HTTPConnection):
		    def __init__(self, path):
		        super().__init__("tpmctl")
		        self.path = path
		    def connect(self):
		        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
		        self.sock.connect(self.path)
		c = UnixConnection(sys.argv[1])
		for i in range(5):
		    c.request("POST", "/v1/op/random", body=json.dumps({"bytes": 8 + i}),
		              headers={"Content-Type": "application/json"})
		    r = c.getresponse()
		    body = json.loads(r.read())
		    print(r.status, len(__import__("base64").b64decode(body["data_b64"])))
		c.request("GET", "/v1/keys")
		r = c.getresponse()
		print(r.status, r.getheader("Content-Type"), "paths" in json.loads(r.read()))
	EOF
	assert_success
	assert_output "200 8
200 9
200 10
200 11
200 12
200 application/json True"
}

@test "load: 4 clients x 150 signs, every signature verifies, no 5xx, no handle left, the CLI gets its turn" {
	start_unix
	python3 - "$SOCK" "$BATS_TEST_TMPDIR" "$DATA_B64" >"$BATS_TEST_TMPDIR/load.out" 2>&1 <<-'EOF' &
		import http.client, json, socket, sys, threading, base64
		sock, out, data = sys.argv[1], sys.argv[2], sys.argv[3]
		class UnixConnection(http.client.HTTPConnection):
		    def __init__(self, path):
		        super().__init__("tpmctl", timeout=120)
		        self.path = path
		    def connect(self):
		        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
		        self.sock.connect(self.path)
		statuses = []
		def client(n):
		    c = UnixConnection(sock)
		    for i in range(150):
		        key = "s-rsa" if i % 2 == 0 else "s-ecc"
		        c.request("POST", "/v1/op/sign", body=json.dumps({"path": key, "data_b64": data}))
		        r = c.getresponse()
		        body = r.read()
		        statuses.append(r.status)
		        if r.status == 200:
		            with open("%s/sig-%s-%d-%d" % (out, key, n, i), "wb") as f:
		                f.write(base64.b64decode(json.loads(body)["signature_b64"]))
		threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
		for t in threads: t.start()
		for t in threads: t.join()
		print(len(statuses), sorted(set(statuses)))
	EOF
	load=$!
	# The command line gets its turn under the load (the server gives the
	# keystore lock up at least every half second).
	sleep 0.2
	kill -0 "$load" || fail "the load ended before the command ran: $(cat "$BATS_TEST_TMPDIR/load.out")"
	run tpmctl --timeout 20 key show s-rsa
	assert_success
	wait "$load" || fail "$(cat "$BATS_TEST_TMPDIR/load.out")"
	run cat "$BATS_TEST_TMPDIR/load.out"
	assert_output "600 [200]"
	n=0
	for sig in "$BATS_TEST_TMPDIR"/sig-s-rsa-*; do
		openssl dgst -sha256 -sigopt rsa_padding_mode:pss -verify "$BATS_FILE_TMPDIR/s-rsa.pem" \
			-signature "$sig" "$BATS_FILE_TMPDIR/data" >/dev/null || fail "$sig does not verify"
		n=$((n + 1))
	done
	for sig in "$BATS_TEST_TMPDIR"/sig-s-ecc-*; do
		openssl dgst -sha256 -verify "$BATS_FILE_TMPDIR/s-ecc.pem" \
			-signature "$sig" "$BATS_FILE_TMPDIR/data" >/dev/null || fail "$sig does not verify"
		n=$((n + 1))
	done
	assert_equal "$n" 600
	run grep -c ' 5[0-9][0-9] ' "$SERVER_LOG"
	assert_output 0
	stop_server
	assert_equal "$SERVER_STATUS" 0
}

@test "socket activation: the socket systemd passes (LISTEN_FDS) is served" {
	command -v systemd-socket-activate >/dev/null || skip "no systemd-socket-activate"
	local env=()
	for var in TPMCTL_TCTI TPMCTL_KEYSTORE TPMCTL_DATADIR DBUS_SESSION_BUS_ADDRESS \
		ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
		[ -z "${!var:-}" ] || env+=(-E "$var")
	done
	systemd-socket-activate "${env[@]}" -l "$SOCK" "$TPMCTL" serve 2>"$SERVER_LOG" &
	SERVER_PID=$!
	for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.05; done
	call GET /v1/health
	expect 200
	grep -q 'from systemd' "$SERVER_LOG" || fail "$(cat "$SERVER_LOG")"
}

@test "TLS: https with --tls-cert/--tls-key; one without the other is refused" {
	run tpmctl serve --listen "unix:$SOCK" --tls-cert "$BATS_FILE_TMPDIR/token"
	assert_failure 2
	assert_output --partial "together"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
		-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
		-keyout "$BATS_TEST_TMPDIR/key.pem" -out "$BATS_TEST_TMPDIR/cert.pem" 2>/dev/null
	start_server --listen tcp:0 --token-file "$BATS_FILE_TMPDIR/token" \
		--tls-cert "$BATS_TEST_TMPDIR/cert.pem" --tls-key "$BATS_TEST_TMPDIR/key.pem"
	port=$(sed -n 's/.*listening on tcp:127\.0\.0\.1:\([0-9]*\) (TLS).*/\1/p' "$SERVER_LOG")
	[ -n "$port" ] || fail "$(cat "$SERVER_LOG")"
	run curl -sS --cacert "$BATS_TEST_TMPDIR/cert.pem" -H 'Authorization: Bearer tok-0123456789abcdef-xyz' \
		"https://127.0.0.1:$port/v1/health"
	assert_success
	assert_output '{"status":"ok"}'
	run curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v1/health"
	refute_output 200
}

@test "meson install puts openapi.json (the served document) and the systemd units in place" {
	build=$(dirname "$TPMCTL")
	[ -f "$build/build.ninja" ] || fail "TPMCTL is not in a meson build directory"
	run meson install -C "$build" --destdir "$BATS_TEST_TMPDIR/root" --no-rebuild
	assert_success
	root=$BATS_TEST_TMPDIR/root
	prefix=$(meson introspect "$build" --buildoptions | jq -r '.[] | select(.name == "prefix") | .value')
	assert_equal "$(jq -S -c . "$root$prefix/share/tpmctl/openapi.json")" \
		"$(tpmctl serve --openapi | jq -S -c .)"
	for unit in tpmctl.socket tpmctl.service; do
		[ -f "$root$prefix/lib/systemd/system/$unit" ] || fail "no $unit"
	done
	if command -v systemd-analyze >/dev/null; then
		# Only the binary is missing (it is under the destdir).
		run systemd-analyze verify --man=no "$root$prefix/lib/systemd/system/tpmctl.socket" \
			"$root$prefix/lib/systemd/system/tpmctl.service"
		refute_output --regexp '^(.*(Unknown|Invalid|Failed|ignoring).*)$'
	fi
	grep -qx 'SocketMode=0660' "$root$prefix/lib/systemd/system/tpmctl.socket"
	grep -qx 'ProtectSystem=strict' "$root$prefix/lib/systemd/system/tpmctl.service"
	grep -qx 'DeviceAllow=/dev/tpmrm0 rw' "$root$prefix/lib/systemd/system/tpmctl.service"
	grep -qx "ExecStart=$prefix/bin/tpmctl serve" "$root$prefix/lib/systemd/system/tpmctl.service"
}

@test "import of uploaded tpm2-tools blobs: the key signs, openssl verifies" {
	tpm2_create -T "$TPMCTL_TCTI" -C 0x81000001 -G ecc -u "$BATS_TEST_TMPDIR/k.pub" -r "$BATS_TEST_TMPDIR/k.priv" >/dev/null
	start_unix
	op import "$(jq -nc --arg p "$(base64 -w0 "$BATS_TEST_TMPDIR/k.pub")" --arg q "$(base64 -w0 "$BATS_TEST_TMPDIR/k.priv")" \
		'{path: "up-blobs", pub_b64: $p, priv_b64: $q}')"
	expect 200
	assert_equal "$(f .path)" /HS/SRK/up-blobs
	op sign "{\"path\": \"up-blobs\", \"data_b64\": \"$DATA_B64\"}"
	expect 200
	f .signature_b64 | base64 -d >"$BATS_TEST_TMPDIR/sig"
	"$TPMCTL" export-public up-blobs -o "$BATS_TEST_TMPDIR/up.pem"
	run openssl dgst -sha256 -verify "$BATS_TEST_TMPDIR/up.pem" -signature "$BATS_TEST_TMPDIR/sig" "$BATS_FILE_TMPDIR/data"
	assert_output "Verified OK"
	op import '{"path": "up-bad", "pub_b64": "AAAA", "priv_b64": "AAAA"}'
	expect 400
	op delete '{"path": "up-blobs"}'
	expect 200
}

@test "load: 16 clients x 200 signs, every signature verifies, no 5xx, no handle left, RSS flat from 1k to 5k requests" {
	start_unix
	cat >"$BATS_TEST_TMPDIR/load.py" <<-'EOF'
		import http.client, json, socket, sys, threading, base64
		sock, out, data, clients, per, save = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6] == "1"
		class UnixConnection(http.client.HTTPConnection):
		    def __init__(self, path):
		        super().__init__("tpmctl", timeout=300)
		        self.path = path
		    def connect(self):
		        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
		        self.sock.connect(self.path)
		statuses = []
		def client(n):
		    c = UnixConnection(sock)
		    for i in range(per):
		        c.request("POST", "/v1/op/sign", body=json.dumps({"path": "s-ecc", "data_b64": data}))
		        r = c.getresponse()
		        body = r.read()
		        statuses.append(r.status)
		        if save and r.status == 200:
		            with open("%s/sig-%d-%d" % (out, n, i), "wb") as f:
		                f.write(base64.b64decode(json.loads(body)["signature_b64"]))
		threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
		for t in threads: t.start()
		for t in threads: t.join()
		print(len(statuses), sorted(set(statuses)))
	EOF
	rss() { sed -n 's/^VmRSS: *\([0-9]*\) kB/\1/p' "/proc/$SERVER_PID/status"; }
	# 1000 requests first: what the server keeps for itself is there by then.
	run python3 "$BATS_TEST_TMPDIR/load.py" "$SOCK" "$BATS_TEST_TMPDIR" "$DATA_B64" 8 125 0
	assert_output "1000 [200]"
	rss1=$(rss)
	run python3 "$BATS_TEST_TMPDIR/load.py" "$SOCK" "$BATS_TEST_TMPDIR" "$DATA_B64" 16 200 1
	assert_output "3200 [200]"
	run python3 "$BATS_TEST_TMPDIR/load.py" "$SOCK" "$BATS_TEST_TMPDIR" "$DATA_B64" 8 100 0
	assert_output "800 [200]"
	rss2=$(rss)
	# 5000 requests in all: the resident size has not grown (1 MiB of slack
	# for the allocator's arenas of 16 client threads).
	# (Under ASan freed memory waits in its quarantine: RSS says nothing there;
	# LeakSanitizer checks that leg instead.)
	if [ -z "${TPMCTL_SANITIZER_DIR:-}" ]; then
		[ $((rss2 - rss1)) -le 1024 ] || fail "RSS grew from $rss1 kB to $rss2 kB between 1k and 5k requests"
	fi
	n=0
	for sig in "$BATS_TEST_TMPDIR"/sig-*; do
		openssl dgst -sha256 -verify "$BATS_FILE_TMPDIR/s-ecc.pem" \
			-signature "$sig" "$BATS_FILE_TMPDIR/data" >/dev/null || fail "$sig does not verify"
		n=$((n + 1))
	done
	assert_equal "$n" 3200
	run grep -c ' 5[0-9][0-9] ' "$SERVER_LOG"
	assert_output 0
	stop_server
	assert_equal "$SERVER_STATUS" 0
}

@test "the examples of man tpmctl-serve run and answer as the page shows" {
	scd=$BATS_TEST_DIRNAME/../../man/tpmctl.1.scd
	# The first block after "Examples:" in the serve section, as the page
	# renders it (scdoc's "\\" is one backslash).
	sed -n '/^## serve$/,/^## /p' "$scd" |
		awk '/^Examples:/ {f = 1} f && /^```$/ {n++; next} f && n == 1' |
		sed 's/\\\\/\\/g' >"$BATS_TEST_TMPDIR/example.sh"
	grep -q '^tpmctl serve --listen unix:' "$BATS_TEST_TMPDIR/example.sh" || fail "no example found"
	# The harness waits for the socket after the line that starts the server.
	sed -i '/^tpmctl serve /a for i in $(seq 100); do [ -S "$XDG_RUNTIME_DIR/tpmctl.sock" ] \&\& break; sleep 0.1; done' \
		"$BATS_TEST_TMPDIR/example.sh"
	echo 'kill %1; wait' >>"$BATS_TEST_TMPDIR/example.sh"
	mkdir -p "$BATS_TEST_TMPDIR/bin" "$BATS_TEST_TMPDIR/run" "$BATS_TEST_TMPDIR/work"
	ln -s "$TPMCTL" "$BATS_TEST_TMPDIR/bin/tpmctl"
	cd "$BATS_TEST_TMPDIR/work"
	printf 'a document\n' >doc.txt
	printf 'another password' >pw
	printf 'sealed' | tpmctl -q seal db-key -i - --auth-file pw
	run --separate-stderr env PATH="$BATS_TEST_TMPDIR/bin:$PATH" XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/run" \
		bash -e "$BATS_TEST_TMPDIR/example.sh"
	assert_success
	assert_line -n 0 '{"status":"ok"}'
	assert_equal "$(jq -r .exit <<<"${lines[-1]}")" 5
	[ "$(jq -r .data_b64 <<<"${lines[-2]}" | base64 -d | wc -c)" -eq 16 ]
	tpmctl export-public web -o web.pem
	run openssl dgst -sha256 -verify web.pem -signature doc.sig doc.txt
	assert_output "Verified OK"
	tpmctl -q delete web db-key
}

@test "SIGTERM under load: every request answered or refused cleanly, exit 0, nothing left in the TPM" {
	start_unix
	python3 - "$SOCK" "$DATA_B64" >"$BATS_TEST_TMPDIR/load.out" 2>&1 <<-'EOF' &
		import http.client, json, socket, sys, threading
		sock, data = sys.argv[1], sys.argv[2]
		class UnixConnection(http.client.HTTPConnection):
		    def __init__(self, path):
		        super().__init__("tpmctl", timeout=120)
		        self.path = path
		    def connect(self):
		        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
		        self.sock.connect(self.path)
		outcomes, lock = {}, threading.Lock()
		def note(what):
		    with lock:
		        outcomes[what] = outcomes.get(what, 0) + 1
		def client():
		    for i in range(400):
		        try:
		            c = UnixConnection(sock)
		            c.request("POST", "/v1/op/sign", body=json.dumps({"path": "s-ecc", "data_b64": data}))
		            r = c.getresponse()
		            body = json.loads(r.read())
		            if r.status == 200 and "signature_b64" in body:
		                note("200")
		            else:
		                note("status %d" % r.status)
		            c.close()
		        except (ConnectionError, FileNotFoundError, http.client.RemoteDisconnected):
		            note("refused")
		            return
		threads = [threading.Thread(target=client) for _ in range(8)]
		for t in threads: t.start()
		for t in threads: t.join()
		print(json.dumps(outcomes, sort_keys=True))
	EOF
	load=$!
	sleep 1
	stop_server
	assert_equal "$SERVER_STATUS" 0
	wait "$load"
	run cat "$BATS_TEST_TMPDIR/load.out"
	# Answered (200) before the signal, refused after: nothing else.
	assert_equal "$(jq -r 'keys - ["200", "refused"] | length' <<<"$output")" 0
	[ "$(jq -r '."200"' <<<"$output")" -gt 0 ] || fail "no request was answered: $output"
	[ "$(jq -r '.refused' <<<"$output")" -gt 0 ] || fail "the load ended before the signal: $output"
	[ ! -e "$SOCK" ] || fail "the socket is left behind"
}

@test "a key another process flushed from the TPM is loaded again by the next request" {
	start_unix
	op sign "{\"path\": \"s-ecc\", \"data_b64\": \"$DATA_B64\"}"
	expect 200
	# Another program flushes every transient object of the TPM (the server
	# gives its kept keys up with the lock when idle; a resource manager
	# keeps them from others): the next request loads the key again.
	tpm2_flushcontext -T "${TPM_DIRECT_TCTI:-$TPMCTL_TCTI}" --transient-object
	op sign "{\"path\": \"s-ecc\", \"data_b64\": \"$DATA_B64\"}"
	expect 200
	f .signature_b64 | base64 -d >"$BATS_TEST_TMPDIR/sig"
	run openssl dgst -sha256 -verify "$BATS_FILE_TMPDIR/s-ecc.pem" -signature "$BATS_TEST_TMPDIR/sig" \
		"$BATS_FILE_TMPDIR/data"
	assert_output "Verified OK"
	run tpmctl flush
	assert_success
	op sign "{\"path\": \"s-ecc\", \"data_b64\": \"$DATA_B64\"}"
	expect 200
}
