#!/usr/bin/env bash
# The resolver against real DNS servers on loopback (tests/dns/servers.sh: NSD with the
# zones of tests/dns/zones/, Unbound in front of it), through `residency lookup --dns`:
# statuses, chains, addresses, TTLs, the exit code; the geodb is the fixtures of
# tests/data/geo (compiled here). Usage: resolve_test.sh BINARY
set -uo pipefail
bin=${1:?usage: resolve_test.sh BINARY}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work=$(mktemp -d)
trap 'tests/dns/servers.sh stop "$work/dns" >/dev/null 2>&1; rm -rf "$work"' EXIT
fail=0
check() {  # check WHAT GOT WANT
  if [ "$2" != "$3" ]; then
    echo "FAIL: $1: got '$2', want '$3'" >&2
    fail=1
  fi
}

tests/data/geo/make-fixtures "$work/geo" >"$work/make.log" 2>&1 || { cat "$work/make.log" >&2; exit 1; }
tests/dns/servers.sh start "$work/dns" || exit 1
# shellcheck disable=SC1091
. "$work/dns/ports"
nsd="127.0.0.1:$NSD_PORT"
unbound="127.0.0.1:$UNBOUND_PORT"

# "status cname,cname addr,addr" of each name, one line each, from lookup's JSON.
summary() {  # summary SERVER NAME...
  local server=$1
  shift
  timeout 60 "$bin" lookup --geodb "$work/geo" --dns "$server" --format json "$@" 2>/dev/null |
    perl -MJSON::PP -e '
      local $/; my $r = decode_json(<STDIN>);
      for my $n (@{$r->{names}}) {
        my @a = sort map { $_->{ip} } @{$n->{addresses}};  # servers rotate the order
        print join(" ", $n->{status}, join(",", @{$n->{cnames}}) || "-", join(",", @a) || "-"), "\n";
      }'
}

# Against NSD (authoritative: it follows a chain only so far, residency asks for the rest)
# and Unbound (recursive: the server follows, up to its own limit, then SERVFAIL or a
# partial chain that residency goes on with). NAME|SERVER|WANT; SERVER "both" for both.
while IFS='|' read -r name server want; do
  [ -z "$name" ] && continue
  for s in nsd unbound; do
    [ "$server" = both ] || [ "$server" = $s ] || continue
    addr=$nsd
    [ $s = unbound ] && addr=$unbound
    check "$name via $s" "$(summary "$addr" "$name")" "$want"
  done
done <<'EOF_CASES'
single.resolve.test|both|ok - 192.0.2.1
multi.resolve.test|both|ok - 192.0.2.10,192.0.2.11,192.0.2.12
dual.resolve.test|both|ok - 198.51.100.7,2001:db8::7
v6only.resolve.test|both|ok - 2001:db8::6,2001:db8::66
www.resolve.test|both|ok web.resolve.test,front.resolve.test 192.0.2.30
cdn.resolve.test|both|ok edge.other.test,edge2.other.test 2001:db8::5,203.0.113.5
away.resolve.test|both|ok back.other.test,home.resolve.test 192.0.2.40
x11.resolve.test|both|ok x12.other.test,x13.resolve.test,x14.other.test,x15.resolve.test,x16.other.test,x17.resolve.test,x18.other.test,x19.resolve.test,x20.other.test,xend.resolve.test 192.0.2.51
nx.resolve.test|both|nxdomain - -
dangling.resolve.test|both|nxdomain nothing.resolve.test -
dangling-away.resolve.test|both|nxdomain nothing.other.test -
nodata.resolve.test|both|nodata - -
loop-a.resolve.test|nsd|cname-loop loop-b.resolve.test,loop-a.resolve.test -
xloop.resolve.test|nsd|cname-loop xloop.other.test,xloop.resolve.test -
c1.resolve.test|nsd|chain-too-long c2.resolve.test,c3.resolve.test,c4.resolve.test,c5.resolve.test,c6.resolve.test,c7.resolve.test,c8.resolve.test,c9.resolve.test,c10.resolve.test,c11.resolve.test,c12.resolve.test,c13.resolve.test,c14.resolve.test,c15.resolve.test,c16.resolve.test,c17.resolve.test,c18.resolve.test -
x1.resolve.test|nsd|chain-too-long x2.other.test,x3.resolve.test,x4.other.test,x5.resolve.test,x6.other.test,x7.resolve.test,x8.other.test,x9.resolve.test,x10.other.test,x11.resolve.test,x12.other.test,x13.resolve.test,x14.other.test,x15.resolve.test,x16.other.test,x17.resolve.test,x18.other.test -
loop-a.resolve.test|unbound|servfail - -
xloop.resolve.test|unbound|servfail - -
c1.resolve.test|unbound|servfail - -
x1.resolve.test|unbound|chain-too-long x2.other.test,x3.resolve.test,x4.other.test,x5.resolve.test,x6.other.test,x7.resolve.test,x8.other.test,x9.resolve.test,x10.other.test,x11.resolve.test,x12.other.test,x13.resolve.test,x14.other.test,x15.resolve.test,x16.other.test,x17.resolve.test,x18.other.test -
x.dead.test|unbound|servfail - -
x.dead.test|nsd|refused - -
EOF_CASES

