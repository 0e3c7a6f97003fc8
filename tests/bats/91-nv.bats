#!/usr/bin/env bats
# nv: NV indices of every type, their data never in clear on the bus, and the
# same indices seen by list, key show, delete, batch and the tpm2/tss2 tools.

load helpers

setup_file() {
	start_tpm
	printf 'nv-pw-%s' "$(head -c 8 /dev/urandom | xxd -p)" >"$BATS_FILE_TMPDIR/pw"
	printf 'wrong' >"$BATS_FILE_TMPDIR/wrong"
}

# The tss2_* tools on tpmctl's keystore, through tpmctl's own FAPI config.
tss2() {
	tpmctl config >"$BATS_TEST_TMPDIR/fapi.json"
	TSS2_FAPICONF=$BATS_TEST_TMPDIR/fapi.json TSS2_LOG=all+none "$@"
}

# The reply on line N of $output, and one field of it (jq syntax).
reply() { sed -n "${1}p" <<<"$output"; }
field() { reply "$1" | jq -r "$2"; }

@test "ordinary: write at an offset, read back all of it and a slice" {
	run tpmctl nv define ord --size 16
	assert_success
	assert_output --regexp '^defined /nv/Owner/ord \(ordinary, 16 bytes, handle 0x01[0-9a-f]{6}\)$'
	printf 'hello world' | tpmctl -q nv write ord -i - --offset 2
	printf 'AB' >"$BATS_TEST_TMPDIR/ab"
	tpmctl -q nv write /nv/Owner/ord -i "$BATS_TEST_TMPDIR/ab"
	run tpmctl nv read ord --hex
	assert_success
	# Never written bytes read as the TPM's 0xff.
	assert_output "$(printf 'AB' | xxd -p)$(printf 'hello world' | xxd -p)ffffff"
	run tpmctl nv read ord --offset 2 --size 5
	assert_output hello
	tpmctl nv read /nv/Owner/ord --offset 8 --size 5 -o "$BATS_TEST_TMPDIR/out"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" world
	assert_equal "$(stat -c %a "$BATS_TEST_TMPDIR/out")" 600
	tpmctl -q delete /nv/Owner/ord
}

@test "nv read --json gives the data as base64 and hex" {
	tpmctl -q nv define js --size 4
	printf '\x01\x02\xfe\xff' | tpmctl -q nv write js -
	run tpmctl --json nv read js
	assert_success
	jq -e '.path == "/nv/Owner/js" and .nv_type == "ordinary" and .offset == 0 and .size == 4
		and .data_hex == "0102feff" and .data_b64 == "AQL+/w==" and (has("value") | not)' <<<"$output"
	run tpmctl --json nv read js --offset 1 --size 2
	jq -e '.offset == 1 and .size == 2 and .data_hex == "02fe"' <<<"$output"
	tpmctl -q delete /nv/Owner/js
}

@test "reading or writing beyond the index's size is exit 3" {
	tpmctl -q nv define small --size 8
	printf 12345678 | tpmctl -q nv write small -
	run tpmctl nv read small --offset 4 --size 5
	assert_failure 3
	assert_output --partial "/nv/Owner/small has 8 bytes"
	run tpmctl nv read small --offset 9
	assert_failure 3
	printf 123456789 >"$BATS_TEST_TMPDIR/nine"
	run tpmctl nv write small -i "$BATS_TEST_TMPDIR/nine"
	assert_failure 3
	run tpmctl nv write small -i "$BATS_TEST_TMPDIR/nine" --offset 7
	assert_failure 3
	: >"$BATS_TEST_TMPDIR/empty"
	run tpmctl nv write small -i "$BATS_TEST_TMPDIR/empty"
	assert_failure 3
	# Nothing of the failed writes reached the index.
	run tpmctl nv read small
	assert_output 12345678
	tpmctl -q delete /nv/Owner/small
}

