#!/usr/bin/env bash
# Brings up (or stops) a real libvirtd on a Debian host without systemd, idempotently.
#   scripts/libvirtd.sh up        install packages if missing, configure, start, wait until it answers
#   scripts/libvirtd.sh down      stop it (running QEMU guests survive and are re-attached on the next up)
#   scripts/libvirtd.sh restart   down, then up
#   scripts/libvirtd.sh status    exit 0 iff qemu:///system answers
# Needs root. Facts behind each step: ../shared/docs/libvirt-facts.md (measured on these machines).
set -euo pipefail

STATE_DIR=${VIRTREV_LIBVIRTD_STATE:-/var/lib/virtrev-libvirtd}
CONF="$STATE_DIR/libvirtd.conf"
PIDFILE=/run/libvirtd.pid
URI=qemu:///system
# iptables: libvirt's network driver runs it to start a network (virsh net-start, NetworkSource.start).
# qemu-utils: qemu-img, which the snapshot tests use for their qcow2 disks and libvirtd runs for snapshots of
# shut-off domains (measured: a libvirtd started before the install still answers "unable to find qemu-img").
PACKAGES=(libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86 tini libvirt0 iptables qemu-utils)

log() { printf '[libvirtd.sh] %s\n' "$*" >&2; }

answers() { timeout 10 virsh -q -c "$URI" version >/dev/null 2>&1; }

need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    log "must run as root (it installs packages and starts libvirtd)"; exit 1
  fi
}

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
}

configure() {
  getent group libvirt-qemu >/dev/null || groupadd --system libvirt-qemu
  getent passwd libvirt-qemu >/dev/null || \
    useradd --system --gid libvirt-qemu --no-create-home --home-dir /var/lib/libvirt --shell /usr/sbin/nologin libvirt-qemu
  mkdir -p /var/log/libvirt/qemu /var/lib/libvirt /var/cache/libvirt /run/libvirt /etc/libvirt "$STATE_DIR"
  # stdio_handler=file: no virtlogd needed. root: no dynamic ownership games for these tiny guests.
  local qemu_conf=/etc/libvirt/qemu.conf
  if ! grep -q '^# virtrev-managed' "$qemu_conf" 2>/dev/null; then
    [ -f "$qemu_conf" ] && cp -n "$qemu_conf" "$qemu_conf.virtrev-orig"
    cat >"$qemu_conf" <<'CONF'
# virtrev-managed: written by scripts/libvirtd.sh (the original, if any, is qemu.conf.virtrev-orig)
user = "root"
group = "root"
stdio_handler = "file"
CONF
  fi
  cat >"$CONF" <<CONF
listen_tcp = 0
listen_tls = 0
auth_unix_ro = "none"
auth_unix_rw = "none"
unix_sock_rw_perms = "0770"
log_outputs = "3:file:$STATE_DIR/libvirtd.log"
CONF
}

up() {
  need_root
  # Before the early return: a libvirtd started before a package joined the list (iptables) gets it too.
  install_packages
  if answers; then log "libvirtd already answers on $URI"; return 0; fi
  configure
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    log "libvirtd (pid $(cat "$PIDFILE")) is running but not answering yet"
  else
    rm -f "$PIDFILE"
    # tini -s: a child subreaper, so dead QEMU processes are reaped at once (destroy ~0.23 s, not ~1.5 s).
    setsid tini -s -- /usr/sbin/libvirtd --config "$CONF" --pid-file "$PIDFILE" \
      >>"$STATE_DIR/libvirtd.stdout" 2>&1 </dev/null &
  fi
  # The first start after install probes QEMU capabilities (~8 s measured); allow much more.
  for _ in $(seq 1 120); do
    if answers; then log "libvirtd answers on $URI"; return 0; fi
    sleep 0.5
  done
  log "libvirtd did not answer within 60 s; last log lines:"
  tail -n 20 "$STATE_DIR/libvirtd.log" >&2 2>/dev/null || true
  exit 1
}

down() {
  need_root
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null || pgrep -x libvirtd | head -n1 || true)
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then log "libvirtd is not running"; rm -f "$PIDFILE"; return 0; fi
  kill -TERM "$pid"
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$PIDFILE"; log "libvirtd stopped"; return 0; }
    sleep 0.1
  done
  log "libvirtd (pid $pid) ignored SIGTERM for 10 s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  restart) down; up ;;
  status) answers ;;
  install) need_root; install_packages; configure ;;
  *) echo "usage: $0 up|down|restart|status|install" >&2; exit 2 ;;
esac
