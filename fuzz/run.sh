#!/usr/bin/env bash
# Fuzzes the HTTP/1.1 request parser with libFuzzer and AddressSanitizer for a bounded time.
#
#   fuzz/run.sh              # 60 s
#   SECONDS_TO_RUN=600 fuzz/run.sh
# Crashing inputs are written to fuzz/artifacts/ (ignored by git) and make the script fail.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/parser-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$root/fuzz/artifacts" "$work/corpus"

# The parser is plain Swift with no C dependency, so its files build on their own.
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name HTTPCore \
    "$root/fuzz/ParserFuzzer.swift" "$root"/Sources/HTTPCore/Parser/*.swift \
    "$root/Sources/HTTPCore/HTTPHeaders.swift" "$root/Sources/HTTPCore/HTTPMessages.swift" \
    -o "$work/parser-fuzzer" 2>"$work/build.log" || { cat "$work/build.log" >&2; exit 1; }

# A few valid requests to start from.
printf '\x02GET / HTTP/1.1\r\nHost: a\r\n\r\n' > "$work/corpus/get"
printf '\x04POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc' > "$work/corpus/post"
printf '\x06POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: v\r\n\r\n' \
    > "$work/corpus/chunked"
printf '\x03GET http://a/b?c HTTP/1.0\r\nConnection: keep-alive\r\n\r\nOPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n' \
    > "$work/corpus/pipelined"

"$work/parser-fuzzer" -max_total_time="${SECONDS_TO_RUN:-60}" -max_len=4096 \
    -artifact_prefix="$root/fuzz/artifacts/" "$work/corpus" 2>&1 | tail -n 5
