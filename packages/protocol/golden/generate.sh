#!/usr/bin/env bash
# Regenerates packages/protocol/golden/fixtures/golden.json from the real ZooKeeper jars:
# compiles GoldenGen.java against them into a temporary directory and runs it.
# Usage: bash packages/protocol/golden/generate.sh   (or: pnpm golden)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jars="${ZOOKEEPER_JARS:-/usr/share/java}"
out="$here/fixtures/golden.json"

fail() {
  echo "golden: $*" >&2
  exit 1
}

for tool in java javac; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool not found on PATH (need a JDK 11+; e.g. apt-get install default-jdk-headless)"
done
for jar in zookeeper.jar zookeeper-jute.jar; do
  [[ -f "$jars/$jar" ]] || fail "$jars/$jar is missing: apt-get install zookeeper (or set ZOOKEEPER_JARS to a directory holding zookeeper.jar and zookeeper-jute.jar)"
done

# slf4j-api is needed once ZooKeeper classes that log are loaded; slf4j-nop keeps them quiet.
cp="$jars/zookeeper.jar:$jars/zookeeper-jute.jar"
for jar in slf4j-api.jar slf4j-nop.jar; do
  [[ -f "$jars/$jar" ]] && cp="$cp:$jars/$jar"
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

javac -encoding UTF-8 -nowarn -d "$tmp" -cp "$cp" "$here/GoldenGen.java"
mkdir -p "$here/fixtures"
java -Dfile.encoding=UTF-8 -cp "$cp:$tmp" GoldenGen "$tmp/golden.json"
mv "$tmp/golden.json" "$out"
echo "golden: wrote $out"
