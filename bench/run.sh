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

bench_page

# homepage-server: one event-loop thread.
"$binary" --bind 127.0.0.1 --http-port 0 --workers 1 --public-dir "$work/public" \
    --data-dir "$work/data" > "$work/ours.out" &
pids+=($!)
for _ in $(seq 1 50); do [[ -s "$work/ours.out" ]] && break; sleep 0.1; done
ours_url="$(head -n 1 "$work/ours.out")static/bench.html"

# nginx: one worker, runnable without root, everything under the temp dir.
nginx_port=$(free_port)
bench_nginx_conf "        listen 127.0.0.1:$nginx_port;"
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
