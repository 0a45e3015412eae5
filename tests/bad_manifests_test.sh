#!/usr/bin/env bash
# Runs every bad manifest through `residency lint` and asserts that each is rejected cleanly:
# exit code exactly 2 (so no crash, no signal, no timeout), nothing on stdout, and a located
# error on stderr whose first line starts with the path given and a colon
# (`PATH:LINE:COL: ...` for JSON errors, `PATH: ...` for a missing file or a directory).
# Cases: tests/data/manifests/bad/*.json, the binary and large ones that
# tests/data/manifests/gen-bad.sh writes into a temporary directory, a directory instead of
# a file, and a missing file.
# Usage (from the project root): bash tests/bad_manifests_test.sh PATH/TO/residency
set -uo pipefail

bin=${1:?usage: bash tests/bad_manifests_test.sh PATH/TO/residency}
data=tests/data/manifests
if [[ ! -x $bin || -d $bin ]]; then
  echo "bad_manifests_test: $bin is not an executable" >&2
  exit 2
fi
if [[ ! -d $data/bad ]]; then
  echo "bad_manifests_test: $data/bad not found; run from the project root" >&2
  exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! bash "$data/gen-bad.sh" "$tmp/gen"; then
  echo "bad_manifests_test: $data/gen-bad.sh failed" >&2
  exit 2
fi
mkdir "$tmp/a-directory.json"

cases=("$data"/bad/*.json "$tmp"/gen/*.json "$tmp/a-directory.json" "$tmp/does-not-exist.json")
passed=0
failed=0

# Prints at most the first 20 lines and 4000 bytes of file $1, indented.
show() { head -c 4000 "$1" | head -n 20 | sed 's/^/    | /'; }

for file in "${cases[@]}"; do
  timeout -k 5 20 "$bin" lint "$file" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  problems=()
  if ((rc == 124)); then
    problems+=("timed out after 20 s (exit code 124)")
  elif ((rc > 128)); then
    problems+=("killed by signal $((rc - 128)) (exit code $rc)")
  elif ((rc != 2)); then
    problems+=("exit code $rc, expected 2")
  fi
  if [[ -s $tmp/out ]]; then
    problems+=("stdout is not empty")
  fi
  if [[ ! -s $tmp/err ]]; then
    problems+=("stderr is empty")
  else
    first=$(head -n 1 "$tmp/err")
    if [[ $first != "$file:"* ]]; then
      problems+=("the first line of stderr does not start with \"$file:\"")
    fi
  fi
  if ((${#problems[@]} == 0)); then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $file"
    printf '  %s\n' "${problems[@]}"
    if [[ -s $tmp/err ]]; then
      echo "  stderr:"
      show "$tmp/err"
    fi
    if [[ -s $tmp/out ]]; then
      echo "  stdout:"
      show "$tmp/out"
    fi
  fi
done

echo "$passed passed, $failed failed"
((failed == 0))
