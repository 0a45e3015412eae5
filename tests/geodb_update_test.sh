#!/usr/bin/env bash
# `residency geodb update` against a real HTTP server: nginx on a loopback high port, with its
# config, pid, logs and temp paths all in a temporary directory, serving a good feed, a
# truncated feed, invalid JSON, an HTTP 500 and (on the second request) a 304. A port with
# no listener gives "connection refused", a listener that never answers a timeout.
# Asserts exit codes, messages naming the feed and URL, and that on every failure the old
# feeds and the compiled index are kept byte-identical.
# Usage (from the project root): bash tests/geodb_update_test.sh PATH/TO/residency
set -uo pipefail

bin=${1:?usage: bash tests/geodb_update_test.sh PATH/TO/residency}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
source tests/http/nginx.sh

tmp=$(mktemp -d)
sleeper_pid=
cleanup() {
  nginx_stop
  [[ -n $sleeper_pid ]] && kill "$sleeper_pid" 2>/dev/null && wait "$sleeper_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# Free loopback ports, chosen by the kernel.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port=$(free_port)
dead_port=$(free_port)
slow_port=$(free_port)

# The files nginx serves. Workers may run as nobody when the test runs as root: everything
# they read must be world-readable.
www=$tmp/www
mkdir -p "$www/good" "$www/bad" "$tmp/nginx"
cat >"$www/good/gcp.json" <<'EOF'
{"syncToken": "1", "creationTime": "2026-11-28T00:00:00",
 "prefixes": [{"ipv4Prefix": "198.51.100.0/24", "service": "Google Cloud", "scope": "europe-west3"},
              {"ipv6Prefix": "2001:db8:100::/48", "service": "Google Cloud", "scope": "global"}]}
EOF
head -c 100000 geodb/feeds/oci-public_ip_ranges.json >"$www/bad/truncated.json"
printf '{"regions": [{"region": "eu-frankfurt-1", "cidrs": [}' >"$www/bad/invalid.json"
chmod -R a+rX "$tmp"

cat >"$tmp/servers.conf" <<EOF
  default_type application/json;
  server {
    listen 127.0.0.1:$port;
    root $www;
    location = /status500 { return 500 "internal error\n"; }
  }
EOF
nginx_start "$tmp/nginx" "$tmp/servers.conf" "$port" || exit 2

# A listener that accepts and never answers.
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
' "$slow_port" &
sleeper_pid=$!

geodb=$tmp/geodb
mkdir -p "$geodb"
cp -r geodb/feeds "$geodb/feeds"
base=http://127.0.0.1:$port

snapshot() { (cd "$geodb" && find feeds cache -type f 2>/dev/null | sort | xargs sha256sum); }

# run NAME EXPECTED_CODE ARGS...: runs `residency geodb update --geodb GEODB ARGS...`.
run() {
  local name=$1 expected=$2
  shift 2
  "$bin" geodb update --geodb "$geodb" "$@" >"$tmp/out" 2>"$tmp/err"
  code=$?
  if [[ $code -ne $expected ]]; then
    fail "$name: exit code $code, expected $expected; stderr: $(cat "$tmp/err")"
  fi
}
expect_err() {  # NAME TEXT: stderr contains TEXT
  grep -qF -- "$2" "$tmp/err" || fail "$1: stderr lacks \"$2\": $(cat "$tmp/err")"
}

# 1. A good feed: replaced, ETag remembered, index recompiled and answering from it.
run good 0 gcp --url "gcp=$base/good/gcp.json"
cmp -s "$www/good/gcp.json" "$geodb/feeds/gcp-cloud.json" || fail "good: feed not replaced"
grep -q '^etag: "' "$geodb/feeds/gcp-cloud.json.http" || fail "good: no ETag stored"
[[ -s $geodb/cache/feeds.mmdb ]] || fail "good: no index"
if command -v mmdblookup >/dev/null; then
  region=$(mmdblookup --file "$geodb/cache/feeds.mmdb" --ip 198.51.100.7 region 2>&1)
  [[ $region == *'"europe-west3"'* ]] || fail "good: index answers $region for 198.51.100.7"
  aws=$(mmdblookup --file "$geodb/cache/feeds.mmdb" --ip 3.120.0.1 provider 2>&1)
  [[ $aws == *'"aws"'* ]] || fail "good: index answers $aws for 3.120.0.1"
fi

# 2. The same URL again: conditional request, 304, nothing rewritten.
before=$(snapshot)
run not-modified 0 gcp --url "gcp=$base/good/gcp.json"
grep -q 'gcp: not modified' "$tmp/out" || fail "not-modified: stdout: $(cat "$tmp/out")"
grep -q '"GET /good/gcp.json HTTP/1.1" 304' "$tmp/nginx/access.log" || fail "not-modified: nginx sent no 304"
[[ $(snapshot) == "$before" ]] || fail "not-modified: files changed"

# 3. Failures: exit 2, the feed and URL named, old data byte-identical.
before=$(snapshot)
check_kept() { [[ $(snapshot) == "$before" ]] || fail "$1: old data not kept byte-identical"; }

run truncated 2 oci --url "oci=$base/bad/truncated.json"
expect_err truncated "feed oci ($base/bad/truncated.json): not a valid feed: $base/bad/truncated.json:"
expect_err truncated "nothing replaced"
check_kept truncated

run invalid-json 2 oci --url "oci=$base/bad/invalid.json"
expect_err invalid-json "feed oci ($base/bad/invalid.json): not a valid feed: $base/bad/invalid.json:1:53: invalid JSON"
check_kept invalid-json

run http-500 2 oci --url "oci=$base/status500"
expect_err http-500 "feed oci ($base/status500): HTTP 500"
check_kept http-500

run http-404 2 oci --url "oci=$base/missing.json"
expect_err http-404 "feed oci ($base/missing.json): HTTP 404"
check_kept http-404

run refused 2 oci --url "oci=http://127.0.0.1:$dead_port/oci.json"
expect_err refused "feed oci (http://127.0.0.1:$dead_port/oci.json): http://127.0.0.1:$dead_port/oci.json: "
check_kept refused

run timeout 2 oci --timeout 1 --url "oci=http://127.0.0.1:$slow_port/oci.json"
expect_err timeout "feed oci (http://127.0.0.1:$slow_port/oci.json): http://127.0.0.1:$slow_port/oci.json: timed out"
check_kept timeout

# 4. One good and one bad feed in the same run: the good one is not replaced either.
cp "$www/good/gcp.json" "$www/good/gcp2.json"
printf '\n' >>"$www/good/gcp2.json"
chmod a+r "$www/good/gcp2.json"
run mixed 2 gcp oci --url "gcp=$base/good/gcp2.json" --url "oci=$base/status500"
expect_err mixed "feed oci ($base/status500): HTTP 500"
check_kept mixed

# 5. Wrong invocations.
run unknown-feed 2 amazon
expect_err unknown-feed 'unknown feed "amazon"'
run bad-url 2 --url "gcp"
expect_err bad-url '--url "gcp": expected NAME=URL'
check_kept invocations

if [[ $failures -ne 0 ]]; then
  echo "geodb_update_test: $failures failure(s)" >&2
  exit 1
fi
echo "geodb_update_test: all cases passed"
