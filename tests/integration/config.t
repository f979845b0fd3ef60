#!/bin/sh
# numvertd's configuration: the example file matches the option table and
# is valid, and each kind of mistake gets a message naming the file, the
# line and the option, with exit status 2.
top=${NV_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${NV_BUILD:-$top/build}/numvertd
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

"$bin" --print-example-config > "$t/example"
cmp -s "$t/example" "$top/deploy/numvert.conf.example"
ok $? "deploy/numvert.conf.example is what the option table generates (make example-config)"
"$bin" --check-config -c "$top/deploy/numvert.conf.example" > "$t/out" 2>&1
ok $? "the example configuration is valid"

# check NAME EXPECTED-MESSAGE-REGEX, for the configuration in $t/bad.conf
check() {
	"$bin" --check-config -c "$t/bad.conf" > "$t/out" 2>&1
	rc=$?
	[ $rc = 2 ]; ok $? "$1: exit status 2 (got $rc)"
	grep -q -E "$2" "$t/out"; ok $? "$1: message names file, line, option"
	[ $? = 0 ] || sed 's/^/# /' "$t/out"
}
link='[link a]
mode = client
host = 127.0.0.1
port = 2775
system_id = numvert'

printf '%s\npassword = secret12\nwindw = 5\n' "$link" > "$t/bad.conf"; check "unknown option" 'bad.conf:7: \[link a\] unknown option .windw.'
printf '%s\npassword = secret12\nwindow = 0\n' "$link" > "$t/bad.conf"; check "out of range" 'bad.conf:7: \[link a\] option .window.: must be between 1 and 1000'
printf '%s\npassword = secret12\nenquire_link_interval = soon\n' "$link" > "$t/bad.conf"; check "bad duration" 'bad.conf:7: .*enquire_link_interval.*not a duration'
printf '[link a]\nmode = client\nport = 2775\nsystem_id = x\npassword = y\n' > "$t/bad.conf"; check "missing host" 'bad.conf:1: \[link a\] mode = client needs option .host.'
printf '%s\npassword = secret12\nlisten = 0.0.0.0:2775\n' "$link" > "$t/bad.conf"; check "server option in client mode" 'bad.conf:1: \[link a\] option .listen. applies to mode = server only'
printf '%s\npassword = muchtoolongsecret\n' "$link" > "$t/bad.conf"; check "password too long" 'bad.conf:6: \[link a\] option .password.: too long$'
grep -q muchtoolong "$t/out"; [ $? != 0 ]; ok $? "a rejected password is not repeated"
printf '%s\npassword = x\n%s\npassword = y\n' "$link" "$link" > "$t/bad.conf"; check "duplicate link" 'bad.conf:7: second \[link a\]'
printf '[numvertd]\nlog_level = loud\n' > "$t/bad.conf"; check "bad level" 'bad.conf:2: \[numvertd\] option .log_level.'
printf '[numvertd]\n' > "$t/bad.conf"; check "no link" 'no \[link NAME\] section'
printf '%s\npassword = x\nussd_profile = vodacom\n' "$link" > "$t/bad.conf"; check "unknown USSD profile" 'no such USSD profile'
printf '[linc a]\n' > "$t/bad.conf"; check "unknown section" 'bad.conf:1: unknown section \[linc a\]'
printf '[link a]\nmode = server\nlisten = 127.0.0.1:2775\nsystem_id = x\npassword = y\n[link b]\nmode = server\nlisten = 127.0.0.1:2775\nsystem_id = x\npassword = z\n' \
	> "$t/bad.conf"; check "same listener, same system_id" 'bad.conf:6: \[link b\] shares listen 127.0.0.1:2775 and system_id'
# The data files a configuration names are checked with it.
printf '%s\npassword = x\n[numvertd]\ngsm7_fallback = %s/fb.yaml\n' "$link" "$t" > "$t/bad.conf"
printf 'status: draft\ndefault:\n  "\311\233": "\311\233"\n' > "$t/fb.yaml"
check "bad fallback table" 'fb.yaml:3: the rendering of'
printf 'status: draft\ndefault:\n  "\311\233": "e"\n' > "$t/fb.yaml"
"$bin" --check-config -c "$t/bad.conf" > "$t/out" 2>&1
grep -q "fb.yaml: draft" "$t/out"; ok $? "--check-config names the fallback table and its review status"
"$bin" -c "$t/none.conf" > "$t/out" 2>&1; rc=$?
[ $rc = 2 ] && grep -q "none.conf: cannot open" "$t/out"; ok $? "a missing file: exit 2 and a clear message"
"$bin" --bogus > "$t/out" 2>&1; [ $? = 2 ]; ok $? "an unknown flag: exit 2"
echo "1..$n"
