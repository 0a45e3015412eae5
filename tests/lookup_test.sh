#!/usr/bin/env bash
# `residency lookup` through the real default geodb (scripts/fetch-geodb must have run):
# the answers data-sources.md lists (dbip / geo-whois / iptoasn), the AS, the verdict,
# IPv4-mapped addresses answering as IPv4, and the errors for bad targets.
# Usage: lookup_test.sh BINARY
set -uo pipefail
bin=${1:?usage: lookup_test.sh BINARY}
root=$(cd "$(dirname "$0")/.." && pwd)
geodb="$root/geodb"
fail=0
check() {  # check WHAT GOT WANT
  if [ "$2" != "$3" ]; then
    echo "FAIL: $1: got '$2', want '$3'" >&2
    fail=1
  fi
}

if [ ! -f "$geodb/cache/dbip/.stamp" ] || [ ! -f "$geodb/cache/asn.mmdb" ]; then
  echo "FAIL: the default geodb is not fetched: run scripts/fetch-geodb" >&2
  exit 1
fi

# "dbip/geo-whois/iptoasn verdict ASN" from the JSON of one lookup.
summary() {
  "$bin" lookup --geodb "$geodb" --format json "$1" | perl -MJSON::PP -e '
    local $/; my $r = decode_json(<STDIN>)->{results}[0];
    my %c = map { $_->{name} => ($_->{country} // "-") } @{$r->{sources}};
    print join("/", @c{qw(dbip geo-whois iptoasn)}), " ", $r->{country}{verdict},
          " AS", ($r->{as} ? $r->{as}{number} : "-"), "\n";'
}

while read -r ip want; do
  [ -z "$ip" ] && continue
  check "lookup $ip" "$(summary "$ip")" "$want"
done <<'EOF_CASES'
3.120.0.1 DE/DE/US agree AS16509
34.89.0.1 GB/GB/US agree AS396982
20.50.0.1 NL/NL/US agree AS8075
40.127.0.1 ZA/ZA/US agree AS8075
2a00:1450:4001::1 DE/IE/US disagree AS15169
104.16.0.1 CA/US/US disagree AS13335
EOF_CASES

# The provider-feed match, when the feed index is compiled (residency geodb update):
# provider, region, scope and the region catalog's country.
if [ -f "$geodb/cache/feeds.mmdb" ]; then
  while read -r ip want; do
    [ -z "$ip" ] && continue
    got=$("$bin" lookup --geodb "$geodb" --format json "$ip" | perl -MJSON::PP -e '
      local $/; my $f = decode_json(<STDIN>)->{results}[0]{feed};
      print $f ? join(" ", $f->{provider}, $f->{region} || "-", $f->{scope}, $f->{country} // "-") : "none";')
    check "feed match of $ip" "$got" "$want"
  done <<'EOF_FEEDS'
3.120.0.1 aws eu-central-1 regional DE
34.89.0.1 gcp europe-west2 regional GB
20.50.0.1 azure westeurope regional NL
40.127.0.1 azure southafricanorth regional ZA
104.16.0.1 cloudflare - anycast -
EOF_FEEDS
else
  echo "lookup_test: note: $geodb/cache/feeds.mmdb absent, feed matches not checked" >&2
fi

# IPv4-mapped: the same answer as plain IPv4, in text and JSON.
plain=$("$bin" lookup --geodb "$geodb" 3.120.0.1 | tail -n +2)
mapped=$("$bin" lookup --geodb "$geodb" ::ffff:3.120.0.1 | tail -n +2)
check "::ffff:3.120.0.1 text" "$mapped" "$plain"
check "::ffff:3.120.0.1 json" "$(summary ::ffff:3.120.0.1)" "DE/DE/US agree AS16509"

# Jurisdiction groups, with the scope of a limited adequacy decision reported (not applied).
groups=$("$bin" lookup --geodb "$geodb" 3.120.0.1 | grep '^  groups')
check "groups of 3.120.0.1" "$groups" "  groups     DE: EU EEA ADEQUATE; US: ADEQUATE (adequacy for organisations certified under the EU-US Data Privacy Framework only)"

# Bad targets: exit 2, a clear message, nothing on stdout.
while IFS='|' read -r target message; do
  out=$("$bin" lookup --geodb "$geodb" "$target" 2>/tmp/lookup_test.$$)
  code=$?
  check "lookup '$target' exit code" "$code" "2"
  check "lookup '$target' stdout" "$out" ""
  check "lookup '$target' stderr" "$(cat /tmp/lookup_test.$$)" "$message"
done <<'EOF_BAD'
under_score.example|residency: lookup: "under_score.example" is not a valid host name: character '_' not allowed in a host name (letters, digits, '-')
300.1.2.3|residency: lookup: "300.1.2.3" is not a valid IP address
2a00::1::2|residency: lookup: "2a00::1::2" is not a valid IP address
EOF_BAD
rm -f /tmp/lookup_test.$$

# geodb info: every default source with its sha256.
info=$("$bin" geodb info --geodb "$geodb" --format json)
count=$(printf '%s' "$info" | perl -MJSON::PP -e 'local $/; print scalar grep { $_->{sha256} } @{decode_json(<STDIN>)->{sources}}')
check "geodb info: sources with sha256" "$count" "$(ls "$geodb"/cache/{dbip,geo-whois,iptoasn}/*.mmdb "$geodb"/cache/asn.mmdb "$geodb"/cache/feeds.mmdb 2>/dev/null | wc -l)"

[ $fail -eq 0 ] && echo "lookup_test: ok"
exit $fail
