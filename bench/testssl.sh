#!/usr/bin/env bash
# Scans homepage-server's HTTPS listener on 127.0.0.1 with testssl.sh (protocols, ciphers,
# server defaults, vulnerabilities, headers) using a throwaway CA that the scan is told to
# trust, and prints every finding that is not OK or INFO. Exits 1 when any finding is
# MEDIUM, HIGH or CRITICAL, or is worded "not ok" / "VULNERABLE".
#
#   bench/testssl.sh                  # build release, scan, summary on stdout
#   SKIP_BUILD=1 bench/testssl.sh
#   KEEP=DIR bench/testssl.sh         # also keep the full log and JSON in DIR
set -euo pipefail

source "$(dirname "$0")/common.sh"
bench_start homepage-testssl testssl

"$root/bench/tls-test-cert.sh" "$work/tls"
mkdir -p "$work/data"
"$binary" --bind 127.0.0.1 --http-port 0 --https-port 0 --workers 1 --data-dir "$work/data" \
    --cert-file "$work/tls/cert.pem" --key-file "$work/tls/key.pem" > "$work/server.out" &
pids+=($!)
for _ in $(seq 1 100); do grep -q '^https://' "$work/server.out" && break; sleep 0.1; done
url=$(grep -m1 '^https://' "$work/server.out" || true)
[[ -n "$url" ]] || { echo "testssl: homepage-server opened no HTTPS listener" >&2; exit 1; }

echo "scanning $url with $(testssl --version 2>/dev/null | grep -o 'testssl *[0-9.]*' | head -1), $(openssl version)"
status=0
testssl --quiet --color 0 --warnings off --add-ca "$work/tls/ca.pem" \
    --logfile "$work/testssl.log" --jsonfile "$work/testssl.json" "${url%/}" > /dev/null || status=$?
# testssl's exit code counts failed checks of its own; the findings below are what matter.
[[ -s "$work/testssl.json" ]] || { echo "testssl: the scan produced no results (exit $status)" >&2; exit 1; }

result=0
python3 - "$work/testssl.json" <<'PY' || result=$?
import json, sys
findings = json.load(open(sys.argv[1]))
def sev(f): return f.get("severity", "")
print("%-6s checks; by severity: %s" % (len(findings), ", ".join(
    "%s %d" % (s, sum(1 for f in findings if sev(f) == s))
    for s in ["OK", "INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL", "WARN"])))
bad = False
for f in findings:
    text = f.get("finding", "")
    flagged = sev(f) in ("MEDIUM", "HIGH", "CRITICAL") or "not ok" in text.lower() or text.startswith("VULNERABLE")
    bad = bad or flagged
    if sev(f) not in ("OK", "INFO") or flagged:
        print("%-8s %-28s %s%s" % (sev(f), f["id"], text, "   <-- FLAGGED" if flagged else ""))
sys.exit(1 if bad else 0)
PY
if [[ -n "${KEEP:-}" ]]; then
    mkdir -p "$KEEP"
    cp "$work/testssl.log" "$work/testssl.json" "$KEEP/"
fi
exit $result
