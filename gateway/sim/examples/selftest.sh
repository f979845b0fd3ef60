#!/bin/sh
# Self-test of numvert-smsc against itself, on 127.0.0.1 only, bounded in
# time. Usage: gateway/sim/examples/selftest.sh [BUILD_DIR]   (default build)
# Prints one line per check and "N passed, N failed"; exits 1 on a failure.
set -u
B=${1:-build}/numvert-smsc
HERE=$(dirname "$0")
T=$(mktemp -d)
pass=0
fail=0
pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT

check() {	# name, then a command that must succeed
	name=$1
	shift
	if "$@" >"$T/out" 2>&1; then
		pass=$((pass + 1))
		echo "ok   $name"
	else
		fail=$((fail + 1))
		echo "FAIL $name"
		sed 's/^/     /' "$T/out"
	fi
}

wait_file() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$1" ]
}

bg() {		# runs a command in the background, remembered for cleanup
	"$@" &
	pids="$pids $!"
}

# 1. script (SMSC) against echo-esme (ESME).
script_echo() {
	bg timeout 30 "$B" script "$HERE/echo-esme.script" --listen 127.0.0.1:0 \
	    --port-file "$T/p1" >"$T/s1" 2>&1
	sp=$!
	wait_file "$T/p1" || return 1
	bg timeout 30 "$B" echo-esme --connect "127.0.0.1:$(cat "$T/p1")" \
	    --quiet --ussd-reply continue --ussd-text 'Menu:\n1. Arme'
	wait $sp
	rc=$?
	cat "$T/s1"
	[ $rc -eq 0 ] && grep -q '^PASS' "$T/s1"
}
check "script against echo-esme" script_echo

# 2. a script that must fail, with a diff-like report.
script_fail() {
	printf '> sms 22370000001 36123 x\n< sms 22370000001 not-ok\n' >"$T/bad"
	bg timeout 30 "$B" script "$T/bad" --listen 127.0.0.1:0 \
	    --port-file "$T/p2" >"$T/s2" 2>&1
	sp=$!
	wait_file "$T/p2" || return 1
	bg timeout 30 "$B" echo-esme --connect "127.0.0.1:$(cat "$T/p2")" --quiet
	wait $sp
	rc=$?
	cat "$T/s2"
	[ $rc -eq 1 ] && grep -q '^+ < sms 22370000001 ok' "$T/s2"
}
check "script mismatch exits 1 with - and + lines" script_fail

# 3. serve, echo-esme and a piped phone through a USSD dialogue and an SMS.
serve_phone() {
	bg timeout 30 "$B" serve --listen 127.0.0.1:0 --port-file "$T/p3" \
	    --control-port-file "$T/c3" >"$T/v3" 2>&1
	wait_file "$T/c3" || return 1
	bg timeout 30 "$B" echo-esme --connect "127.0.0.1:$(cat "$T/p3")" \
	    --quiet --ussd-reply continue --ussd-text 'Menu:\n1. Arme'
	printf '*384#\n1\nabort\nsms 36123 ARME Mopti\n' | timeout 20 "$B" phone \
	    --control "127.0.0.1:$(cat "$T/c3")" --linger 500ms >"$T/ph" 2>&1
	cat "$T/ph"
	[ "$(grep -c '^| Menu:' "$T/ph")" -eq 2 ] && grep -q '^| ok' "$T/ph" &&
	    grep -q '^mo ussd .*op=0x12 its=2a05' "$T/v3"
}
check "serve + phone + echo-esme" serve_phone

# 4. load as SMSC against echo-esme.
load_smsc() {
	bg timeout 60 "$B" load --listen 127.0.0.1:0 --port-file "$T/p4" \
	    --count 5000 --expect-reply --json >"$T/l4" 2>&1
	lp=$!
	wait_file "$T/p4" || return 1
	bg timeout 60 "$B" echo-esme --connect "127.0.0.1:$(cat "$T/p4")" --quiet
	wait $lp
	rc=$?
	cat "$T/l4"
	[ $rc -eq 0 ] && grep -q '"replies":5000' "$T/l4"
}
check "load (SMSC) 5000 SMS round trips" load_smsc

# 5. load as ESME (USSD, 3 steps, 2 binds) against a listening echo-esme.
load_esme() {
	bg timeout 60 "$B" echo-esme --listen 127.0.0.1:0 --port-file "$T/p5" \
	    --quiet --ussd-reply continue
	wait_file "$T/p5" || return 1
	timeout 60 "$B" load --connect "127.0.0.1:$(cat "$T/p5")" --binds 2 \
	    --kind ussd --steps 3 --count 500 --dialect umr
}
check "load (ESME) USSD 3-step dialogues" load_esme

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
