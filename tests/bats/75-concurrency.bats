#!/usr/bin/env bats
# Many tpmctl processes at once on one keystore: no lost or half-written keys.

load helpers

@test "20 concurrent processes create, sign with and delete distinct keys" {
	echo data >"$BATS_TEST_TMPDIR/data"
	worker() {
		local n=$1 log=$BATS_TEST_TMPDIR/w$1.log
		{
			"$TPMCTL" --timeout 120 -q key create "c$n" --alg ecc256 &&
				"$TPMCTL" --timeout 120 sign "c$n" -i "$BATS_TEST_TMPDIR/data" -o "$BATS_TEST_TMPDIR/s$n" &&
				"$TPMCTL" --timeout 120 verify "c$n" -s "$BATS_TEST_TMPDIR/s$n" -i "$BATS_TEST_TMPDIR/data"
		} >"$log" 2>&1
		echo $? >"$BATS_TEST_TMPDIR/rc$n"
	}
	for n in $(seq 20); do worker "$n" & done
	wait
	for n in $(seq 20); do
		[ "$(cat "$BATS_TEST_TMPDIR/rc$n")" = 0 ] || fail "worker $n: $(cat "$BATS_TEST_TMPDIR/w$n.log")"
	done
	empty=$(find "$TPMCTL_KEYSTORE" -name '*.json' -size 0)
	assert_equal "$empty" ""
	assert_equal "$(tpmctl list /HS/SRK | grep -c '/c[0-9]*$')" "0"
	assert_equal "$(tpmctl list /P_ECCP256SHA256/HS/SRK | grep -c '/c[0-9]*$')" "20"

	for n in $(seq 20); do "$TPMCTL" --timeout 120 -q delete "c$n" >"$BATS_TEST_TMPDIR/d$n.log" 2>&1 & done
	wait
	assert_equal "$(tpmctl list /P_ECCP256SHA256/HS/SRK | grep -c '/c[0-9]*$')" "0"
	assert_equal "$(find "$TPMCTL_KEYSTORE" -name '*.json' -size 0)" ""
}
