#!/usr/bin/env bash
# Installs the real proxies the ingestion tests run through (Debian packages):
# tinyproxy (HTTP CONNECT), microsocks (SOCKS5 with optional username/password), socat (the TLS
# terminator in front of the simulator for wss:// and https://), openssl (the test CA) and
# postgresql (the persistence tests start a throwaway cluster with scripts/start-postgres.sh;
# installed here, once, not by two tests racing for the dpkg lock).
# Idempotent: does nothing when all are already installed. Called by scripts/test.sh.
set -euo pipefail
missing=()
command -v tinyproxy >/dev/null 2>&1 || missing+=(tinyproxy)
command -v microsocks >/dev/null 2>&1 || missing+=(microsocks)
command -v socat >/dev/null 2>&1 || missing+=(socat)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-test-deps: need root to apt-get install ${missing[*]} (the proxy and TLS tests need them)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || true
apt-get install -y -qq "${missing[@]}" >/dev/null
# The Debian package starts a tinyproxy daemon on :8888; the tests start their own on a free port.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now tinyproxy >/dev/null 2>&1 || true; fi
service tinyproxy stop >/dev/null 2>&1 || true
echo "install-test-deps: installed ${missing[*]}"
