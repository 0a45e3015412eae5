#!/usr/bin/env bash
# End-to-end audit sampling: `residency sample` plans over the example manifests, then
# `verify --sample PLAN --replay REPORT` (DNS answers from a live run against NSD on
# loopback serving tests/data/verify/zones/). Checks:
# - the plan: sample size (hypergeometric, docs/audit.md), strata, same seed → same plan;
# - the sampled report: only the plan's endpoints, verdicts as in the full run, the
#   deviations and the upper bound (recomputed here with exact fractions);
# - a plan for another manifest (sha256 differs), a plan naming an unknown endpoint, bad
#   parameters: exit 2.
# Usage (from the project root): bash tests/sample_test.sh PATH/TO/residency
set -uo pipefail
bin=${1:?usage: bash tests/sample_test.sh PATH/TO/residency}
tmp=$(mktemp -d)
trap 'bash tests/dns/servers.sh stop "$tmp/dns" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

mkdir -p "$tmp/dns"
if ! bash tests/dns/servers.sh start "$tmp/dns" tests/data/verify/zones/*.zone >"$tmp/servers.log" 2>&1; then
  cat "$tmp/servers.log"
  echo "0 passed, 1 failed"
  exit 1
fi
source "$tmp/dns/ports"
dns="127.0.0.1:$NSD_PORT"

for manifest in paas-eu-high fails-lint; do
  timeout -k 5 60 "$bin" verify "manifests/examples/$manifest.json" --dns "$dns" --format json \
    --output "$tmp/$manifest.full.json" 2>/dev/null
  [[ -s $tmp/$manifest.full.json ]] && ok || bad "$manifest: no full report"
done
bash tests/dns/servers.sh stop "$tmp/dns" >/dev/null 2>&1  # from here on, no DNS server

# The plan: 15 endpoints in 5 nodes; 20% tolerable at 95%: M = 3, n = 9 (C(12,9)/C(15,9) = 0.044).
m=manifests/examples/paas-eu-high.json
"$bin" sample "$m" --confidence 0.95 --tolerable-rate 0.20 --seed 42 --format json --output "$tmp/plan.json" 2>"$tmp/err"
code=$?
[[ $code == 0 ]] && ok || { bad "sample: exit $code"; cat "$tmp/err"; }
python3 - "$tmp/plan.json" "$m" <<'PY' && ok || bad "plan contents"
import hashlib, json, sys
p = json.load(open(sys.argv[1]))
assert p["kind"] == "sample-plan" and p["manifest"]["sha256"] == hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest()
assert (p["population"], p["tolerable_deviations"], p["sample_size"], p["acceptance_number"]) == (15, 3, 9, 0), p
assert [s["id"] for s in p["strata"]] == ["nebuleuse-paas", "ovh-object-storage", "managed-db", "metrikwerk", "ticketa"]
assert [s["population"] for s in p["strata"]] == [7, 2, 3, 2, 1]
assert [s["sample"] for s in p["strata"]] == [4, 1, 2, 1, 1], [s["sample"] for s in p["strata"]]
for s in p["strata"]:
    assert len(s["endpoints"]) == s["sample"] and all(e.startswith(s["id"] + "/") for e in s["endpoints"])
assert p["parameters"]["seed"] == 42 and abs(p["risk"] - 220 / 5005) < 1e-12
PY
"$bin" sample "$m" --confidence 0.95 --tolerable-rate 0.20 --seed 42 --format json >"$tmp/plan2.json" 2>/dev/null
cmp -s "$tmp/plan.json" "$tmp/plan2.json" && ok || bad "the same seed gave another plan"
differs=0
for seed in 1 2 3 4 5; do
  "$bin" sample "$m" --confidence 0.95 --tolerable-rate 0.20 --seed $seed --format json >"$tmp/plan3.json" 2>/dev/null
  cmp -s "$tmp/plan.json" "$tmp/plan3.json" || differs=1
done
[[ $differs == 1 ]] && ok || bad "five other seeds all gave the same plan"
"$bin" sample "$m" --confidence 0.95 --tolerable-rate 0.20 --seed 42 >"$tmp/plan.txt" 2>&1
grep -q "population 15 endpoints; tolerable deviations 3; sample 9, accepting at most 0 deviations" "$tmp/plan.txt" && ok \
  || { bad "text plan"; cat "$tmp/plan.txt"; }

# verify --sample with --replay, for a clean manifest and for one with failures.
check_sampled() {  # PLAN FULL SAMPLED
  python3 - "$@" <<'PY'
import json, sys
from fractions import Fraction
from math import comb
plan, full, sampled = sys.argv[1:4]
p, f, s = (json.load(open(x)) for x in (plan, full, sampled))
ids = [e for st in p["strata"] for e in st["endpoints"]]
assert sorted(e["id"] for e in s["endpoints"]) == sorted(ids), "not the plan's endpoints"
verdicts = {e["id"]: e["verdict"] for e in f["endpoints"]}
for e in s["endpoints"]:
    assert e["verdict"] == verdicts[e["id"]], e["id"]
d = sum(1 for i in ids if verdicts[i] != "pass")
sm = s["sample"]
assert sm["checked"] == len(ids) and sm["deviations"]["total"] == d, sm
N, n, alpha = p["population"], len(ids), 1 - Fraction(str(p["parameters"]["confidence"]))
def cdf(M):
    return sum(Fraction(comb(M, x) * comb(N - M, n - x)) for x in range(0, min(d, M, n) + 1)) / comb(N, n)
bound = max(M for M in range(d, N + 1) if cdf(M) > alpha)
assert sm["upper_bound_deviations"] == bound, (sm, bound)
assert abs(sm["upper_bound_rate"] - bound / N) < 1e-12
assert sm["within_tolerable"] == (bound / N <= p["parameters"]["tolerable_rate"])
print(d, bound)
PY
}
"$bin" verify "$m" --sample "$tmp/plan.json" --replay "$tmp/paas-eu-high.full.json" --format json \
  --output "$tmp/sampled.json" 2>"$tmp/err"
code=$?
[[ $code == 0 ]] && ok || { bad "verify --sample paas-eu-high: exit $code, want 0"; cat "$tmp/err"; }
got=$(check_sampled "$tmp/plan.json" "$tmp/paas-eu-high.full.json" "$tmp/sampled.json" 2>&1)
[[ $got == "0 2" ]] && ok || bad "paas-eu-high sampled: $got, want 0 deviations and a bound of 2"
"$bin" verify "$m" --sample "$tmp/plan.json" --replay "$tmp/paas-eu-high.full.json" >"$tmp/sampled.txt" 2>&1
grep -q "upper bound of the deviation rate at 95% confidence: 13.33% (2 of 15), tolerable 20.00%: within" "$tmp/sampled.txt" \
  && ok || { bad "text report of the sample"; cat "$tmp/sampled.txt"; }

f=manifests/examples/fails-lint.json
"$bin" sample "$f" --confidence 0.90 --tolerable-rate 0.30 --expected-rate 0.05 --seed 7 --format json \
  --output "$tmp/plan-f.json" 2>"$tmp/err" && ok || { bad "sample fails-lint"; cat "$tmp/err"; }
"$bin" verify "$f" --sample "$tmp/plan-f.json" --replay "$tmp/fails-lint.full.json" --format json \
  --output "$tmp/sampled-f.json" 2>"$tmp/err"
code=$?
[[ $code == 1 ]] && ok || { bad "verify --sample fails-lint: exit $code, want 1"; cat "$tmp/err"; }
got=$(check_sampled "$tmp/plan-f.json" "$tmp/fails-lint.full.json" "$tmp/sampled-f.json" 2>&1)
[[ $got =~ ^[0-9]+\ [0-9]+$ ]] && ok || bad "fails-lint sampled: $got"

# A plan for another manifest, or naming an endpoint that is not there: exit 2, nothing checked.
cp "$m" "$tmp/changed.json"
echo " " >>"$tmp/changed.json"
"$bin" verify "$tmp/changed.json" --sample "$tmp/plan.json" --replay "$tmp/paas-eu-high.full.json" >"$tmp/out" 2>"$tmp/err"
code=$?
[[ $code == 2 && ! -s $tmp/out ]] && grep -q "sha256" "$tmp/err" && ok || { bad "plan of another manifest: exit $code"; cat "$tmp/err"; }
sed 's#"ticketa/desk"#"ticketa/nope"#' "$tmp/plan.json" >"$tmp/plan-bad.json"
"$bin" verify "$m" --sample "$tmp/plan-bad.json" --replay "$tmp/paas-eu-high.full.json" >"$tmp/out" 2>"$tmp/err"
code=$?
[[ $code == 2 ]] && grep -q 'endpoint "ticketa/nope" is not in' "$tmp/err" && ok || { bad "unknown endpoint in plan: exit $code"; cat "$tmp/err"; }
"$bin" verify "$m" --sample "$m" --replay "$tmp/paas-eu-high.full.json" >"$tmp/out" 2>"$tmp/err"
code=$?
[[ $code == 2 ]] && grep -q "^residency: --sample: $m:1:1:" "$tmp/err" && ok || { bad "a manifest as plan: exit $code"; cat "$tmp/err"; }

for args in "--tolerable-rate 0.05 --expected-rate 0.05 --seed 1" "--confidence 1 --seed 1" \
            "--tolerable-rate 0 --seed 1" "--confidence 0.95" "--seed -1" "--seed 1 --format xml"; do
  # shellcheck disable=SC2086
  "$bin" sample "$m" $args >"$tmp/out" 2>"$tmp/err"
  code=$?
  [[ $code == 2 && -s $tmp/err ]] && ok || bad "sample $args: exit $code, want 2"
done
"$bin" sample /nonexistent.json --seed 1 >/dev/null 2>"$tmp/err"
[[ $? == 2 ]] && ok || bad "sample of a missing manifest"

echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
