#!/usr/bin/env bash
# Property-based checks of the /v1 API against its OpenAPI document with schemathesis:
# generated requests for every operation; fails on a 5xx, an undocumented status code, a
# response body or content type that does not match the schema. Target: the real binary
# (`run` with SQLite persistence, so every subsystem is up) fed by `simulate` over real
# JSON-RPC/PubSub on loopback. Bounded (EXAMPLES per operation, default 25): well under 3 min.
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${1:-25}
# PEP 668 (Debian's system python refuses plain pip installs), hence the fallback.
command -v schemathesis >/dev/null || python3 -m pip install --quiet schemathesis \
  || python3 -m pip install --quiet --break-system-packages schemathesis
bin=.build/debug/solana-pool-cache
[ -x "$bin" ] || swift build --product solana-pool-cache
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Port 0 and the simulator's banner, not "free port P and hope P+1 is free too".
"$bin" simulate --port 0 >"$work/simulate.log" 2>&1 & pids+=($!)
for _ in $(seq 100); do grep -q 'PubSub ws://' "$work/simulate.log" && break; sleep 0.1; done
banner=$(grep 'PubSub ws://' "$work/simulate.log") || { cat "$work/simulate.log"; echo "api-schema: simulator did not start"; exit 1; }
sim=$(sed -E 's|.*JSON-RPC http://[^:]+:([0-9]+).*|\1|' <<<"$banner")
pubsub=$(sed -E 's|.*PubSub ws://[^:]+:([0-9]+).*|\1|' <<<"$banner")
api=$(free_port)
{
  printf '[websocket]\nurl = "ws://127.0.0.1:%s"\n[rpc]\nhttp_url = "http://127.0.0.1:%s"\n' "$pubsub" "$sim"
  printf '[api]\nport = %s\n[database]\npath = "%s/api.sqlite"\n\n' "$api" "$work"
  # Every bundled account as a configured pool: the real pools price, the others (vaults,
  # configs, tick arrays) show the error statuses, so the responses cover every state.
  for f in Sources/Simulator/Snapshots/*/*.json; do printf '[[pools]]\naddress = "%s"\n' "$(basename "$f" .json)"; done
} >"$work/config.toml"
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$sim" -o /dev/null -X POST -H 'content-type: application/json' \
  -d '{"jsonrpc":"2.0","id":1,"method":"getSlot"}' && break; sleep 0.2; done
"$bin" run "$work/config.toml" >"$work/run.log" 2>&1 & pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$api/v1/openapi.json" -o /dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$api/v1/openapi.json" -o /dev/null || { cat "$work/run.log"; echo "api-schema: service did not start"; exit 1; }

status=0
timeout 170 schemathesis run "http://127.0.0.1:$api/v1/openapi.json" --url "http://127.0.0.1:$api" \
  --checks not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance \
  --max-examples "$examples" --request-timeout 10 --generation-deterministic || status=$?
grep -iE "fatal|panic" "$work/run.log" && { echo "api-schema: the service logged a crash"; status=1; }
kill -0 "${pids[1]}" 2>/dev/null || { echo "api-schema: the service died during the run"; tail -20 "$work/run.log"; status=1; }
echo "api-schema: exit $status"
exit $status
