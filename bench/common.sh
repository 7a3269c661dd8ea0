# Sourced by the bench scripts: a work directory removed on exit, every process the script
# records in `pids` stopped on exit, the tools it needs checked, and the release build.
#
#   source "$(dirname "$0")/common.sh"
#   bench_start NAME TOOL...     # sets root, work, pids, binary
bench_cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}

bench_start() {
    local name=$1
    shift
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    work=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX")
    pids=()
    trap bench_cleanup EXIT INT TERM
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null || { echo "$name: $tool is not installed" >&2; exit 1; }
    done
    if [[ -z "${SKIP_BUILD:-}" ]]; then
        (cd "$root" && swift build -c release --product homepage-server >/dev/null)
    fi
    binary="$root/.build/release/homepage-server"
}
