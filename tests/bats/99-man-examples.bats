#!/usr/bin/env bats
# The examples of man/tpmctl.1.scd, run as they are written: every block of
# EXAMPLES, in order, in one shell (what one block makes, later ones use),
# against the swtpm its first block starts; and the examples of the other
# sections (the RUN_* lists below), against this file's TPM.
# tests/lib/man_examples.py extracts the blocks as scdoc renders them and
# makes the script that runs them: "$ " transcripts must print exactly what
# the page shows (a message of tpmctl's may be wrapped, its further lines
# indented by two spaces; with --any-hex, for pcr read, a hex value stands for
# any of its length), an output block right after a block of commands
# must be how that block's output ends, other blocks run under
# bash -e -o pipefail. A failure names the block. (89-batch.bats and
# 97-serve.bats run the batch section's examples and serve's first.)
# The last test checks that every fenced block of the man pages is run by a
# test or listed in NOT_EXAMPLES as no command example, with the reason.
#
# What the harness does so that they run, and nothing else:
# - Paths: in the commands, /tmp/tpm, /etc/tpmctl, /run/, /srv/ks and
#   /tmp/mykey become directories of the test, /usr/local/share/tpmctl the
#   source tree ($TPMCTL_DATADIR); HOME is a directory of the test
#   (~/.tpmctl, ~/.config/tpm/signer.pw, ~/.zfunc), except that
#   INTEROPERABILITY's ~/.tpmctl, "the first keystore", is this file's.
#   INTEROPERABILITY's /tmp/tpm/sock is this file's swtpm's socket, and
#   serve's port 8600 a free one.
# - The examples outside EXAMPLES take the TPM and keystore as set up: the
#   harness gives them this file's (TPMCTL_TCTI, TPMCTL_KEYSTORE, and
#   TPM2TOOLS_TCTI for tpm2-tools).
# - The inputs the examples take are made beforehand: report.pdf,
#   release.tar, data, documents/, secret.txt, backup.key, old.pw (relkey's
#   password), ~/.config/tpm/signer.pw; disk.key and new-bootloader.efi; the
#   key web, ca.pem (a CA's key) and an EK certificate in the TPM's NV index
#   0x01c00002, as a TPM maker puts it there (swtpm has none unless made with
#   one); lockout-password.txt, empty, the lockout password swtpm has until
#   someone sets one, and a failed try for lockout clear to forget; the keys
#   mykey (and other, for completion), k (AES) with k.pub, k.priv and
#   data.enc; signer.key and signer.pub (RSA), partner.pub, and partner.sig
#   over message.
# - cryptsetup and pass, which are neither the TPM nor installed here, are
#   stubs on the PATH that record what they are asked (the tests check it):
#   cryptsetup keeps the key files luksAddKey adds, and its open --key-file
#   succeeds only with one of them; pass show tpm/signer prints signer's
#   password.
# - tpmctl, first on the PATH, is the binary under test run by
#   tests/lib/tty_answer.py, which makes a pseudo-terminal its /dev/tty and
#   types passwords at its prompts, chosen by the name in the prompt (ANSWERS
#   below); its standard input and output stay the example's. For examples
#   that ask for no password it runs without a terminal instead (make_bin
#   direct), and for serve it is the binary itself.
# - After the block that starts swtpm, the harness writes swtpm's pid (from
#   $!, for teardown to stop it) and waits for its socket; after the line
#   that starts serve, it waits for the port, and after the block stops the
#   server (which must exit with status 0).
# - completion's "tpmctl sign <TAB>" is bash's completion function called as
#   bash calls it for those words, after the line's setup.
# - The host's event log is not the swtpm's: TPMCTL_EVENTLOG is empty.
# Everything else is real: swtpm, tpmctl, openssl, tpm2-tools, the tss2_*
# tools, jq, tar.

load helpers

SCD=$BATS_TEST_DIRNAME/../../man/tpmctl.1.scd
LIB=$BATS_TEST_DIRNAME/../lib
PROFILES_SCD=$BATS_TEST_DIRNAME/../../man/tpmctl-profiles.7.scd