# An answer over 512 bytes comes truncated over UDP; the whole of it comes over TCP.
got=$(summary "$nsd" big.resolve.test | awk '{ print $1, split($3, a, ",") }')
check "big.resolve.test (TCP after truncation)" "$got" "ok 40"

# The IDN name: Unicode on the command line, its A-label asked.
got=$(timeout 60 "$bin" lookup --geodb "$work/geo" --dns "$nsd" --format json bücher.test 2>/dev/null |
  perl -MJSON::PP -e 'local $/; my $n = decode_json(<STDIN>)->{names}[0];
    print join(" ", $n->{name}, $n->{status}, map { $_->{ip} } @{$n->{addresses}});')
check "bücher.test" "$got" "xn--bcher-kva.test ok 192.0.2.60"

# The text: chain with TTLs, addresses with TTLs, then each address's geo evidence.
timeout 60 "$bin" lookup --geodb "$work/geo" --dns "$nsd" cdn.resolve.test >"$work/text" 2>/dev/null
check "text: chain" "$(grep '^  chain' "$work/text")" \
  "  chain     cdn.resolve.test -> edge.other.test (ttl 300) -> edge2.other.test (ttl 300)"
check "text: A" "$(grep '^  A ' "$work/text")" "  A         203.0.113.5 (ttl 60)"
check "text: geo of the address" "$(grep -c '^    country ' "$work/text")" "2"

# Evidence: every query with server, rcode and records with TTL. NSD follows away ->
# back.other.test -> home.resolve.test for A (home has an address) but stops the chain
# for AAAA (none there): residency asks home.resolve.test AAAA itself.
got=$(timeout 60 "$bin" lookup --geodb "$work/geo" --dns "$nsd" --format json away.resolve.test 2>/dev/null |
  perl -MJSON::PP -e 'local $/; my $n = decode_json(<STDIN>)->{names}[0];
    print join(";", map { my $e = $_; join(" ", $e->{qtype}, $e->{qname}, $e->{rcode},
      $e->{server} ne "" ? "server" : "-", $e->{time_unix_ms} > 0 ? "time" : "-",
      map { "$_->{type}:$_->{name}:$_->{ttl}" } @{$e->{records}}) } @{$n->{evidence}});')
check "evidence of away.resolve.test" "$got" \
  "A away.resolve.test NOERROR server time CNAME:away.resolve.test:300 CNAME:back.other.test:300 A:home.resolve.test:300;AAAA away.resolve.test NOERROR server time CNAME:away.resolve.test:300 CNAME:back.other.test:300;AAAA home.resolve.test NOERROR server time"

# Exit codes: 0 all resolved, 3 when one did not, 2 for bad input.
timeout 60 "$bin" lookup --geodb "$work/geo" --dns "$nsd" single.resolve.test >/dev/null 2>&1
check "exit code, all resolved" "$?" "0"
timeout 60 "$bin" lookup --geodb "$work/geo" --dns "$nsd" single.resolve.test nx.resolve.test >/dev/null 2>&1
check "exit code, one NXDOMAIN" "$?" "3"
timeout 60 "$bin" lookup --geodb "$work/geo" --dns "127.0.0.1:$DEAD_PORT" single.resolve.test >/dev/null 2>&1
check "exit code, no server" "$?" "3"
got=$(timeout 60 "$bin" lookup --geodb "$work/geo" --dns "$nsd" --format json single.resolve.test 2>/dev/null |
  perl -MJSON::PP -e 'local $/; print decode_json(<STDIN>)->{names}[0]{status}')
check "status with a server that answers" "$got" "ok"
got=$(timeout 60 "$bin" lookup --geodb "$work/geo" --dns "127.0.0.1:$DEAD_PORT" --format json single.resolve.test 2>/dev/null |
  perl -MJSON::PP -e 'local $/; print decode_json(<STDIN>)->{names}[0]{status}')
check "status with no server on the port" "$got" "timeout"
# The first server dead, the second answers: failover, and the dead one is in the evidence.
got=$(timeout 60 "$bin" lookup --geodb "$work/geo" --dns "127.0.0.1:$DEAD_PORT,$nsd" --format json single.resolve.test 2>/dev/null |
  perl -MJSON::PP -e 'local $/; my $n = decode_json(<STDIN>)->{names}[0];
    print $n->{status}, " ", scalar @{$n->{evidence}}')
check "failover to the second server" "$got" "ok 4"
while IFS='|' read -r dns message; do
  out=$("$bin" lookup --geodb "$work/geo" --dns "$dns" single.resolve.test 2>"$work/err")
  code=$?
  check "--dns '$dns' exit code" "$code" "2"
  check "--dns '$dns' stdout" "$out" ""
  check "--dns '$dns' stderr" "$(cat "$work/err")" "$message"
done <<'EOF_BAD'
ns.example:53|residency: --dns: "ns.example:53": "ns.example" is not an IP address (give the server's address; IPv6 with a port as [ADDRESS]:PORT)
127.0.0.1:0|residency: --dns: "127.0.0.1:0": port "0" is not a number from 1 to 65535
127.0.0.1:53,|residency: --dns: "127.0.0.1:53,": empty server in the list
[::1:53|residency: --dns: "[::1:53": missing ']' after the IPv6 address
EOF_BAD

# A server stopped in the middle of a run: the names not answered yet end as timeouts,
# the run ends (no hang) with exit code 3. NSD is frozen (SIGSTOP, its children too) while
# the run starts, so that the run cannot be over before the stop; then it thaws for 20 ms
# and is killed: the questions it answered in between are NXDOMAIN (the names do not
# exist), the rest time out.
awk 'BEGIN { for (i = 0; i < 10000; i++) printf "n%d.resolve.test\n", i }' >"$work/names"
tree() {  # tree PID: the process and all its descendants (NSD's server is a grandchild)
  echo "$1"
  local child
  for child in $(pgrep -P "$1"); do tree "$child"; done
}
nsd_pids=$(tree "$(cat "$work/dns/nsd.pid.ours")" | tr '\n' ' ')
# shellcheck disable=SC2086
kill -STOP $nsd_pids
start=$(date +%s)
# shellcheck disable=SC2046
(timeout 120 "$bin" lookup --geodb "$work/geo" --dns "$nsd" --format json $(cat "$work/names") \
   >"$work/stopped.json" 2>/dev/null; echo $? >"$work/stopped.code") &
runner=$!
sleep 1
# shellcheck disable=SC2086
kill -CONT $nsd_pids
sleep 0.02
# shellcheck disable=SC2086
kill -KILL $nsd_pids
tests/dns/servers.sh stop "$work/dns"
wait $runner
check "server stopped: exit code" "$(cat "$work/stopped.code")" "3"
got=$(perl -MJSON::PP -e 'local $/; my %c; $c{$_->{status}}++ for @{decode_json(<STDIN>)->{names}};
  print join(" ", sort keys %c)' <"$work/stopped.json")
case "$got" in
  "nxdomain timeout" | "timeout") ;;
  *) check "server stopped: statuses" "$got" "nxdomain timeout" ;;
esac
elapsed=$(($(date +%s) - start))
echo "resolve_test: server stopped mid-run: statuses '$got', ${elapsed}s" >&2
[ $elapsed -le 60 ] || check "server stopped: run time (s)" "$elapsed" "<= 60"

[ $fail -eq 0 ] && echo "resolve_test: ok"
exit $fail
