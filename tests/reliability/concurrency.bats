#!/usr/bin/env bats
# 8 processes x 50 mixed operations on one keystore and one TPM: every one
# succeeds, no key is lost or half-written, nothing stays loaded. Directly
# on swtpm tpmctl's keystore lock makes them take turns; through the
# resource-manager leg (tests/run) readers run side by side.

load ../bats/helpers

setup_file() {
	start_tpm
	"$TPMCTL" -q key create shared --alg ecc256
	"$TPMCTL" -q key create box --type decrypt
	printf 'sealed-for-all' | "$TPMCTL" -q seal common -i -
	echo data >"$BATS_FILE_TMPDIR/data"
}

# One worker's 50 operations, in an order of its own; it stops at the first
# failure and says which.
worker() { # worker N
	local n=$1 d=$BATS_TEST_TMPDIR/w$1 i op
	mkdir -p "$d"
	for i in $(seq 0 49); do
		op=$(((i + n) % 10))
		case $op in
		0) "$TPMCTL" --timeout 120 -q key create "k$n-$i" --alg ecc256 ;;
		1 | 2) "$TPMCTL" --timeout 120 sign shared -i "$BATS_FILE_TMPDIR/data" -o "$d/s" --force &&
			"$TPMCTL" --timeout 120 verify shared -i "$BATS_FILE_TMPDIR/data" -s "$d/s" >/dev/null ;;
		3) [ "$("$TPMCTL" --timeout 120 unseal common)" = sealed-for-all ] ;;
		4) "$TPMCTL" --timeout 120 random 32 -o "$d/r" --force ;;
		5) "$TPMCTL" --timeout 120 encrypt box -i "$BATS_FILE_TMPDIR/data" -o "$d/c" --force &&
			"$TPMCTL" --timeout 120 decrypt box -i "$d/c" -o "$d/p" --force &&
			cmp -s "$d/p" "$BATS_FILE_TMPDIR/data" ;;
		6) printf 'mine-%s' "$n" | "$TPMCTL" --timeout 120 -q seal "s$n-$i" -i - &&
			[ "$("$TPMCTL" --timeout 120 unseal "s$n-$i")" = "mine-$n" ] ;;
		7) "$TPMCTL" --timeout 120 list >/dev/null ;;
		8) "$TPMCTL" --timeout 120 key show shared >/dev/null ;;
		9) "$TPMCTL" --timeout 120 pcr read sha256:0 >/dev/null ;;
		esac || { echo "worker $n, operation $i ($op) failed" >"$d/failed"; return; }
	done
}

@test "8 processes x 50 mixed operations: all succeed, nothing lost, nothing left loaded" {
	for n in $(seq 8); do worker "$n" 2>"$BATS_TEST_TMPDIR/err$n" & done
	wait
	for n in $(seq 8); do
		[ ! -e "$BATS_TEST_TMPDIR/w$n/failed" ] ||
			fail "$(cat "$BATS_TEST_TMPDIR/w$n/failed"): $(tail -3 "$BATS_TEST_TMPDIR/err$n")"
	done
	# every key and sealed object a worker made is there, whole, and works
	run tpmctl list
	assert_equal "$(grep -c '/k[0-9]*-[0-9]*$' <<<"$output")" 40
	assert_equal "$(grep -c '/s[0-9]*-[0-9]*$' <<<"$output")" 40
	assert_equal "$(find "$TPMCTL_KEYSTORE" -name '*.json' -size 0)" ""
	for key in $(grep '/k[0-9]*-[0-9]*$' <<<"$output" | shuf -n 5); do
		tpmctl sign "$key" -i "$BATS_FILE_TMPDIR/data" -o "$BATS_TEST_TMPDIR/sig" --force ||
			fail "$key does not sign"
	done
}
