#!/usr/bin/env bash
# Starts solana-pool-cache, waits until its /health answers "ok", then starts the bot with
# RUST_CACHE_URL / POOL_CACHE_URL pointing at it. Both stop together: Ctrl-C or SIGTERM stops
# both, and when either exits the other is stopped. Exit code: the bot's (or the cache's, if it
# died first).
#
#   scripts/start-with-cache.sh config.toml -- node dist/bot.js
#   scripts/start-with-cache.sh demo --port 3001 -- npm start
#
# Environment: POOL_CACHE_BIN (default .build/release/solana-pool-cache, else .build/debug/…, else
# solana-pool-cache on PATH), POOL_CACHE_URL (default http://127.0.0.1:<port>, the port taken from
# `--port N` or the config's [api] port, else 3001), CACHE_WAIT_SECONDS (default 120).
set -euo pipefail

usage() { echo "usage: $0 [CACHE ARGS...] -- BOT COMMAND [ARGS...]" >&2; exit 2; }

cache_args=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do cache_args+=("$1"); shift; done
[ $# -gt 0 ] || usage
shift
[ $# -gt 0 ] || usage
bot=("$@")

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${POOL_CACHE_BIN:-}"
if [ -z "$bin" ]; then
  for candidate in "$root/.build/release/solana-pool-cache" "$root/.build/debug/solana-pool-cache"; do
    if [ -x "$candidate" ]; then bin="$candidate"; break; fi
  done
  bin="${bin:-$(command -v solana-pool-cache || true)}"
fi
[ -n "$bin" ] && [ -x "$bin" ] || { echo "error: solana-pool-cache binary not found (build it or set POOL_CACHE_BIN)" >&2; exit 1; }

port=3001
for ((i = 0; i < ${#cache_args[@]}; i++)); do
  case "${cache_args[$i]}" in
    --port) port="${cache_args[$((i + 1))]:-$port}" ;;
    *.toml)
      if [ -f "${cache_args[$i]}" ]; then
        p="$(awk '/^[[:space:]]*\[/ { section = $0; gsub(/[[:space:]]/, "", section) }
                  section == "[api]" && $1 == "port" { gsub(/[^0-9]/, "", $3); print $3; exit }' "${cache_args[$i]}")"
        port="${p:-$port}"
      fi ;;
  esac
done
url="${POOL_CACHE_URL:-http://127.0.0.1:$port}"
wait_seconds="${CACHE_WAIT_SECONDS:-120}"

cache_pid=""
bot_pid=""
stop() {
  # Only the two processes started here, by pid.
  local pid
  for pid in $bot_pid $cache_pid; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 100); do
    local alive=0
    for pid in $bot_pid $cache_pid; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.1
  done
  for pid in $bot_pid $cache_pid; do kill -KILL "$pid" 2>/dev/null || true; done
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM

echo "start-with-cache: starting $bin ${cache_args[*]}" >&2
"$bin" "${cache_args[@]}" &
cache_pid=$!

healthy() {
  if command -v curl >/dev/null; then
    curl -fsS --max-time 2 "$url/health" 2>/dev/null | grep -q '"status" *: *"ok"'
  else
    node -e 'fetch(process.argv[1] + "/health").then(r => r.json()).then(h => process.exit(h.status === "ok" ? 0 : 1), () => process.exit(1))' "$url"
  fi
}
deadline=$((SECONDS + wait_seconds))
until healthy; do
  if ! kill -0 "$cache_pid" 2>/dev/null; then
    wait "$cache_pid" && code=0 || code=$?
    echo "start-with-cache: the cache exited (code $code) before $url/health answered" >&2
    exit $((code == 0 ? 1 : code))
  fi
  if [ $SECONDS -ge $deadline ]; then
    echo "start-with-cache: $url/health did not answer ok within ${wait_seconds}s" >&2
    stop
    exit 1
  fi
  sleep 0.5
done
echo "start-with-cache: cache ready at $url; starting: ${bot[*]}" >&2

export RUST_CACHE_URL="$url" POOL_CACHE_URL="$url"
"${bot[@]}" &
bot_pid=$!

# Whichever exits first ends the session.
set +e
wait -n -p first "$cache_pid" "$bot_pid"
code=$?
set -e
if [ "${first:-}" = "$cache_pid" ]; then
  echo "start-with-cache: the cache stopped (code $code); stopping the bot" >&2
  cache_pid=""
  stop
  exit $((code == 0 ? 1 : code))
fi
echo "start-with-cache: the bot exited (code $code); stopping the cache" >&2
bot_pid=""
stop
exit $code
