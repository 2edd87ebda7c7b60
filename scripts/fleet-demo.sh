#!/usr/bin/env bash
# A fleet on this machine (docs/fleet.md): a 3-member etcd (scripts/etcd.sh), virtrevd on the real
# libvirtd (qemu:///system) plus N virtrevd hosts on libvirt's test driver (each its own --host-name,
# test-1 .. test-N), all mirroring into etcd, and one gateway (virtrevd fleet) serving them as one API.
# Prints kubectl and curl examples. Needs root (libvirtd, etcd), Java 17 and Maven (builds the jar if
# daemon/target/virtrevd.jar is missing).
#   scripts/fleet-demo.sh [up] [--hosts N] [--port P] [--etcd-port E]
#                           N test-driver hosts (default 2); the gateway listens on 127.0.0.1:P
#                           (default 8480), the real host on P+1, test-i on P+1+i; etcd's first client
#                           port is E (default 2379; see scripts/etcd.sh)
#   scripts/fleet-demo.sh down [--hosts N] [--port P] [--etcd-port E]
#                           stops the gateway, the hosts and etcd (data stays under the state dir)
#   scripts/fleet-demo.sh status   prints what runs
# State (pids, data dirs, logs): $VIRTREV_FLEET_DEMO_DIR (default /var/tmp/virtrev-fleet-demo).
set -euo pipefail
cd "$(dirname "$0")/.."

STATE=${VIRTREV_FLEET_DEMO_DIR:-/var/tmp/virtrev-fleet-demo}
JAR=daemon/target/virtrevd.jar
hosts=2 port=8480 etcd_port=2379

log() { printf '[fleet-demo] %s\n' "$*" >&2; }
usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

action=up
case ${1:-} in up|down|status) action=$1; shift ;; esac
while [[ $# -gt 0 ]]; do
  case $1 in
    --hosts) [[ ${2:-} =~ ^[0-9]+$ ]] || { log "--hosts needs a number, not '${2:-}'"; exit 2; }; hosts=$2; shift 2 ;;
    --port) [[ ${2:-} =~ ^[0-9]+$ ]] || { log "--port needs a number, not '${2:-}'"; exit 2; }; port=$2; shift 2 ;;
    --etcd-port) [[ ${2:-} =~ ^[0-9]+$ ]] || { log "--etcd-port needs a number, not '${2:-}'"; exit 2; }; etcd_port=$2; shift 2 ;;
    -h|--help) usage ;;
    *) log "unknown argument $1"; usage ;;
  esac
done

# the real host's fleet name: the machine's host name up to its first dot, lower-cased (the daemon's
# own default, spelled out so that the examples below can name it)
real_host=$(hostname | cut -d. -f1 | tr '[:upper:]' '[:lower:]')
# name → "uri port" for every host of the demo
declare -A uri=() hport=()
uri[$real_host]=qemu:///system; hport[$real_host]=$((port + 1))
for ((i = 1; i <= hosts; i++)); do uri[test-$i]=test:///default; hport[test-$i]=$((port + 1 + i)); done

pid_of() { cat "$STATE/$1.pid" 2>/dev/null || true; }
alive() { local pid; pid=$(pid_of "$1"); [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; }
ready() { curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$1/readyz" 2>/dev/null; }

# start NAME PORT ARGS...: java -jar the daemon in the background unless NAME already runs; wait for /readyz
start() {
  local name=$1 p=$2; shift 2
  if alive "$name"; then log "$name (pid $(pid_of "$name")) already runs"; return 0; fi
  setsid java -jar "$JAR" "$@" >>"$STATE/$name.log" 2>&1 </dev/null &
  echo $! >"$STATE/$name.pid"
  for _ in $(seq 1 240); do
    if ready "$p"; then log "$name ready on http://127.0.0.1:$p"; return 0; fi
    alive "$name" || { log "$name exited; last log lines:"; tail -n 20 "$STATE/$name.log" >&2; exit 1; }
    sleep 0.5
  done
  log "$name did not become ready within 120 s (log: $STATE/$name.log)"; exit 1
}

stop() {
  local name=$1 pid; pid=$(pid_of "$name")
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { log "$name ignored SIGTERM for 30 s; SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; }
    log "$name stopped"
  fi
  rm -f "$STATE/$name.pid"
}

up() {
  mkdir -p "$STATE"
  timeout 10 virsh -q -c qemu:///system version >/dev/null 2>&1 || scripts/libvirtd.sh up
  if [[ ! -f $JAR ]]; then log "building $JAR"; mvn -B -q package -DskipTests; fi
  scripts/demo-domains.sh   # two tiny domains on the real host, if it has none (as scripts/run.sh)
  local etcd
  etcd=$(VIRTREV_ETCD_DIR="$STATE/etcd" scripts/etcd.sh up --members 3 --port "$etcd_port")
  local h
  for h in "$real_host" $(for ((i = 1; i <= hosts; i++)); do echo "test-$i"; done); do
    start "host-$h" "${hport[$h]}" --connect "${uri[$h]}" --listen "127.0.0.1:${hport[$h]}" \
      --data-dir "$STATE/data-$h" --fleet-etcd "$etcd" --host-name "$h"
  done
  start gateway "$port" fleet --etcd "$etcd" --listen "127.0.0.1:$port"
  scripts/kubeconfig.sh --server "http://127.0.0.1:$port" --name virtrev-fleet >"$STATE/fleet.kubeconfig"
  local g=http://127.0.0.1:$port/apis/virtrev.io/v1
  cat >&2 <<TXT

A fleet of $((hosts + 1)) hosts runs: $real_host (qemu:///system, http://127.0.0.1:${hport[$real_host]}) and test-1..test-$hosts
(libvirt's test driver), mirrored into etcd ($etcd), served by the gateway on http://127.0.0.1:$port.
  export KUBECONFIG=$STATE/fleet.kubeconfig
  kubectl get domains -o wide                       # every domain of every host, named <host>.<name>
  kubectl get domains -l virtrev.io/host=test-1     # one host's
  kubectl get domains -w                            # one watch over the whole fleet
  curl -s $g/domains | python3 -m json.tool
  curl -s '$g/domains?fieldSelector=status.host=$real_host'
  RV=\$(curl -s $g/domains | python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["resourceVersion"])')
  curl -sN "$g/domains?watch=true&resourceVersion=\$RV"   # etcd revisions; then, in another terminal:
  curl -s -X POST http://127.0.0.1:${hport[test-1]:-$((port + 2))}/apis/virtrev.io/v1/domains/test/destroy   # a change on test-1 ...
  virsh -c qemu:///system suspend virtrev-demo-1    # ... or a virsh change on $real_host (resume it after)
  curl -s http://127.0.0.1:${hport[$real_host]}/metrics | grep virtrev_fleet_mirror   # the mirror's lag
Stop it: scripts/fleet-demo.sh down --hosts $hosts --port $port --etcd-port $etcd_port
TXT
}

down() {
  stop gateway
  local h
  for h in "${!uri[@]}"; do stop "host-$h"; done
  VIRTREV_ETCD_DIR="$STATE/etcd" scripts/etcd.sh down --members 3 --port "$etcd_port"
}

status() {
  local name h
  for name in gateway $(for h in "${!uri[@]}"; do echo "host-$h"; done); do
    if alive "$name"; then echo "$name: pid $(pid_of "$name")"; else echo "$name: not running"; fi
  done
  VIRTREV_ETCD_DIR="$STATE/etcd" scripts/etcd.sh status --members 3 --port "$etcd_port"
}

case $action in
  up) up ;;
  down) down ;;
  status) status ;;
esac
