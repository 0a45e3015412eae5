#!/usr/bin/env bash
# scripts/fetch-geodb on a private geodb with a package built here: extracts only the
# listed files, verifies the integrity before extracting, is idempotent and needs no
# network once fetched, and refuses a tarball whose integrity does not match. npm is
# pointed at a dead loopback registry, or replaced by a fake, so nothing leaves the machine.
# Usage: fetch_geodb_test.sh BINARY
set -uo pipefail
bin=${1:?usage: fetch_geodb_test.sh BINARY}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export npm_config_registry=http://127.0.0.1:9/ npm_config_fetch_retries=0 \
  npm_config_fetch_timeout=5000 npm_config_cache="$tmp/npm-cache"
fail=0
check() {  # check WHAT GOT WANT
  if [ "$2" != "$3" ]; then
    echo "FAIL: $1: got '$2', want '$3'" >&2
    fail=1
  fi
}
integrity() { echo "sha512-$(openssl dgst -sha512 -binary "$1" | base64 -w0)"; }

# A package as npm packs it: everything under package/.
mkdir -p "$tmp/pkg/package" "$tmp/geodb/cache/tarballs"
"$root/scripts/mmdb-from-csv" --column country_code:utf8_string "$tmp/pkg/package/x.mmdb" \
  "$root/tests/data/geo/country-a.csv"
echo "not needed" >"$tmp/pkg/package/README.md"
tar -czf "$tmp/geodb/cache/tarballs/test-pkg-1.0.0.tgz" -C "$tmp/pkg" package
want=$(integrity "$tmp/geodb/cache/tarballs/test-pkg-1.0.0.tgz")
write_sources() {
  cat >"$tmp/geodb/sources.json" <<EOF_JSON
{"sources": [{"name": "t", "kind": "country", "file": "cache/t/x.mmdb", "field": "country_code",
  "licence": "CC0-1.0", "package": "@test/pkg@1.0.0", "integrity": "$1", "extract": ["x.mmdb"]}]}
EOF_JSON
}
write_sources "$want"

# A data package (geodb/data-packages.json: no geolocation source, so sources.json and
# residency's loader never see it), fetched and extracted the same way.
mkdir -p "$tmp/dpkg/package"
echo '{"type":"Topology"}' >"$tmp/dpkg/package/data.json"
echo "not needed" >"$tmp/dpkg/package/README.md"
tar -czf "$tmp/geodb/cache/tarballs/data-pkg-2.0.0.tgz" -C "$tmp/dpkg" package
dwant=$(integrity "$tmp/geodb/cache/tarballs/data-pkg-2.0.0.tgz")
write_packages() {  # write_packages NAME INTEGRITY
  cat >"$tmp/geodb/data-packages.json" <<EOF_JSON
{"packages": [{"name": "$1", "file": "cache/$1/data.json", "package": "data-pkg@2.0.0",
  "integrity": "$2", "extract": ["data.json"]}]}
EOF_JSON
}
write_packages d "$dwant"

# First run: from the cached tarballs, no network.
"$root/scripts/fetch-geodb" --geodb "$tmp/geodb" 2>"$tmp/err"
check "first run exit" "$?" "0"
check "first run message" "$(cat "$tmp/err")" "fetch-geodb: fetched 2 source(s)"
check "extracted" "$(ls "$tmp/geodb/cache/t")" "x.mmdb"
check "data package extracted" "$(ls "$tmp/geodb/cache/d")" "data.json"
check "lookup" "$("$bin" lookup --geodb "$tmp/geodb" --format json 192.0.2.1 2>/dev/null |
  perl -MJSON::PP -e 'local $/; print decode_json(<STDIN>)->{results}[0]{sources}[0]{country}')" "DE"

# Second run: nothing to do, and fast.
start=$(date +%s%N)
"$root/scripts/fetch-geodb" --geodb "$tmp/geodb" 2>"$tmp/err"
check "second run exit" "$?" "0"
check "second run message" "$(cat "$tmp/err")" "fetch-geodb: up to date"
ms=$((($(date +%s%N) - start) / 1000000))
[ "$ms" -lt 1000 ] || { echo "FAIL: second run took $ms ms" >&2; fail=1; }

