#!/usr/bin/env bash
# The homepage against nginx's 6 KB static page, in one run, with the figures and targets of
# the performance budget:
#   - homepage `/` in its two everyday states, each from its own homepage-server: no
#     certificate (the error box) and a valid certificate (the banner, the HTTPS listener
#     open), against nginx serving the 6 KB page; plus our own 6 KB static page. wrk in
#     alternating rounds, one worker each: requests/s, p99, CPU per request;
#   - RSS idle (with where it is, by mapping: bench/rss-map.py), after the load, each minute
#     of a soak under load, and what 1000 idle keep-alive connections add;
#   - the binary a box carries (static Swift runtime, stripped);
#   - start to the first listener line (median of STARTS starts);
#   - instructions per request (callgrind, a fixed number of requests minus a run with none).
# Prints the table with each row's target and ratio, and exits 1 when a target is missed.
#
#   bench/homepage.sh                        # builds with --static-swift-stdlib first
#   SOAK_MINUTES=1 ROUNDS=1 bench/homepage.sh
#   IDLE_ONLY=1 bench/homepage.sh            # RSS idle and with idle connections only
#   SKIP_BUILD=1 bench/homepage.sh           # reuse the existing release build
#   BINARY=path/to/homepage-server bench/homepage.sh   # measure another build (e.g. an older one)
#
# Knobs: ROUNDS (3), DURATION (10s), CONNECTIONS (50), THREADS (1), SOAK_MINUTES (10),
# SOAK_TOLERANCE_KB (1024), IDLE_CONNECTIONS (1000), STARTS (20), CALLGRIND_REQUESTS (2000),
# SKIP_CALLGRIND=1, IDLE_ONLY=1 (stop after the idle figures and the idle connections).
set -euo pipefail

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-50}
THREADS=${THREADS:-1}
SOAK_MINUTES=${SOAK_MINUTES:-10}
SOAK_TOLERANCE_KB=${SOAK_TOLERANCE_KB:-1024}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-1000}
STARTS=${STARTS:-20}
CALLGRIND_REQUESTS=${CALLGRIND_REQUESTS:-2000}

source "$(dirname "$0")/common.sh"
BENCH_BUILD_FLAGS="--static-swift-stdlib ${BENCH_BUILD_FLAGS:-}"
tools=(wrk nginx openssl curl python3 strip)
[[ -n "${SKIP_CALLGRIND:-}" ]] || tools+=(valgrind)
bench_start homepage-bench-page "${tools[@]}"
client=("python3" "$root/bench/homepage-client.py")
ulimit -n 8192

bench_page
# What a box carries: the release binary stripped. Everything below runs this copy.
strip -o "$work/homepage-server" "$binary"
server="$work/homepage-server"
# Started from the disk, as a box starts it at boot: the pages strip just wrote are dirty in the
# page cache, in whatever folios the writes made, and mapped from there the executable's
# resident code varied by up to 1.5 MB from one run to the next.
python3 -c 'import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY); os.fsync(fd); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)' "$server"

# Two data dirs. "nocert": nothing configured, no certificate: every visit's check ends at
# once with "no Odoo server is configured" and the page shows the error box. "valid": a
# certificate valid for 90 days in tls/ and an odoo.conf with credentials, so the check finds
# it valid and sends nothing (the server address is never contacted: only a new certificate
# is reported to it).
mkdir -p "$work/nocert" "$work/valid/tls"
"$root/bench/tls-test-cert.sh" "$work/valid/tls"
cat > "$work/valid/odoo.conf" <<'CONF'
[iot.box]
remote_server = http://127.0.0.1:9
db_uuid = 00000000-0000-4000-8000-000000000000
enterprise_code = M0000000000000000000
CONF
chmod 700 "$work/nocert" "$work/valid"

ours_args=(--bind 127.0.0.1 --http-port 0 --https-port 0 --workers 1 --public-dir "$work/public")

