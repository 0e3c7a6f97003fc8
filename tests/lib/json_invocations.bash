# The objects and the one success invocation per command that 78-json-schema.bats
# checks against the man page's JSON OUTPUT table.
setup_json_objects() {
	local d=$1
	printf 'some data' >"$d/data"
	printf '12345678' >"$d/data8"
	printf 'pw' >"$d/pw"
	tpmctl -q key create js-k
	tpmctl -q key create js-ak --type restricted-sign
	tpmctl -q key create js-box --type decrypt
	tpmctl -q key create js-mac --alg hmac
	tpmctl -q key create js-cert --alg ecc256
	tpmctl sign js-k -i "$d/data" -o "$d/sig"
	tpmctl encrypt js-box -i "$d/data" -o "$d/ct"
	printf 'sealed' | tpmctl -q seal js-s -i -
	tpmctl quote js-ak --pcrs sha256:0 -o "$d/q.json"
	tpmctl -q nv define js-nv --size 8
	tpmctl -q nv define js-ctr --type counter
	tpmctl -q nv define js-ext --type extend
	tpmctl -q nv define js-bits --type bitfield
	tpmctl export-public js-cert -o "$d/cert.pub.pem"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/ca.key" \
		-subj /CN=ca -days 1 -out "$d/ca.pem" 2>/dev/null
	openssl x509 -new -force_pubkey "$d/cert.pub.pem" -subj /CN=js-cert -CA "$d/ca.pem" \
		-CAkey "$d/ca.key" -days 1 -out "$d/cert.pem" 2>/dev/null ||
		openssl x509 -in "$d/ca.pem" -force_pubkey "$d/cert.pub.pem" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
			-set_subject /CN=js-cert -out "$d/cert.pem" 2>/dev/null
	tpm2_create -T "$TPMCTL_TCTI" -C 0x81000001 -G ecc -u "$d/k.pub" -r "$d/k.priv" >/dev/null
}
json_invocations() {
	local d=$1
	cat <<-EOF
	provision	--profile P_ECCP384SHA384 provision --force
	info	info
	health	health
	key create	key create js-new
	key show	key show js-k
	export-public	export-public js-k
	sign	sign js-k -i $d/data
	verify	verify js-k -s $d/sig -i $d/data
	quote	quote js-ak --pcrs sha256:0
	verify-quote	verify-quote $d/q.json --key js-ak
	encrypt	encrypt js-box -i $d/data
	decrypt	decrypt js-box -i $d/ct
	hmac	hmac js-mac -i $d/data
	random	random 8
	seal	seal js-s2 -i $d/data
	unseal	unseal js-s
	pcr read	pcr read sha256:0
	pcr extend	pcr extend 16 -i $d/data
	nv define	nv define js-nv2 --size 4
	nv write	nv write js-nv -i $d/data8
	nv read	nv read js-nv
	nv increment	nv increment js-ctr
	nv extend	nv extend js-ext -i $d/data
	nv setbits	nv setbits js-bits --bits 0x1
	lockout status	lockout status
	lockout clear	lockout clear
	certificate set	certificate set js-cert $d/cert.pem
	certificate get	certificate get js-cert
	description set	description set js-k described
	appdata set	appdata set js-k -i $d/data
	appdata get	appdata get js-k
	policy import	policy import js-pol $TPMCTL_DATADIR/policies/password.json
	policy show	policy show js-pol
	policy list	policy list
	policy export	policy export js-pol
	policy digest	policy digest $TPMCTL_DATADIR/policies/password.json
	policy authorize	policy authorize js-auth --key js-k --pcrs sha256:16
	auth change	auth change js-k --new-auth-file $d/pw
	export	export js-box --format pem -o $d/box.pem
	import	import js-imp --pub $d/k.pub --priv $d/k.priv
	list	list
	delete	delete js-imp
	flush	flush
	EOF
}
