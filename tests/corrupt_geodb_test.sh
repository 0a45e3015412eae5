#!/usr/bin/env bash
# Corrupt and foreign geolocation databases: `residency lookup` and `residency geodb info`
# with a geodb directory whose sources.json points at
#  - every .mmdb in MaxMind's test data (libmaxminddb 1.7.1: test-data/, with its
#    *-Broken-* files, and bad-data/), used as each kind of source (country,
#    operator-country, asn, feed) in turn;
#  - truncated and zeroed copies of each file of the default set (geodb/cache/).
# Each run must end with exit 0 or 3 (answered or unverified) or 2 with a message on
# stderr naming the database file, within 20 s, without a signal and without a sanitizer
# report (the ASan+UBSan build runs this same script). Like libmaxminddb's own bad-data
# test, it asserts nothing about the answers: only that nothing crashes or lies silently
# about failing.
#
# The MaxMind files come from scripts/fetch-maxmind-testdata (cached after the first
# run); when they cannot be downloaded that part is skipped with a message, and the
# truncated-default part still runs.
set -uo pipefail
bin=$(realpath "$1")
root=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 runs=0
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

ips=(1.2.3.4 81.2.69.160 216.160.83.56 89.160.20.112 2001:218::1 2a02:cf40::1 ::1.1.1.3 3.120.0.1 0.0.0.0 255.255.255.255 ::)

# A geodb directory: the data files of geodb/ and the given sources.json text.
make_geodb() {
  local dir=$1 sources=$2 f
  mkdir -p "$dir"
  for f in countries.csv groups.json regions.csv host-patterns.json operators.json; do
    if [[ -f $root/geodb/$f ]]; then cp "$root/geodb/$f" "$dir/"; fi
  done
  printf '%s\n' "$sources" >"$dir/sources.json"
}

# Runs one command against a geodb directory; `file` is the database the message must name.
check_run() {
  local label=$1 file=$2
  shift 2
  local code
  runs=$((runs + 1))
  timeout -k 5 20 "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
  code=$?
  if grep -q 'AddressSanitizer\|LeakSanitizer\|runtime error:\|UndefinedBehaviorSanitizer' "$tmp/err"; then
    bad "$label: $*: sanitizer report"
    sed -n 1,15p "$tmp/err"
    return
  fi
  case $code in
    0 | 3) ;;
    2)
      if [[ ! -s $tmp/err ]]; then
        bad "$label: $*: exit 2 without a message"
      elif ! grep -qF "$(basename "$file")" "$tmp/err"; then
        bad "$label: $*: the message does not name $(basename "$file"): $(head -c 300 "$tmp/err")"
      fi
      ;;
    124 | 137) bad "$label: $*: timed out" ;;
    *)
      bad "$label: $*: exit code $code"
      sed -n 1,10p "$tmp/err"
      ;;
  esac
}

# The fields each kind reads, for a GeoIP2 layout and for ip-location-db's.
source_json() {
  local kind=$1 file=$2 field=$3
  case $kind in
    asn) printf '{"name": "x", "kind": "asn", "file": "%s", "field": "autonomous_system_number", "org_field": "autonomous_system_organization", "licence": "test"}' "$file" ;;
    feed) printf '{"name": "x", "kind": "feed", "file": "%s", "licence": "test"}' "$file" ;;
    *) printf '{"name": "x", "kind": "%s", "file": "%s", "field": "%s", "licence": "test"}' "$kind" "$file" "$field" ;;
  esac
}

# --- MaxMind's test data -------------------------------------------------------------------
data=$root/geodb/cache/maxmind-test-data
if scripts/fetch-maxmind-testdata "$data" 2>"$tmp/fetch.err"; then
  mapfile -t mmdbs < <(find "$data" -name '*.mmdb' | sort)
  broken=0
  for f in "${mmdbs[@]}"; do
    case $f in */bad-data/* | *[Bb]roken* | *Invalid*) broken=$((broken + 1)) ;; esac
  done
  if ((${#mmdbs[@]} < 30 || broken < 10)); then
    bad "expected the whole MaxMind test data under $data, found ${#mmdbs[@]} files ($broken broken)"
  fi
  n=0
  for f in "${mmdbs[@]}"; do
    for kind in country operator-country asn feed; do
      n=$((n + 1))
      dir=$tmp/mm$n
      field=country.iso_code
      if [[ $kind == operator-country ]]; then field=registered_country.iso_code; fi
      make_geodb "$dir" "{\"sources_version\": 1, \"sources\": [$(source_json "$kind" "$f" "$field")]}"
      label="${f#"$data"/} as $kind"
      check_run "$label" "$f" lookup --geodb "$dir" "${ips[@]}"
      check_run "$label" "$f" lookup --geodb "$dir" --format json "${ips[@]}"
      check_run "$label" "$f" geodb info --geodb "$dir"
    done
  done
  echo "MaxMind test data: ${#mmdbs[@]} files ($broken broken) x 4 kinds"
else
  echo "SKIP MaxMind test data: cannot be had ($(tail -1 "$tmp/fetch.err")); the truncated default set still runs"
fi

# --- Truncated and zeroed copies of the default set ----------------------------------------
if [[ ! -f $root/geodb/sources.json ]]; then
  bad "no geodb/sources.json"
else
  # The default sources.json with absolute paths, one file replaced by CORRUPT.
  sources_with() {
    python3 - "$root/geodb" "$1" "$2" <<'EOF'
import json, os, sys
geodb, target, corrupt = sys.argv[1:]
doc = json.load(open(os.path.join(geodb, "sources.json")))
for s in doc["sources"]:
    path = os.path.join(geodb, s["file"])
    s["file"] = corrupt if os.path.abspath(path) == os.path.abspath(target) else path
print(json.dumps(doc))
EOF
  }
  mapfile -t defaults < <(python3 -c '
import json, os, sys
g = sys.argv[1]
for s in json.load(open(os.path.join(g, "sources.json")))["sources"]:
    p = os.path.join(g, s["file"])
    if os.path.isfile(p): print(os.path.abspath(p))' "$root/geodb")
  if ((${#defaults[@]} == 0)); then bad "no default geodb file is present (run scripts/setup)"; fi
  n=0
  for f in "${defaults[@]}"; do
    size=$(stat -c %s "$f")
    for cut in 0 1 16 4096 $((size / 2)) $((size - 2000)) $((size - 20)) $((size - 1)) zero-tree zero-data; do
      n=$((n + 1))
      dir=$tmp/trunc$n
      mkdir -p "$dir"
      copy=$dir/$(basename "$f" .mmdb)-$cut.mmdb
      case $cut in
        zero-tree) cp "$f" "$copy" && dd if=/dev/zero of="$copy" bs=4096 seek=1 count=4 conv=notrunc status=none ;;
        zero-data) cp "$f" "$copy" && dd if=/dev/zero of="$copy" bs=1 seek=$((size - 6000)) count=3000 conv=notrunc status=none ;;
        *)
          if ((cut < 0)); then continue; fi
          head -c "$cut" "$f" >"$copy"
          ;;
      esac
      make_geodb "$dir" "$(sources_with "$f" "$copy")"
      label="$(basename "$f") cut at $cut of $size"
      check_run "$label" "$copy" lookup --geodb "$dir" "${ips[@]}"
      check_run "$label" "$copy" geodb info --geodb "$dir"
    done
  done
  echo "default set: ${#defaults[@]} files, truncated and zeroed"
fi

echo "$runs runs, $fails failures"
((fails == 0))
