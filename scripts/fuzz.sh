#!/usr/bin/env bash
# libFuzzer harnesses for the account decoders and account-file parser (more targets are added in
# Sources/FuzzTargets). Builds the pure modules with `swiftc -sanitize=fuzzer,address` into
# .build-fuzz/ and runs every target for SECONDS each (default 60), seeded from Tests/FuzzCorpus.
# New crashers are copied into Tests/FuzzCorpus/<target>/ so the normal test command replays them.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
out=.build-fuzz
mkdir -p "$out/modules"
flags=(-O -g -sanitize=fuzzer,address -parse-as-library -I "$out/modules")
build_module() { # name deps...
  local name=$1
  swiftc "${flags[@]}" -module-name "$name" -emit-module -emit-module-path "$out/modules/$name.swiftmodule" \
    -emit-object -wmo -o "$out/$name.o" Sources/"$name"/*.swift
}
for m in SolanaCore PoolMath Dex FuzzTargets; do build_module "$m"; done
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
swiftc "${flags[@]}" "$out/harness.swift" "$out"/SolanaCore.o "$out"/PoolMath.o "$out"/Dex.o "$out"/FuzzTargets.o -o "$out/fuzz"
total=0
for target in $(ls Tests/FuzzCorpus); do
  mkdir -p "$out/corpus/$target" "$out/crashes/$target"
  echo "fuzz: $target for ${seconds}s"
  log="$out/$target.log"
  FUZZ_TARGET=$target "$out/fuzz" -max_total_time="$seconds" -max_len=12000 -rss_limit_mb=4096 \
    -artifact_prefix="$out/crashes/$target/" "$out/corpus/$target" "Tests/FuzzCorpus/$target" >"$log" 2>&1 || true
  runs=$(grep -oE 'Done [0-9]+ runs' "$log" | awk '{print $2}' | tail -1 || true)
  total=$((total + ${runs:-0}))
  for c in "$out/crashes/$target"/*; do
    [ -e "$c" ] || continue
    cp "$c" "Tests/FuzzCorpus/$target/crash-$(basename "$c" | tail -c 17)"
    echo "fuzz: CRASH in $target saved as regression input: $c"
  done
  echo "fuzz: $target executed ${runs:-0} inputs"
done
echo "fuzz: total inputs $total in $((seconds * $(ls Tests/FuzzCorpus | wc -l)))s"
