#!/usr/bin/env bash
# Runs the packaged homepage-server the way its unit does, as far as can be done without
# systemd: as an unprivileged user holding CAP_NET_BIND_SERVICE alone (setpriv), with no new
# privileges and memory-deny-write-execute, on ports 80, 8069 and 443, inside a network
# namespace made here, where the box's LAN address 10.77.0.1 exists only for this test. Every
# system call it makes is recorded and checked against the unit's SystemCallFilter=.
#
#   run-in-namespace.sh UNPACKED_ROOT WORK_DIR      (root only)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
unpacked=$1
run=$2

if [[ "${IN_TEST_NAMESPACE:-}" != 1 ]]; then
    if ! unshare --net -- true 2>/dev/null; then
        echo "  skip  this machine refuses a network namespace even to root (a restricted container)"
        exit 0
    fi
    mkdir -p "$run"
    chmod 0755 "$run"
    exec env IN_TEST_NAMESPACE=1 unshare --net -- "$0" "$@"
fi

failures=0
pass() { printf '  ok    %s\n' "$*"; }
fail() { printf '  FAIL  %s\n' "$*"; failures=$((failures + 1)); }
check() {
    local what=$1
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}

binary="$unpacked/usr/bin/homepage-server"
address=10.77.0.1
user=65534

# The namespace's network: loopback, and one interface holding the box's LAN address (a veth
# pair, or a dummy interface where the kernel has no veth).
ip link set lo up
if ip link add veth-box type veth peer name veth-lan 2>/dev/null; then
    ip link set veth-lan up
else
    ip link add veth-box type dummy
fi
ip addr add "$address/24" dev veth-box
ip link set veth-box up

# A test CA and a certificate for *.<8 hex>.odoo-iot.com, as Odoo's service would give.
hex=$(openssl rand -hex 4)
subject="*.$hex.odoo-iot.com"
name="${address//./-}.$hex.odoo-iot.com"
tls="$run/ca"
mkdir -p "$tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=Package test CA" \
    -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$subject" \
    -keyout "$tls/key.pem" -out "$tls/leaf.csr" 2>/dev/null
printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth\n' "$subject" > "$tls/leaf.ext"
openssl x509 -req -in "$tls/leaf.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -days 2 \
    -extfile "$tls/leaf.ext" -out "$tls/cert.pem" 2>/dev/null

# The data dir as the unit's StateDirectory= leaves it, with the pair in place.
data="$run/data"
install -d -o "$user" -g "$user" -m 0700 "$data" "$data/tls"
install -o "$user" -g "$user" -m 0644 "$tls/cert.pem" "$data/tls/cert.pem"
install -o "$user" -g "$user" -m 0600 "$tls/key.pem" "$data/tls/key.pem"
trace_dir="$run/trace"
install -d -o "$user" -g "$user" -m 0700 "$trace_dir"

check "the kernel enforces memory-deny-write-execute across exec" python3 "$here/mdwe-exec.py" --check

# The unit's identity and privileges, without systemd.
service=(python3 "$here/mdwe-exec.py" setpriv --reuid="$user" --regid="$user" --clear-groups
    --inh-caps=-all,+net_bind_service --ambient-caps=-all,+net_bind_service
    --bounding-set=-all,+net_bind_service --no-new-privs --)

# stderr stands for the journal: systemd names the journal's stream in JOURNAL_STREAM. At
# level info the start and stop notices are logged.
: > "$run/stderr"
journal_stream=$(stat -c '%d:%i' "$run/stderr")
JOURNAL_STREAM=$journal_stream "${service[@]}" strace -f -qq -o "$trace_dir/calls" "$binary" --data-dir "$data" \
    --http-port 80,8069 --https-port 443 --workers 2 --log-level info > "$run/stdout" 2>> "$run/stderr" &
wrapper=$!
stop_wrapper() { kill "$wrapper" 2>/dev/null || true; }
trap stop_wrapper EXIT

for _ in $(seq 1 300); do
    grep -q "^https://$name/\$" "$run/stdout" 2>/dev/null && break
    kill -0 "$wrapper" 2>/dev/null || break
    sleep 0.1
