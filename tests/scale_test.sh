#!/usr/bin/env bash
# A streamed, multi-threaded verify gives the same report as a single-threaded one: a
# synthetic estate of 12,000 IP-literal endpoints (scripts/gen-synthetic, above the
# 10,000 at which JSON reports stream) verified with RESIDENCY_THREADS=1 and =4, the two
# JSON reports equal apart from their timestamps. Also: the streamed report parses, its
# summary counts its endpoints, and --timings prints every stage once.
# Usage (from the project root): bash tests/scale_test.sh PATH/TO/residency
set -uo pipefail
bin=${1:?usage: bash tests/scale_test.sh PATH/TO/residency}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0 n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $1"; }

python3 scripts/gen-synthetic --endpoints 12000 --subservices 120 --out "$tmp/estate" >/dev/null || { echo "gen-synthetic failed"; exit 2; }
for t in 1 4; do
  RESIDENCY_THREADS=$t "$bin" verify "$tmp/estate/manifest.json" --format json --output "$tmp/r$t.json" \
    --dns 127.0.0.1:9 --timings 2>"$tmp/err$t"
  code=$?
  [[ $code == 1 ]] && ok "RESIDENCY_THREADS=$t: exit 1 (the estate has addresses outside)" || not_ok "RESIDENCY_THREADS=$t: exit $code"
done
python3 - "$tmp/r1.json" "$tmp/r4.json" <<'PY' && ok "1 and 4 threads give the same report" || not_ok "1 and 4 threads differ"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for r in (a, b):
    r.pop("started_at"); r.pop("finished_at")
assert a == b, [k for k in a if a[k] != b.get(k)]
assert len(a["endpoints"]) == 12000
s = a["summary"]
assert s["pass"] + s["fail"] + s["unverified"] == 12000, s
assert s["fail"] == sum(e["verdict"] == "fail" for e in a["endpoints"]) > 0
assert any(f["kind"] == "location-violation" for f in a["findings"])
PY
[[ $(wc -l <"$tmp/r4.json") == 1 ]] && ok "a streamed report is compact (one line)" || not_ok "streamed report is not one line"
for stage in open parse graph resolve geolocate check report; do  # open: twice, printed once
  [[ $(grep -c "^stage $stage " "$tmp/err4") == 1 ]] && ok "--timings prints stage $stage once" || not_ok "--timings: stage $stage $(grep -c "^stage $stage " "$tmp/err4") times"
done
echo "scale_test: $((n - failures))/$n passed"
[[ $failures == 0 ]]
