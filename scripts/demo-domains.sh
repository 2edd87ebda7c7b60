#!/usr/bin/env bash
# Defines (and starts one of) a couple of tiny TCG demo domains, but only if the host has no domain
# at all. They sit in firmware forever: "running" for 32 MiB of RAM and ~0.4% of a core each.
#   scripts/demo-domains.sh [--force]     define them even if the host has other domains
#   scripts/demo-domains.sh --remove      destroy and undefine them
set -euo pipefail
cd "$(dirname "$0")/.."
URI=qemu:///system
TEMPLATE=src-test-fixtures/src/main/resources/fixtures/tiny-domain.xml
NAMES=(virtrev-demo-1 virtrev-demo-2)

if [ "${1:-}" = "--remove" ]; then
  for n in "${NAMES[@]}"; do
    virsh -q -c "$URI" destroy "$n" >/dev/null 2>&1 || true
    virsh -q -c "$URI" undefine "$n" >/dev/null 2>&1 || true
  done
  exit 0
fi

if [ "${1:-}" != "--force" ] && [ -n "$(virsh -q -c "$URI" list --all --name | tr -d '[:space:]')" ]; then
  echo "[demo-domains] the host already has domains; not adding demo ones" >&2
  exit 0
fi
for n in "${NAMES[@]}"; do
  if ! virsh -q -c "$URI" dominfo "$n" >/dev/null 2>&1; then
    tmp=$(mktemp --suffix=.xml)
    sed -e "s/NAME/$n/" -e "s/UUID/$(cat /proc/sys/kernel/random/uuid)/" "$TEMPLATE" >"$tmp"
    virsh -q -c "$URI" define "$tmp" >/dev/null
    rm -f "$tmp"
    echo "[demo-domains] defined $n" >&2
  fi
done
virsh -q -c "$URI" start "${NAMES[0]}" >/dev/null 2>&1 || true
