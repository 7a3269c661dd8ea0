#!/usr/bin/env bash
# Proves the Debian package (issue "a real box"): its contents, control fields and maintainer
# scripts; lintian; the packaged binary's libraries; the unit's verification and exposure
# figure; then, as root, the packaged binary run the way the unit runs it, and the package
# installed, upgraded, removed and purged.
#
#   Tests/Packaging/test-package.sh [PACKAGE.deb]
#
# Without an argument it builds the package with scripts/package-deb. The parts that need
# root (network namespace, setpriv, dpkg -i) say so and are skipped when not root. The
# install part changes the running system (a user, /usr/bin/homepage-server): it runs only
# as root, refuses to touch a system where iot-box-homepage is already installed, and purges
# what it installed even when a check fails.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

failures=0
pass() { printf '  ok    %s\n' "$*"; }
fail() { printf '  FAIL  %s\n' "$*"; failures=$((failures + 1)); }
check() { # check DESCRIPTION COMMAND...: passes when the command succeeds
    local what=$1
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}
skip() { printf '  skip  %s\n' "$*"; }
section() { printf '\n%s\n' "$*"; }

deb=${1:-}
if [[ -z "$deb" ]]; then
    deb="$root/$("$root/scripts/package-deb")"
fi
[[ -f "$deb" ]] || { echo "test-package: no package at $deb" >&2; exit 1; }
echo "package: $deb ($(du -h "$deb" | cut -f1))"

