#!/usr/bin/env bash
# Makes a throwaway CA and a leaf for 127.0.0.1 and localhost (ECDSA P-256) in DIR, for the
# HTTPS benchmark and the TLS scan. The leaf looks like one from a real issuer where a scanner
# looks: 90 days of validity and a CRL distribution point (on loopback; nothing fetches it),
# so that the scan's findings are about the server, not about a toy certificate.
#   DIR/ca.pem     the CA certificate (what a client must trust)
#   DIR/cert.pem   the chain to serve: leaf, then the CA
#   DIR/key.pem    the leaf's private key, mode 0600
#
#   bench/tls-test-cert.sh DIR
set -euo pipefail

dir=${1:?usage: tls-test-cert.sh DIR}
mkdir -p "$dir"
p256=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
openssl req -x509 "${p256[@]}" -keyout "$dir/ca.key" -out "$dir/ca.pem" -subj "/CN=Bench CA" -days 365 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req "${p256[@]}" -keyout "$dir/key.pem" -out "$dir/leaf.csr" -subj "/CN=localhost" 2>/dev/null
printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    "crlDistributionPoints=URI:http://127.0.0.1/bench-ca.crl" > "$dir/leaf.ext"
openssl x509 -req -in "$dir/leaf.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -set_serial "0x$(openssl rand -hex 8)" \
    -days 90 -extfile "$dir/leaf.ext" -out "$dir/leaf.pem" 2>/dev/null
cat "$dir/leaf.pem" "$dir/ca.pem" > "$dir/cert.pem"
chmod 600 "$dir/key.pem" "$dir/ca.key"
