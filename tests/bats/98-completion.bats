#!/usr/bin/env bats
# Completion for bash, zsh and fish, generated from the option tables: the
# checked-in scripts under completion/ are what is tested (01-build.bats
# checks they are what `tpmctl completion SHELL` prints). Key, NV and policy
# names come from `tpmctl list` / `tpmctl policy list` against this file's
# swtpm and keystore.

load helpers

top=$(cd "$BATS_TEST_DIRNAME/../.." && pwd -P)

setup_file() {
	start_tpm
	tpmctl key create relkey
	tpmctl key create other --alg ecc256
	tpmctl nv define cnt1 --type counter --auth-file /dev/null
	tpmctl policy import pol1 "$BATS_TEST_DIRNAME/../../policies/password.json"
	mkdir -p "$BATS_FILE_TMPDIR/files/subdir"
	touch "$BATS_FILE_TMPDIR/files/data.bin" "$BATS_FILE_TMPDIR/files/data.pem"
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>/dev/null |
		openssl pkey -pubout -out "$BATS_FILE_TMPDIR/pub.pem"
}

# The candidates bash offers for the last word, one a line: words as bash
# splits them, the first being the binary under test.
complete_bash() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _tpmctl
		printf "%s\n" "${COMPREPLY[@]}"' _ "$top/completion/tpmctl.bash" "$TPMCTL" "$@"
}

# zsh, without a terminal: _tpmctl autoloaded by compinit from completion/,
# called with words and CURRENT set as the completion system sets them, and
# compadd and _files standing in for the builtins (compadd prints what it
# was given, unfiltered, or with ZSH_DISPLAY set what it would display;
# _files prints "_files ARGS").
complete_zsh() {
	zsh -f -c 'fpath=("$1" $fpath); shift
		autoload -U compinit; compinit -u -D
		[[ $_comps[tpmctl] == _tpmctl ]] || { print "tpmctl not bound to _tpmctl"; exit 1; }
		compadd() {
			local -a flags
			local dname=
			while (($#)) && [[ $1 != -- ]]; do
				case $1 in
				-d) dname=$2; shift ;;
				-l) ;;
				*) flags+=("$1") ;;
				esac
				shift
			done
			shift
			[[ -n $flags ]] && print -r -- "flags: $flags"
			if [[ -n $dname && -n $ZSH_DISPLAY ]]; then
				print -rl -- "${(@P)dname}"
			else
				print -rl -- "$@"
			fi
		}
		_files() { print -r -- "_files $*"; }
		compset() { :; }
		words=("$@"); CURRENT=$#
		_tpmctl' _ "$top/completion" "$TPMCTL" "$@"
}

# fish: what `complete -C` lists for a command line (the candidates, without
# descriptions).
complete_fish() {
	fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$top/completion/tpmctl.fish" \
		"$TPMCTL $*" | cut -f1
}

@test "tpmctl completion prints bash (default), zsh and fish scripts; another shell is a usage error" {
	run tpmctl completion
	assert_success
	assert_output --partial "complete -F _tpmctl tpmctl"
	run tpmctl completion bash
	assert_success
	assert_output --partial "complete -F _tpmctl tpmctl"
	run tpmctl completion zsh
	assert_success
	assert_line --index 0 "#compdef tpmctl"
	run tpmctl completion fish
	assert_success
	assert_output --partial "complete -c tpmctl -f -a '(__tpmctl_complete)'"
	run tpmctl completion ksh
	assert_failure 2
	assert_output --partial "give bash, zsh or fish"
}

@test "bash: commands, also after global options with values" {
	run complete_bash ""
	assert_success
	for c in provision key sign nv policy help completion; do assert_line "$c"; done
	run complete_bash fl
	assert_output "flush"
	run complete_bash --profile P_ECCP256SHA256 si
	assert_output "sign"
	run complete_bash --json --timeout 5 -q key c
	assert_output "create"
	run complete_bash --profile X key c
	assert_output "create"
	run complete_bash --profile=X --keystore "$TPMCTL_KEYSTORE" nv ""
	assert_output "$(printf '%s\n' define write read increment extend setbits)"
}