# The blocks each test runs, as man_examples.py SECTIONs (a heading, a heading
# and the prose line the examples start after, or one block's id).
RUN_EXAMPLES=('# EXAMPLES')
RUN_QUOTE=('## quote::^Examples\.' '## verify-quote::^Examples\.')
RUN_HMAC=('## hmac::^Example:')
RUN_SEALS=('# UPDATE-PROOF SEALS')
RUN_CERT_DESC=('## certificate set' '## description set' '## appdata get' '# SYMMETRIC KEYS')
RUN_SIGN=('## sign')
RUN_PCR=('## pcr read #1' '## pcr read #2')
RUN_LOCKOUT=('## lockout clear')
RUN_COMPLETION=('## completion')
RUN_AES=('# AES HEADER #2')
RUN_INTEROP=('# INTEROPERABILITY #1' '# INTEROPERABILITY #2' '# INTEROPERABILITY #3' '# INTEROPERABILITY #4')
RUN_SERVE_TCP=('## serve::^Over TCP')
RUN_HERE=("${RUN_EXAMPLES[@]}" "${RUN_QUOTE[@]}" "${RUN_HMAC[@]}" "${RUN_SEALS[@]}"
	"${RUN_CERT_DESC[@]}" "${RUN_SIGN[@]}" "${RUN_PCR[@]}" "${RUN_LOCKOUT[@]}"
	"${RUN_COMPLETION[@]}" "${RUN_AES[@]}" "${RUN_INTEROP[@]}" "${RUN_SERVE_TCP[@]}")

# The blocks other files run: SECTION<TAB>FILE, which takes them from the
# section of that heading (sed -n '/^HEADING$/,...').
ELSEWHERE=$'## batch\t89-batch.bats
## serve #1\t97-serve.bats
## serve #2\t97-serve.bats'

# The blocks that are no command examples: ID<TAB>what it is.
NOT_EXAMPLES=$'## provision #1\tthe JSON provision --json prints
## info #1\tinfo\'s output, on one machine: its format
## info #2\tthe JSON info --json prints, shortened
## health #1\tthe JSON health --json prints, passed and failed
## key create #1\tthe JSON key create --json prints
## key show #1\tkey show\'s output: its format
## key show #2\tkey show\'s output for a sealed object with an authorized policy: its format
## key show #3\tthe JSON key show --json prints
## verify #1\tthe JSON verify --json prints
## quote #1\tthe quote document, shortened: its format
## verify-quote #1\tthe JSON verify-quote --json prints, shortened
## seal #1\tthe JSON seal --json prints
## lockout status #1\tlockout status\'s output in a lockout: its format
## policy show #1\tthe JSON policy show prints, shortened
## policy authorize #1\tthe JSON policy authorize --json prints
## policy digest #1\tthe JSON policy digest --json prints
## export #1\texport\'s output for tpm2-tools: its format
## export #2\tthe JSON export --json prints for tpm2-tools
## export #3\tthe JSON export --json prints for pem
## list #1\tthe JSON list --json prints, shortened
## flush #1\tthe JSON flush --json prints
## config #1\tthe JSON config prints, on one machine
# ENVELOPE #1\tthe layout of an envelope
# AES HEADER #1\tthe layout of the AES header
# POLICIES #1\tmessages of policy digest and import, for files the page does not show'

