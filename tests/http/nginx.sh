# nginx on loopback for tests, sourced (like tests/dns/servers.sh for DNS):
#
#   nginx_start DIR SERVERS_FILE PORT...   writes DIR/nginx.conf, with the pid file, logs and
#                                          temp paths in DIR and the server blocks of
#                                          SERVERS_FILE, starts nginx in the foreground in
#                                          the background, waits up to 5 s until every PORT
#                                          on 127.0.0.1 accepts; sets nginx_pid. Fails,
#                                          printing nginx's logs, when it does not start.
#   nginx_stop                             stops it by its PID (idempotent).
#
# Nothing runs as another user but nginx's workers, which may run as nobody when the test
# runs as root: the files they serve must be world-readable.
nginx_pid=

nginx_start() {
  local dir=$1 servers=$2
  shift 2
  local nginx
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
  if [[ ! -x $nginx ]]; then
    echo "nginx not found (Debian package nginx-light)" >&2
    return 1
  fi
  mkdir -p "$dir"
  {
    echo "worker_processes 1;"
    echo "pid $dir/nginx.pid;"
    echo "error_log $dir/error.log;"
    echo "events { worker_connections 256; }"
    echo "http {"
    echo "  access_log $dir/access.log;"
    for t in client_body proxy fastcgi uwsgi scgi; do echo "  ${t}_temp_path $dir/$t;"; done
    cat "$servers"
    echo "}"
  } >"$dir/nginx.conf"
  "$nginx" -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' 2>"$dir/stderr" &
  nginx_pid=$!
  local port ready
  for _ in $(seq 50); do
    ready=1
    for port in "$@"; do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || ready=0
    done
    ((ready)) && return 0
    sleep 0.1
  done
  echo "nginx did not start:" >&2
  cat "$dir/stderr" "$dir/error.log" >&2 2>/dev/null
  nginx_stop
  return 1
}

nginx_stop() {
  [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  nginx_pid=
  return 0
}
