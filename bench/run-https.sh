#!/usr/bin/env bash
# Serves the same 6 KB file over TLS from homepage-server and from nginx (one worker each,
# the same ECDSA P-256 certificate, loopback, no access log) and loads each with wrk in
# alternating rounds, two ways:
#   keep-alive   requests/s on long-lived TLS connections (the cost of TLS records)
#   handshakes   requests/s with "Connection: close", so every request is a new TCP connection
#                and a new TLS handshake: handshakes/s = requests/s. wrk keeps its TLS session
#                across reconnects, so these are resumed handshakes (TLS 1.3 tickets), which
#                is what returning browsers do
#   full hs      full handshakes/s (no resumption, ECDHE + ECDSA signature each time), from
#                THREADS parallel `openssl s_time -new` clients that only handshake and close
#
#   bench/run-https.sh                 # 3 rounds x 10 s each way, wrk -t2 -c50
#   ROUNDS=5 DURATION=20s bench/run-https.sh
#   SKIP_BUILD=1 bench/run-https.sh    # reuse the existing release build
set -euo pipefail

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-50}
THREADS=${THREADS:-2}

source "$(dirname "$0")/common.sh"
bench_start homepage-bench-https wrk nginx openssl curl

bench_page
mkdir -p "$work/tls"

# One CA and one leaf for 127.0.0.1 and localhost, ECDSA P-256, served by both.
tls="$work/tls"
"$root/bench/tls-test-cert.sh" "$tls"

# homepage-server: one event-loop thread. A valid stored pair opens the HTTPS listener at
# start, which prints its URL as a second line.
"$binary" --bind 127.0.0.1 --http-port 0 --https-port 0 --workers 1 --public-dir "$work/public" \
    --data-dir "$work/data" --cert-file "$tls/cert.pem" --key-file "$tls/key.pem" > "$work/ours.out" &
pids+=($!)
for _ in $(seq 1 100); do grep -q '^https://' "$work/ours.out" && break; sleep 0.1; done
ours_base=$(grep -m1 '^https://' "$work/ours.out" || true)
[[ -n "$ours_base" ]] || { echo "bench: homepage-server opened no HTTPS listener" >&2; cat "$work/ours.out" >&2; exit 1; }
ours_url="${ours_base}static/bench.html"

# nginx: one worker, runnable without root, everything under the temp dir. Same protocols,
# TLS 1.2 suites and groups as homepage-server's profile; session cache and tickets on.
nginx_port=$(free_port)
bench_nginx_conf "        listen 127.0.0.1:$nginx_port ssl;
        ssl_certificate $tls/cert.pem;
        ssl_certificate_key $tls/key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;
        ssl_ecdh_curve X25519:prime256v1:secp384r1;
        ssl_session_cache shared:SSL:1m;
        ssl_session_tickets on;"
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>"$work/nginx/logs/stderr" &
pids+=($!)
nginx_url="https://127.0.0.1:$nginx_port/static/bench.html"
for _ in $(seq 1 50); do curl -fs --cacert "$tls/ca.pem" -o /dev/null "$nginx_url" && break; sleep 0.1; done

for url in "$ours_url" "$nginx_url"; do
    size=$(curl -fs --cacert "$tls/ca.pem" "$url" | wc -c)
    [[ "$size" == 6144 ]] || { echo "bench: $url served $size bytes, expected 6144" >&2; exit 1; }
done

# Counts the answers that announced "Connection: close": in a handshake run that must be
# every answer, which is what makes wrk open a new connection for the next request. Run once,
# briefly, before measuring: a Lua response hook slows wrk, so measured runs go without it.
cat > "$work/count-close.lua" <<'LUA'
closes = 0
answers = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function response(status, headers, body)
    answers = answers + 1
    local value = headers["Connection"] or headers["connection"]
    if value and value:lower() == "close" then closes = closes + 1 end
end
function done(summary, latency, requests)
    local total_closes, total_answers = 0, 0
    for _, thread in ipairs(threads) do
        total_closes = total_closes + thread:get("closes")
        total_answers = total_answers + thread:get("answers")
    end
    io.write(string.format("close-answers %d of %d\n", total_closes, total_answers))
end
LUA

# Connections the kernel accepted on this machine (all listeners): a second, independent
# check that the handshake runs really reconnect.
passive_opens() { awk '/^Tcp:/ { if (header) { print $6; exit } header = 1 }' /proc/net/snmp; }