# The passwords typed at prompts: REGEX<TAB>ANSWER, the first that matches.
ANSWERS=$'^New password for .*\\brelkey:\trelkey, changed
\\brelkey:\trelease signing
\\bbootkey:\tboot password
\\btoken:\ttoken password
\\bsigner:\tsigner password'

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
# With "direct", a tpmctl without a terminal instead (setsid), for examples
# that ask for no password: one that asks fails (exit status 5) rather than
# waiting, and no Python starts for each command.
make_bin() { # make_bin DIR [direct] (writes DIR/bin; logs go to DIR/stub)
	local d=$1
	mkdir -p "$d/bin" "$d/stub/keys"
	printf '%s\n' "$ANSWERS" >"$d/answers"
	if [ "${2:-}" = direct ]; then
		printf '#!/bin/sh\nexec setsid -w "%s" "$@"\n' "$TPMCTL" >"$d/bin/tpmctl"
	else
		cat >"$d/bin/tpmctl" <<-EOF
			#!/bin/sh
			exec python3 "$LIB/tty_answer.py" "$d/answers" "$d/tty.log" "$TPMCTL" "\$@"
		EOF
	fi
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
# The examples run against this file's TPM and keystore (and VAR=VALUE...).
use_this_tpm() { EXAMPLE_ENV=(TPMCTL_TCTI="$TPMCTL_TCTI" TPMCTL_KEYSTORE="$TPMCTL_KEYSTORE" "$@"); }

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
	# Every block ran, in order.
	assert_equal "$(cat "$out/ran")" "$(seq "$(cat "$out/count")")"
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
		"${RUN_EXAMPLES[@]}"

	# Every block ran, and man_examples.py saw every block there is.
	n=$(count_fences '^# EXAMPLES$' '^# SEE ALSO$')
	[ "$n" -ge 20 ] || fail "only $n blocks in EXAMPLES"
	assert_equal "$(python3 "$LIB/man_examples.py" count "$SCD" "${RUN_EXAMPLES[@]}")" "$n"
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
	use_this_tpm
	run_examples "$T/ex" "${RUN_QUOTE[@]}"
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
	use_this_tpm
	run_examples "$T/ex" "${RUN_HMAC[@]}"
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
	use_this_tpm
	run_examples "$T/ex" "${RUN_SEALS[@]}"
	n=$(count_fences '^# UPDATE-PROOF SEALS$' '^# POLICIES$')
	[ "$n" -ge 4 ] || fail "only $n blocks"
	assert_equal "$(cat "$T/ex/ran")" "$(seq "$n")"
	# Every block is a transcript, compared with the page.
	assert_equal "$(grep -c '^__expect ' "$T/ex/run.sh")" "$(grep -c '^\$ ' "$T"/ex/[0-9]*.sh | awk -F: '{s += $2} END {print s}')"
	cmp disk.key "$T/disk.key.orig"
	tpmctl -q delete disk vendor
}

@test "man tpmctl-certificate, tpmctl-description, tpmctl-appdata, SYMMETRIC KEYS: the examples run" {
	T=$BATS_TEST_TMPDIR
	make_bin "$T"
	mkdir -p "$T/work" && cd "$T/work"
	tpmctl -q key create web
	# A CA's key, and the TPM's EK certificate, issued by it, in the NV index
	# where a TPM maker puts it (0x01c00002, for the RSA EK).
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.pem 2>/dev/null
	tpmctl export-public /HE/EK -o "$T/ek.pub"
	openssl x509 -new -subj "/CN=example TPM maker" -key ca.pem -days 1 -out "$T/ca.crt"
	openssl x509 -new -subj "/CN=EK of this TPM" -CA "$T/ca.crt" -CAkey ca.pem \
		-force_pubkey "$T/ek.pub" -days 1 -outform DER -out "$T/ek.der"
	tpm2_nvdefine -T "$TPMCTL_TCTI" 0x01c00002 -C o -s "$(stat -c %s "$T/ek.der")" \
		-a "ownerwrite|ownerread|authread|no_da" >/dev/null
	tpm2_nvwrite -T "$TPMCTL_TCTI" 0x01c00002 -C o -i "$T/ek.der"
	echo "a secret" >secret.txt
	cp secret.txt "$T/secret.orig"
	use_this_tpm
	run_examples "$T/ex" "${RUN_CERT_DESC[@]}"
	tpm2_nvundefine -T "$TPMCTL_TCTI" 0x01c00002 -C o
	# The certificate stored with web is the one made, and the EK's is read.
	cmp web.crt web-copy.crt
	run openssl x509 -in web.crt -noout -subject
	assert_output "subject=CN = web"
	run block_output "$T/ex" 'certificate get /HE/EK'
	assert_line "stored the certificate of /P_RSA2048SHA256/HS/SRK/web"
	assert_line "subject=CN = EK of this TPM"
	assert_line "issuer=CN = example TPM maker"
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
	assert_equal "$(python3 "$LIB/man_examples.py" count "$SCD" "${RUN_SIGN[@]}")" 1
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
	done < <(python3 "$LIB/man_examples.py" show "$SCD" "${RUN_SIGN[@]}" | tail -n +2)
	assert_equal "$checked" 4
}