@test "counter: unread before its first increment, then monotonic" {
	run tpmctl nv define cnt --type counter
	assert_success
	assert_output --partial "(counter, 8 bytes,"
	run tpmctl nv read cnt
	assert_failure 3
	assert_output --partial "nothing has been written to it yet"
	# A new counter starts above every counter the TPM ever had; each
	# increment then adds one.
	tpmctl -q nv increment cnt
	last=$(tpmctl --json nv read cnt | jq -r .value)
	[ "$last" -ge 1 ] || fail "a counter at $last after an increment"
	for i in 1 2 3; do
		run tpmctl nv increment cnt
		assert_success
		assert_output "incremented /nv/Owner/cnt"
		value=$(tpmctl --json nv read cnt | jq -r .value)
		assert_equal "$value" "$((last + 1))"
		last=$value
	done
	run tpmctl nv read cnt --hex
	assert_output "$(printf '%016x' "$last")"
	run tpmctl nv write cnt -i "$BATS_FILE_TMPDIR/pw"
	assert_failure 2
	assert_output --partial "needs an index of type ordinary, and its type is counter"
	tpmctl -q delete /nv/Owner/cnt
}

@test "bitfield: setbits ORs the bits in" {
	tpmctl -q nv define bits --type bitfield
	tpmctl -q nv setbits bits --bits 0x5
	run tpmctl --json nv read bits
	jq -e '.value == 5' <<<"$output"
	tpmctl -q nv setbits bits --bits 0x12
	tpmctl -q nv setbits bits --bits 4
	run tpmctl nv read bits --hex
	assert_output 0000000000000017
	run tpmctl nv setbits bits --bits 0
	assert_failure 2
	run tpmctl nv setbits bits --bits zz
	assert_failure 2
	run tpmctl nv increment bits
	assert_failure 2
	tpmctl -q delete /nv/Owner/bits
}

@test "extend: the index is sha256(old || data), as openssl computes it" {
	run tpmctl nv define ext --type extend
	assert_success
	assert_output --partial "(extend, 32 bytes,"
	printf 'first event' >"$BATS_TEST_TMPDIR/e1"
	printf 'second event' >"$BATS_TEST_TMPDIR/e2"
	tpmctl -q nv extend ext -i "$BATS_TEST_TMPDIR/e1"
	expected=$(cat <(head -c 32 /dev/zero) "$BATS_TEST_TMPDIR/e1" | openssl dgst -sha256 -binary | xxd -p -c 64)
	assert_equal "$(tpmctl nv read ext --hex)" "$expected"
	tpmctl -q nv extend ext -i - <"$BATS_TEST_TMPDIR/e2"
	expected=$(cat <(xxd -r -p <<<"$expected") "$BATS_TEST_TMPDIR/e2" | openssl dgst -sha256 -binary | xxd -p -c 64)
	assert_equal "$(tpmctl nv read ext --hex)" "$expected"
	run tpmctl nv write ext -i "$BATS_TEST_TMPDIR/e1"
	assert_failure 2
	tpmctl -q delete /nv/Owner/ext
}

@test "define: checks its arguments; an existing index is exit 9" {
	run tpmctl nv define nosize
	assert_failure 2
	run tpmctl nv define big --size 4096
	assert_failure 2
	run tpmctl nv define odd --type queue --size 8
	assert_failure 2
	run tpmctl nv define c9 --type counter --size 16
	assert_failure 2
	run tpmctl nv define /HS/SRK/notnv --size 8
	assert_failure 3
	assert_output --partial "not an NV index path"
	tpmctl -q nv define twice --size 8
	run tpmctl nv define /nv/Owner/twice --size 8
	assert_failure 9
	tpmctl -q delete /nv/Owner/twice
	run tpmctl nv read nosuch
	assert_failure 4
}

