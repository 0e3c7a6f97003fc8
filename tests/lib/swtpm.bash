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