# pcr read's examples show one machine's values: the harness takes any hex
# value of the same length (--any-hex) and checks the values against
# tpm2_pcrread's instead.
@test "man tpmctl-pcr: pcr read prints this TPM's values as the page shows them" {
	T=$BATS_TEST_TMPDIR
	make_bin "$T" direct
	mkdir -p "$T/work" && cd "$T/work"
	# PCR 16 other than zeros, so that the values differ from one another.
	echo "not zeros" | tpmctl -q pcr extend 16 -i -
	use_this_tpm
	run_examples "$T/ex" --any-hex "${RUN_PCR[0]}"
	# The values printed are the TPM's.
	tpm2_pcrread -T "$TPMCTL_TCTI" sha256:0,7,16 |
		awk '/^ +[0-9]+ *: 0x/ {sub(/:$/, "", $1); printf "sha256:%s %s\n", $1, tolower(substr($NF, 3))}' >want
	[ "$(wc -l <want)" -eq 3 ] || fail "tpm2_pcrread: $(cat want)"
	awk '{print $1, $2}' "$T/ex/1.1.out" | diff -u want -
	if grep -qx 'sha256:16 0*' want; then fail "PCR 16 is zeros"; fi
	# The JSON, of the command the prose names.
	grep -qzF 'sha256:0,7+sha1:0*):' "$SCD" || fail "the prose does not name the command"
	norm() { perl -pe 's/([0-9a-f]{40,})/"<" . length($1) . " hex digits>"/ge'; }
	tpmctl --json pcr read sha256:0,7+sha1:0 >got.json
	python3 "$LIB/man_examples.py" show "$SCD" "${RUN_PCR[1]}" | tail -n +2 >page.json
	diff -u <(norm <page.json) <(norm <got.json)
	assert_equal "$(jq -r '.sha256."7"' got.json)" "$(sed -n 's/^sha256:7 //p' want)"
}

@test "man tpmctl-lockout: lockout clear forgets the failed tries, with swtpm's empty lockout password" {
	T=$BATS_TEST_TMPDIR
	make_bin "$T" direct
	mkdir -p "$T/work" && cd "$T/work"
	# A failed try to forget: a wrong password for a key.
	printf 'right' >"$T/right" && printf 'wrong' >"$T/wrong"
	tpmctl -q key create lk --auth-file "$T/right"
	run tpmctl sign lk -i "$T/right" --auth-file "$T/wrong"
	assert_failure 5
	# The lockout password swtpm has: empty, until someone sets one.
	: >lockout-password.txt
	use_this_tpm
	run_examples "$T/ex" "${RUN_LOCKOUT[@]}"
	run cat "$T/ex/1.out"
	assert_line --regexp '^failed tries +1 of [0-9]+$'
	assert_equal "$(grep -cE '^lockout cleared: 0 of [0-9]+ failed tries$' <<<"$output")" 2
	assert_equal "$(tpmctl --json lockout status | jq .failed_tries)" 0
	tpmctl -q delete lk
}

