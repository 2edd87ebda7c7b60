#!/usr/bin/env bash
# Runs virtrevd in the foreground on a fresh Debian machine: brings up libvirtd if none answers,
# builds the daemon, defines a couple of tiny demo domains if the host has none, prints curl examples,
# then runs it. Extra arguments go to virtrevd (see --help).
#   scripts/run.sh [--listen 127.0.0.1:8474] [--data-dir ./virtrev-data] ...
set -euo pipefail
cd "$(dirname "$0")/.."

if ! timeout 10 virsh -q -c qemu:///system version >/dev/null 2>&1; then
  scripts/libvirtd.sh up
fi
echo "[run] building daemon/target/virtrevd.jar" >&2
mvn -B -q package -DskipTests
scripts/demo-domains.sh

listen=127.0.0.1:8474
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [ "${args[$i]}" = "--listen" ] && listen=${args[$((i + 1))]:-$listen}
  case "${args[$i]}" in --listen=*) listen=${args[$i]#--listen=} ;; esac
done
cat >&2 <<TXT

virtrevd is starting on http://$listen  (Ctrl-C stops it). Try, in another terminal:
  curl -s http://$listen/readyz
  curl -s http://$listen/apis/virtrev.io/v1/domains | python3 -m json.tool
  curl -s http://$listen/apis/virtrev.io/v1/domains/virtrev-demo-1 -H 'Accept: application/xml'
  RV=\$(curl -s http://$listen/apis/virtrev.io/v1/domains | python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["resourceVersion"])')
  curl -sN "http://$listen/apis/virtrev.io/v1/domains?watch=true&resourceVersion=\$RV"
  virsh -c qemu:///system suspend virtrev-demo-1   # ... and watch the MODIFIED event arrive
  scripts/kubeconfig.sh --server http://$listen > virtrev.kubeconfig   # kubectl: see docs/clients.md
  kubectl --kubeconfig virtrev.kubeconfig get domains -w   # the same watch, as rows

TXT
exec java -jar daemon/target/virtrevd.jar "$@"