done
echo "        printed on start:"
sed 's/^/          /' "$run/stdout"
[[ -s "$run/stderr" ]] && { echo "        stderr (the journal):"; sed 's/^/          /' "$run/stderr"; }
expected="http://$address/
http://localhost/
http://$address:8069/
http://localhost:8069/
https://$address/
https://localhost/
https://$name/"
check "one line per listener and address, LAN first, no 0.0.0.0, no :80 or :443" \
    [ "$(cat "$run/stdout")" = "$expected" ]

pid=$(tr -d '\n' < "$data/homepage-server.lock" 2>/dev/null || true)
check "the lock file names the running server ($pid)" [ -n "$pid" ] && [ -d "/proc/$pid" ] \
    && [ "$(readlink "/proc/$pid/exe")" = "$binary" ]
status_of() { grep "^$1:" "/proc/$pid/status" | cut -f2- | tr -s '\t ' ' '; }
check "it runs as uid $user" [ "$(status_of Uid)" = "$user $user $user $user" ]
for set in CapPrm CapEff CapBnd CapAmb; do
    check "$set is CAP_NET_BIND_SERVICE alone" [ "$(status_of "$set")" = 0000000000000400 ]
done
check "no new privileges" [ "$(status_of NoNewPrivs)" = 1 ]

http_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@" || true; }
secure() { curl --cacert "$tls/ca.pem" --resolve "$name:443:$address" "$@"; }
check "GET http://$address/ answers 200 (port 80)" [ "$(http_status "http://$address/")" = 200 ]
check "GET http://$address:8069/ answers 200" [ "$(http_status "http://$address:8069/")" = 200 ]
check "GET http://localhost/ answers 200" [ "$(http_status http://localhost/)" = 200 ]
check "GET https://$name/ answers 200 (port 443, certificate verified)" \
    [ "$(http_status --cacert "$tls/ca.pem" --resolve "$name:443:$address" "https://$name/")" = 200 ]
check "the static assets are found without --public-dir" \
    [ "$(http_status "http://$address/static/css/homepage.css")" = 200 ]
status_json=$(secure -s --max-time 10 "https://$name/status.json" || true)
check "/status.json: https_url https://$name (no port), https port 443, ip $address" python3 -c '
import json, sys
status = json.loads(sys.argv[1])
https = status["https"]
ok = status["https_url"] == "https://" + sys.argv[2] and https["listening"] is True and https["port"] == 443
sys.exit(0 if ok and status["ip"] == sys.argv[3] else 1)' "$status_json" "$name" "$address"

# A second instance that wrongly started would serve until stopped: 20 s bound the wait.
second=$(timeout 20 "${service[@]}" "$binary" --data-dir "$data" --http-port 8070 --https-port 8443 2>&1 >/dev/null) \
    && second_status=0 || second_status=$?
echo "        a second instance on the same data dir: exit $second_status, \"$second\""
check "a second instance exits 2: data dir in use by pid $pid" \
    [ "$second_status" = 2 ] && grep -q "data dir in use by pid $pid" <<<"$second"
check "the first serves on" [ "$(http_status "http://$address:8069/")" = 200 ]

kill -TERM "$pid"
wait "$wrapper" && exit_status=0 || exit_status=$?
trap - EXIT
check "SIGTERM: exit 0" [ "$exit_status" = 0 ]
check "the log reaches the journal with its priority (start and stop notices)" bash -c '
    grep -q "^<5>NOTICE \[homepage\] serving " "$1" && grep -q "^<5>NOTICE \[homepage\] stopping " "$1"' \
    _ "$run/stderr"
# systemd 252 enforces MemoryDenyWriteExecute= with seccomp, which refuses any mprotect that
# adds PROT_EXEC and any writable, executable mmap, whatever the kernel's PR_SET_MDWE allows.
check "no mprotect to executable and no writable, executable mapping (MemoryDenyWriteExecute=)" \
    bash -c '! grep -Eq "(mprotect|pkey_mprotect)\([^)]*PROT_EXEC|mmap\([^)]*PROT_WRITE\|PROT_EXEC|shmat\(" "$1"' \
    _ "$trace_dir/calls"
check "every system call made is allowed by the unit's SystemCallFilter=" \
    python3 "$here/syscall-audit.py" "$trace_dir/calls" @system-service ~@privileged

exit $((failures > 0))