# Starts homepage-server on data dir $1 under the prefix command in the rest (may be empty);
# sets started_pid and started_url.
start_ours() {
    local dir=$1
    shift
    "$@" "$server" "${ours_args[@]}" --data-dir "$dir" > "$dir.out" 2>"$dir.err" &
    started_pid=$!
    pids+=("$started_pid")
    for _ in $(seq 1 600); do [[ -s "$dir.out" ]] && break; sleep 0.1; done
    started_url=$(head -n 1 "$dir.out")
    [[ "$started_url" == http://* ]] || { echo "bench: homepage-server did not start" >&2; cat "$dir.err" >&2; exit 1; }
}

# Stops one process started by this script and waits for it.
stop() {
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

start_ours "$work/nocert"
nocert_pid=$started_pid
nocert_url=$started_url
start_ours "$work/valid"
valid_pid=$started_pid
valid_url=$started_url

# For the idle row only, a second nginx that also serves the valid state's certificate on a
# TLS listener, as the valid box does: most of what that state adds at idle is OpenSSL's first
# use (its algorithm tables, the TLS context), which a TLS-less nginx never pays.
nginx_tls_port=$(free_port)
bench_nginx_conf "        listen 127.0.0.1:$(free_port);
        listen 127.0.0.1:$nginx_tls_port ssl;
        ssl_certificate $work/valid/tls/cert.pem;
        ssl_certificate_key $work/valid/tls/key.pem;"
mkdir -p "$work/nginx-tls/logs"
sed -e "s|$work/nginx/|$work/nginx-tls/|g" -e 's/worker_connections 1024;/worker_connections 4096;/' \
    "$work/nginx/nginx.conf" > "$work/nginx-tls/nginx.conf"
nginx -p "$work/nginx-tls" -c "$work/nginx-tls/nginx.conf" 2>"$work/nginx-tls/logs/stderr" &
nginx_tls_pid=$!
pids+=("$nginx_tls_pid")

nginx_port=$(free_port)
bench_nginx_conf "        listen 127.0.0.1:$nginx_port;"
sed -i 's/worker_connections 1024;/worker_connections 4096;/' "$work/nginx/nginx.conf"
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>"$work/nginx/logs/stderr" &
nginx_pid=$!
pids+=("$nginx_pid")
nginx_url="http://127.0.0.1:$nginx_port/static/bench.html"
for _ in $(seq 1 50); do curl -fs -o /dev/null "$nginx_url" && break; sleep 0.1; done
nginx_worker=$(pgrep -P "$nginx_pid" | head -n 1)
sleep 1

# RSS in KiB of the given processes, added up (nginx: master and worker).
rss_kb() {
    local total=0 pid value
    for pid in "$@"; do
        value=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
        total=$((total + value))
    done
    echo "$total"
}

# User plus system CPU time in clock ticks of the given processes, all threads.
cpu_ticks() {
    local total=0 pid value
    for pid in "$@"; do
        value=$(sed 's/^.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }')
        total=$((total + value))
    done
    echo "$total"
}
ticks_per_second=$(getconf CLK_TCK)
mb() { awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }'; }

nginx_pids=("$nginx_pid" "$nginx_worker")
declare -A rss_idle
rss_idle[nocert]=$(rss_kb "$nocert_pid")
rss_idle[valid]=$(rss_kb "$valid_pid")
rss_idle[nginx]=$(rss_kb "${nginx_pids[@]}")
# Like ours, it has had no TLS connection: its master loaded the pair, its worker waits.
nginx_tls_worker=$(pgrep -P "$nginx_tls_pid" | head -n 1)
[[ -n "$nginx_tls_worker" ]] || { echo "bench: nginx with a TLS listener did not start" >&2; cat "$work/nginx-tls/logs/stderr" >&2; exit 1; }
rss_idle[nginx_tls]=$(rss_kb "$nginx_tls_pid" "$nginx_tls_worker")
stop "$nginx_tls_pid"
# Where the idle RSS is: the executable's mappings by kind, each library, the anonymous memory.
echo "idle RSS of the two homepage-servers, by mapping:"
python3 "$root/bench/rss-map.py" "no cert=$nocert_pid" "valid cert=$valid_pid"
echo

# Each page says what it must: the error box without a certificate, the valid banner with one.
page=$(curl -fs "$nocert_url")
grep -q 'class="card error-box"' <<<"$page" || { echo "bench: no error box on the no-certificate page" >&2; exit 1; }
page=$(curl -fs "$valid_url")
grep -q 'banner-valid' <<<"$page" || { echo "bench: no valid banner on the valid-certificate page" >&2; exit 1; }
grep -q 'error-box' <<<"$page" && { echo "bench: an error box on the valid-certificate page" >&2; exit 1; }
for url in "${nocert_url}static/bench.html" "$nginx_url"; do
    size=$(curl -fs "$url" | wc -c)
    [[ "$size" == 6144 ]] || { echo "bench: $url served $size bytes, expected 6144" >&2; exit 1; }
done

# Idle keep-alive connections, on the fresh servers (after a load, freed heap would hide what
# they cost): each made one request (the homepage; nginx: the static page), then they stay
# open with nothing to do.
declare -A rss_held
for target in nocert valid nginx; do
    case $target in
        nocert) url=$nocert_url; watched=("$nocert_pid") ;;
        valid) url=$valid_url; watched=("$valid_pid") ;;
        nginx) url=$nginx_url; watched=("${nginx_pids[@]}") ;;
    esac
    before=$(rss_kb "${watched[@]}")
    rm -f "$work/hold.out"
    mkfifo "$work/hold.in"
    "${client[@]}" hold "$url" "$IDLE_CONNECTIONS" < "$work/hold.in" > "$work/hold.out" &
    holder=$!
    exec {hold_fd}>"$work/hold.in"
    for _ in $(seq 1 300); do grep -q ready "$work/hold.out" && break; sleep 0.1; done
    grep -q ready "$work/hold.out" || { echo "bench: $IDLE_CONNECTIONS connections to $url failed" >&2; exit 1; }
    sleep 1
    after=$(rss_kb "${watched[@]}")
    exec {hold_fd}>&-
    wait "$holder"
    rm -f "$work/hold.in"
    rss_held[$target]=$((after - before))
    sleep 1
