#!/usr/bin/env bash
# Brings up (or stops) a local etcd cluster from Debian's etcd-server, idempotently, for the fleet
# (docs/fleet.md, docs/operations.md "Run etcd and a gateway").
#   scripts/etcd.sh up     [--members N] [--port P]   install etcd-server if missing, start N members
#                                                    (default 3), wait until every one is healthy,
#                                                    print the client endpoints (comma-separated)
#   scripts/etcd.sh down   [--members N] [--port P]   stop the members (SIGTERM, then SIGKILL after 10 s)
#   scripts/etcd.sh status [--members N] [--port P]   print each member's health; exit 0 iff all healthy
#   scripts/etcd.sh endpoints [--members N] [--port P]  print the client endpoints only
# Member i (0-based): client port P+2i, peer port P+2i+1, on 127.0.0.1; P defaults to 2379. Data
# under $VIRTREV_ETCD_DIR (default /var/tmp/virtrev-etcd)/<port>/member-<i>, logs beside it. Every
# member runs with --max-txn-ops 100000 --max-request-bytes 33554432: a host's full re-mirror is one
# transaction (docs/fleet.md, "Mirror"), and --experimental-watch-progress-notify-interval 5s
# (gateways turn progress notifications into BOOKMARKs). Exit 2 on bad arguments, 1 when a member
# does not come up.
set -euo pipefail

BASE_DIR=${VIRTREV_ETCD_DIR:-/var/tmp/virtrev-etcd}
members=3 port=2379

log() { printf '[etcd.sh] %s\n' "$*" >&2; }
usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

action=${1:-up}
[[ $# -gt 0 ]] && shift
while [[ $# -gt 0 ]]; do
  case $1 in
    --members) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || { log "--members needs a positive number, not '${2:-}'"; exit 2; }
      members=$2; shift 2 ;;
    --port) [[ ${2:-} =~ ^[0-9]+$ ]] || { log "--port needs a number, not '${2:-}'"; exit 2; }
      port=$2; shift 2 ;;
    -h|--help) usage ;;
    *) log "unknown argument $1"; usage ;;
  esac
done
(( members <= 9 )) || { log "--members $members: at most 9 (etcd recommends 3 or 5)"; exit 2; }
(( port >= 1024 && port + 2 * members <= 65535 )) || { log "--port $port: the ports P..P+2N-1 must lie in 1024..65535"; exit 2; }

DIR="$BASE_DIR/$port"
client_port() { echo $((port + 2 * $1)); }
peer_port() { echo $((port + 2 * $1 + 1)); }
endpoints() {
  local out=() i
  for ((i = 0; i < members; i++)); do out+=("http://127.0.0.1:$(client_port "$i")"); done
  (IFS=,; echo "${out[*]}")
}
# etcd's own /health: {"health":"true"} once the member has a leader and answers a quorum read
healthy() { curl -fsS -m 2 "http://127.0.0.1:$(client_port "$1")/health" 2>/dev/null | grep -q '"health":"true"'; }
pid_of() { cat "$DIR/member-$1.pid" 2>/dev/null || true; }
running() { local pid; pid=$(pid_of "$1"); [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; }

install_etcd() {
  command -v etcd >/dev/null 2>&1 && return 0
  [[ $(id -u) -eq 0 ]] || { log "etcd is not installed and installing it needs root (apt-get install etcd-server)"; exit 1; }
  log "installing etcd-server"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends etcd-server curl >/dev/null
}

up() {
  install_etcd
  mkdir -p "$DIR"
  local cluster=() i
  for ((i = 0; i < members; i++)); do cluster+=("m$i=http://127.0.0.1:$(peer_port "$i")"); done
  local initial; initial=$(IFS=,; echo "${cluster[*]}")
  for ((i = 0; i < members; i++)); do
    if running "$i"; then log "member $i (pid $(pid_of "$i")) is already running"; continue; fi
    local data="$DIR/member-$i" state=new
    # a data dir that already holds a member rejoins its cluster (the flag is ignored then anyway)
    [[ -d $data/member ]] && state=existing
    setsid etcd --name "m$i" --data-dir "$data" \
      --listen-client-urls "http://127.0.0.1:$(client_port "$i")" \
      --advertise-client-urls "http://127.0.0.1:$(client_port "$i")" \
      --listen-peer-urls "http://127.0.0.1:$(peer_port "$i")" \
      --initial-advertise-peer-urls "http://127.0.0.1:$(peer_port "$i")" \
      --initial-cluster "$initial" --initial-cluster-state "$state" \
      --initial-cluster-token "virtrev-etcd-$port" \
      --max-txn-ops 100000 --max-request-bytes 33554432 \
      --experimental-watch-progress-notify-interval 5s \
      >>"$DIR/member-$i.log" 2>&1 </dev/null &
    echo $! >"$DIR/member-$i.pid"
  done
  # a member is healthy only once a quorum is up: wait for all of them together
  for _ in $(seq 1 120); do
    local all=1
    # running too: a foreign etcd already on the port must not pass for ours
    for ((i = 0; i < members; i++)); do running "$i" && healthy "$i" || { all=0; break; }; done
    if (( all )); then log "$members member(s) healthy (data under $DIR)"; endpoints; return 0; fi
    for ((i = 0; i < members; i++)); do
      running "$i" || { log "member $i exited; last log lines:"; tail -n 20 "$DIR/member-$i.log" >&2; exit 1; }
    done
    sleep 0.5
  done
  log "etcd did not become healthy within 60 s; last log lines of member 0:"
  tail -n 20 "$DIR/member-0.log" >&2 || true
  exit 1
}

down() {
  local i pid
  for ((i = 0; i < members; i++)); do
    pid=$(pid_of "$i")
    if [[ -z $pid ]] || ! kill -0 "$pid" 2>/dev/null; then rm -f "$DIR/member-$i.pid"; continue; fi
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      log "member $i (pid $pid) ignored SIGTERM for 10 s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$DIR/member-$i.pid"
    log "member $i stopped"
  done
}

status() {
  local i ok=0
  for ((i = 0; i < members; i++)); do
    if healthy "$i"; then echo "member $i http://127.0.0.1:$(client_port "$i") healthy"
    elif running "$i"; then echo "member $i http://127.0.0.1:$(client_port "$i") running, not healthy"; ok=1
    else echo "member $i http://127.0.0.1:$(client_port "$i") not running"; ok=1
    fi
  done
  return $ok
}

case $action in
  up) up ;;
  down) down ;;
  status) status ;;
  endpoints) endpoints ;;
  install) install_etcd ;;
  -h|--help) usage ;;
  *) log "unknown action $action"; usage ;;
esac