# The completion example: the lines that set it up run as they are; at
# "<TAB>", bash's completion function is called for those words, as bash
# calls it, and offers what the page shows.
@test "man tpmctl-completion: the setup runs, and bash completes as the page shows" {
	T=$BATS_TEST_TMPDIR
	make_bin "$T" direct
	mkdir -p "$T/work" "$T/home" && cd "$T/work"
	# A keystore with those two keys only (a copy of this TPM's first one).
	cp -a "$TPMCTL_GOLDEN/ks" "$T/ks"
	export TPMCTL_KEYSTORE=$T/ks
	tpmctl -q key create mykey
	tpmctl -q key create other --alg ecc256
	mapfile -t lines < <(python3 "$LIB/man_examples.py" show "$SCD" "${RUN_COMPLETION[@]}" | tail -n +2)
	setup=() words= want=()
	for line in "${lines[@]}"; do
		if [[ $line == '$ '*' <TAB>' ]]; then
			[ -z "$words" ] || fail "two completions in the block"
			cmd=${line#\$ } cmd=${cmd% <TAB>}
			[[ $cmd != *'; '* ]] || setup+=("${cmd%; *}")
			words=${cmd##*; }
		elif [[ $line == '$ '* ]]; then
			[ -z "$words" ] || fail "a command after the completion: $line"
			setup+=("${line#\$ }")
		else
			[ -n "$words" ] || fail "output before the completion: $line"
			read -r -a w <<<"$line"
			want+=("${w[@]}")
		fi
	done
	[ -n "$words" ] && [ "${#want[@]}" -gt 0 ] || fail "no completion in the block: ${lines[*]}"
	{
		printf '%s\n' "${setup[@]}"
		cat <<-'EOF'
			read -r -a words <<<"$1"
			spec=$(complete -p "${words[0]}")
			[[ $spec == *' -F '* ]] || { echo "not a function: $spec" >&2; exit 1; }
			func=${spec#* -F } func=${func%% *}
			COMP_WORDS=("${words[@]}" "") COMP_CWORD=${#words[@]}
			COMP_LINE="$1 " COMP_POINT=$((${#1} + 1))
			"$func" "${words[0]}" "" "${words[-1]}"
			printf '%s\n' "${COMPREPLY[@]}"
		EOF
	} >complete.sh
	run --separate-stderr env PATH="$T/bin:$PATH" HOME="$T/home" TPMCTL_TCTI="$TPMCTL_TCTI" \
		TPMCTL_KEYSTORE="$TPMCTL_KEYSTORE" bash -e -o pipefail complete.sh "$words"
	assert_success
	assert_equal "$(sort <<<"$output")" "$(printf '%s\n' "${want[@]}" | sort)"
	# The zsh function the setup wrote is the checked-in one, and the
	# prose's lines for ~/.zshrc bind it.
	cmp "$T/home/.zfunc/_tpmctl" "$BATS_TEST_DIRNAME/../../completion/_tpmctl"
	HOME="$T/home" zsh -f -c 'fpath=(~/.zfunc $fpath); autoload -U compinit; compinit -u -D
		[[ $_comps[tpmctl] == _tpmctl ]]'
	grep -qF 'fpath=(~/.zfunc $fpath); autoload -U compinit; compinit*' "$SCD"
}

@test "man tpmctl(1), AES HEADER, INTEROPERABILITY: tpm2-tools, tpm2-openssl and OpenSSL use tpmctl's keys" {
	T=$BATS_TEST_TMPDIR
	make_bin "$T" direct
	use_this_tpm TPM2TOOLS_TCTI="$TPMCTL_TCTI"
	# AES HEADER: tpm2-tools decrypt what encrypt wrote.
	mkdir -p "$T/aes" && cd "$T/aes"
	echo "the data" >"$T/data.orig"
	tpmctl -q key create k --alg aes256
	tpmctl -q export k --format tpm2-tools -o k
	tpmctl encrypt k -i "$T/data.orig" -o data.enc
	run_examples "$T/ex-aes" "${RUN_AES[@]}"
	cmp data "$T/data.orig"
	tpmctl -q delete k
	# INTEROPERABILITY, each block in a directory of its own (the first two
	# together): tpm2-tools and tpm2-openssl with mykey, in one TPM.
	mkdir -p "$T/i1" && cd "$T/i1"
	tpmctl -q key create mykey
	echo "the data" >data
	run_examples "$T/ex-i1" --subst "/tmp/tpm/sock=${TPM_DIRECT_TCTI#swtpm:path=}" "${RUN_INTEROP[@]:0:2}"
	run tpmctl key show toolkey
	assert_line "algorithm        ecc256 (name hash sha256)"
	run block_output "$T/ex-i1" 'provider tpm2'
	assert_line "Signature Verified Successfully"
	# OpenSSL's keys: one wrapped into the TPM, one kept to verify with.
	mkdir -p "$T/i3" && cd "$T/i3"
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out signer.key 2>/dev/null
	openssl pkey -in signer.key -pubout -out signer.pub
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/partner.key" 2>/dev/null
	openssl pkey -in "$T/partner.key" -pubout -out partner.pub
	echo "the data" >data && echo "a message" >message
	openssl dgst -sha256 -sign "$T/partner.key" -out partner.sig message
	make_bin "$T/tty"
	run_examples "$T/tty/ex-i3" "${RUN_INTEROP[2]}"
	[ ! -e signer.key ] || fail "signer.key was not shredded"
	run block_output "$T/tty/ex-i3" 'import signer'
	assert_line "Verified OK"
	assert_line "valid"
	# import asked for the new password twice, sign for it once (the path
	# in the prompt reduced to its name).
	run sed 's|for [^:]*/\([^/:]*\):|for \1:|' "$T/tty/tty.log"
	assert_output "$(printf '%s\t%s\n' "Password for signer:" "signer password" \
		"Again, to confirm:" "signer password" "Password for signer:" "signer password")"
	# Another keystore on the same TPM: both keep working.
	mkdir -p "$T/i4" "$T/srv" && cd "$T/i4"
	run_examples "$T/ex-i4" --subst "~/.tpmctl=$TPMCTL_KEYSTORE" --subst "/srv/ks=$T/srv/ks" \
		--subst "/tmp/mykey=$T/i4/mykey" "${RUN_INTEROP[3]}"
	[ ! -e mykey.pub ] && [ ! -e mykey.priv ] || fail "the blobs were not removed"
	tpmctl export-public mykey -o mykey.pem
	for ks in "$TPMCTL_KEYSTORE" "$T/srv/ks"; do
		tpmctl --keystore "$ks" sign mykey -i "$T/i1/data" -o data.sig --force
		run openssl dgst -sha256 -sigopt rsa_padding_mode:pss -verify mykey.pem -signature data.sig "$T/i1/data"
		assert_output "Verified OK"
	done
	tpmctl -q delete mykey toolkey signer /ext/partner
}

@test "man tpmctl-serve: the example over TCP with a token" {
	T=$BATS_TEST_TMPDIR
	# serve runs in the background: the binary itself, not tty_answer.py.
	mkdir -p "$T/bin" "$T/work" && cd "$T/work"
	ln -s "$TPMCTL" "$T/bin/tpmctl"
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	use_this_tpm
	run_examples "$T/ex" --subst "127.0.0.1:8600=127.0.0.1:$port" \
		--after "^tpmctl serve =for i in \$(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done" \
		--hook "tpmctl serve=kill \$! && wait \$!" \
		"${RUN_SERVE_TCP[@]}"
	run block_output "$T/ex" 'token-file'
	assert_line --partial "GET /v1/keys 200"
	keys=$(grep '^{' <<<"$output")
	assert_equal "$(jq -r '.paths | index("/P_RSA2048SHA256/HS/SRK") != null' <<<"$keys")" true
}

# The blocks of the page SCD (default: tpmctl(1)'s source) that no test runs
# and NOT_EXAMPLES does not list, and those counted twice
# (man_examples.py missing); an error when NOT_EXAMPLES lists a block the
# page has not, or another file no longer takes its examples from its
# section.
unaccounted() { # unaccounted [SCD]
	local section file heading
	local -a sections=("${RUN_HERE[@]}")
	while IFS=$'\t' read -r section file; do
		heading=$(sed -E 's/(::.*| #[0-9]+)$//' <<<"$section")
		grep -qF -- "/^$heading\$/" "$BATS_TEST_DIRNAME/$file" ||
			{ echo "$file does not take its examples from $heading"; return 1; }
		sections+=("$section")
	done <<<"$ELSEWHERE"
	mapfile -t -O "${#sections[@]}" sections < <(cut -f1 <<<"$NOT_EXAMPLES")
	python3 "$LIB/man_examples.py" missing "${1:-$SCD}" "${sections[@]}"
}

@test "man pages: every fenced block is run by a test or listed as no command example" {
	# Each entry of NOT_EXAMPLES says why.
	[ "$(wc -l <<<"$NOT_EXAMPLES")" -ge 20 ] || fail "NOT_EXAMPLES is short"
	while IFS=$'\t' read -r id reason; do
		[ -n "$reason" ] || fail "no reason for $id"
	done <<<"$NOT_EXAMPLES"
	# Every block is run once, or listed; none is both.
	run unaccounted
	assert_success
	[ -z "$output" ] || fail "blocks that no test runs and NOT_EXAMPLES does not list (add a test, or list them), or counted twice:
$output"
	# tpmctl-profiles(7) has no block; one added needs a test here.
	run python3 "$LIB/man_examples.py" list "$PROFILES_SCD"
	assert_success
	[ -z "$output" ] || fail "blocks in tpmctl-profiles(7) that no test runs: $output"
	# An example block added to the page without a test is found: at the end
	# of a section whose blocks are each run, and among INTEROPERABILITY's.
	awk '/^## pcr extend$|^\*tpm2_encodeobject\* of tpm2-tools/ {print "```\ntpmctl flush\n```\n"} {print}' \
		"$SCD" >"$BATS_TEST_TMPDIR/page.scd"
	run unaccounted "$BATS_TEST_TMPDIR/page.scd"
	assert_success
	assert_equal "$(cut -f1 <<<"$output")" "## pcr read #3
# INTEROPERABILITY #5"
}