done

# IDLE_ONLY=1: the idle figures alone (a minute instead of twenty), for a change to the start.
if [[ -n "${IDLE_ONLY:-}" ]]; then
    missed=0
    for target in nocert valid; do
        echo "RSS idle ($target): $(mb "${rss_idle[$target]}") (nginx $(mb "${rss_idle[nginx]}"); target <= 12 MB)"
        echo "RSS added by $IDLE_CONNECTIONS idle keep-alive connections ($target): $(mb "${rss_held[$target]}") (nginx $(mb "${rss_held[nginx]}"); target <= 8 MB)"
        ((rss_idle[$target] <= 12 * 1024 && rss_held[$target] <= 8 * 1024)) || missed=1
    done
    echo "RSS idle of nginx with the valid state's certificate on a TLS listener: $(mb "${rss_idle[nginx_tls]}")"
    exit "$missed"
fi

# Prints "requests/s p99-ms requests" for one wrk run.
measure() {
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$1" | awk '
        /Non-2xx|Socket errors/ { print "bench: " $0 > "/dev/stderr" }
        /requests in/ { count = $1 }
        /Requests\/sec:/ { rps = $2 }
        /^ *99%/ {
            value = $2; unit = value; gsub(/[0-9.]/, "", unit); sub(/[a-z]+$/, "", value)
            if (unit == "us") value /= 1000; else if (unit == "s") value *= 1000
            p99 = value
        }
        END { printf "%.0f %.2f %d\n", rps, p99, count }'
}

# The four loads, in this order every round.
loads=(nocert valid static nginx)
declare -A load_url=(
    [nocert]="$nocert_url" [valid]="$valid_url" [static]="${nocert_url}static/bench.html" [nginx]="$nginx_url")
declare -A load_pids=([nocert]="$nocert_pid" [valid]="$valid_pid" [static]="$nocert_pid" [nginx]="${nginx_pids[*]}")
declare -A load_name=(
    [nocert]="homepage, no cert" [valid]="homepage, valid cert" [static]="ours, 6 KB static" [nginx]="nginx, 6 KB static")
declare -A rps_sum p99_sum ticks_sum requests_sum
for load in "${loads[@]}"; do rps_sum[$load]=0; p99_sum[$load]=0; ticks_sum[$load]=0; requests_sum[$load]=0; done