work=$(mktemp -d "${TMPDIR:-/tmp}/test-package.XXXXXX")
chmod 0755 "$work"
server_pid=""
installed_by_us=""
cleanup() {
    if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; fi
    if [[ -n "$installed_by_us" ]]; then dpkg --purge iot-box-homepage >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

unpacked="$work/unpacked"
dpkg-deb -x "$deb" "$unpacked"
dpkg-deb -e "$deb" "$work/DEBIAN"
binary="$unpacked/usr/bin/homepage-server"
field() { dpkg-deb -f "$deb" "$1"; }

# ---------------------------------------------------------------------------------------
section "control fields"
version=$("$binary" --version)
check "Package is iot-box-homepage" [ "$(field Package)" = iot-box-homepage ]
check "Version $(field Version) is the binary's --version ($version)" [ "$(field Version)" = "$version" ]
check "Architecture is this machine's ($(dpkg --print-architecture))" \
    [ "$(field Architecture)" = "$(dpkg --print-architecture)" ]
check "file name is iot-box-homepage_${version}_$(field Architecture).deb" \
    [ "$(basename "$deb")" = "iot-box-homepage_${version}_$(field Architecture).deb" ]
depends=$(field Depends)
echo "        Depends: $depends"
for library in libc6 libssl3 zlib1g; do
    check "Depends names $library with a minimum version" grep -Eq "(^|, )$library \(>= [^)]+\)" <<<"$depends"
done
check "Depends names adduser (postinst makes a system user)" grep -Eq "(^|, )adduser($|,| )" <<<"$depends"
check "Depends names no Swift package" bash -c '! grep -qi swift <<<"$1"' _ "$depends"
check "Maintainer, Section, Priority and Description are set" \
    bash -c '[ -n "$(dpkg-deb -f "$1" Maintainer)" ] && [ -n "$(dpkg-deb -f "$1" Section)" ] &&
        [ -n "$(dpkg-deb -f "$1" Priority)" ] && [ -n "$(dpkg-deb -f "$1" Description)" ]' _ "$deb"
size=$(field Installed-Size)
actual=$(du -k -s "$unpacked" | cut -f1)
check "Installed-Size ($size KiB) matches the contents ($actual KiB)" \
    [ "$size" -gt 0 ] && [ $((size - actual)) -le 64 ] && [ $((actual - size)) -le 64 ]

# ---------------------------------------------------------------------------------------
section "contents"
mode_owner() { stat -c '%a %U:%G' "$1"; }
listing=$(dpkg-deb -c "$deb")
owned_by_root() { ! awk '{print $2}' <<<"$listing" | grep -vqx 'root/root'; }
check "every file in the archive belongs to root:root" owned_by_root
check "/usr/bin/homepage-server is an executable, mode 755" [ "$(stat -c %a "$binary")" = 755 ]
check "/usr/share/iot-box-homepage/public/ holds the static assets" \
    diff -r "$root/Public" "$unpacked/usr/share/iot-box-homepage/public"
check "/lib/systemd/system/iot-box-homepage.service is the packaging folder's unit" \
    cmp -s "$root/packaging/iot-box-homepage.service" "$unpacked/lib/systemd/system/iot-box-homepage.service"
check "/etc/default/iot-box-homepage sets --http-port 80,8069 --https-port 443" \
    grep -q '^HOMEPAGE_SERVER_OPTS="--http-port 80,8069 --https-port 443"$' "$unpacked/etc/default/iot-box-homepage"
check "the unit reads /etc/default/iot-box-homepage and passes its flags" bash -c '
    grep -qx "EnvironmentFile=-/etc/default/iot-box-homepage" "$1" &&
    grep -qx "ExecStart=/usr/bin/homepage-server --data-dir /var/lib/iot-box-homepage \$HOMEPAGE_SERVER_OPTS" "$1"' \
    _ "$unpacked/lib/systemd/system/iot-box-homepage.service"
for doc in copyright changelog.gz README.Debian; do
    check "/usr/share/doc/iot-box-homepage/$doc" [ -s "$unpacked/usr/share/doc/iot-box-homepage/$doc" ]
done
check "changelog.gz names version $version" bash -c 'zcat "$1" | head -1 | grep -qF "iot-box-homepage ($2)"' \
    _ "$unpacked/usr/share/doc/iot-box-homepage/changelog.gz" "$version"
check "man page homepage-server(1)" [ -s "$unpacked/usr/share/man/man1/homepage-server.1.gz" ]
check "conffiles lists /etc/default/iot-box-homepage alone" \
    [ "$(cat "$work/DEBIAN/conffiles")" = /etc/default/iot-box-homepage ]
check "md5sums covers every file but the conffile, and matches" bash -c '
    cd "$1" && listed=$(cut -c35- "$2" | sort) &&
    present=$(find . -type f ! -path ./etc/default/iot-box-homepage -printf "%P\n" | sort) &&
    [ "$listed" = "$present" ] && md5sum --quiet -c "$2"' _ "$unpacked" "$work/DEBIAN/md5sums"

# ---------------------------------------------------------------------------------------
section "the binary"
libraries=$(ldd "$binary")
echo "$libraries" | sed 's/^/        /'
check "ldd shows no Swift library (runtime, Foundation, Dispatch)" \
    bash -c '! grep -Eiq "swift|Foundation|dispatch|BlocksRuntime" <<<"$1"' _ "$libraries"
check "it links the system's libssl, libcrypto and libz" \
    bash -c 'grep -q "libssl.so.3" <<<"$1" && grep -q "libcrypto.so.3" <<<"$1" && grep -q "libz.so.1" <<<"$1"' \
    _ "$libraries"
check "it is stripped (no symbol table, no debug sections)" \
    bash -c '! readelf -S --wide "$1" | grep -Eq "\.symtab|\.debug_"' _ "$binary"
check "full RELRO (bind now)" bash -c 'readelf -d "$1" | grep -Eq "BIND_NOW|FLAGS.*NOW"' _ "$binary"

# ---------------------------------------------------------------------------------------
section "maintainer scripts"
for script in postinst prerm postrm; do
    check "$script is executable and parses as sh" bash -c '[ -x "$1" ] && sh -n "$1"' _ "$work/DEBIAN/$script"
done
check "postinst makes the system user iot-box" \
    grep -Eq 'adduser --system .*iot-box' "$work/DEBIAN/postinst"
check "postinst enables the unit and starts it only when systemd runs" bash -c '
    grep -q "deb-systemd-helper enable" "$1" && grep -q "\[ -d /run/systemd/system \]" "$1" &&
    grep -q "deb-systemd-invoke start" "$1"' _ "$work/DEBIAN/postinst"
check "prerm stops the service on remove" grep -q 'deb-systemd-invoke stop' "$work/DEBIAN/prerm"
check "postrm deletes the data dir on purge only" bash -c '
    awk "/\"\\\$1\" = purge/,/^fi/" "$1" | grep -q "rm -rf \"\$DATA\"" &&
    [ "$(grep -c "rm -rf" "$1")" = 1 ]' _ "$work/DEBIAN/postrm"

# ---------------------------------------------------------------------------------------
section "lintian"
if command -v lintian >/dev/null; then
    lintian_output=$(lintian --tag-display-limit 0 "$deb" 2>/dev/null || true)
    if [[ -n "$lintian_output" ]]; then echo "$lintian_output" | sed 's/^/        /'; fi
    check "lintian reports no error" bash -c '! grep -q "^E:" <<<"$1"' _ "$lintian_output"
    warnings=$(grep -c '^W:' <<<"$lintian_output" || true)
    echo "        lintian warnings: $warnings"
else
    fail "lintian is not installed"
fi

# ---------------------------------------------------------------------------------------
section "the unit"
unit="$unpacked/lib/systemd/system/iot-box-homepage.service"
for setting in User=iot-box StateDirectory=iot-box-homepage AmbientCapabilities=CAP_NET_BIND_SERVICE \
    CapabilityBoundingSet=CAP_NET_BIND_SERVICE NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes \
    PrivateTmp=yes PrivateDevices=yes "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK" \
    SystemCallFilter=@system-service UMask=0077 Restart=on-failure MemoryDenyWriteExecute=yes; do
    check "$setting" grep -qxF "$setting" "$unit"
done
check "no other capability is granted" bash -c '
    [ "$(grep -Ec "^(AmbientCapabilities|CapabilityBoundingSet)=" "$1")" = 2 ]' _ "$unit"
# Verified as installed, with the paths pointing into the unpacked package.
sed "s|/usr/bin/homepage-server|$binary|" "$unit" > "$work/iot-box-homepage.service"
verify_output=$(MANPATH="$unpacked/usr/share/man" systemd-analyze verify "$work/iot-box-homepage.service" 2>&1) \
    && verify_status=0 || verify_status=$?
[[ -z "$verify_output" ]] || echo "$verify_output" | sed 's/^/        /'
check "systemd-analyze verify is clean" [ "$verify_status" = 0 ] && [ -z "$verify_output" ]
security=$(systemd-analyze security --offline=yes --no-pager "$unit" 2>&1 || true)
exposure=$(grep -o 'Overall exposure level for iot-box-homepage.service: [0-9.]*' <<<"$security" | grep -o '[0-9.]*$' || true)
echo "        systemd-analyze security --offline=yes: exposure $exposure"
grep '✗' <<<"$security" | sed 's/^/        /' || true
check "exposure ${exposure:-?} is 2.0 or lower" \
    python3 -c 'import sys; sys.exit(0 if sys.argv[1] and float(sys.argv[1]) <= 2.0 else 1)' "${exposure:-}"

# ---------------------------------------------------------------------------------------
section "the packaged binary as the unit runs it (root: network namespace, setpriv)"
if [[ "$(id -u)" != 0 ]]; then
    skip "not root: the run in a network namespace as an unprivileged user needs root"
else
    "$here/run-in-namespace.sh" "$unpacked" "$work/run" && pass "run in a namespace (see above)" \
        || fail "run in a namespace (see above)"
fi

# ---------------------------------------------------------------------------------------
section "install, upgrade, remove, purge (root: dpkg on this system)"
if [[ "$(id -u)" != 0 ]]; then
    skip "not root: dpkg -i needs root"
elif dpkg -s iot-box-homepage >/dev/null 2>&1; then
    skip "iot-box-homepage is already installed on this system: not touching it"
else
    installed_by_us=1
    "$here/install-upgrade-purge.sh" "$deb" && pass "install, upgrade, remove, purge (see above)" \
        || fail "install, upgrade, remove, purge (see above)"
    installed_by_us=""
fi

echo
if [[ $failures -gt 0 ]]; then
    echo "test-package: $failures check(s) failed"
    exit 1
fi
echo "test-package: all checks passed"
