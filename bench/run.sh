#!/usr/bin/env bash
# Serves the same 6 KB file from homepage-server and from nginx (one worker each, keep-alive,
# loopback, no access log) and loads each with wrk in alternating rounds.
#
#   bench/run.sh                 # 3 rounds x 10 s, wrk -t2 -c50
#   ROUNDS=5 DURATION=20s bench/run.sh
#   SKIP_BUILD=1 bench/run.sh    # reuse the existing release build
set -euo pipefail

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-50}
THREADS=${THREADS:-2}

source "$(dirname "$0")/common.sh"
bench_start homepage-bench wrk nginx

# The same file for both servers: 6 KB of HTML.
mkdir -p "$work/public" "$work/data" "$work/nginx/logs"
{
    printf '<!DOCTYPE html>\n<html><head><title>bench</title></head><body>\n'
    for i in $(seq 1 200); do printf '<p>line %03d of the benchmark page</p>\n' "$i"; done
} > "$work/page.html"
head -c 6144 "$work/page.html" > "$work/public/bench.html"
# Started as root, nginx runs its worker as an unprivileged user, which must read the file.
chmod 755 "$work" "$work/public"
chmod 644 "$work/public/bench.html"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# homepage-server: one event-loop thread.
"$binary" --bind 127.0.0.1 --http-port 0 --workers 1 --public-dir "$work/public" \
    --data-dir "$work/data" > "$work/ours.out" &
pids+=($!)
for _ in $(seq 1 50); do [[ -s "$work/ours.out" ]] && break; sleep 0.1; done
ours_url="$(head -n 1 "$work/ours.out")static/bench.html"

# nginx: one worker, runnable without root, everything under the temp dir.
nginx_port=$(free_port)
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
        listen 127.0.0.1:$nginx_port;
        location /static/ { alias $work/public/; }
    }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>"$work/nginx/logs/stderr" &
pids+=($!)
nginx_url="http://127.0.0.1:$nginx_port/static/bench.html"
for _ in $(seq 1 50); do curl -fs -o /dev/null "$nginx_url" && break; sleep 0.1; done

for url in "$ours_url" "$nginx_url"; do
    size=$(curl -s "$url" | wc -c)
    [[ "$size" == 6144 ]] || { echo "bench: $url served $size bytes, expected 6144" >&2; exit 1; }
done

# Prints "requests/s p99" for one wrk run; p99 in milliseconds.
measure() {
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$1" | awk '
        /Non-2xx|Socket errors/ { print "bench: " $0 > "/dev/stderr" }
        /Requests\/sec:/ { rps = $2 }
        /^ *99%/ {
            value = $2; unit = value; gsub(/[0-9.]/, "", unit); sub(/[a-z]+$/, "", value)
            if (unit == "us") value /= 1000; else if (unit == "s") value *= 1000
            p99 = value
        }
        END { printf "%.0f %.2f\n", rps, p99 }'
}

echo "machine: $(nproc) cores, $(uname -sr); wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency"
printf '%-6s %-16s %12s %10s\n' round server "requests/s" "p99 ms"
ours_total=0
nginx_total=0
for round in $(seq 1 "$ROUNDS"); do
    read -r rps p99 < <(measure "$ours_url")
    printf '%-6s %-16s %12s %10s\n' "$round" homepage-server "$rps" "$p99"
    ours_total=$((ours_total + rps))
    read -r rps p99 < <(measure "$nginx_url")
    printf '%-6s %-16s %12s %10s\n' "$round" nginx "$rps" "$p99"
    nginx_total=$((nginx_total + rps))
done
awk -v ours="$ours_total" -v nginx="$nginx_total" -v rounds="$ROUNDS" 'BEGIN {
    printf "mean   homepage-server %12.0f\nmean   nginx           %12.0f\nratio  ours/nginx      %12.2f\n",
        ours / rounds, nginx / rounds, ours / nginx
}'
