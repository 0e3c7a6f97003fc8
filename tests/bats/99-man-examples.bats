#!/usr/bin/env bats
# The examples of man/tpmctl.1.scd, run as they are written: every block of
# EXAMPLES, in order, in one shell (what one block makes, later ones use),
# against the swtpm its first block starts; and the examples of the sign,
# quote, verify-quote, hmac, description set and appdata get sections and of
# SYMMETRIC KEYS and UPDATE-PROOF SEALS, against this file's TPM.
# tests/lib/man_examples.py extracts the blocks as scdoc renders them and
# makes the script that runs them: "$ " transcripts must print exactly what
# the page shows (a message of tpmctl's may be wrapped, its further lines
# indented by two spaces), an output block right after a block of commands
# must be how that block's output ends, other blocks run under
# bash -e -o pipefail. A failure names the block. (89-batch.bats and 97-serve.bats run the batch
# and serve sections' examples.)
#
# What the harness does so that they run, and nothing else:
# - Paths: in the commands, /tmp/tpm, /etc/tpmctl and /run/ become directories
#   of the test, /usr/local/share/tpmctl the source tree ($TPMCTL_DATADIR);
#   HOME is a directory of the test (~/.tpmctl, ~/.config/tpm/signer.pw).
# - The examples outside EXAMPLES take the TPM and keystore as set up: the
#   harness gives them this file's (TPMCTL_TCTI, TPMCTL_KEYSTORE).
# - The inputs the examples take are made beforehand: report.pdf,
#   release.tar, data, documents/, secret.txt, backup.key, old.pw (relkey's
#   password), ~/.config/tpm/signer.pw; disk.key and new-bootloader.efi; the
#   key web, which the certificate set example (not run: it wants an EK
#   certificate, which this swtpm has not) makes for description and appdata.
# - cryptsetup and pass, which are neither the TPM nor installed here, are
#   stubs on the PATH that record what they are asked (the tests check it):
#   cryptsetup keeps the key files luksAddKey adds, and its open --key-file
#   succeeds only with one of them; pass show tpm/signer prints signer's
#   password.
# - tpmctl, first on the PATH, is the binary under test run by
#   tests/lib/tty_answer.py, which makes a pseudo-terminal its /dev/tty and
#   types passwords at its prompts, chosen by the name in the prompt (ANSWERS
#   below); its standard input and output stay the example's.
# - After the block that starts swtpm, the harness writes swtpm's pid (from
#   $!, for teardown to stop it) and waits for its socket.
# - The host's event log is not the swtpm's: TPMCTL_EVENTLOG is empty.
# Everything else is real: swtpm, tpmctl, openssl, tpm2-tools, the tss2_*
# tools, jq, tar.

load helpers

SCD=$BATS_TEST_DIRNAME/../../man/tpmctl.1.scd
LIB=$BATS_TEST_DIRNAME/../lib

# The passwords typed at prompts: REGEX<TAB>ANSWER, the first that matches.
ANSWERS=$'^New password for .*\\brelkey:\trelkey, changed
\\brelkey:\trelease signing
\\bbootkey:\tboot password
\\btoken:\ttoken password'

setup_file() {
	start_tpm
	export TPMCTL_EVENTLOG=
}

teardown() {
	# The swtpm the EXAMPLES started, if it did.
	swtpm_stop "$BATS_TEST_TMPDIR/tpm"
	assert_tpm_clean
}

