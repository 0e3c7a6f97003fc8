# Starting and stopping a real swtpm for the tests. Sourced by tests/run and
# by tests/bats/helpers.bash.

# swtpm_start DIR: serves DIR/state on DIR/tpm.sock; writes DIR/swtpm.pid.
swtpm_start() {
	local dir=$1
	mkdir -p "$dir/state"
	rm -f "$dir/tpm.sock" "$dir/tpm.sock.ctrl"
	swtpm socket --tpm2 \
		--server "type=unixio,path=$dir/tpm.sock" \
		--ctrl "type=unixio,path=$dir/tpm.sock.ctrl" \
		--flags not-need-init,startup-clear \
		--tpmstate "dir=$dir/state" \
		--pid "file=$dir/swtpm.pid" \
		--daemon || return 1
	local i
	for i in $(seq 100); do
		[ -S "$dir/tpm.sock" ] && [ -s "$dir/swtpm.pid" ] && return 0
		sleep 0.05
	done
	echo "swtpm did not start in $dir" >&2
	return 1
}

# swtpm_stop DIR: ends the swtpm of DIR (also when it was stopped with SIGSTOP).
swtpm_stop() {
	local dir=$1 pid
	[ -s "$dir/swtpm.pid" ] || return 0
	pid=$(cat "$dir/swtpm.pid")
	# Each step may find the process gone already; callers may run under set -e.
	kill -CONT "$pid" 2>/dev/null || true
	kill "$pid" 2>/dev/null || true
	local i
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -9 "$pid" 2>/dev/null || true
	rm -f "$dir/swtpm.pid"
}

# The resource-manager leg (tests/run): a tpm2-abrmd in front of the swtpm of
# DIR, on the session bus tests/run started, under a bus name of its own.
# abrmd_start DIR: writes DIR/abrmd.pid and DIR/abrmd.tcti (the TCTI to use).
abrmd_start() {
	local dir=$1 name i
	name=org.tpmctl.test.f$$r$RANDOM
	tpm2-abrmd --session --allow-root --dbus-name="$name" \
		--tcti="swtpm:path=$dir/tpm.sock" >"$dir/abrmd.log" 2>&1 &
	echo $! >"$dir/abrmd.pid"
	echo "tabrmd:bus_name=$name,bus_type=session" >"$dir/abrmd.tcti"
	for i in $(seq 100); do
		tpm2_getcap -T "$(cat "$dir/abrmd.tcti")" properties-fixed >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	echo "tpm2-abrmd did not start for $dir" >&2
	cat "$dir/abrmd.log" >&2
	return 1
}

abrmd_stop() {
	local dir=$1 pid i
	[ -s "$dir/abrmd.pid" ] || return 0
	pid=$(cat "$dir/abrmd.pid")
	kill "$pid" 2>/dev/null || true
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -9 "$pid" 2>/dev/null || true
	rm -f "$dir/abrmd.pid"
}
