#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/Targets/<name>/main.swift, with AddressSanitizer) and runs
# each for a bounded time from its checked-in corpus, fuzz/corpus/<name>/. Fails when any
# target finds a crash, a failed precondition or a memory error; the input that did it is
# written to fuzz/artifacts/<name>-... (ignored by git) so it can be replayed:
#
#   fuzz/run.sh                              # every target, 20 s each
#   SECONDS_PER_TARGET=600 fuzz/run.sh ParserFuzzer
#   .build-fuzz/release/ParserFuzzer fuzz/artifacts/ParserFuzzer-crash-...   # replay
#
# Adding a target: a folder fuzz/Targets/<Name> with a main.swift that is
# `runFuzzer { bytes in ... }` (FuzzSupport), a few seed inputs in fuzz/corpus/<Name>/, and
# optionally a libFuzzer dictionary, fuzz/dict/<Name>.dict.
# Package.swift declares the folders this script names in HOMEPAGE_FUZZ; an ordinary build
# never sees them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${SECONDS_PER_TARGET:-20}
all=()
for folder in "$root"/fuzz/Targets/*/; do all+=("$(basename "$folder")"); done
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all[@]}"); fi
work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$root/fuzz/artifacts"

# Every module is instrumented (coverage and ASan), so the fuzzer sees inside HTTPCore.
# lld links these where gold fails on the sanitizer runtime.
for target in "${targets[@]}"; do
    HOMEPAGE_FUZZ="${all[*]}" swift build -c release --package-path "$root" --scratch-path "$root/.build-fuzz" \
        -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address -Xswiftc -use-ld=lld \
        --product "$target" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
done

failed=()
for target in "${targets[@]}"; do
    # New inputs go to a copy: the checked-in corpus stays small and reviewed.
    mkdir -p "$work/corpus/$target"
    cp "$root/fuzz/corpus/$target"/* "$work/corpus/$target/" 2>/dev/null || true
    # A target's dictionary (fuzz/dict/<name>.dict), when it has one: tokens worth inserting.
    dict=()
    [ -f "$root/fuzz/dict/$target.dict" ] && dict=(-dict="$root/fuzz/dict/$target.dict")
    # The Swift backtracer would race ASan over the crashing thread; libFuzzer reports alone.
    if SWIFT_BACKTRACE=enable=no "$root/.build-fuzz/release/$target" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$root/fuzz/artifacts/$target-" "${dict[@]}" \
        "$work/corpus/$target" >"$work/$target.log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$target.log")
        echo "fuzz: $target: ${runs:-?} inputs in ${seconds} s, no finding"
    else
        echo "fuzz: $target: FINDING" >&2
        grep -E "ERROR|Fatal error|Precondition|SUMMARY|artifact" "$work/$target.log" | head -n 20 >&2 || true
        failed+=("$target")
    fi
done
[ ${#failed[@]} -eq 0 ] || { echo "fuzz: findings in: ${failed[*]}" >&2; exit 1; }