# The PATH of the examples: the tpmctl that answers prompts, and the stubs.
make_bin() { # make_bin DIR (writes DIR/bin; logs go to DIR/stub)
	local d=$1
	mkdir -p "$d/bin" "$d/stub/keys"
	printf '%s\n' "$ANSWERS" >"$d/answers"
	cat >"$d/bin/tpmctl" <<-EOF
		#!/bin/sh
		exec python3 "$LIB/tty_answer.py" "$d/answers" "$d/tty.log" "$TPMCTL" "\$@"
	EOF
	cat >"$d/bin/cryptsetup" <<-EOF
		#!/bin/bash
		# A stub of cryptsetup(8): a LUKS volume that knows the key files added.
		stub=$d/stub
	EOF
	cat >>"$d/bin/cryptsetup" <<-'EOF'
		case $1 in
		luksAddKey) # luksAddKey DEVICE KEYFILE
			[ $# -eq 3 ] && [ -s "$3" ] || { echo "cryptsetup stub: no key file: $*" >&2; exit 1; }
			cp "$3" "$stub/keys/$(ls "$stub/keys" | wc -l)"
			echo "luksAddKey $2 with a key file of $(wc -c <"$3") bytes" >>"$stub/cryptsetup.log" ;;
		open)
			if [ "$2" = --key-file ]; then # open --key-file KEYFILE DEVICE NAME
				for k in "$stub"/keys/*; do
					if [ -f "$k" ] && cmp -s "$k" "$3"; then
						echo "open $4 $5 with an added key file" >>"$stub/cryptsetup.log"
						exit 0
					fi
				done
				echo "open $4 $5 with a key file never added" >>"$stub/cryptsetup.log"
				echo "No key available with this passphrase." >&2
				exit 2
			fi
			echo "open $2 $3 with the passphrase" >>"$stub/cryptsetup.log" ;; # open DEVICE NAME
		*) echo "cryptsetup stub: not expected: $*" >&2; exit 1 ;;
		esac
	EOF
	cat >"$d/bin/pass" <<-EOF
		#!/bin/sh
		# A stub of pass(1) that knows one password.
		echo "pass \$*" >>"$d/stub/pass.log"
		[ "\$*" = "show tpm/signer" ] || exit 1
		cat "$d/home/.config/tpm/signer.pw"
	EOF
	chmod +x "$d/bin/tpmctl" "$d/bin/cryptsetup" "$d/bin/pass"
}

# run_examples OUTDIR ARGS...: writes the script of the blocks ARGS name
# (tests/lib/man_examples.py script) and runs it in $PWD, with DIR/bin first
# on the PATH and HOME=DIR/home (DIR is OUTDIR's parent), without the TPM
# settings of this file unless EXAMPLE_ENV (VAR=VALUE...) gives them. Fails
# naming the block that failed, with its output.
run_examples() {
	local out=$1 d
	shift
	d=$(dirname "$out")
	python3 "$LIB/man_examples.py" script "$SCD" --outdir "$out" "$@" || fail "no script made"
	local status=0
	[ -n "${EXAMPLE_ENV+set}" ] || EXAMPLE_ENV=()
	env -u TPMCTL_TCTI -u TPMCTL_KEYSTORE -u TPM2TOOLS_TCTI -u TSS2_FAPICONF \
		PATH="$d/bin:$PATH" HOME="$d/home" "${EXAMPLE_ENV[@]}" \
		bash -e -o pipefail "$out/run.sh" >"$out/log" 2>&1 3>&- || status=$?
	if [ "$status" -ne 0 ]; then
		local n
		n=$(cat "$out/failed" 2>/dev/null || echo "?")
		{
			echo "exit status $status in block $n:"
			cat "$out/$n.sh" 2>/dev/null || true
			echo "--- its output:"
			cat "$out/$n".[0-9]*.out "$out/$n.out" 2>/dev/null || true
			echo "--- the script's:"
			cat "$out/log"
			echo "--- the prompts answered:"
			cat "$d/tty.log" 2>/dev/null || true
		} >&2
		fail "example block $n failed"
	fi
}

# The output of the one block whose text has STRING.
block_output() { # block_output OUTDIR STRING
	local f
	f=$(grep -lF -- "$2" "$1"/[0-9]*.sh)
	[ "$(wc -l <<<"$f")" -eq 1 ] && [ -n "$f" ] || fail "not one block with $2: $f"
	cat "${f%.sh}.out"
}

# The number of fenced blocks in the lines of SCD from START to END (regexes),
# counted apart from man_examples.py.
count_fences() { # count_fences START END
	echo $(($(sed -n "/$1/,/$2/p" "$SCD" | grep -c '^```') / 2))
}

@test "man tpmctl, EXAMPLES: every block, in order, in one shell, against the swtpm it starts" {
	T=$BATS_TEST_TMPDIR
	make_bin "$T"
	mkdir -p "$T/work/documents/sub" "$T/home/.config/tpm" "$T/run" "$T/etc"
	cd "$T/work"
	head -c 3000 /dev/urandom >report.pdf
	head -c 20000 /dev/urandom >release.tar
	echo "the data" >data
	echo "minutes" >documents/a.txt
	head -c 5000 /dev/urandom >documents/sub/b.bin
	echo "a short secret" >secret.txt
	head -c 1000 /dev/urandom >backup.key
	echo "release signing" >old.pw
	(umask 077 && echo "signer password" >"$T/home/.config/tpm/signer.pw")

	run_examples "$T/ex" \
		--subst "/tmp/tpm=$T/tpm" --subst "/etc/tpmctl=$T/etc/tpmctl" --subst "/run/=$T/run/" \
		--subst "/usr/local/share/tpmctl=$TPMCTL_DATADIR" \
		--hook "swtpm socket=echo \$! >\"$T/tpm/swtpm.pid\"
for i in \$(seq 100); do [ -S \"$T/tpm/sock\" ] && break; sleep 0.05; done" \
		'# EXAMPLES'

	# Every block ran, and man_examples.py saw every block there is.
	n=$(count_fences '^# EXAMPLES$' '^# SEE ALSO$')
	[ "$n" -ge 20 ] || fail "only $n blocks in EXAMPLES"
	assert_equal "$(python3 "$LIB/man_examples.py" count "$SCD" '# EXAMPLES')" "$n"
	assert_equal "$(cat "$T/ex/ran")" "$(seq "$n")"
	# The examples ran against their own swtpm and keystore.
	[ -S "$T/tpm/sock" ] && [ -s "$T/tpm/swtpm.pid" ] || fail "the examples' swtpm did not run"
	[ -d "$T/home/.tpmctl/system" ] || fail "no keystore in ~/.tpmctl"
	export TPMCTL_TCTI=swtpm:path=$T/tpm/sock TPMCTL_KEYSTORE=$T/home/.tpmctl

	# provision, info, health
	run tpmctl list --json
	assert_output --partial '"/P_RSA2048SHA256/HS/SRK"'
	assert_output --partial '"/P_ECCP256SHA256/HS/SRK"'
	run block_output "$T/ex" '.lockout.counter'
	assert_line -n 0 0
	run block_output "$T/ex" 'health'
	assert_output "ok"
	# The tss2_* tools saw the keystore: tpmctl lists the key tss2_createkey made.
	run block_output "$T/ex" 'tss2_createkey'
	assert_line /P_RSA2048SHA256/HS/SRK/mykey
	assert_line "deleted mykey"
	# OpenSSL and tpmctl checked the signatures.
	run block_output "$T/ex" 'tpmctl sign mykey'
	assert_line "Verified OK"
	assert_equal "$(grep -cx valid <<<"$output")" 2
	run block_output "$T/ex" 'tpmctl sign relkey'
	assert_line "Verified OK"
	assert_line "description      release signing"
	assert_line "needs password   yes"
	run openssl dgst -sha256 -verify <(tpmctl export-public signer) -signature data.sig data
	assert_output "Verified OK"
	grep -qx "pass show tpm/signer" "$T/stub/pass.log"
	# The envelope and the OAEP ciphertext decrypt in the TPM.
	tpmctl decrypt backup -i documents.tar.enc | tar -d -f -
	run block_output "$T/ex" 'openssl pkeyutl -encrypt'
	assert_line "a short secret"
	run block_output "$T/ex" 'tpmctl random'
	assert_output --regexp '^[0-9a-f]{64}$'
	assert_equal "$(stat -c %s seed.bin)" 4096
	# policy digest said what key show lists as bootkey's policy.
	run block_output "$T/ex" 'key show bootkey'
	assert_line "imported /policy/pcr-password"
	digests=$(grep -xE '[0-9a-f]{64}' <<<"$output")
	assert_equal "$(wc -l <<<"$digests")" 2
	assert_equal "$(sed -n 1p <<<"$digests")" "$(sed -n 2p <<<"$digests")"
	# bootsigner signed while PCRs 0 and 7 held.
	run openssl dgst -sha256 -verify <(tpmctl export-public bootsigner) -signature data.boot.sig data
	assert_output "Verified OK"
	run block_output "$T/ex" "jq -r '.sha256.\"7\"'"
	assert_line -n 0 --regexp '^sha256:0 +[0-9a-f]{64}$'
	assert_line --regexp '^[0-9a-f]{64}$'
	# The disk key: added to the volume, sealed, removed; unsealed at boot
	# into the volume's open, and removed again.
	[ "$(stat -c %a "$T/etc/tpmctl")" = 700 ] && [ "$(stat -c %a "$T/etc/tpmctl/disk.pw")" = 600 ]
	[ ! -e "$T/run/disk.key" ] || fail "the disk key was left in /run"
	run cat "$T/stub/cryptsetup.log"
	assert_output "luksAddKey /dev/nvme0n1p3 with a key file of 64 bytes
open /dev/nvme0n1p3 root with an added key file"
	# The token's password is gone: it unseals with no password source and
	# no terminal, to the bytes shown.
	run block_output "$T/ex" 'seal token'
	token=$(grep -xE '[0-9a-f]{64}' <<<"$output")
	assert_equal "$(tpmctl unseal token | xxd -p -c 32)" "$token"
	cmp backup.key backup.key.out
	# relkey's password is the new one.
	printf 'x' | MY_PW='relkey, changed' tpmctl sign relkey -i - --auth-env MY_PW >/dev/null
	# The prompts on the terminal, and what was typed (the object's path
	# reduced to its name): relkey's key create (twice), sign; bootkey's key
	# create; token's seal, unseal; relkey's auth change (the new password,
	# twice); token's auth change.
	run sed 's|for [^:]*/\([^/:]*\):|for \1:|' "$T/tty.log"
	assert_output "$(
		cat <<-'EOF'
			Password for relkey:	release signing
			Again, to confirm:	release signing
			Password for relkey:	release signing
			Password for bootkey:	boot password
			Again, to confirm:	boot password
			Password for token:	token password
			Again, to confirm:	token password
			Password for token:	token password
			New password for relkey:	relkey, changed
			Again, to confirm:	relkey, changed
			Password for token:	token password
		EOF
	)"
	# The exports, and the keys tpm2-tools made.
	[ -s mykey.pub ] && [ -s mykey.priv ]
	grep -q "BEGIN TSS2 PRIVATE KEY" mykey-tss2.pem
	run tpmctl list
	assert_line /P_RSA2048SHA256/HS/SRK/toolkey
	assert_line /P_RSA2048SHA256/HS/SRK/pemkey
	# As the note says: tpm2_encodeobject up to 5.7 marks the key as needing
	# a password when run without -p.
	version=$(tpm2_encodeobject --version | sed -n 's/.*version="\([0-9.]*\)".*/\1/p')
	expected=no
	if printf '%s\n' "$version" 5.7 | sort -V -C; then expected=yes; fi
	run tpmctl key show pemkey
	assert_line "needs password   $expected"
	# The last example flushed what tpm2-tools and killed programs left.
	assert_equal "$(tpm2_getcap -T "$TPMCTL_TCTI" handles-transient)" ""

	# The boot script after PCR 7 changed: unseal exits 6, and the script
	# falls back to the passphrase.
	tpmctl -q pcr extend 7 --digest "sha256:$(printf '%064d' 7)"
	script=$(grep -lF 'cryptsetup open' "$T/ex"/[0-9]*.sh)
	run --separate-stderr env PATH="$T/bin:$PATH" bash -e -o pipefail "$script"
	assert_success
	assert_equal "$stderr" "tpmctl: unseal: policy not satisfied: PCR sha256:7 changed since sealing
