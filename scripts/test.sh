#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian machine: brings up a real libvirtd (installing it if
# needed), then unit, contract (libvirt test driver) and end-to-end (real libvirtd, tiny QEMU
# domains, the packaged daemon) tests, the fabric8 client module's among them (client/, after daemon is
# packaged: the reactor orders it). Needs root, Java 17 and Maven.
#   scripts/test.sh [extra mvn args...]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/libvirtd.sh up
# promtool (Debian's prometheus package) checks the /metrics exposition in MetricsTest.
if ! command -v promtool >/dev/null 2>&1; then
  echo "[test] installing promtool (prometheus)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi
# kubectl (Debian's kubernetes-client) drives the daemon through a kubeconfig in KubectlIT.
if ! command -v kubectl >/dev/null 2>&1; then
  echo "[test] installing kubectl (kubernetes-client)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends kubernetes-client >/dev/null
fi
# etcd (Debian's etcd-server): the fleet's tests start their own members (EtcdCluster) from its binary.
if ! command -v etcd >/dev/null 2>&1; then
  echo "[test] installing etcd (etcd-server)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends etcd-server >/dev/null
fi
# Tests against libvirtd fail (rather than skip) when it does not answer.
export VIRTREV_REQUIRE_LIBVIRTD=true
exec mvn -B verify "$@"
