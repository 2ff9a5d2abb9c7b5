#!/usr/bin/env bash
# libFuzzer harnesses for every untrusted-input parser: account decoders, account-file JSON,
# PubSub frames, JSON-RPC replies and config TOML (entry points in Sources/FuzzTargets).
# Builds the modules they need with `swiftc -sanitize=fuzzer,address` into .build-fuzz/ (the NIO
# parts of RPC are left out: only its pure JSON/PubSub/reply files are compiled; TOMLKit's C++
# core is compiled with clang++) and runs every target for SECONDS each (default 60), seeded from
# Tests/FuzzCorpus. New crashers are copied into Tests/FuzzCorpus/<target>/ so the normal test
# command replays them. Usage: scripts/fuzz.sh [SECONDS] [TARGET...]  (FUZZ_SKIP_BUILD=1: reuse the build)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
out=.build-fuzz
mkdir -p "$out/modules"
toml=.build/checkouts/TOMLKit/Sources
[ -d "$toml" ] || swift package resolve >/dev/null
flags=(-O -g -sanitize=fuzzer,address -parse-as-library -I "$out/modules" -Xcc -I -Xcc "$toml/CTOML/include")
build_module() { # name files...
  local name=$1; shift
  swiftc "${flags[@]}" -module-name "$name" -emit-module -emit-module-path "$out/modules/$name.swiftmodule" \
    -emit-object -wmo -o "$out/$name.o" "$@"
}
objects=()
build() {
for cpp in "$toml"/CTOML/Sources/*.cpp; do
  o="$out/ctoml-$(basename "$cpp" .cpp | tr -c 'A-Za-z0-9\n' _).o"
  clang++ -O1 -g -std=c++17 -fsanitize=fuzzer-no-link,address -DTOML_EXCEPTIONS=1 -I "$toml/CTOML/include" -c "$cpp" -o "$o"
  objects+=("$o")
done
mapfile -d '' tomlkit < <(find "$toml/TOMLKit" -name '*.swift' -print0)
build_module TOMLKit "${tomlkit[@]}"
for m in SolanaCore PoolMath Dex Cache; do build_module "$m" Sources/"$m"/*.swift; done
build_module RPC Sources/RPC/JSON/*.swift Sources/RPC/PubSub/PubSubMessage.swift Sources/RPC/Transport/TransportError.swift
build_module Config Sources/Config/*.swift
build_module FuzzTargets Sources/FuzzTargets/*.swift
cat > "$out/harness.swift" <<'SWIFT'
import Foundation
import FuzzTargets
let target: ([UInt8]) -> Void = FuzzTargets.all[ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? ""] ?? { _ in fatalError("set FUZZ_TARGET") }
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    target(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
SWIFT
swiftc "${flags[@]}" "$out/harness.swift" "$out"/{TOMLKit,SolanaCore,PoolMath,Dex,Cache,RPC,Config,FuzzTargets}.o "${objects[@]}" \
  -lstdc++ -o "$out/fuzz.new" 2> >(grep -v "Cannot export local symbol" >&2)
  mv -f "$out/fuzz.new" "$out/fuzz"   # a rename: fuzzers still running keep their binary
}
# FUZZ_SKIP_BUILD=1 reuses the last harness (e.g. to run several targets in parallel).
if [ "${FUZZ_SKIP_BUILD:-0}" = 1 ] && [ -x "$out/fuzz" ]; then
  objects=()
else
  build
fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=($(ls Tests/FuzzCorpus))
total=0; crashes=0
for target in "${targets[@]}"; do
  mkdir -p "$out/corpus/$target" "$out/crashes/$target"
  echo "fuzz: $target for ${seconds}s"
  log="$out/$target.log"
  # TOMLKit leaks its parse-error box and table on every parse (upstream, once per config load):
  # leak detection would report that on the first input, so it is off for the config target.
  leaks=1; [ "$target" = config-toml ] && leaks=0
  rm -f "$out/crashes/$target"/*   # earlier crashers are already in Tests/FuzzCorpus
  ASAN_OPTIONS=detect_leaks=$leaks SWIFT_BACKTRACE=enable=no FUZZ_TARGET=$target "$out/fuzz" -max_total_time="$seconds" -max_len=12000 -rss_limit_mb=4096 -timeout=10 -detect_leaks=$leaks \
    -artifact_prefix="$out/crashes/$target/" "$out/corpus/$target" "Tests/FuzzCorpus/$target" >"$log" 2>&1 || true
  runs=$(grep -oE 'Done [0-9]+ runs' "$log" | awk '{print $2}' | tail -1 || true)
  total=$((total + ${runs:-0}))
  found=0
  for c in "$out/crashes/$target"/*; do
    [ -e "$c" ] || continue
    dest="Tests/FuzzCorpus/$target/crash-$(basename "$c" | tail -c 17)"
    [ -e "$dest" ] || { cp "$c" "$dest"; echo "fuzz: CRASH in $target saved as regression input: $dest"; }
    found=$((found + 1))
  done
  crashes=$((crashes + found))
  echo "fuzz: $target executed ${runs:-0} inputs, $found crashes"
done
echo "fuzz: total inputs $total, crashes $crashes, in $((seconds * ${#targets[@]}))s"
