#!/usr/bin/env bash
# Writes the bad manifests that are binary or large into DIR (created if missing), so that
# they need not be committed: invalid UTF-8, NUL bytes, deep nesting, a 10 MB string.
# Each must be rejected by `residency lint` with exit code 2, like tests/data/manifests/bad/.
# Usage: gen-bad.sh DIR
set -euo pipefail
dir=${1:?usage: gen-bad.sh DIR}
mkdir -p "$dir"

# The minimal manifest of bad/README.md; $1 is written raw (printf %b) as the service name's
# value between its quotes, $2 raw after "manifest_version": 1, (for an extra x- member).
manifest() {
  printf '{\n  "manifest_version": 1,\n'
  printf '%b' "${2:-}"
  printf '  "service": {\n    "id": "svc",\n    "name": "'
  printf '%b' "$1"
  printf '",\n'
  printf '    "provider": {"legal_name": "Example GmbH", "country": "DE"},\n'
  printf '    "assurance_level": "basic",\n'
  printf '    "endpoints": [\n'
  printf '      {"id": "api", "host": "api.example.com", "activity": "processing", "data": ["customer"]}\n'
  printf '    ]\n  },\n'
  printf '  "declared_locations": [\n'
  printf '    {"activity": "processing", "data": ["customer"], "locations": ["DE"]}\n'
  printf '  ]\n}\n'
}

# $1 copies of the one-character string $2; repeats() takes any string, one copy a line.
repeat() { head -c "$1" /dev/zero | tr '\0' "$2"; }
repeats() { yes "$2" | head -n "$1" | tr -d '\n'; }

manifest 'Minimal \xff\xfe service' >"$dir/g01-invalid-utf8-in-string.json"
manifest 'Minimal \xc0\xaf service' >"$dir/g02-overlong-utf8-in-string.json"
manifest 'Minimal \xed\xa0\x80 service' >"$dir/g03-utf8-encoded-surrogate.json"
manifest 'Caf\xc3' >"$dir/g04-truncated-utf8-sequence.json"
manifest 'Minimal \0 service' >"$dir/g05-nul-in-string.json"
{ manifest 'Minimal service'; printf '\0'; } >"$dir/g06-nul-after-document.json"
{ printf '{\0\n'; manifest 'Minimal service' | tail -n +2; } >"$dir/g07-nul-between-tokens.json"
{ repeat 100000 '['; repeat 100000 ']'; printf '\n'; } >"$dir/g08-deep-array-100000.json"
{
  manifest 'Minimal service' "  \"x-deep\": $(repeat 100000 '[')$(repeat 100000 ']'),\n"
} >"$dir/g09-deep-array-in-extension.json"
{
  manifest 'Minimal service' "  \"x-deep\": $(repeats 100000 '{"a":')1$(repeat 100000 '}'),\n"
} >"$dir/g10-deep-object-in-extension.json"
manifest "$(repeat 10485760 'a')" >"$dir/g11-name-10mb-string.json"
