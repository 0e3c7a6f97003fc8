#!/usr/bin/env bats
# kill -9 at random points of the commands that change the keystore or load
# the TPM, and SIGSTOP/SIGKILL of swtpm mid-command. After each kill the
# next tpmctl command leaves nothing loaded in the TPM, and the keystore
# holds whole objects only: every listed object works, nothing is half there.
#
# TPMCTL_KILL_TRIALS (default 40) trials in all; tests/reliability/long runs
# more, and reads the figures from TPMCTL_KILL_REPORT when it is set.

load ../bats/helpers

# The objects the trials make, under any profile's SRK.
OBJECTS='^/P_[A-Z0-9]*/HS/SRK/[skw]-[^/]*$'
TRIALS=${TPMCTL_KILL_TRIALS:-40}

setup_file() {
	start_tpm
	local d=$BATS_FILE_TMPDIR
	mkdir -p "$d/expect"
	printf 'first password\n' >"$d/pwA"
	printf 'second password\n' >"$d/pwB"
	head -c 1000 /dev/urandom >"$d/data"
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$d/wrap.pem" 2>/dev/null
}

# A new name of a kind: s-small-N, s-big-N, k-N, w-N.
next_name() {
	echo "$1-${EPOCHREALTIME/./}"
}

# The names of the listed objects the trials made.
objects() {
	"$TPMCTL" list 2>/dev/null | grep "$OBJECTS" | sed 's|.*/||'
}

# A listed object whose name starts with one of the letters, at random;
# fails when there is none.
any_object() {
	local names
	mapfile -t names < <(objects | grep "^[$1]-")
	[ ${#names[@]} -gt 0 ] && echo "${names[RANDOM % ${#names[@]}]}"
}

# The command line of one operation, into CMD (empty: nothing to do now);
# the files it needs are made first (an object's expected content before
# the object exists).
prepare_op() {
	local d=$BATS_FILE_TMPDIR name
	CMD=()
	case $1 in
	seal_small | seal_big)
		name=$(next_name "s-${1#seal_}")
		head -c "$([ "$1" = seal_big ] && echo 2000 || echo 64)" /dev/urandom >"$d/expect/$name"
		CMD=("$TPMCTL" -q seal "$name" -i "$d/expect/$name")
		;;
	unseal)
		name=$(any_object s) && CMD=("$TPMCTL" unseal "$name")
		;;
	seal_force)
		# A new secret in place of an old one: a kill leaves either.
		name=$(any_object s) || return 0
		cp "$d/expect/$name" "$d/expect/$name.old"
		head -c "$((RANDOM % 2 ? 2000 : 64))" /dev/urandom >"$d/expect/$name"
		CMD=("$TPMCTL" -q seal "$name" -i "$d/expect/$name" --force)
		;;
	key_create)
		CMD=("$TPMCTL" -q key create "$(next_name k)" --alg ecc256 --noda --auth-file "$d/pwA")
		;;
	import)
		CMD=("$TPMCTL" -q import "$(next_name w)" --wrap "$d/wrap.pem")
		;;
	sign)
		name=$(any_object w) && CMD=("$TPMCTL" sign "$name" -i "$d/data" -o /dev/null --force)
		;;
	delete)
		name=$(any_object skw) && CMD=("$TPMCTL" -q delete "$name")
		;;
	auth_change)
		name=$(any_object k) || return 0
		if "$TPMCTL" sign "$name" -i "$d/data" -o /dev/null --force --auth-file "$d/pwA" 2>/dev/null; then
			CMD=("$TPMCTL" -q auth change "$name" --auth-file "$d/pwA" --new-auth-file "$d/pwB")
		else
			CMD=("$TPMCTL" -q auth change "$name" --auth-file "$d/pwB" --new-auth-file "$d/pwA")
		fi
		;;
	esac
	return 0
}

