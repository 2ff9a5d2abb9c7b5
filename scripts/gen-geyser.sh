#!/usr/bin/env bash
# Regenerates Generated/Geyser/*.pb.swift and *.grpc.swift from Generated/Geyser/geyser.proto.
# Needs protoc (Debian: protobuf-compiler) and builds the two protoc plugins from the package
# dependencies themselves (swift-protobuf's protoc-gen-swift, grpc-swift-protobuf's
# protoc-gen-grpc-swift-2) in a scratch package outside the repo (PROTOGEN_DIR, default
# /tmp/protogen; ~2-10 min the first time). The generated files are committed: a normal build
# needs neither protoc nor the plugins.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
dir=${PROTOGEN_DIR:-/tmp/protogen}
command -v protoc >/dev/null || { echo "gen-geyser: protoc missing (apt-get install -y protobuf-compiler)" >&2; exit 1; }
mkdir -p "$dir"
cat > "$dir/Package.swift" <<'PKG'
// swift-tools-version:6.1
import PackageDescription
let package = Package(
    name: "protogen",
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", exact: "2.4.1"),
    ],
    targets: []
)
PKG
(cd "$dir" && swift build -c release --product protoc-gen-swift && swift build -c release --product protoc-gen-grpc-swift-2)
bin=$(cd "$dir" && swift build -c release --show-bin-path)
protoc --proto_path="$repo/Generated/Geyser" \
    --plugin=protoc-gen-swift="$bin/protoc-gen-swift" --swift_opt=Visibility=Public --swift_out="$repo/Generated/Geyser" \
    --plugin=protoc-gen-grpc-swift="$bin/protoc-gen-grpc-swift-2" \
    --grpc-swift_opt=Visibility=Public,Server=true,Client=true --grpc-swift_out="$repo/Generated/Geyser" \
    geyser.proto
# Generated code keeps its generator's layout: swift-format skips these files (scripts/test.sh lints the rest).
for f in "$repo"/Generated/Geyser/geyser.pb.swift "$repo"/Generated/Geyser/geyser.grpc.swift; do
    { echo '// swift-format-ignore-file'; cat "$f"; } > "$f.tmp" && mv "$f.tmp" "$f"
done
wc -l "$repo"/Generated/Geyser/*.swift
