#!/usr/bin/env python3
"""Checks that every system call in an strace log is allowed by a systemd SystemCallFilter=
set, so the unit's filter cannot kill or break the product on the paths the log covers.

    syscall-audit.py STRACE_LOG ALLOWED_GROUP [~DENIED_GROUP...]

Groups are expanded with `systemd-analyze syscall-filter`, nested groups included. Prints the
calls seen; exits 1 naming any call the filter would refuse.
"""
import re
import subprocess
import sys


def groups() -> dict[str, list[str]]:
    text = subprocess.run(
        ["systemd-analyze", "syscall-filter", "--no-pager"], check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("@"):
            current = line.strip()
            result[current] = []
        elif current and line.startswith("    ") and not line.strip().startswith("#") and line.strip():
            result[current].append(line.strip())
    return result


def expand(name: str, table: dict[str, list[str]], seen: set[str] | None = None) -> set[str]:
    seen = seen if seen is not None else set()
    if name in seen:
        return set()
    seen.add(name)
    calls: set[str] = set()
    for entry in table.get(name, []):
        calls |= expand(entry, table, seen) if entry.startswith("@") else {entry}
    return calls


def main() -> int:
    log, allowed_group, *denied_groups = sys.argv[1:]
    table = groups()
    allowed = expand(allowed_group, table)
    for group in denied_groups:
        allowed -= expand(group.lstrip("~"), table)
    seen: set[str] = set()
    call = re.compile(r"^(?:\[pid\s+)?\d+\]?\s+(?:<\.\.\. )?([a-z_][a-z0-9_]*)(?:\(| resumed>)")
    with open(log) as handle:
        for line in handle:
            match = call.match(line)
            if match:
                seen.add(match.group(1))
    if not seen:
        print(f"syscall-audit: no system call found in {log}", file=sys.stderr)
        return 1
    refused = sorted(seen - allowed)
    print(f"system calls made ({len(seen)}): {' '.join(sorted(seen))}")
    if refused:
        filter_text = " ".join([allowed_group] + denied_groups)
        print(f"refused by SystemCallFilter={filter_text}: {' '.join(refused)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