do_op() {
	prepare_op "$1"
	[ ${#CMD[@]} -eq 0 ] || "${CMD[@]}"
}

# Prints what is wrong after a kill; nothing when all is well.
check_after_kill() {
	local d=$BATS_FILE_TMPDIR out kind left name dir listed
	# The next command, which cleans up after the killed one.
	out=$(tpmctl random 1 --hex 2>&1) || echo "random after the kill failed: $out"
	for kind in transient loaded-session saved-session; do
		left=$(tpm_handles "$kind")
		[ -z "$left" ] || echo "$kind handles left after the next command: $(echo $left)"
	done
	# What list says, or why it failed (the objects are then all unlisted).
	"$TPMCTL" list >"$d/list" 2>"$d/list.err" ||
		echo "list after the kill failed: $(cat "$d/list.err")"
	listed=$(grep "$OBJECTS" "$d/list" | sed 's|.*/||')
	for name in $listed; do
		case $name in
		s-*)
			tpmctl unseal "$name" >"$d/unsealed" 2>"$d/err"
			cmp -s "$d/unsealed" "$d/expect/$name" ||
				{ [ -e "$d/expect/$name.old" ] && cmp -s "$d/unsealed" "$d/expect/$name.old"; } ||
				echo "$name is listed but does not unseal to what was sealed: $(cat "$d/err")"
			;;
		k-*)
			tpmctl sign "$name" -i "$d/data" -o /dev/null --force --auth-file "$d/pwA" 2>/dev/null ||
				tpmctl sign "$name" -i "$d/data" -o /dev/null --force --auth-file "$d/pwB" 2>/dev/null ||
				echo "$name is listed but signs with neither password"
			;;
		w-*)
			tpmctl sign "$name" -i "$d/data" -o /dev/null --force 2>"$d/err" ||
				echo "$name is listed but does not sign: $(cat "$d/err")"
			;;
		esac
	done
	# Nothing half there: every object directory holds a whole object, and
	# is listed; no envelope without its object.
	for dir in "$TPMCTL_KEYSTORE"/user/P_*/HS/SRK/*/; do
		[ -d "$dir" ] || continue
		name=$(basename "$dir")
		[ -s "$dir/object.json" ] || echo "$name: a directory without its object.json: $(ls "$dir")"
		grep -qx "$name" <<<"$listed" || echo "$name: in the keystore but not listed"
	done
}

# Milliseconds since the epoch.
now_ms() {
	local t=${EPOCHREALTIME/./}
	echo $((t / 1000))
}

@test "kill -9 at random points of seal, seal --force, unseal, key create, import, sign, delete, auth change" {
	# In this order, unkilled first: objects of each kind are made before
	# the operations that use them.
	local ops=(seal_small seal_big key_create import unseal sign seal_force auth_change delete)
	local -A took
	local op trial pid delay failures=0 problems start count log=$BATS_FILE_TMPDIR/problems
	: >"$log"
	# How long each operation takes unkilled: kills land anywhere in it.
	for op in "${ops[@]}"; do
		start=$(now_ms)
		do_op "$op" >/dev/null 2>&1
		took[$op]=$(($(now_ms) - start + 10))
	done
	start=$(now_ms)
	for ((trial = 1; trial <= TRIALS; trial++)); do
		count=$(objects | wc -l)
		op=${ops[RANDOM % ${#ops[@]}]}
		[ "$count" -lt 4 ] || op=delete # the checks try every object
		delay=$((RANDOM % ${took[$op]}))
		prepare_op "$op"
		if [ ${#CMD[@]} -eq 0 ]; then # nothing of the kind to work on yet
			trial=$((trial - 1))
			continue
		fi
		"${CMD[@]}" >/dev/null 2>&1 &
		pid=$!
		sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		problems=$(check_after_kill)
		if [ -n "$problems" ]; then
			failures=$((failures + 1))
			printf 'trial %d, %s killed after %d ms:\n%s\n' "$trial" "$op" "$delay" "$problems" >>"$log"
			# Cleared, so that one failure is not counted again.
			"$TPMCTL" -q flush >/dev/null 2>&1 || true
		fi
	done
	if [ -n "${TPMCTL_KILL_REPORT:-}" ]; then
		printf 'trials %d\nfailures %d\nmilliseconds %d\n' "$TRIALS" "$failures" \
			"$(($(now_ms) - start))" >"$TPMCTL_KILL_REPORT"
		cat "$log" >>"$TPMCTL_KILL_REPORT.problems"
	fi
	[ "$failures" -eq 0 ] || fail "$failures of $TRIALS trials left a problem: $(cat "$log")"
}

# The swtpm of this file, stopped or killed under a command: the command
# ends (0 when it was done before, else 7, "TPM unavailable", at its
# timeout), and the next command finds the TPM and keystore clean.
swtpm_under() { # swtpm_under STOP|KILL
	local d=$BATS_FILE_TMPDIR op pid status delay i sevens=0 problems
	local ops=(seal_big unseal key_create sign seal_small import auth_change delete)
	for ((i = 0; i < ${#ops[@]}; i++)); do
		op=${ops[i]}
		prepare_op "$op"
		[ ${#CMD[@]} -gt 0 ] || continue
		# The first time before the command starts: it meets the stopped
		# or dead TPM for sure.
		delay=$([ "$i" -eq 0 ] && echo 0 || echo $((RANDOM % 80)))
		[ "$delay" -gt 0 ] || stop_swtpm "$1"
		timeout 60 "${CMD[@]}" --timeout 2 >/dev/null 2>"$d/err" &
		pid=$!
		if [ "$delay" -gt 0 ]; then
			sleep "$(printf '0.%03d' "$delay")"
			stop_swtpm "$1"
		fi
		status=0
		wait "$pid" || status=$?
		case $status in
		0) ;;
		7) sevens=$((sevens + 1)) ;;
		*) fail "$op with the TPM stopped after $delay ms ended with $status: $(cat "$d/err")" ;;
		esac
		if [ "$1" = STOP ]; then
			kill -CONT "$(cat "$TPM_DIR/swtpm.pid")"
		else
			swtpm_start "$TPM_DIR"
			# A TPM that lost its power mid-command counts a failed try
			# against dictionary attacks, which locks out objects without
			# noda after a few: cleared here, as that is not what this tests.
			tpm2_dictionarylockout -T "$TPMCTL_TCTI" -c
		fi
		problems=$(check_after_kill)
		[ -z "$problems" ] || fail "$op, TPM stopped after $delay ms: $problems"
	done
	[ "$sevens" -gt 0 ]
}

stop_swtpm() {
	if [ "$1" = STOP ]; then
		kill -STOP "$(cat "$TPM_DIR/swtpm.pid")"
	else
		kill -9 "$(cat "$TPM_DIR/swtpm.pid")"
		# Gone before the command goes on: its socket no longer answers.
		while kill -0 "$(cat "$TPM_DIR/swtpm.pid")" 2>/dev/null; do sleep 0.01; done
	fi
}

@test "swtpm stopped (SIGSTOP) mid-command: exit 7 at the timeout, and all is well once it goes on" {
	swtpm_under STOP
}

@test "swtpm killed (SIGKILL) mid-command: exit 7, and all is well once it is started again" {
	swtpm_under KILL
}
