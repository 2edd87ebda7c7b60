#!/usr/bin/env bash
# Prints a kubeconfig for a running virtrevd, so kubectl (and every client that reads a kubeconfig)
# works against it unmodified:
#   scripts/kubeconfig.sh [--server URL] [--token-file F | --token T] [--ca F]
#                         [--client-cert F --client-key F] [--name N] > virtrev.kubeconfig
#   kubectl --kubeconfig virtrev.kubeconfig get domains
# --server    the daemon's URL (default http://127.0.0.1:8474; https:// when it listens with TLS, which
#             a token or client certificate needs: kubectl sends credentials only over https)
# --token-file / --token   a bearer token (docs/operations.md, tokens-file); --token-file keeps it out
#             of the process list
# --ca        the PEM CA that signed the daemon's certificate (https only), embedded
# --client-cert/--client-key   a client certificate and its key (PEM), embedded
# --name      the cluster, user and context name (default virtrev)
# Files are embedded (base64 *-data fields), so the kubeconfig stands alone. Exit 2 on bad arguments.
set -euo pipefail

server=http://127.0.0.1:8474 token= ca= cert= key= name=virtrev
usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
need() { [[ $# -ge 2 && -n $2 ]] || { echo "kubeconfig.sh: $1 needs a value" >&2; exit 2; }; }
readable() { [[ -r $2 ]] || { echo "kubeconfig.sh: $1: cannot read $2" >&2; exit 2; }; }
while [[ $# -gt 0 ]]; do
  case $1 in
    --server) need "$@"; server=$2; shift 2 ;;
    --token) need "$@"; token=$2; shift 2 ;;
    --token-file) need "$@"; readable "$1" "$2"; token=$(tr -d '\r\n' < "$2"); shift 2 ;;
    --ca) need "$@"; readable "$1" "$2"; ca=$2; shift 2 ;;
    --client-cert) need "$@"; readable "$1" "$2"; cert=$2; shift 2 ;;
    --client-key) need "$@"; readable "$1" "$2"; key=$2; shift 2 ;;
    --name) need "$@"; name=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "kubeconfig.sh: unknown argument $1" >&2; usage ;;
  esac
done
[[ $server =~ ^https?://[^/]+/?$ ]] || { echo "kubeconfig.sh: --server must be http(s)://HOST:PORT, not $server" >&2; exit 2; }
[[ -z $ca || $server == https://* ]] || { echo "kubeconfig.sh: --ca only applies to an https:// server" >&2; exit 2; }
# client-go (kubectl) reads a user's token and client certificate only for an https server
[[ -z $token && -z $cert || $server == https://* ]] || {
  echo "kubeconfig.sh: kubectl sends no credentials over plain http: serve TLS (tls-cert, tls-key) and use https://" >&2
  exit 2
}
[[ -n $cert || -z $key ]] && [[ -z $cert || -n $key ]] || { echo "kubeconfig.sh: give --client-cert and --client-key together" >&2; exit 2; }
[[ $name =~ ^[A-Za-z0-9._-]+$ ]] || { echo "kubeconfig.sh: --name must be letters, digits, . _ -" >&2; exit 2; }
[[ $token =~ ^[[:graph:]]*$ ]] || { echo "kubeconfig.sh: the token has blanks or control characters" >&2; exit 2; }

b64() { base64 -w0 < "$1"; }
echo "apiVersion: v1"
echo "kind: Config"
echo "clusters:"
echo "- name: $name"
echo "  cluster:"
echo "    server: ${server%/}"
[[ -z $ca ]] || echo "    certificate-authority-data: $(b64 "$ca")"
echo "users:"
echo "- name: $name"
echo "  user:"
if [[ -z $token && -z $cert ]]; then
  echo "    {}"
fi
# single-quoted YAML scalar: a token is printable without blanks; a ' is doubled
[[ -z $token ]] || echo "    token: '${token//\'/\'\'}'"
[[ -z $cert ]] || echo "    client-certificate-data: $(b64 "$cert")"
[[ -z $key ]] || echo "    client-key-data: $(b64 "$key")"
echo "contexts:"
echo "- name: $name"
echo "  context:"
echo "    cluster: $name"
echo "    user: $name"
echo "current-context: $name"
