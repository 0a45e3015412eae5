#!/usr/bin/env bash
# Lints each example manifest and checks the documented result (manifests/examples/README.md):
# exit code 0 for the two good examples and 1 for fails-lint.json, in text and in JSON
# output; the JSON output parses, has no failing finding for the good examples, and for
# fails-lint.json has failing findings on the endpoints the README names.
# Usage (from the project root): bash tests/examples_test.sh PATH/TO/residency
set -uo pipefail

bin=${1:?usage: bash tests/examples_test.sh PATH/TO/residency}
dir=manifests/examples
if [[ ! -x $bin || -d $bin ]]; then
  echo "examples_test: $bin is not an executable" >&2
  exit 2
fi
if [[ ! -d $dir ]]; then
  echo "examples_test: $dir not found; run from the project root" >&2
  exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

show() { head -c 4000 "$1" | head -n 30 | sed 's/^/    | /'; }

# check NAME COMMAND...: runs the check, counts it, prints NAME and the outputs on failure.
# A check writes its reason to $tmp/why and returns non-zero to fail.
check() {
  local name=$1
  shift
  : >"$tmp/why"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name"
    sed 's/^/  /' "$tmp/why"
    for stream in out err; do
      if [[ -s $tmp/$stream ]]; then
        echo "  std$stream:"
        show "$tmp/$stream"
      fi
    done
  fi
}

# run_lint EXPECTED_RC ARGS...: runs lint with ARGS, asserts the exit code.
run_lint() {
  local want=$1
  shift
  timeout -k 5 20 "$bin" lint "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if ((rc != want)); then
    echo "exit code $rc, expected $want ($bin lint $*)" >"$tmp/why"
    return 1
  fi
}

# json_check EXPECTED_RC [ENDPOINT...]: stdout of the last run is a JSON document; with
# EXPECTED_RC 0 no finding has status "fail"; with 1 at least one has, and every ENDPOINT
# named is the subject of a failing finding.
json_check() {
  python3 - "$tmp/out" "$@" >"$tmp/why" 2>&1 <<'PY'
import json, sys
path, want, subjects = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
try:
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
except (ValueError, UnicodeDecodeError) as e:
    sys.exit("stdout is not JSON: %s" % e)
if not isinstance(doc, dict) or not isinstance(doc.get("findings"), list):
    sys.exit('the JSON output has no "findings" array')
failing = [f for f in doc["findings"] if isinstance(f, dict) and f.get("status") == "fail"]
if want == 0 and failing:
    sys.exit("failing findings in a good example: %s" % json.dumps(failing, ensure_ascii=False)[:2000])
if want == 1 and not failing:
    sys.exit("no failing finding")
missing = [s for s in subjects if not any(f.get("subject") == s for f in failing)]
if missing:
    sys.exit("no failing finding with subject %s" % ", ".join(missing))
PY
}

lint_and_json() {
  local file=$1 want=$2
  shift 2
  run_lint "$want" --format json "$file" && json_check "$want" "$@"
}

declare -A expected=(
  [saas-frankfurt-aws.json]=0
  [paas-eu-high.json]=0
  [fails-lint.json]=1
)
declare -A failing_subjects=(
  [fails-lint.json]="blobhost/uploads analytics/collector accounts-db/primary"
)

for name in saas-frankfurt-aws.json paas-eu-high.json fails-lint.json; do
  file=$dir/$name
  want=${expected[$name]}
  check "$name: lint (text) exits $want" run_lint "$want" "$file"
  # shellcheck disable=SC2086  # the subject list splits on purpose
  check "$name: lint --format json exits $want, output parses, findings as documented" \
    lint_and_json "$file" "$want" ${failing_subjects[$name]:-}
done

# Every example in the directory is covered above.
for file in "$dir"/*.json; do
  name=${file##*/}
  if [[ -z ${expected[$name]+set} ]]; then
    failed=$((failed + 1))
    echo "FAIL: $name: an example without an expected result in tests/examples_test.sh"
  fi
done

echo "$passed passed, $failed failed"
((failed == 0))
