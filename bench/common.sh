# Sourced by the bench scripts: a work directory removed on exit, every process the script
# records in `pids` stopped on exit, the tools it needs checked, and the release build.
#
#   source "$(dirname "$0")/common.sh"
#   bench_start NAME TOOL...     # sets root, work, pids, binary
#
# BINARY=/path/to/homepage-server measures that binary instead of building one (for example
# an older build, to compare); BENCH_BUILD_FLAGS adds flags to `swift build`.
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
    if [[ -n "${BINARY:-}" ]]; then
        binary=$(realpath "$BINARY")
        return
    fi
    if [[ -z "${SKIP_BUILD:-}" ]]; then
        # shellcheck disable=SC2086 # the flags are words
        (cd "$root" && swift build -c release ${BENCH_BUILD_FLAGS:-} --product homepage-server >/dev/null)
    fi
    binary="$root/.build/release/homepage-server"
}

# The file both servers serve: 6 KB of HTML at $work/public/bench.html, readable by nginx's
# unprivileged worker (nginx started as root drops to another user).
bench_page() {
    mkdir -p "$work/public" "$work/data" "$work/nginx/logs"
    {
        printf '<!DOCTYPE html>\n<html><head><title>bench</title></head><body>\n'
        for i in $(seq 1 200); do printf '<p>line %03d of the benchmark page</p>\n' "$i"; done
    } > "$work/page.html"
    head -c 6144 "$work/page.html" > "$work/public/bench.html"
    chmod 755 "$work" "$work/public"
    chmod 644 "$work/public/bench.html"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Writes $work/nginx/nginx.conf: one worker, runnable without root, everything under the
# temp dir, serving $work/public/ as /static/. $1 is the server block's own directives
# (listen and any TLS settings).
bench_nginx_conf() {
    cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    default_type text/html;
    sendfile on;
    keepalive_requests 1000;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    server {
$1
        location /static/ { alias $work/public/; }
    }
}
CONF
}