PCRs changed since sealing: enter the passphrase"
	assert_equal "$(tail -n 1 "$T/stub/cryptsetup.log")" "open /dev/nvme0n1p3 root with the passphrase"
	[ ! -e "$T/run/disk.key" ] || fail "a disk key file was left in /run"
}

@test "man tpmctl-quote, tpmctl-verify-quote: the examples run, and the quotes are valid" {
	T=$BATS_TEST_TMPDIR
	make_bin "$T"
	mkdir -p "$T/work" && cd "$T/work"
	EXAMPLE_ENV=(TPMCTL_TCTI="$TPMCTL_TCTI" TPMCTL_KEYSTORE="$TPMCTL_KEYSTORE")
	run_examples "$T/ex" '## quote::^Examples\.' '## verify-quote::^Examples\.'
	assert_equal "$(cat "$T/ex/ran")" "$(seq 4)"
	# The first block's "valid" is its output block (man_examples.py).
	run block_output "$T/ex" 'golden.json'
	assert_output "valid"
	run block_output "$T/ex" 'jq .pcrs'
	assert_equal "$(jq -r '.sha256 | keys | join(",")' <<<"$output")" "0,7"
	tpmctl -q delete ak
}

@test "man tpmctl-hmac: the example runs" {
	T=$BATS_TEST_TMPDIR
	make_bin "$T"
	mkdir -p "$T/work" && cd "$T/work"
	EXAMPLE_ENV=(TPMCTL_TCTI="$TPMCTL_TCTI" TPMCTL_KEYSTORE="$TPMCTL_KEYSTORE")
	run_examples "$T/ex" '## hmac::^Example:'
	assert_equal "$(cat "$T/ex/ran")" 1
	run block_output "$T/ex" 'tpmctl hmac mac'
	assert_line --regexp '^[0-9a-f]{64}$'
	[ ! -e k.bin ] || fail "k.bin was not shredded"
	run tpmctl --json key show mac2
	assert_success
	tpmctl -q delete mac mac2
}

