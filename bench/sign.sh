#!/usr/bin/env bash
# Benchmark: `tpmctl sign` against `tss2_sign` on the same key and digest, on
# a throwaway swtpm. Prints wall times (hyperfine) and TPM command counts (the
# pcap TCTI), and writes them to bench/results-sign.txt.
#
#   bench/sign.sh [RUNS]      (default 30 runs each; needs a build in build/)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-30}
tpmctl=$top/build/tpmctl
results=$top/bench/results-sign.txt
[ -x "$tpmctl" ] || { echo "build first: meson setup build && ninja -C build" >&2; exit 2; }
source "$top/tests/lib/swtpm.bash"

work=$(mktemp -d /tmp/tpmctl-bench.XXXXXX)
trap 'swtpm_stop "$work"; rm -rf "$work"' EXIT
swtpm_start "$work"
export TPMCTL_TCTI="swtpm:path=$work/tpm.sock" TPMCTL_KEYSTORE="$work/ks" TPMCTL_DATADIR=$top
export TSS2_LOG=all+none
"$tpmctl" -q provision
"$tpmctl" -q key create benchkey
"$tpmctl" config >"$work/fapi.json"
head -c 4096 /dev/urandom | openssl dgst -sha256 -binary >"$work/digest"

tpmctl_cmd="$tpmctl sign benchkey --digest -i $work/digest -o $work/sig1 --force"
tss2_cmd="env TSS2_FAPICONF=$work/fapi.json tss2_sign -p /HS/SRK/benchkey -d $work/digest -o $work/sig2 -f"

# TPM commands per signature, counted on the bus.
count() { # count NAME COMMAND...
	local cap=$work/$1.pcap
	rm -f "$cap"
	TCTI_PCAP_FILE=$cap "${@:2}" >/dev/null
	python3 "$top/bench/pcap_commands.py" "$cap"
}
sed 's#"tcti": "#"tcti": "pcap:#' "$work/fapi.json" >"$work/fapi-pcap.json"
# One signature each first: swtpm answers the first RSA signature with a new
# key with TPM_RC_RETRY (and ESYS sends it again), which is not the tool's doing.
$tpmctl_cmd >/dev/null
$tss2_cmd >/dev/null
n_tpmctl=$(count tpmctl "$tpmctl" --tcti "pcap:$TPMCTL_TCTI" sign benchkey --digest -i "$work/digest" -o "$work/sig1" --force)
n_tss2=$(count tss2 env TSS2_FAPICONF="$work/fapi-pcap.json" tss2_sign -p /HS/SRK/benchkey -d "$work/digest" -o "$work/sig2" -f)

hyperfine --warmup 3 --runs "$runs" --export-json "$work/hyperfine.json" \
	-n "tpmctl sign" "$tpmctl_cmd" -n "tss2_sign" "$tss2_cmd" >"$work/hyperfine.txt"
read -r t_tpmctl t_tss2 < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print(r[0]["mean"] * 1000, r[1]["mean"] * 1000)' "$work/hyperfine.json")

{
	echo "# bench/sign.sh $(date -u +%Y-%m-%dT%H:%M:%SZ), $runs runs each, $(swtpm --version | head -1 | grep -o 'version [0-9.]*' | sed 's/^/swtpm /')"
	printf "tpmctl sign: %.1f ms mean, %d TPM commands\n" "$t_tpmctl" "$n_tpmctl"
	printf "tss2_sign:   %.1f ms mean, %d TPM commands\n" "$t_tss2" "$n_tss2"
	python3 -c 'import sys; print("time ratio tpmctl/tss2_sign: %.2f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$t_tpmctl" "$t_tss2"
} | tee "$results"
