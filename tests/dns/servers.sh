#!/usr/bin/env bash
# Real DNS servers on loopback for tests and benchmarks: NSD (authoritative) serving every
# tests/dns/zones/*.zone (the zone's name is the file name without .zone), and Unbound
# (recursive) with a stub zone per served zone pointing at NSD, plus "dead.test." pointing
# at a port nobody listens on (so that names under it give SERVFAIL through Unbound).
#
#   servers.sh start DIR [ZONEFILE...]   starts both; writes DIR/ports:
#                                          NSD_PORT=… UNBOUND_PORT=… DEAD_PORT=…
#                                        (source it). ZONEFILEs are served besides the
#                                        zones of tests/dns/zones/ (same naming rule).
#   servers.sh stop DIR                  stops both (by the PIDs in DIR), idempotent.
#
# Everything lives in DIR (configs, pid files, logs, NSD's state); nothing runs as another
# user, nothing is chrooted, no remote control. Ports are free high ports on 127.0.0.1,
# chosen at start. A start that fails leaves nothing running and prints the servers' logs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

usage() { echo "usage: servers.sh start DIR [ZONEFILE...] | stop DIR" >&2; exit 2; }

# A port free on 127.0.0.1 for both UDP and TCP at the time of asking.
free_port() {
  perl -MIO::Socket::INET -e '
    for (1..50) {
      my $t = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0, Proto => "tcp",
                                    Listen => 1) or next;
      my $p = $t->sockport;
      my $u = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $p, Proto => "udp")
        or next;
      print "$p\n"; exit 0;
    }
    exit 1;'
}

# Asks 127.0.0.1:PORT for NAME/SOA over UDP; succeeds on any answer with our id.
dns_answers() {  # dns_answers PORT NAME
  perl -MIO::Socket::INET -e '
    my ($port, $name) = @ARGV;
    my $q = pack("n6", 0x4242, 0x0100, 1, 0, 0, 0);
    $q .= pack("C/a*", $_) for split /\./, $name;
    $q .= pack("Cn2", 0, 6, 1);
    my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $port, Proto => "udp")
      or exit 1;
    $s->send($q) or exit 1;
    my $r = "";
    my $rin = ""; vec($rin, fileno($s), 1) = 1;
    select(my $rout = $rin, undef, undef, 0.2) or exit 1;
    $s->recv($r, 4096) // exit 1;
    exit(length($r) >= 12 && unpack("n", $r) == 0x4242 ? 0 : 1);' "$1" "$2"
}