# Prints "requests/s p99" for one wrk run; p99 in milliseconds. Extra wrk arguments follow the URL.
measure() {
    local url=$1
    shift
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url" | awk '
        /Non-2xx|Socket errors/ { print "bench: " $0 > "/dev/stderr" }
        /Requests\/sec:/ { rps = $2 }
        /^ *99%/ {
            value = $2; unit = value; gsub(/[0-9.]/, "", unit); sub(/[a-z]+$/, "", value)
            if (unit == "us") value /= 1000; else if (unit == "s") value *= 1000
            p99 = value
        }
        END { printf "%.0f %.2f\n", rps, p99 }'
}

# One handshake run; also prints the kernel's accepted connections per second beside it.
measure_handshakes() {
    local before after result
    before=$(passive_opens)
    result=$(measure "$1" -H "Connection: close")
    after=$(passive_opens)
    echo "$result $(( (after - before) / ${DURATION%s} ))"
}

for url in "$ours_url" "$nginx_url"; do
    check=$(wrk -t1 -c4 -d2s -H "Connection: close" -s "$work/count-close.lua" "$url" | grep '^close-answers')
    echo "reconnect check $url: $check"
    read -r _ closes _ answers <<< "$check"
    [[ "$answers" -gt 0 && "$closes" == "$answers" ]] || { echo "bench: wrk did not get Connection: close on every answer" >&2; exit 1; }
done

# Prints the full handshakes per second of THREADS parallel s_time clients.
measure_full_handshakes() {
    local port=$1 seconds=${DURATION%s} index
    for index in $(seq 1 "$THREADS"); do
        openssl s_time -connect "127.0.0.1:$port" -new -time "$seconds" > "$work/s_time.$index" 2>&1 &
    done
    # This runs in a command substitution, so `wait` sees only the s_time clients.
    wait
    cat "$work"/s_time.* | awk '
        / connections in .* real seconds/ { rate += $1 / $4 }
        END { printf "%.0f\n", rate }'
    rm -f "$work"/s_time.*
}

echo "machine: $(nproc) cores, $(uname -sr); $(openssl version | cut -d' ' -f1-2); wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency"
printf '%-6s %-16s %14s %9s %14s %9s %12s %10s\n' round server "keep-alive r/s" "p99 ms" "handshakes/s" \
    "p99 ms" "accepts/s" "full hs/s"
ours_ka=0; nginx_ka=0; ours_hs=0; nginx_hs=0; ours_full=0; nginx_full=0
for round in $(seq 1 "$ROUNDS"); do
    for server in homepage-server nginx; do
        url=$ours_url
        [[ "$server" == nginx ]] && url=$nginx_url
        port=${url#https://127.0.0.1:}
        port=${port%%/*}
        read -r ka ka_p99 < <(measure "$url")
        read -r hs hs_p99 accepts < <(measure_handshakes "$url")
        full=$(measure_full_handshakes "$port")
        printf '%-6s %-16s %14s %9s %14s %9s %12s %10s\n' "$round" "$server" "$ka" "$ka_p99" "$hs" "$hs_p99" \
            "$accepts" "$full"
        if [[ "$server" == nginx ]]; then
            nginx_ka=$((nginx_ka + ka)); nginx_hs=$((nginx_hs + hs)); nginx_full=$((nginx_full + full))
        else
            ours_ka=$((ours_ka + ka)); ours_hs=$((ours_hs + hs)); ours_full=$((ours_full + full))
        fi
    done
done
awk -v oka="$ours_ka" -v nka="$nginx_ka" -v ohs="$ours_hs" -v nhs="$nginx_hs" -v ofu="$ours_full" \
    -v nfu="$nginx_full" -v rounds="$ROUNDS" 'BEGIN {
    printf "mean   %-16s %14.0f %9s %14.0f %9s %12s %10.0f\n", "homepage-server", oka / rounds, "", ohs / rounds, "", "", ofu / rounds
    printf "mean   %-16s %14.0f %9s %14.0f %9s %12s %10.0f\n", "nginx", nka / rounds, "", nhs / rounds, "", "", nfu / rounds
    printf "ratio  %-16s %14.2f %9s %14.2f %9s %12s %10.2f\n", "ours/nginx", oka / nka, "", ohs / nhs, "", "", ofu / nfu
}'
