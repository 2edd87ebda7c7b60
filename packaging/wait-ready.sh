#!/bin/sh
# Waits (up to 120 s) until virtrevd answers /readyz with 200 on its read-only UNIX socket or on
# VIRTREV_READY_URL. Used as ExecStartPost so systemd reports the unit started only when it is ready.
url=${VIRTREV_READY_URL:-http://127.0.0.1:8474/readyz}
sock=${VIRTREV_READY_SOCKET:-/run/virtrev/virtrev-ro.sock}
i=0
while [ $i -lt 240 ]; do
  if [ -S "$sock" ] && curl -sf --unix-socket "$sock" http://local/readyz >/dev/null 2>&1; then exit 0; fi
  if curl -sf "$url" >/dev/null 2>&1; then exit 0; fi
  i=$((i + 1))
  sleep 0.5
done
echo "virtrevd did not become ready within 120 s" >&2
exit 1
