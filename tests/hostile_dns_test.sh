#!/usr/bin/env bash
# `residency lookup NAME --dns 127.0.0.1:PORT` against a hostile DNS responder
# (tests/dns/hostile.py: malformed packets, wrong ids, answers for other names, huge
# answers, truncation without a usable TCP answer, CNAME bombs, a slow drip, silence).
# Every case must end, within 40 s, with exit 3 and a failure status recorded for the
# name (exit 0 and "ok" only for the control and for the huge-but-valid answer), without
# a signal or a sanitizer report, and with a peak RSS no more than 64 MB above the
# control lookup's. The cases run concurrently (the responder is threaded).
set -uo pipefail
bin=$(realpath "$1")
tmp=$(mktemp -d)
server=
cleanup() {
  if [[ -n $server ]]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fails=0
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

python3 tests/dns/hostile.py "$tmp/port" &
server=$!
for _ in $(seq 100); do [[ -s $tmp/port ]] && break; sleep 0.05; done
if [[ ! -s $tmp/port ]]; then
  echo "FAIL: the hostile responder did not start"
  exit 1
fi
port=$(cat "$tmp/port")

# case -> the status it must end with ("fail": any status but ok).
declare -A want=(
  [ok]=ok [huge]=ok
  [garbage]=fail [short]=fail [badptr]=fail [ptrloop]=fail [wrongid]=timeout
  [othername]=timeout [foreign]=fail [notresponse]=fail [noquestion]=fail [rcode15]=fail
  [overcount]=fail [tcclose]=fail [tctc]=fail [bomb]=chain-too-long [wide]=chain-too-long
  [loop]=cname-loop [drip]=fail [silent]=timeout
)

run_case() {
  local c=$1
  /usr/bin/time -f '%e %M' -o "$tmp/$c.time" timeout -k 5 40 \
    "$bin" lookup "$c.hostile.test" --dns "127.0.0.1:$port" --format json >"$tmp/$c.json" 2>"$tmp/$c.err"
  echo $? >"$tmp/$c.code"
}

run_case ok
for c in "${!want[@]}"; do
  if [[ $c != ok ]]; then run_case "$c" & fi
done
wait $(jobs -p | grep -v "^$server$") 2>/dev/null

base_kb=$(awk 'END {print $2}' "$tmp/ok.time")
printf '%-12s %5s %-15s %7s %8s\n' case exit status seconds rss_kb
for c in $(printf '%s\n' "${!want[@]}" | sort); do
  code=$(cat "$tmp/$c.code")
  read -r secs kb < <(tail -1 "$tmp/$c.time")
  status=$(python3 -c '
import json, sys
try:
    doc = json.load(open(sys.argv[1]))
    names = doc.get("names", [])
    print(names[0]["status"] if names else "-")
except Exception:
    print("unreadable")' "$tmp/$c.json")
  printf '%-12s %5s %-15s %7s %8s\n' "$c" "$code" "$status" "$secs" "$kb"
  if grep -q 'AddressSanitizer\|LeakSanitizer\|runtime error:' "$tmp/$c.err"; then
    bad "$c: sanitizer report"
    sed -n 1,15p "$tmp/$c.err"
  fi
  case ${want[$c]} in
    ok) [[ $code == 0 && $status == ok ]] || bad "$c: exit $code, status $status; want exit 0, ok" ;;
    fail)
      [[ $code == 3 && $status != ok && $status != - && $status != unreadable ]] ||
        bad "$c: exit $code, status $status; want exit 3 and a failure status"
      ;;
    *) [[ $code == 3 && $status == "${want[$c]}" ]] || bad "$c: exit $code, status $status; want exit 3, ${want[$c]}" ;;
  esac
  if ((kb > base_kb + 65536)); then bad "$c: peak RSS $kb KB, the control used $base_kb KB"; fi
done
# The huge answer: every address kept is one the responder sent (10.0.0.0 + i, i < 4000).
python3 - "$tmp/huge.json" <<'EOF' || bad "huge: addresses outside what was sent"
import ipaddress, json, sys
doc = json.load(open(sys.argv[1]))
addrs = [a["ip"] for a in doc["names"][0]["addresses"]]
ok = 0 < len(addrs) <= 4000 and all(
    ipaddress.ip_address("10.0.0.0") <= ipaddress.ip_address(a) < ipaddress.ip_address("10.0.15.160") for a in addrs)
sys.exit(0 if ok else 1)
EOF
echo "${#want[@]} cases, $fails failures"
((fails == 0))