@test "bash: a shell with set -u completes too" {
	run bash -c 'set -u; source "$1"; for line in "key c" "bogus x " "sign -- " "--alg=" "seal --pcrs "; do
		read -ra COMP_WORDS <<<"tpmctl $line"; [[ $line == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _tpmctl; echo "[${COMPREPLY[*]-}]"; done' _ \
		"$top/completion/tpmctl.bash"
	assert_success
	assert_line --index 0 "[create]"
	assert_line --index 1 "[]"
	assert_line --index 4 "[sha1: sha256: sha384: sha512:]"
}

@test "bash: help completes a command, then a group's subcommand" {
	run complete_bash help k
	assert_output "key"
	run complete_bash help key ""
	assert_output "$(printf '%s\n' create show)"
	run complete_bash help nv d
	assert_output "define"
	run complete_bash help sign ""
	assert_output ""
}

@test "bash: options after positionals, the command's own and the global ones" {
	run complete_bash sign relkey --
	assert_success
	for o in --input --output --scheme --digest --auth-file --profile --keystore --json; do
		assert_line -- "$o"
	done
	refute_line -- --alg
	run complete_bash sign relkey --sch
	assert_output -- "--scheme"
	run complete_bash key create newkey --a
	assert_output -- "$(printf '%s\n' --alg --auth-file --auth-fd --auth-env --auth-prompt)"
}

@test "bash: option values come from the parsers' tables" {
	run complete_bash key create k --alg ""
	assert_output "$(printf '%s\n' rsa2048 ecc256 ecc384 aes128 aes256 hmac)"
	run complete_bash key create -a ec
	assert_output "$(printf '%s\n' ecc256 ecc384)"
	run complete_bash key create k --alg hmac --hash ""
	assert_output "$(printf '%s\n' sha1 sha256 sha384 sha512)"
	run complete_bash import k --hmac-secret s --hash sha5
	assert_output "sha512"
	run complete_bash key create --type ""
	assert_output "$(printf '%s\n' sign decrypt restricted-sign restricted-decrypt)"
	run complete_bash nv define n --type ""
	assert_output "$(printf '%s\n' ordinary counter bitfield extend)"
	run complete_bash export relkey --format ""
	assert_output "$(printf '%s\n' tpm2-tools pem)"
	run complete_bash sign relkey --scheme ""
	assert_output "$(printf '%s\n' rsapss rsassa ecdsa)"
	run complete_bash verify relkey --hash ""
	assert_output "$(printf '%s\n' sha256 sha384 sha512)"
	run complete_bash policy digest --alg ""
	assert_output "$(printf '%s\n' sha256 sha384)"
	run complete_bash seal s --pcrs ""
	assert_output "$(printf '%s\n' sha1: sha256: sha384: sha512:)"
	run complete_bash pcr read sha3
	assert_output "sha384:"
	run complete_bash pcr extend 16 --digest sha5
	assert_output "sha512:"
	run complete_bash completion ""
	assert_output "$(printf '%s\n' bash zsh fish)"
	# The profiles offered are the ones tpmctl ships.
	assert_equal "$(complete_bash --profile "" | sort)" \
		"$(cd "$top/profiles" && ls -- *.json | sed 's/\.json$//' | sort)"
	# A value nobody can guess: nothing, not files.
	run complete_bash key create k --description ""
	assert_output ""
	run complete_bash random ""
	assert_output ""
}

@test "bash: every value offered is one the command accepts" {
	pub=$BATS_FILE_TMPDIR/pub.pem
	run tpmctl verify --pubkey "$pub" --scheme bogus -s /dev/null -i /dev/null
	assert_output --partial "use rsapss, rsassa or ecdsa"
	for s in $(complete_bash sign relkey --scheme ""); do
		run tpmctl verify --pubkey "$pub" --scheme "$s" -s /dev/null -i /dev/null
		refute_output --partial "use rsapss, rsassa or ecdsa"
	done
	run tpmctl verify --pubkey "$pub" --hash bogus -s /dev/null -i /dev/null
	assert_output --partial "use sha256, sha384 or sha512"
	for h in $(complete_bash verify x --hash ""); do
		run tpmctl verify --pubkey "$pub" --hash "$h" -s /dev/null -i /dev/null
		refute_output --partial "use sha256, sha384 or sha512"
	done
	for a in $(complete_bash key create k --alg ""); do
		run tpmctl key create "k-$a" --alg "$a"
		assert_success
	done
	for h in $(complete_bash key create k --alg hmac --hash ""); do
		run tpmctl key create "h-$h" --alg hmac --hash "$h"
		assert_success
	done
	for f in $(complete_bash export relkey --format ""); do
		run tpmctl export relkey --format "$f"
		refute_output --partial "give --format"
	done
	run tpmctl export relkey --format nonsense
	assert_output --partial "give --format"
}

@test "bash: values after --option=, split at = as bash does by default or not" {
	run complete_bash key create k --alg = ""
	assert_output "$(printf '%s\n' rsa2048 ecc256 ecc384 aes128 aes256 hmac)"
	run complete_bash key create k --alg =
	assert_output "$(printf '%s\n' rsa2048 ecc256 ecc384 aes128 aes256 hmac)"
	run complete_bash key create k --alg = ec
	assert_output "$(printf '%s\n' ecc256 ecc384)"
	run complete_bash key create k --alg=ec
	assert_output "$(printf '%s\n' --alg=ecc256 --alg=ecc384)"
	# Typed earlier, --option=VALUE takes no positional's place.
	run complete_bash --profile = P_ECCP256SHA256 key c
	assert_output "create"
	run complete_bash sign --scheme = rsapss re
	assert_output "relkey"
	run complete_bash --keystore = "$TPMCTL_KEYSTORE" sign re
	assert_output "relkey"
}

@test "bash: files where a file goes, directories for --keystore" {
	cd "$BATS_FILE_TMPDIR/files"
	run complete_bash sign relkey -i da
	assert_output "$(printf '%s\n' data.bin data.pem)"
	run complete_bash import k --pem data.p
	assert_output "data.pem"
	run complete_bash sign relkey --auth-file data.b
	assert_output "data.bin"
	run complete_bash verify --pubkey data.p
	assert_output "data.pem"
	run complete_bash policy import pol2 da
	assert_output "$(printf '%s\n' data.bin data.pem)"
	run complete_bash policy digest d
	assert_output "$(printf '%s\n' data.bin data.pem)"
	run complete_bash serve --tls-cert data.p
	assert_output "data.pem"
	run complete_bash quote relkey --nonce-file data.b
	assert_output "data.bin"
	run complete_bash --keystore s
	assert_output "subdir"
	run complete_bash --keystore d
	assert_output ""
}

@test "bash: key, NV and policy names from tpmctl list, with --keystore as typed" {
	run complete_bash sign ""
	assert_success
	assert_line relkey
	assert_line other
	refute_line cnt1
	run complete_bash sign re
	assert_output "relkey"
	run complete_bash delete relkey o
	assert_output "other"
	run complete_bash sign /
	assert_line --regexp '^/P_[A-Z0-9]+/HS/SRK/relkey$'
	assert_line --regexp '^/P_[A-Z0-9]+/HS/SRK/other$'
	# A flag does not take the next word: the key is still completed.
	run complete_bash sign --digest re
	assert_output "relkey"
	run complete_bash nv read ""
	assert_output "cnt1"
	run complete_bash nv increment /nv/
	assert_output "/nv/Owner/cnt1"
	run complete_bash policy show ""
	assert_output "pol1"
	run complete_bash key create k --policy p
	assert_output "pol1"
	# The keystore given on the command line is the one listed.
	ks=$TPMCTL_KEYSTORE
	run env -u TPMCTL_KEYSTORE bash -c "$(declare -f complete_bash); top='$top' TPMCTL='$TPMCTL' complete_bash --keystore '$ks' sign re"
	assert_output "relkey"
	run env -u TPMCTL_KEYSTORE bash -c "$(declare -f complete_bash); top='$top' TPMCTL='$TPMCTL' complete_bash --keystore=$ks sign re"
	assert_output "relkey"
	run complete_bash --keystore "$BATS_FILE_TMPDIR/files" sign ""
	assert_output ""
}

@test "zsh: _tpmctl is autoloaded for tpmctl and completes commands, options, values, files and keys" {
	run complete_zsh --profile X key ""
	assert_success
	assert_output "$(printf '%s\n' create show)"
	run complete_zsh help key ""
	assert_output "$(printf '%s\n' create show)"
	run complete_zsh sign relkey --
	assert_line -- --scheme
	assert_line -- --profile
	refute_line -- --alg
	run complete_zsh key create k --alg ""
	assert_output "$(printf '%s\n' rsa2048 ecc256 ecc384 aes128 aes256 hmac)"
	run complete_zsh export relkey --format ""
	assert_output "$(printf '%s\n' tpm2-tools pem)"
	run complete_zsh seal s --pcrs ""
	assert_line "flags: -S "
	assert_line "sha256:"
	run complete_zsh sign relkey -o ""
	assert_output "_files "
	run complete_zsh --keystore ""
	assert_output "_files -/"
	run complete_zsh sign ""
	assert_line relkey
	assert_line other
	run complete_zsh nv read ""
	assert_output "cnt1"
	run complete_zsh key create k --alg=
	assert_output "$(printf '%s\n' rsa2048 ecc256 ecc384 aes128 aes256 hmac)"
	# Commands are shown with their summaries, options with their help.
	ZSH_DISPLAY=1 run complete_zsh key ""
	assert_line "create  -- $(tpmctl help key | sed -n 's/^  create  *//p')"
	ZSH_DISPLAY=1 run complete_zsh help key ""
	assert_line "create  -- $(tpmctl help key | sed -n 's/^  create  *//p')"
	ZSH_DISPLAY=1 run complete_zsh sign k --
	assert_line "--scheme  -- rsapss, rsassa or ecdsa (default: the key's, RSA-PSS or ECDSA)"
	assert_line "--keystore  -- keep the keystore under DIR (env TPMCTL_KEYSTORE; default: FAPI's)"
	ZSH_DISPLAY=1 run complete_zsh ""
	assert_line --regexp '^sign  -- .+'
}

# zsh for real: each LINE typed into an interactive zsh on a pty (zpty),
# then TAB, then ^T, bound to a widget that prints the buffer and clears it.
# Prints each line as completed.
complete_zsh_pty() { # complete_zsh_pty LINE...
	zsh -f -c "$(zsh_pty_script)" _ "$top/completion" "$(dirname "$TPMCTL")" "$@"
}

zsh_pty_script() {
	cat <<'ZSH'
zmodload zsh/zpty || exit 1
fdir=$1 bdir=$2; shift 2
zpty z zsh -f -i
zpty -w z "PS1='' RPROMPT=''; unset zle_bracketed_paste; fpath=(${(q)fdir} \$fpath); path=(${(q)bdir} \$path); autoload -U compinit; compinit -u -D"
zpty -w z 'show-buffer() { print -r -- "<""<BUF:$BUFFER:BUF"">>"; BUFFER=""; }; zle -N show-buffer; bindkey "^T" show-buffer'
for line; do
  zpty -n -w z "$line"$'\t'
  zpty -n -w z $'\x14'
done
out= chunk=
for i in {1..100}; do
  if zpty -r -t z chunk; then out+=$chunk; else sleep 0.1; fi
  [[ ${#${(M)${(f)out//$'\r'/$'\n'}:#*<<BUF:*}} -ge $# ]] && break
done
zpty -d z
out=${out//$'\r'/}
while [[ $out == *'<<BUF:'*':BUF>>'* ]]; do
  out=${out#*<<BUF:}
  print -r -- "${out%%:BUF>>*}"
  out=${out#*:BUF>>}
done
ZSH
}

@test "zsh on a pty: TAB completes commands, options, values, keys and files" {
	cd "$BATS_FILE_TMPDIR/files"
	run complete_zsh_pty "tpmctl key c" "tpmctl --profile X key c" "tpmctl sign relkey --sch" \
		"tpmctl key create x --alg ecc2" "tpmctl sign rel" "tpmctl key create x --alg=rsa" \
		"tpmctl help ke" "tpmctl nv read cn" "tpmctl sign -i data.b" "tpmctl export relkey --format p"
	assert_success
	assert_output "$(printf '%s \n' "tpmctl key create" "tpmctl --profile X key create" \
		"tpmctl sign relkey --scheme" "tpmctl key create x --alg ecc256" "tpmctl sign relkey" \
		"tpmctl key create x --alg=rsa2048" "tpmctl help key" "tpmctl nv read cnt1" \
		"tpmctl sign -i data.bin" "tpmctl export relkey --format pem")"
}

@test "fish: commands, subcommands, help, options, values, files and keys" {
	run complete_fish key c
	assert_success
	assert_output "create"
	run complete_fish --profile X key c
	assert_output "create"
	run complete_fish help k
	assert_output "key"
	run complete_fish "help key "
	assert_output "$(printf '%s\n' create show)"
	run complete_fish sign relkey --sch
	assert_output -- "--scheme"
	run complete_fish "key create k --alg "
	assert_output "$(printf '%s\n' aes128 aes256 ecc256 ecc384 hmac rsa2048)"
	run complete_fish "export relkey --format "
	assert_output "$(printf '%s\n' pem tpm2-tools)"
	run complete_fish "--profile "
	assert_line P_RSA2048SHA256
	run complete_fish "sign "
	assert_line relkey
	assert_line other
	run complete_fish "nv read "
	assert_output "cnt1"
	# With the summaries and the options' help as descriptions.
	run fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$top/completion/tpmctl.fish" \
		"$TPMCTL key "
	assert_line "$(printf 'create\t%s' "$(tpmctl help key | sed -n 's/^  create  *//p')")"
	run fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$top/completion/tpmctl.fish" \
		"$TPMCTL sign k --sch"
	assert_output "$(printf -- '--scheme\trsapss, rsassa or ecdsa (default: the key'"'"'s, RSA-PSS or ECDSA)')"
	run complete_fish key create k --alg=ec
	assert_output "$(printf '%s\n' --alg=ecc256 --alg=ecc384)"
	cd "$BATS_FILE_TMPDIR/files"
	run complete_fish sign relkey -i data.p
	assert_output "data.pem"
	run complete_fish sign relkey --input=data.p
	assert_output "--input=data.pem"
}

@test "meson install puts the three completions where the shells look, as checked in" {
	build=$(dirname "$TPMCTL")
	[ -f "$build/build.ninja" ] || fail "TPMCTL is not in a meson build directory"
	run meson install -C "$build" --destdir "$BATS_TEST_TMPDIR/root" --no-rebuild
	assert_success
	prefix=$(meson introspect "$build" --buildoptions | jq -r '.[] | select(.name == "prefix") | .value')
	share=$BATS_TEST_TMPDIR/root$prefix/share
	cmp "$top/completion/tpmctl.bash" "$share/bash-completion/completions/tpmctl"
	cmp "$top/completion/_tpmctl" "$share/zsh/vendor-completions/_tpmctl"
	cmp "$top/completion/tpmctl.fish" "$share/fish/vendor_completions.d/tpmctl.fish"
}