@test "a password: needed to write and read; wrong or missing is exit 5" {
	tpmctl -q nv define guarded --size 32 --noda --auth-file "$BATS_FILE_TMPDIR/pw"
	run tpmctl --json key show /nv/Owner/guarded
	jq -e '.needs_password and (.attributes | index("no_da"))' <<<"$output"
	printf 'guarded data' | tpmctl -q nv write guarded - --auth-file "$BATS_FILE_TMPDIR/pw"
	run tpmctl nv read guarded --size 12 --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_success
	assert_output "guarded data"
	run tpmctl nv read guarded --auth-file "$BATS_FILE_TMPDIR/wrong"
	assert_failure 5
	assert_output --partial "wrong password"
	run tpmctl nv read guarded </dev/null
	assert_failure 5
	assert_output --partial "needs a password"
	run tpmctl nv write guarded -i "$BATS_FILE_TMPDIR/pw" --auth-file "$BATS_FILE_TMPDIR/wrong"
	assert_failure 5
	tpmctl -q delete /nv/Owner/guarded
}

@test "the data and the password never cross the TPM bus in clear" {
	tpmctl -q nv define bus --size 64 --noda --auth-file "$BATS_FILE_TMPDIR/pw"
	marker="MARKER-$(head -c 12 /dev/urandom | xxd -p)"
	printf '%s' "$marker" >"$BATS_TEST_TMPDIR/marker"
	TCTI_PCAP_FILE=$BATS_TEST_TMPDIR/w.pcap tpmctl --tcti "pcap:$TPMCTL_TCTI" -q \
		nv write bus -i "$BATS_TEST_TMPDIR/marker" --auth-file "$BATS_FILE_TMPDIR/pw"
	TCTI_PCAP_FILE=$BATS_TEST_TMPDIR/r.pcap run tpmctl --tcti "pcap:$TPMCTL_TCTI" \
		nv read bus --size ${#marker} --auth-file "$BATS_FILE_TMPDIR/pw"
	assert_success
	assert_output "$marker"
	for cap in w r; do
		[ -s "$BATS_TEST_TMPDIR/$cap.pcap" ] || fail "nothing was captured"
		if grep -q "$marker" "$BATS_TEST_TMPDIR/$cap.pcap"; then
			fail "the data crossed the bus in clear ($cap)"
		fi
		if grep -qF "$(cat "$BATS_FILE_TMPDIR/pw")" "$BATS_TEST_TMPDIR/$cap.pcap"; then
			fail "the password crossed the bus in clear ($cap)"
		fi
	done
	# ReadPublic, StartAuthSession, NV_Write or NV_Read: no FAPI start-up.
	commands=$(python3 "$BATS_TEST_DIRNAME/../lib/tpm_commands.py" "$BATS_TEST_TMPDIR/w.pcap")
	assert_equal "$(echo $commands)" "0x00000169 0x00000176 0x00000137"
	tpmctl -q delete /nv/Owner/bus
}

@test "an index with a policy works through FAPI, with a warning" {
	tpmctl -q policy import nvboot "$TPMCTL_DATADIR/policies/pcr-boot.json"
	tpmctl -q nv define pol --size 16 --policy /policy/nvboot
	run tpmctl --json key show /nv/Owner/pol
	jq -e '.has_policy' <<<"$output"
	printf 'under a policy' >"$BATS_TEST_TMPDIR/data"
	run --separate-stderr tpmctl nv write pol -i "$BATS_TEST_TMPDIR/data"
	assert_success
	[[ $stderr == *"its data crossed the TPM bus in clear"* ]] || fail "no warning: $stderr"
	run --separate-stderr tpmctl nv read pol --size 14
	assert_success
	assert_output "under a policy"
	[[ $stderr == *"warning"* ]] || fail "no warning: $stderr"
	run tpmctl nv write pol -i "$BATS_TEST_TMPDIR/data" --offset 1
	assert_failure 2
	tpmctl -q delete /nv/Owner/pol
	tpmctl -q delete /policy/nvboot
}

@test "list, key show and delete know the indices nv define makes" {
	tpmctl -q nv define listed --size 8
	tpmctl -q nv define listedc --type counter
	run tpmctl list /nv
	assert_success
	assert_line /nv/Owner/listed
	assert_line /nv/Owner/listedc
	run tpmctl key show /nv/Owner/listedc
	assert_success
	assert_line --regexp '^type +NV index \(counter\)$'
	handle=$(tpmctl --json key show /nv/Owner/listed | jq -r '.handle')
	hex=$(printf '0x%x' "$handle")
	tpm_handles nv-index | grep -qx "$hex" || fail "$hex is not in the TPM"
	run tpmctl delete /nv/Owner/listed /nv/Owner/listedc
	assert_success
	run tpmctl key show /nv/Owner/listed
	assert_failure 4
	if tpm_handles nv-index | grep -qx "$hex"; then fail "$hex is still in the TPM"; fi
}

@test "tpm2_nvread and tss2_nvread read what tpmctl wrote; tss2 increments tpmctl's counter" {
	tpmctl -q nv define shared --size 12
	printf 'shared bytes' | tpmctl -q nv write shared -
	handle=$(printf '0x%x' "$(tpmctl --json key show /nv/Owner/shared | jq -r .handle)")
	run tpm2_nvread -T "$TPMCTL_TCTI" "$handle" -P "" -s 12
	assert_success
	assert_output "shared bytes"
	run tss2 tss2_nvread -p /nv/Owner/shared -o "$BATS_TEST_TMPDIR/tss2.out"
	assert_success
	assert_equal "$(cat "$BATS_TEST_TMPDIR/tss2.out")" "shared bytes"
	tpmctl -q nv define sharedc --type counter
	tpmctl -q nv increment sharedc
	before=$(tpmctl --json nv read sharedc | jq -r .value)
	run tss2 tss2_nvincrement -p /nv/Owner/sharedc
	assert_success
	run tpmctl --json nv read sharedc
	assert_success
	assert_equal "$(jq -r .value <<<"$output")" "$((before + 1))"
	tpmctl -q delete /nv/Owner/shared /nv/Owner/sharedc
}

@test "batch: nv_define, nv_write, nv_read, nv_increment, nv_setbits, nv_extend" {
	run tpmctl batch <<-EOF
		{"id": 1, "op": "nv_define", "path": "bn", "size": 8}
		{"id": 2, "op": "nv_write", "path": "bn", "data_b64": "$(printf 'batch-nv' | base64)", "offset": 0}
		{"id": 3, "op": "nv_read", "path": "/nv/Owner/bn", "offset": 6, "size": 2}
		{"id": 4, "op": "nv_read", "path": "bn", "offset": 4, "size": 5}
		{"id": 5, "op": "nv_define", "path": "bc", "type": "counter"}
		{"id": 6, "op": "nv_increment", "path": "bc"}
		{"id": 7, "op": "nv_read", "path": "bc"}
		{"id": 8, "op": "nv_define", "path": "bb", "type": "bitfield", "noda": true}
		{"id": 9, "op": "nv_setbits", "path": "bb", "bits": "0x30"}
		{"id": 10, "op": "nv_read", "path": "bb"}
		{"id": 11, "op": "nv_define", "path": "be", "type": "extend"}
		{"id": 12, "op": "nv_extend", "path": "be", "data_b64": "$(printf x | base64)"}
		{"id": 13, "op": "nv_read", "path": "be"}
	EOF
	assert_success
	for n in 1 2 5 6 8 9 11 12; do assert_equal "$(field $n .ok)" true; done
	assert_equal "$(field 1 .path)" /nv/Owner/bn
	assert_equal "$(field 3 .data_b64 | base64 -d)" nv
	assert_equal "$(field 4 .exit)" 3
	[ "$(field 7 .value)" -ge 1 ] || fail "counter not incremented: $(reply 7)"
	assert_equal "$(field 10 .value)" 48
	assert_equal "$(field 13 .data_hex)" \
		"$(cat <(head -c 32 /dev/zero) <(printf x) | openssl dgst -sha256 -binary | xxd -p -c 64)"
	# The command reads what the batch wrote.
	run tpmctl nv read bn
	assert_output batch-nv
	tpmctl -q delete /nv/Owner/bn /nv/Owner/bc /nv/Owner/bb /nv/Owner/be
}

@test "an index undefined behind the keystore's back is never taken for another at its handle" {
	tpmctl -q nv define gone --size 8
	handle=$(printf '0x%x' "$(tpmctl --json key show /nv/Owner/gone | jq -r .handle)")
	tpm2_nvundefine -T "$TPMCTL_TCTI" "$handle"
	run tpmctl nv read gone
	assert_failure 4
	assert_output --partial "the TPM has no NV index $(printf '0x%08x' "$handle")"
	# FAPI gives the next index the free handle again. (An index defined
	# exactly as the old one was has its name: the TPM cannot tell them apart.)
	tpmctl -q nv define other --size 12
	assert_equal "$(printf '0x%x' "$(tpmctl --json key show /nv/Owner/other | jq -r .handle)")" "$handle"
	printf 'other 12byte' | tpmctl -q nv write other -
	run tpmctl nv read gone
	assert_failure 3
	assert_output --partial "not the one the keystore describes"
	run tpmctl nv write gone -i "$BATS_FILE_TMPDIR/wrong"
	assert_failure 3
	run tpmctl nv read other
	assert_output "other 12byte"
	# An index another tool wrote is still the keystore's.
	printf 'by tpm2!' >"$BATS_TEST_TMPDIR/t"
	tpmctl -q nv define written --size 8
	h2=$(printf '0x%x' "$(tpmctl --json key show /nv/Owner/written | jq -r .handle)")
	tpm2_nvwrite -T "$TPMCTL_TCTI" "$h2" -P "" -i "$BATS_TEST_TMPDIR/t"
	run tpmctl nv read written
	assert_success
	assert_output "by tpm2!"
	# Deleting the stale record leaves the index at its handle to its owner.
	run tpmctl delete /nv/Owner/gone
	assert_success
	assert_output --partial "the TPM no longer has this index ($(printf '0x%08x' "$handle")); removed the keystore's record of it"
	refute tpmctl list /nv/Owner/gone
	run tpmctl nv read other
	assert_output "other 12byte"
	tpmctl -q delete /nv/Owner/other /nv/Owner/written
}

@test "delete of a record whose index another record names too leaves the index to the other" {
	tpmctl -q nv define twin1 --size 8
	handle=$(printf '0x%x' "$(tpmctl --json key show /nv/Owner/twin1 | jq -r .handle)")
	tpm2_nvundefine -T "$TPMCTL_TCTI" "$handle"
	# Defined exactly as twin1 was, at its handle: the TPM cannot tell them apart.
	tpmctl -q nv define twin2 --size 8
	printf 'twin two' | tpmctl -q nv write twin2 -
	run tpmctl delete /nv/Owner/twin1
	assert_success
	assert_output --partial "/nv/Owner/twin2 names the same index $(printf '0x%08x' "$handle") too; removed this record only, the index stays"
	run tpmctl nv read twin2
	assert_output "twin two"
	run tpmctl delete /nv/Owner/twin2
	assert_success
	run tpm2_getcap -T "$TPMCTL_TCTI" handles-nv-index
	refute_output --partial "$handle"
}

@test "data over 512 bytes goes in several commands, whole" {
	head -c 2048 /dev/urandom >"$BATS_TEST_TMPDIR/big"
	tpmctl -q nv define big --size 2048
	tpmctl -q nv write big -i "$BATS_TEST_TMPDIR/big"
	tpmctl nv read big -o "$BATS_TEST_TMPDIR/back"
	cmp "$BATS_TEST_TMPDIR/big" "$BATS_TEST_TMPDIR/back"
	tpmctl nv read big --offset 100 --size 1500 -o "$BATS_TEST_TMPDIR/part"
	cmp <(tail -c +101 "$BATS_TEST_TMPDIR/big" | head -c 1500) "$BATS_TEST_TMPDIR/part"
	tpmctl -q delete /nv/Owner/big
}