echo "machine: $(nproc) cores, $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "binary: $binary (stripped copy measured)"
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, $ROUNDS alternating rounds, one worker per server"
printf '%-6s %-22s %12s %10s %12s\n' round load "requests/s" "p99 ms" "CPU us/req"
for round in $(seq 1 "$ROUNDS"); do
    for load in "${loads[@]}"; do
        # shellcheck disable=SC2086 # nginx is two pids
        before=$(cpu_ticks ${load_pids[$load]})
        read -r rps p99 count < <(measure "${load_url[$load]}")
        # shellcheck disable=SC2086
        after=$(cpu_ticks ${load_pids[$load]})
        ticks=$((after - before))
        cpu_us=$(awk -v t="$ticks" -v hz="$ticks_per_second" -v n="$count" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
        printf '%-6s %-22s %12s %10s %12s\n' "$round" "${load_name[$load]}" "$rps" "$p99" "$cpu_us"
        rps_sum[$load]=$((rps_sum[$load] + rps))
        p99_sum[$load]=$(awk -v a="${p99_sum[$load]}" -v b="$p99" 'BEGIN { print a + b }')
        ticks_sum[$load]=$((ticks_sum[$load] + ticks))
        requests_sum[$load]=$((requests_sum[$load] + count))
    done
done
declare -A rps_mean p99_mean cpu_mean
for load in "${loads[@]}"; do
    rps_mean[$load]=$((rps_sum[$load] / ROUNDS))
    p99_mean[$load]=$(awk -v s="${p99_sum[$load]}" -v r="$ROUNDS" 'BEGIN { printf "%.2f", s / r }')
    cpu_mean[$load]=$(awk -v t="${ticks_sum[$load]}" -v hz="$ticks_per_second" -v n="${requests_sum[$load]}" \
        'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
done

sleep 1
declare -A rss_loaded
rss_loaded[nocert]=$(rss_kb "$nocert_pid")
rss_loaded[valid]=$(rss_kb "$valid_pid")
rss_loaded[nginx]=$(rss_kb "${nginx_pids[@]}")

# Soak: the three pages under CONNECTIONS connections each for SOAK_MINUTES; RSS sampled 10 s
# in and then every minute. Growth is the last sample minus the first.
declare -A soak_growth
if ((SOAK_MINUTES > 0)); then
    echo
    echo "soak: $SOAK_MINUTES min, wrk -t1 -c$CONNECTIONS on each of the three at once; RSS in MB"
    printf '%-8s %12s %12s %12s\n' minute "no cert" "valid cert" nginx
    soak_pids=()
    for url in "$nocert_url" "$valid_url" "$nginx_url"; do
        wrk -t1 -c"$CONNECTIONS" -d"$((SOAK_MINUTES * 60 + 5))s" "$url" > /dev/null &
        soak_pids+=($!)
        pids+=($!)
    done
    sleep 10
    declare -A soak_first soak_last
    for minute in $(seq 0 "$SOAK_MINUTES"); do
        ((minute == 0)) || sleep 60
        values=("$(rss_kb "$nocert_pid")" "$(rss_kb "$valid_pid")" "$(rss_kb "${nginx_pids[@]}")")
        label=$minute
        ((minute == 0)) && label="0:10"
        printf '%-8s %12s %12s %12s\n' "$label" "$(mb "${values[0]}")" "$(mb "${values[1]}")" "$(mb "${values[2]}")"
        i=0
        for target in nocert valid nginx; do
            ((minute == 0)) && soak_first[$target]=${values[$i]}
            soak_last[$target]=${values[$i]}
            i=$((i + 1))
        done
    done
    for pid in "${soak_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    for target in nocert valid nginx; do soak_growth[$target]=$((soak_last[$target] - soak_first[$target])); done
fi

# Start to the first listener line, in both states (the servers above stay up, idle).
declare -A start_ms
for target in nocert valid; do
    mkdir -p "$work/starts-$target"
    cp -a "$work/$target/." "$work/starts-$target/"
    read -r median _ _ < <("${client[@]}" start-time "$STARTS" \
        "$server" "${ours_args[@]}" --data-dir "$work/starts-$target")
    start_ms[$target]=$median
done

stop "$nocert_pid"
stop "$valid_pid"
stop "$nginx_pid"

# Instructions per request: CALLGRIND_REQUESTS requests on keep-alive connections minus a run
# that starts, waits a second and stops. Each server alone, under valgrind.
declare -A ir
callgrind_total() {
    awk '/^(summary|totals):/ { print $2; exit }' "$1"
}
# Runs homepage-server on data dir $1 under callgrind, makes $3 requests to path $2, stops it;
# prints the total instructions.
callgrind_ours() {
    local dir=$1 path=$2 count=$3 out="$work/callgrind.$RANDOM"
    rm -f "$dir.out"
    start_ours "$dir" valgrind --tool=callgrind --callgrind-out-file="$out"
    if ((count > 0)); then "${client[@]}" requests "${started_url%/}$path" "$count"; else sleep 1; fi
    stop "$started_pid"
    callgrind_total "$out"
}
callgrind_nginx() {
    local count=$1 out="$work/callgrind.nginx.$RANDOM"
    sed -e 's/^worker_processes 1;/worker_processes 1;\nmaster_process off;/' "$work/nginx/nginx.conf" \
        > "$work/nginx/callgrind.conf"
    valgrind --tool=callgrind --callgrind-out-file="$out" \
        nginx -p "$work/nginx" -c "$work/nginx/callgrind.conf" 2>"$work/nginx/logs/callgrind.err" &
    local pid=$!
    pids+=("$pid")
    for _ in $(seq 1 300); do curl -fs -o /dev/null "$nginx_url" 2>/dev/null && break; sleep 0.1; done
    if ((count > 0)); then "${client[@]}" requests "$nginx_url" "$count"; else sleep 1; fi
    kill -QUIT "$pid"
    wait "$pid" 2>/dev/null || true
    callgrind_total "$out"
}
per_request() {
    awk -v n="$1" -v z="$2" -v c="$3" 'BEGIN { printf "%.0f", (n - z) / c }'
}
if [[ -z "${SKIP_CALLGRIND:-}" ]]; then
    n=$CALLGRIND_REQUESTS
    for target in nocert valid; do
        zero=$(callgrind_ours "$work/$target" / 0)
        full=$(callgrind_ours "$work/$target" / "$n")
        ir[$target]=$(per_request "$full" "$zero" "$n")
    done
    zero=$(callgrind_ours "$work/nocert" /static/bench.html 0)
    full=$(callgrind_ours "$work/nocert" /static/bench.html "$n")
    ir[static]=$(per_request "$full" "$zero" "$n")
    # The curl probe that waits for nginx makes one request in each run: it cancels out.
    zero=$(callgrind_nginx 0)
    full=$(callgrind_nginx "$n")
    ir[nginx]=$(per_request "$full" "$zero" "$n")
fi

# The binary: the stripped file, plus the Swift libraries it loads when it was not linked
# with the static Swift runtime.
size_bytes=$(stat -c %s "$server")
swift_libs=$(ldd "$server" | awk '$3 ~ /swift/ { print $3 }' | sort -u)
shared_note=""
if [[ -n "$swift_libs" ]]; then
    # shellcheck disable=SC2086 # one path per word
    size_bytes=$((size_bytes + $(stat -L -c %s $swift_libs | awk '{ s += $1 } END { print s }')))
    shared_note=" (binary + Swift libraries)"
fi

# The table. Each row: what, nginx, ours, ours/nginx, target, met.
missed=0
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.2f", a / b }'; }
# row LABEL NGINX OURS RATIO TARGET VERDICT(yes|no|-)
row() {
    printf '%-50s %14s %14s %8s %22s %5s\n' "$1" "$2" "$3" "$4" "$5" "$6"
    [[ "$6" != no ]] || missed=1
}
verdict() { if awk "BEGIN { exit !($1) }"; then echo yes; else echo no; fi; }

echo
printf '%-50s %14s %14s %8s %22s %5s\n' figure nginx ours "ratio" target met
for target in nocert valid; do
    label="homepage ($([[ $target == nocert ]] && echo 'no cert, error box' || echo 'valid cert, banner'))"
    r=$(ratio "${rps_mean[$target]}" "${rps_mean[nginx]}")
    row "$label req/s" "${rps_mean[nginx]}" "${rps_mean[$target]}" "$r" ">= 1.00 x nginx static" \
        "$(verdict "$r >= 1.0")"
    r=$(ratio "${p99_mean[$target]}" "${p99_mean[nginx]}")
    row "$label p99" "${p99_mean[nginx]} ms" "${p99_mean[$target]} ms" "$r" "<= nginx static" \
        "$(verdict "${p99_mean[$target]} <= ${p99_mean[nginx]}")"
    row "$label CPU/request" "${cpu_mean[nginx]} us" "${cpu_mean[$target]} us" \
        "$(ratio "${cpu_mean[$target]}" "${cpu_mean[nginx]}")" "-" -
done
r=$(ratio "${rps_mean[static]}" "${rps_mean[nginx]}")
row "6 KB static page req/s" "${rps_mean[nginx]}" "${rps_mean[static]}" "$r" ">= 0.80 x nginx" "$(verdict "$r >= 0.8")"
row "6 KB static page CPU/request" "${cpu_mean[nginx]} us" "${cpu_mean[static]} us" \
    "$(ratio "${cpu_mean[static]}" "${cpu_mean[nginx]}")" "-" -
for target in nocert valid; do
    state=$([[ $target == nocert ]] && echo "no cert" || echo "valid cert")
    row "RSS idle ($state)" "$(mb "${rss_idle[nginx]}")" "$(mb "${rss_idle[$target]}")" \
        "$(ratio "${rss_idle[$target]}" "${rss_idle[nginx]}")" "<= 12 MB" "$(verdict "${rss_idle[$target]} <= 12 * 1024")"
    if [[ $target == valid ]]; then
        row "  the same, nginx with this certificate on TLS" "$(mb "${rss_idle[nginx_tls]}")" \
            "$(mb "${rss_idle[$target]}")" "$(ratio "${rss_idle[$target]}" "${rss_idle[nginx_tls]}")" "-" -
    fi
    row "RSS after the $CONNECTIONS-connection load ($state)" "$(mb "${rss_loaded[nginx]}")" \
        "$(mb "${rss_loaded[$target]}")" "$(ratio "${rss_loaded[$target]}" "${rss_loaded[nginx]}")" "<= 32 MB" \
        "$(verdict "${rss_loaded[$target]} <= 32 * 1024")"
    if ((SOAK_MINUTES > 0)); then
        row "RSS growth, $SOAK_MINUTES-minute soak ($state)" "$(mb "${soak_growth[nginx]}")" \
            "$(mb "${soak_growth[$target]}")" "-" "<= $(mb "$SOAK_TOLERANCE_KB")" \
            "$(verdict "${soak_growth[$target]} <= $SOAK_TOLERANCE_KB")"
    else
        row "RSS growth over a soak ($state)" - "not measured" - "SOAK_MINUTES=0" -
    fi
    row "RSS added by $IDLE_CONNECTIONS idle keep-alive ($state)" "$(mb "${rss_held[nginx]}")" \
        "$(mb "${rss_held[$target]}")" "$(ratio "${rss_held[$target]}" "${rss_held[nginx]}")" "<= 8 MB" \
        "$(verdict "${rss_held[$target]} <= 8 * 1024")"
done
size_mb=$(awk -v b="$size_bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
row "binary, stripped$shared_note" - "$size_mb MB" - "<= 20 MB" "$(verdict "$size_mb <= 20")"
for target in nocert valid; do
    state=$([[ $target == nocert ]] && echo "no cert" || echo "valid cert")
    row "start to listener line, median of $STARTS ($state)" - "${start_ms[$target]} ms" - "<= 100 ms" \
        "$(verdict "${start_ms[$target]} <= 100")"
done
if [[ -z "${SKIP_CALLGRIND:-}" ]]; then
    row "instructions/request, homepage (no cert)" "${ir[nginx]}" "${ir[nocert]}" \
        "$(ratio "${ir[nocert]}" "${ir[nginx]}")" "- (kept in the docs)" -
    row "instructions/request, homepage (valid cert)" "${ir[nginx]}" "${ir[valid]}" \
        "$(ratio "${ir[valid]}" "${ir[nginx]}")" "- (kept in the docs)" -
    row "instructions/request, 6 KB static page" "${ir[nginx]}" "${ir[static]}" \
        "$(ratio "${ir[static]}" "${ir[nginx]}")" "- (kept in the docs)" -
fi
echo "(nginx: master + worker for RSS and CPU; its static page is the reference for every homepage row;"
echo " instructions: $CALLGRIND_REQUESTS requests minus a run with none, all threads, valgrind --tool=callgrind)"
if ((missed)); then
    echo "bench: at least one target is missed" >&2
    exit 1
fi
