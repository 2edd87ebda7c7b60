#!/usr/bin/env bash
# Runs every benchmark of issue 5 side by side with its baseline, in one run, and writes the table.
#   scripts/bench.sh           full run: writes docs/benchmarks.md and docs/benchmarks.json (~15-20 min, ~10 more
#                              for the fleet section: 20 host JVMs start on the same machine)
#   scripts/bench.sh --quick   smoke run (< 3 min): every path, tiny sizes; writes bench/target/benchmarks-quick.*
#   extra arguments go to io.virtrev.bench.BenchMain (e.g. --only 4 for one item, --only kinds for the
#   networks and storage pools rows, --only fleet for the fleet rows of issue 12: 20 test-driver hosts x 500
#   domains mirrored into an etcd member of their own and one gateway; with --quick 3 x 50, about a minute);
#   a later --out DIR overrides where the tables go (e.g. a section run alone, merged into docs by hand)
# Brings up what it needs: libvirtd (scripts/libvirtd.sh), etcd (Debian's etcd-server, installed if
# missing, started single-member on a scratch dir and stopped at the end). Needs root, Java 17, Maven.
# Benchmarks are not tests: this fails only if the harness breaks, never because a figure is slow.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

QUICK=()
ARGS=()
for a in "$@"; do
  if [ "$a" = "--quick" ]; then QUICK=(--quick); else ARGS+=("$a"); fi
done
if [ ${#QUICK[@]} -gt 0 ]; then OUT=$REPO/bench/target; CMD="scripts/bench.sh --quick"; else OUT=$REPO/docs; CMD="scripts/bench.sh"; fi
WORK=$REPO/bench/target/work
ETCD_PORT=${VIRTREV_BENCH_ETCD_PORT:-23790}

log() { printf '[bench.sh] %s\n' "$*" >&2; }

scripts/libvirtd.sh up

if ! command -v etcd >/dev/null 2>&1; then
  log "installing etcd-server (Debian)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends etcd-server >/dev/null
fi

log "building (mvn package -DskipTests -pl bench -am)"
# One reactor run, so the project's modules resolve to their freshly built jars; bench is built last and
# its classpath file is the one left.
mvn -B -q package dependency:build-classpath -DskipTests -pl bench -am \
  -Dmdep.outputFile="$REPO/bench/target/classpath.txt" -Dmdep.includeScope=runtime
CP="$REPO/bench/target/classes:$(cat bench/target/classpath.txt)"

rm -rf "$WORK"; mkdir -p "$WORK"
ETCD_PID=
cleanup() {
  if [ -n "$ETCD_PID" ] && kill -0 "$ETCD_PID" 2>/dev/null; then kill "$ETCD_PID"; wait "$ETCD_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT
etcd --name vrt-bench --data-dir "$WORK/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 10))" --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 10))" \
  --initial-cluster "vrt-bench=http://127.0.0.1:$((ETCD_PORT + 10))" >"$WORK/etcd.log" 2>&1 &
ETCD_PID=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$ETCD_PORT/health" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$ETCD_PORT/health" >/dev/null || { log "etcd did not start:"; tail "$WORK/etcd.log" >&2; exit 1; }

log "running (${QUICK[*]:-full}); output in $OUT"
java -cp "$CP" io.virtrev.bench.BenchMain "${QUICK[@]}" --repo "$REPO" --out "$OUT" --work "$WORK" \
  --etcd "127.0.0.1:$ETCD_PORT" --command "$CMD" "${ARGS[@]}"
