#!/usr/bin/env bats
# The build itself: a hardened, reproducible binary that finds its data where
# it is installed, a checked-in completion that is not stale, and a build that
# needs cmocka only for the unit tests. No TPM needed.

load helpers

setup_file() { :; }
teardown_file() { :; }
teardown() { :; }

top=$(cd "$BATS_TEST_DIRNAME/../.." && pwd -P)

# The meson build directory of the binary under test.
build_dir() {
	local dir
	dir=$(cd "$(dirname "$TPMCTL")" && pwd -P)
	[ -f "$dir/build.ninja" ] || fail "TPMCTL is not in a meson build directory"
	echo "$dir"
}

build_option() { # build_option DIR NAME
	meson introspect "$1" --buildoptions | jq -r --arg n "$2" '.[] | select(.name == $n) | .value'
}

@test "the binary is PIE with full RELRO, stack canaries, and fortified when optimized" {
	build=$(build_dir)
	run readelf -hW "$TPMCTL"
	assert_output --regexp 'Type: +DYN'
	run readelf -lW "$TPMCTL"
	assert_output --partial GNU_RELRO
	run readelf -dW "$TPMCTL"
	assert_output --regexp '\(FLAGS\) +BIND_NOW'
	assert_output --regexp '\(FLAGS_1\) +Flags:.* NOW.* PIE'
	run nm -D "$TPMCTL"
	assert_success
	assert_output --partial ' __stack_chk_fail@'
	# _FORTIFY_SOURCE needs optimization and is left out under the sanitizers
	# (meson.build); then glibc's checked functions (__memcpy_chk, ...) are used.
	fortified=$(meson introspect "$build" --buildoptions |
		jq -r 'map({(.name): .value}) | add | .optimization != "0" and .b_sanitize == "none"')
	if [ "$fortified" = true ]; then
		assert_output --regexp ' __[a-z]+_chk@'
	else
		refute_output --regexp ' __[a-z]+_chk@'
	fi
}

@test "the binary does not link libtss2-fapi or libcurl: FAPI is loaded when a command needs it" {
	run ldd "$TPMCTL"
	assert_success
	assert_output --partial libtss2-esys
	refute_output --partial libtss2-fapi
	refute_output --partial libcurl
}

@test "the binary holds no path of the source or build tree (reproducible builds)" {
	build=$(build_dir)
	found=$(strings -a "$TPMCTL" | grep -F -e "$top" -e "$build" || true)
	[ -z "$found" ] || fail "the binary holds: $found"
}

@test "the checked-in bash, zsh and fish completions are what tpmctl completion prints" {
	for f in bash:tpmctl.bash zsh:_tpmctl fish:tpmctl.fish; do
		tpmctl completion "${f%%:*}" >"$BATS_TEST_TMPDIR/completion"
		diff -u "$top/completion/${f#*:}" "$BATS_TEST_TMPDIR/completion" ||
			fail "completion/${f#*:} is stale: run ninja -C build update-completion"
	done
}

@test "an installed tpmctl reads its data from PREFIX/share/tpmctl, never from the source tree" {
	build=$(build_dir)
	root=$BATS_TEST_TMPDIR/root
	run meson install -C "$build" --destdir "$root" --no-rebuild
	assert_success
	prefix=$(build_option "$build" prefix)
	data=$prefix/$(build_option "$build" datadir)/tpmctl
	installed=$root$prefix/bin/tpmctl
	[ -f "$root$data/fapi-config/fapi-config.json" ]
	# The installed data is all it needs: here under DESTDIR, so named by the override.
	run env TPMCTL_DATADIR="$root$data" "$installed" config
	assert_success
	assert_output --partial "\"profile_dir\": \"$root$data/profiles/\""
	# Without the override it looks in PREFIX only; the source tree is not a fallback.
	run env -u TPMCTL_DATADIR "$installed" config
	if [ -d "$data/profiles" ]; then # a tpmctl installed on this machine
		assert_success
		assert_output --partial "\"profile_dir\": \"$data/profiles/\""
	else
		assert_failure 4
		assert_output --partial "no profile P_RSA2048SHA256 in $data/profiles/"
	fi
}

@test "without cmocka the build sets up, without the unit tests; -Dtests=enabled then names cmocka" {
	# Every pkg-config file of this machine but cmocka's, and no CMake (meson
	# would find cmocka through its CMake files too).
	pc=$BATS_TEST_TMPDIR/pkgconfig
	mkdir -p "$pc"
	for dir in $(pkg-config --variable pc_path pkg-config | tr : ' '); do
		for f in "$dir"/*.pc; do
			name=$(basename "$f")
			if [ -e "$f" ] && [ "$name" != cmocka.pc ] && [ ! -e "$pc/$name" ]; then
				ln -s "$f" "$pc/$name"
			fi
		done
	done
	printf "[binaries]\ncmake = 'false'\n" >"$BATS_TEST_TMPDIR/native.ini"
	setup_without_cmocka() { # setup_without_cmocka DIR [meson options...]
		local dir=$BATS_TEST_TMPDIR/$1
		shift
		env PKG_CONFIG_LIBDIR="$pc" meson setup "$dir" "$top" \
			--native-file "$BATS_TEST_TMPDIR/native.ini" "$@" >"$dir.log" 2>&1
	}
	# Both at once: each is mostly waiting on compiler checks.
	setup_without_cmocka enabled -Dtests=enabled &
	enabled=$!
	run setup_without_cmocka auto
	assert_success
	run grep 'Run-time dependency cmocka found: NO' "$BATS_TEST_TMPDIR/auto.log"
	assert_success
	run meson introspect "$BATS_TEST_TMPDIR/auto" --tests
	assert_output '[]'
	run wait $enabled
	assert_failure
	run grep 'Dependency "cmocka" not found' "$BATS_TEST_TMPDIR/enabled.log"
	assert_success
}

@test "every C file is laid out as .clang-format says" {
	local bad=() f
	while IFS= read -r f; do
		clang-format --dry-run --Werror "$top/$f" >/dev/null 2>&1 || bad+=("$f")
	done < <(git -C "$top" ls-files '*.c' '*.h')
	[ ${#bad[@]} -eq 0 ] || fail "not clang-formatted (run clang-format -i): ${bad[*]}"
}
