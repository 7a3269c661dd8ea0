#!/usr/bin/env bash
# Installs the package on this system with dpkg, as a box's administrator would, then
# installs it over itself (an upgrade), removes it and purges it, checking what each step
# keeps: the certificate, key and odoo.conf survive an upgrade and a remove, a purge deletes
# the data dir. When systemd runs here, the service must start, answer and log; without it,
# postinst must start nothing. Ends with the package purged and no server running.
#
#   install-upgrade-purge.sh PACKAGE.deb      (root only; the caller checks it is not installed)
set -euo pipefail
deb=$1
data=/var/lib/iot-box-homepage
unit=iot-box-homepage.service

failures=0
pass() { printf '  ok    %s\n' "$*"; }
fail() { printf '  FAIL  %s\n' "$*"; failures=$((failures + 1)); }
skip() { printf '  skip  %s\n' "$*"; }
check() {
    local what=$1
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}
# The package leaves its system user on purge, as Debian packages do; the test removes the
# user it caused to exist, so a developer's machine is left as it was.
user_existed=$(getent passwd iot-box >/dev/null && echo yes || true)
group_existed=$(getent group iot-box >/dev/null && echo yes || true)
cleanup() {
    dpkg --purge iot-box-homepage >/dev/null 2>&1 || true
    [[ -n "$user_existed" ]] || deluser --system --quiet iot-box >/dev/null 2>&1 || true
    [[ -n "$group_existed" ]] || delgroup --system --quiet iot-box >/dev/null 2>&1 || true
}
trap cleanup EXIT

systemd_runs() { [[ -d /run/systemd/system ]]; }
# Servers started from the installed binary, found by their executable, not by name.
installed_servers() {
    local exe pid
    for exe in /proc/[0-9]*/exe; do
        pid=${exe#/proc/}
        pid=${pid%/exe}
        [[ "$(readlink "$exe" 2>/dev/null)" == /usr/bin/homepage-server* ]] && echo "$pid"
    done
    return 0
}
http_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true; }
wait_for_answer() {
    for _ in $(seq 1 100); do
        [[ "$(http_status "$1")" = 200 ]] && return 0
        sleep 0.1
    done
    return 1
}
fingerprint() { # content, owner and mode of each file
    local file
    for file in "$@"; do printf '%s %s %s\n' "$(stat -c '%U:%G %a' "$file")" "$(sha256sum < "$file")" "$file"; done
}
service_checks() { # after an install or upgrade
    if systemd_runs; then
        check "the service is enabled" systemctl -q is-enabled "$unit"
        check "the service is active" systemctl -q is-active "$unit"
        check "it answers on port 8069" wait_for_answer http://127.0.0.1:8069/
        check "it answers on port 80" wait_for_answer http://127.0.0.1/
        check "journalctl -u iot-box-homepage shows its start lines" bash -c '
            for _ in $(seq 1 50); do
                journalctl -u iot-box-homepage --no-pager -n 50 | grep -q "http://localhost:8069/" && exit 0
                sleep 0.1
            done
            exit 1'
    else
        skip "systemd is not running here: the service's start, answers and journal are not checked"
        check "the unit is enabled for the next boot" test -L /etc/systemd/system/multi-user.target.wants/$unit
        check "no server was started without systemd" [ -z "$(installed_servers)" ]
    fi
}

echo "  dpkg -i (install)"
dpkg -i "$deb" >/dev/null
check "installed: version $(dpkg-query -W -f '${Version}' iot-box-homepage)" \
    [ "$(dpkg-query -W -f '${Status}' iot-box-homepage)" = "install ok installed" ]
check "system user iot-box, with group iot-box, no login shell" bash -c '
    entry=$(getent passwd iot-box) && uid=$(cut -d: -f3 <<<"$entry") && [ "$uid" -lt 1000 ] &&
    [ "$(id -gn iot-box)" = iot-box ] && [ "$(cut -d: -f7 <<<"$entry")" = /usr/sbin/nologin ]'
check "data dir $data, iot-box's, mode 700" [ "$(stat -c '%U:%G %a' "$data")" = "iot-box:iot-box 700" ]
verify_output=$(systemd-analyze verify /lib/systemd/system/$unit 2>&1) && verify_status=0 || verify_status=$?
[[ -z "$verify_output" ]] || echo "$verify_output" | sed 's/^/        /'
check "systemd-analyze verify of the installed unit is clean" [ "$verify_status" = 0 ] && [ -z "$verify_output" ]
service_checks

# What a box has after it obtained a certificate, and an administrator's own flags.
install -d -o iot-box -g iot-box -m 0700 "$data/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=*.0a1b2c3d.odoo-iot.com" \
    -keyout "$data/tls/key.pem" -out "$data/tls/cert.pem" 2>/dev/null
printf '[iot.box]\nremote_server = https://shop.example\ndb_uuid = 0123\nkept_key = 1\n' > "$data/odoo.conf"
chown iot-box:iot-box "$data/tls/key.pem" "$data/tls/cert.pem" "$data/odoo.conf"
chmod 0600 "$data/tls/key.pem" "$data/odoo.conf"
chmod 0644 "$data/tls/cert.pem"
echo '# changed by the administrator' >> /etc/default/iot-box-homepage
before=$(fingerprint "$data/tls/cert.pem" "$data/tls/key.pem" "$data/odoo.conf" /etc/default/iot-box-homepage)

echo "  dpkg -i again (upgrade over itself)"
dpkg -i "$deb" >/dev/null
after=$(fingerprint "$data/tls/cert.pem" "$data/tls/key.pem" "$data/odoo.conf" /etc/default/iot-box-homepage)
check "the upgrade keeps the certificate, key, odoo.conf and the edited /etc/default file" [ "$before" = "$after" ]
service_checks

echo "  dpkg -r (remove)"
dpkg -r iot-box-homepage >/dev/null
after=$(fingerprint "$data/tls/cert.pem" "$data/tls/key.pem" "$data/odoo.conf" /etc/default/iot-box-homepage)
check "remove keeps the data dir and the conffile" [ "$before" = "$after" ]
check "remove deletes the binary and the unit" \
    bash -c '[ ! -e /usr/bin/homepage-server ] && [ ! -e /lib/systemd/system/iot-box-homepage.service ]'
check "no server runs after remove" [ -z "$(installed_servers)" ]
if systemd_runs; then check "the service is inactive" bash -c '! systemctl -q is-active iot-box-homepage.service'; fi

echo "  dpkg -P (purge)"
dpkg -P iot-box-homepage >/dev/null
check "purge deletes the data dir" [ ! -e "$data" ]
check "purge deletes /etc/default/iot-box-homepage" [ ! -e /etc/default/iot-box-homepage ]
check "purge leaves no enablement link" [ ! -e /etc/systemd/system/multi-user.target.wants/$unit ]
check "the package is gone from dpkg's database" bash -c '! dpkg -s iot-box-homepage >/dev/null 2>&1'
check "no server runs after purge" [ -z "$(installed_servers)" ]

exit $((failures > 0))