@test "man tpmctl(1), UPDATE-PROOF SEALS: the story prints what the page shows" {
	T=$BATS_TEST_TMPDIR
	make_bin "$T"
	mkdir -p "$T/work" && cd "$T/work"
	head -c 64 /dev/urandom >disk.key
	cp disk.key "$T/disk.key.orig"
	echo "the new boot loader" >new-bootloader.efi
	EXAMPLE_ENV=(TPMCTL_TCTI="$TPMCTL_TCTI" TPMCTL_KEYSTORE="$TPMCTL_KEYSTORE")
	run_examples "$T/ex" '# UPDATE-PROOF SEALS'
	n=$(count_fences '^# UPDATE-PROOF SEALS$' '^# POLICIES$')
	[ "$n" -ge 4 ] || fail "only $n blocks"
	assert_equal "$(cat "$T/ex/ran")" "$(seq "$n")"
	# Every block is a transcript, compared with the page.
	assert_equal "$(grep -c '^__expect ' "$T/ex/run.sh")" "$(grep -c '^\$ ' "$T"/ex/[0-9]*.sh | awk -F: '{s += $2} END {print s}')"
	cmp disk.key "$T/disk.key.orig"
	tpmctl -q delete disk vendor
}

@test "man tpmctl-description, tpmctl-appdata, SYMMETRIC KEYS: the examples run" {
	T=$BATS_TEST_TMPDIR
	make_bin "$T"
	mkdir -p "$T/work" && cd "$T/work"
	# The key the certificate set example makes (that example needs an EK
	# certificate in the TPM, which this swtpm has not).
	tpmctl -q key create web
	echo "a secret" >secret.txt
	cp secret.txt "$T/secret.orig"
	EXAMPLE_ENV=(TPMCTL_TCTI="$TPMCTL_TCTI" TPMCTL_KEYSTORE="$TPMCTL_KEYSTORE")
	run_examples "$T/ex" '## description set' '## appdata get' '# SYMMETRIC KEYS'
	assert_equal "$(cat "$T/ex/ran")" "$(seq 3)"
	run block_output "$T/ex" 'description set web'
	assert_line "description      TLS key of www.example.org"
	run block_output "$T/ex" 'appdata get web'
	# appdata get writes the bytes as they are (no newline), then the JSON.
	assert_line -n 1 --partial "rotated 2026-12-01{"
	assert_equal "$(jq -r .appdata_b64 <<<"{${output#*\{}" | base64 -d)" "rotated 2026-12-01"
	# The AES round trip, and the blobs for tpm2_load.
	cmp secret.txt "$T/secret.orig"
	[ -s vault.pub ] && [ -s vault.priv ]
	tpmctl -q delete web vault
}

# The commands sign's section gives for checking its signatures with OpenSSL,
# each run on a signature of the keys and schemes its comment names.
@test "man tpmctl-sign: the OpenSSL commands verify tpmctl's signatures" {
	assert_equal "$(python3 "$LIB/man_examples.py" count "$SCD" '## sign')" 1
	declare -A cases=(
		["# rsa2048, RSA-PSS (the default scheme): OpenSSL must be told PSS"]="rsa2048:"
		["# rsa2048 with --scheme rsassa, and ecc256"]="rsa2048:rsassa ecc256:"
		["# ecc384"]="ecc384:"
	)
	cd "$BATS_TEST_TMPDIR"
	echo "signed data" >DATA
	checked=0 comment=
	while IFS= read -r line; do
		if [[ $line == '#'* ]]; then
			comment=$line
			[ -n "${cases[$comment]:-}" ] || fail "no keys known for the comment: $comment"
			continue
		fi
		[[ $line == openssl* ]] || fail "not an openssl command: $line"
		for c in ${cases[$comment]}; do
			alg=${c%%:*} scheme=${c#*:}
			tpmctl -q key create "ossl-$alg" --alg "$alg"
			tpmctl export-public "ossl-$alg" -o PUB.pem
			tpmctl sign "ossl-$alg" ${scheme:+--scheme "$scheme"} -i DATA -o SIG --force
			run bash -e -o pipefail -c "$line"
			assert_success
			assert_output "Verified OK"
			tpmctl -q delete "ossl-$alg"
			rm PUB.pem
			checked=$((checked + 1))
		done
	done < <(python3 "$LIB/man_examples.py" show "$SCD" '## sign' | tail -n +2)
	assert_equal "$checked" 4
}