# A data package is checked like a source: a wrong pin is refused (the message names
# data-packages.json), and a name may not be used by both lists (they share cache/).
cp "$tmp/geodb/cache/tarballs/data-pkg-2.0.0.tgz" "$tmp/data-pkg.tgz"
mkdir -p "$tmp/bin-data"
cat >"$tmp/bin-data/npm" <<EOF_NPM
#!/bin/sh
# fake npm: pack --silent --pack-destination DIR NAME
cp "$tmp/data-pkg.tgz" "\$4/data-pkg-2.0.0.tgz"
EOF_NPM
chmod +x "$tmp/bin-data/npm"
write_packages d "sha512-AAAA"
PATH="$tmp/bin-data:$PATH" "$root/scripts/fetch-geodb" --geodb "$tmp/geodb" 2>"$tmp/err"
check "data package pin exit" "$?" "1"
check "data package pin message" "$(tail -1 "$tmp/err")" \
  "fetch-geodb: data-pkg@2.0.0: integrity mismatch: got $dwant, data-packages.json pins sha512-AAAA"
check "data package kept" "$(ls "$tmp/geodb/cache/d")" "data.json"
write_packages t "$dwant"
"$root/scripts/fetch-geodb" --geodb "$tmp/geodb" 2>"$tmp/err"
check "name clash exit" "$?" "1"
check "name clash message" "$(tail -1 "$tmp/err")" \
  "fetch-geodb: $tmp/geodb/data-packages.json: name t is used twice (sources.json and data-packages.json share geodb/cache/)"
echo '{"packages": {}}' >"$tmp/geodb/data-packages.json"
"$root/scripts/fetch-geodb" --geodb "$tmp/geodb" 2>"$tmp/err"
check "bad list exit" "$?" "1"
check "bad list message" "$(tail -1 "$tmp/err")" \
  "fetch-geodb: $tmp/geodb/data-packages.json: expected an object with a \"packages\" array"
rm "$tmp/geodb/data-packages.json"

# A tampered cached tarball is never extracted: fetch-geodb discards it and asks npm,
# here a fake npm that hands back the tampered tarball again.
echo "tampered" >>"$tmp/pkg/package/README.md"
tar -czf "$tmp/tampered.tgz" -C "$tmp/pkg" package
cp "$tmp/tampered.tgz" "$tmp/geodb/cache/tarballs/test-pkg-1.0.0.tgz"
rm "$tmp/geodb/cache/t/.stamp"
mkdir -p "$tmp/bin"
cat >"$tmp/bin/npm" <<EOF_NPM
#!/bin/sh
# fake npm: pack --silent --pack-destination DIR NAME
cp "$tmp/tampered.tgz" "\$4/test-pkg-1.0.0.tgz"
EOF_NPM
chmod +x "$tmp/bin/npm"
PATH="$tmp/bin:$PATH" "$root/scripts/fetch-geodb" --geodb "$tmp/geodb" 2>"$tmp/err"
check "tampered exit" "$?" "1"
check "tampered message" "$(tail -1 "$tmp/err")" \
  "fetch-geodb: @test/pkg@1.0.0: integrity mismatch: got $(integrity "$tmp/tampered.tgz"), sources.json pins $want"
check "tampered tarball removed" "$(ls "$tmp/geodb/cache/tarballs")" ""

# Offline with nothing cached: a clear failure, not a hang.
rm -rf "$tmp/geodb/cache"
"$root/scripts/fetch-geodb" --geodb "$tmp/geodb" 2>"$tmp/err"
check "offline exit" "$?" "1"
check "offline message" "$(tail -1 "$tmp/err")" \
  "fetch-geodb: npm pack @test/pkg@1.0.0 failed (offline? run again with network access)"

[ $fail -eq 0 ] && echo "fetch_geodb_test: ok"
exit $fail
