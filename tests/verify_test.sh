#!/usr/bin/env bash
# End-to-end `residency verify` with real components: NSD serving the example manifests'
# zones (tests/data/verify/zones/) on loopback, the real default geodb. Checks:
# - every example's endpoint verdicts and exit code (tests/data/verify/expected.txt);
# - the findings that explain them (location-violation, region-mismatch, undisclosed-use,
#   unverifiable, undisclosed-operator);
# - cli.md's report fields in the JSON;
# - --replay: the same verdicts and the same JSON apart from the timestamps, with no server;
# - a DNS server that is gone: timeouts, unverified, exit code 3, no hang;
# - bad invocations: exit code 2.
# Usage (from the project root): bash tests/verify_test.sh PATH/TO/residency
set -uo pipefail
bin=${1:?usage: bash tests/verify_test.sh PATH/TO/residency}
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

# Field N of a JSON report, by a path of keys and indices (python3 reads the JSON).
json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
for k in sys.argv[2:]: d=d[int(k)] if isinstance(d,list) else d[k]
print(json.dumps(d) if isinstance(d,(dict,list)) else d)' "$@"; }

for manifest in saas-frankfurt-aws paas-eu-high fails-lint; do
  out=$tmp/$manifest.json
  timeout -k 5 60 "$bin" verify "manifests/examples/$manifest.json" --dns "$dns" --format json --output "$out" 2>"$tmp/err"
  code=$?
  want=$(awk -v m="$manifest" '$1 == m && NF == 2 {print $2}' tests/data/verify/expected.txt)
  [[ $code == "$want" ]] && ok || { bad "$manifest: exit code $code, want $want"; cat "$tmp/err"; }
  while read -r _ id verdict; do
    got=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
print([e["verdict"] for e in d["endpoints"] if e["id"]==sys.argv[2]][0])' "$out" "$id" 2>&1)
    [[ $got == "$verdict" ]] && ok || bad "$manifest: $id is $got, want $verdict"
  done < <(awk -v m="$manifest" '$1 == m && NF == 3' tests/data/verify/expected.txt)
  # cli.md's fields are there, with their types.
  python3 - "$out" <<'PY' && ok || bad "$manifest: report fields"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["report_version"] == 1 and d["tool"]["name"] == "residency" and d["tool"]["version"]
assert len(d["manifest"]["sha256"]) == 64 and d["profile"]
assert all(len(g["sha256"]) == 64 and g["build_epoch"] > 0 for g in d["geodb"]) and len(d["geodb"]) >= 4
assert set(d["summary"]) >= {"pass", "fail", "unverified"}
for e in d["endpoints"]:
    assert e["verdict"] in ("pass", "fail", "unverified") and isinstance(e["allowed"], list)
    for o in e["observed"]:
        assert "ip" in o and (o["country"] is None or len(o["country"]) == 2) and isinstance(o["sources"], dict)
    assert e["resolution"]["status"] in ("ok", "nxdomain", "nodata", "servfail", "refused", "timeout", "cname-loop", "chain-too-long", "error")
for f in d["findings"]:
    assert f["status"] in ("fail", "unverified", "warn", "info") and f["kind"] and f["subject"] and isinstance(f["requirements"], list) and isinstance(f["path"], list) and f["message"]
PY
done

# The findings that explain fails-lint.json's verdicts.
findings=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
print("\n".join(f["status"]+" "+f["kind"]+" "+f["subject"] for f in d["findings"]))' "$tmp/fails-lint.json")
for want in "fail location-violation analytics/collector" "fail region-mismatch quickform/app" \
            "fail undisclosed-use blobhost/uploads" "unverified unverifiable accounts-db/primary" \
            "warn undisclosed-operator blobhost/uploads"; do
  grep -qx "$want" <<<"$findings" && ok || bad "fails-lint: no finding \"$want\""
done
# The CNAME chain is evidence in the report.
chain=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
print(" ".join([e for e in d["endpoints"] if e["id"]=="aws/database"][0]["resolution"]["cnames"]))' "$tmp/saas-frankfurt-aws.json")
[[ $chain == "ec2-3-121-9-9.eu-central-1.compute.amazonaws.com" ]] && ok || bad "aws/database chain: $chain"

# Under SecNumCloud the same measurements fail (US operators).
timeout -k 5 60 "$bin" verify manifests/examples/saas-frankfurt-aws.json --dns "$dns" --profile secnumcloud-3.2 >/dev/null 2>&1
code=$?
[[ $code == 1 ]] && ok || bad "saas under secnumcloud: exit $code, want 1"

# Replay: no server, the same report apart from the timestamps.
bash tests/dns/servers.sh stop "$tmp/dns" >/dev/null 2>&1
for manifest in saas-frankfurt-aws fails-lint; do
  timeout -k 5 60 "$bin" verify "manifests/examples/$manifest.json" --replay "$tmp/$manifest.json" --format json \
    --output "$tmp/$manifest.replay.json" 2>"$tmp/err"
  code=$?
  want=$(awk -v m="$manifest" '$1 == m && NF == 2 {print $2}' tests/data/verify/expected.txt)
  [[ $code == "$want" ]] && ok || { bad "$manifest replay: exit code $code, want $want"; cat "$tmp/err"; }
  strip='del d["started_at"]; del d["finished_at"]'
  same=$(python3 -c "import json,sys
a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))
for d in (a, b): $strip
print('same' if a == b else 'differ')" "$tmp/$manifest.json" "$tmp/$manifest.replay.json")
  [[ $same == same ]] && ok || bad "$manifest replay: the JSON differs beyond the timestamps"
done

# diff of a report and its replay: nothing moved (exit 0).
timeout -k 5 30 "$bin" diff "$tmp/saas-frankfurt-aws.json" "$tmp/saas-frankfurt-aws.replay.json" >"$tmp/out" 2>"$tmp/err"
code=$?
[[ $code == 0 ]] && ok || { bad "diff of a report and its replay: exit $code, want 0"; cat "$tmp/out" "$tmp/err"; }

# The server is gone: every name times out; nothing outside was seen, so exit code 3.
start=$(date +%s)
timeout -k 5 60 "$bin" verify manifests/examples/saas-frankfurt-aws.json --dns "$dns" --timeout-ms 200 \
  --format json --output "$tmp/dead.json" 2>"$tmp/err"
code=$?
took=$(( $(date +%s) - start ))
[[ $code == 3 ]] && ok || { bad "dead server: exit code $code, want 3"; cat "$tmp/err"; }
status=$(json "$tmp/dead.json" endpoints 0 resolution status 2>&1)
[[ $status == timeout ]] && ok || bad "dead server: status $status, want timeout"
[[ $took -lt 30 ]] && ok || bad "dead server: took ${took}s"

# Bad invocations: exit code 2, a message, nothing checked.
for args in "verify" "verify manifests/examples/fails-lint.json --dns nothost:xx" \
            "verify manifests/examples/fails-lint.json --replay /nonexistent.json" \
            "verify manifests/examples/fails-lint.json --replay manifests/examples/fails-lint.json" \
            "verify tests/data/manifests/bad/27-unknown-data-category-custmer.json --dns $dns"; do
  # shellcheck disable=SC2086
  timeout -k 5 30 "$bin" $args >"$tmp/out" 2>"$tmp/err"
  code=$?
  [[ $code == 2 && -s $tmp/err && ! -s $tmp/out ]] && ok || bad "'$args': exit $code, want 2 with a message"
done

echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