stop_pidfile() {  # stop_pidfile FILE
  [ -f "$1" ] || return 0
  local pid
  pid=$(cat "$1" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$1"
}

stop() {
  local dir=$1
  stop_pidfile "$dir/unbound.pid.ours"
  stop_pidfile "$dir/nsd.pid.ours"
}

start() {
  local dir=$1
  shift
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  stop "$dir"
  mkdir -p "$dir/zones" "$dir/nsd-xfr"
  rm -f "$dir"/zones/*.zone "$dir/ports" "$dir/nsd.log" "$dir/unbound.log"
  local f
  for f in "$here"/zones/*.zone "$@"; do
    [ -f "$f" ] || { [ "$f" = "$here/zones/*.zone" ] && continue; echo "servers.sh: $f: no such file" >&2; exit 2; }
    cp "$f" "$dir/zones/"
  done

  local nsd_port unbound_port dead_port
  nsd_port=$(free_port)
  unbound_port=$(free_port)
  dead_port=$(free_port)
  while [ "$unbound_port" = "$nsd_port" ]; do unbound_port=$(free_port); done
  while [ "$dead_port" = "$nsd_port" ] || [ "$dead_port" = "$unbound_port" ]; do
    dead_port=$(free_port)
  done

  local zones=() name
  for f in "$dir"/zones/*.zone; do
    [ -f "$f" ] || continue
    name=$(basename "$f" .zone)
    zones+=("$name")
  done

  {
    echo "server:"
    echo "  ip-address: 127.0.0.1@$nsd_port"
    echo "  port: $nsd_port"
    echo "  username: \"\""
    echo "  chroot: \"\""
    echo "  database: \"\""
    echo "  zonelistfile: \"$dir/nsd.zonelist\""
    echo "  xfrdfile: \"$dir/nsd.xfrd.state\""
    echo "  xfrdir: \"$dir/nsd-xfr\""
    echo "  pidfile: \"$dir/nsd.pid\""
    echo "  logfile: \"$dir/nsd.log\""
    echo "  zonesdir: \"$dir/zones\""
    echo "  server-count: 1"
    echo "  verbosity: 1"
    echo "  hide-version: yes"
    echo "  refuse-any: yes"
    # Debian's NSD limits responses per source (RRL): everything here comes from 127.0.0.1.
    echo "  rrl-ratelimit: 0"
    echo "  rrl-whitelist-ratelimit: 0"
    echo "remote-control:"
    echo "  control-enable: no"
    for name in "${zones[@]}"; do
      echo "zone:"
      echo "  name: \"$name\""
      echo "  zonefile: \"$name.zone\""
    done
  } >"$dir/nsd.conf"

  {
    echo "server:"
    echo "  interface: 127.0.0.1"
    echo "  port: $unbound_port"
    echo "  do-ip6: no"
    echo "  username: \"\""
    echo "  chroot: \"\""
    echo "  directory: \"$dir\""
    echo "  pidfile: \"$dir/unbound.pid\""
    echo "  logfile: \"$dir/unbound.log\""
    echo "  use-syslog: no"
    echo "  do-daemonize: no"
    echo "  num-threads: 1"
    echo "  verbosity: 1"
    echo "  module-config: \"iterator\""
    echo "  do-not-query-localhost: no"
    echo "  access-control: 127.0.0.0/8 allow"
    echo "  so-reuseport: no"
    echo "  qname-minimisation: no"
    # A dead stub server is given up on quickly, so that SERVFAIL comes within a
    # client's timeout.
    echo "  infra-cache-min-rtt: 50"
    echo "  unknown-server-time-limit: 50"
    echo "  max-sent-count: 4"
    echo "  outbound-msg-retry: 1"
    # Unbound serves some special-use names (test., invalid., …) itself by default.
    local tlds
    tlds=$(printf '%s\n' "${zones[@]}" test | awk -F. '{print $NF}' | sort -u)
    for name in $tlds; do echo "  local-zone: \"$name.\" nodefault"; done
    echo "remote-control:"
    echo "  control-enable: no"
    for name in "${zones[@]}"; do
      echo "stub-zone:"
      echo "  name: \"$name.\""
      echo "  stub-addr: 127.0.0.1@$nsd_port"
    done
    echo "stub-zone:"
    echo "  name: \"dead.test.\""
    echo "  stub-addr: 127.0.0.1@$dead_port"
  } >"$dir/unbound.conf"

  nsd -d -c "$dir/nsd.conf" >>"$dir/nsd.log" 2>&1 &
  echo $! >"$dir/nsd.pid.ours"
  unbound -d -c "$dir/unbound.conf" >>"$dir/unbound.log" 2>&1 &
  echo $! >"$dir/unbound.pid.ours"

  local probe=${zones[0]:-.}
  local ok=0
  for _ in $(seq 100); do
    if dns_answers "$nsd_port" "$probe" && dns_answers "$unbound_port" "$probe"; then
      ok=1
      break
    fi
    sleep 0.05
  done
  if [ $ok -ne 1 ]; then
    echo "servers.sh: NSD (port $nsd_port) or Unbound (port $unbound_port) did not answer" >&2
    tail -n 20 "$dir/nsd.log" "$dir/unbound.log" >&2 || true
    stop "$dir"
    exit 1
  fi
  echo "NSD_PORT=$nsd_port UNBOUND_PORT=$unbound_port DEAD_PORT=$dead_port" >"$dir/ports"
}

case "${1:-}" in
  start) [ $# -ge 2 ] || usage; start "${@:2}" ;;
  stop) [ $# -eq 2 ] || usage; stop "$2" ;;
  *) usage ;;
esac
