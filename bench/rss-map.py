#!/usr/bin/env python3
"""Where a process's resident memory is, from /proc/PID/smaps, one column per process.

  bench/rss-map.py "no cert=PID" "valid cert=PID" ...

Each row is a group of mappings with its resident size in KB and, after the slash, how much
of it is anonymous (heap, stacks, copied-on-write data; the rest is pages of a file, which
the kernel can drop and read again). The executable's mappings are told apart by what they
hold; a library's mappings are added up under its name.
"""
import os
import sys


def mappings(pid):
    """Yields (path or pseudo-name, permissions, file offset, {field: kB}) per mapping."""
    current = None
    with open(f"/proc/{pid}/smaps") as smaps:
        for line in smaps:
            fields = line.split()
            if not fields[0].endswith(":"):
                if current:
                    yield current
                name = fields[5] if len(fields) > 5 else ""
                current = (name, fields[1], int(fields[2], 16), {})
            elif len(fields) >= 2 and fields[1].isdigit():
                current[3][fields[0][:-1]] = int(fields[1])
    if current:
        yield current


def groups(pid):
    """{row label: [rss, anonymous]} for one process, in kB."""
    executable = os.readlink(f"/proc/{pid}/exe")
    rows = {}

    def add(label, values):
        row = rows.setdefault(label, [0, 0])
        row[0] += values.get("Rss", 0)
        row[1] += values.get("Anonymous", 0)

    for name, perms, offset, values in mappings(pid):
        if name == executable:
            if "x" in perms:
                add("executable: code", values)
            elif perms.startswith("r--") and offset == 0:
                add("executable: symbols, unwind tables, Swift metadata", values)
            elif perms.startswith("r--"):
                add("executable: relocated read-only data (RELRO)", values)
            else:
                add("executable: data, .rodata, .bss", values)
        elif name.startswith("/"):
            add(os.path.basename(name), values)
        elif name == "[heap]":
            add("[heap] (main malloc arena)", values)
        elif name == "[stack]":
            add("[stack] (main thread)", values)
        elif name in ("[vdso]", "[vvar]", "[vvar_vclock]", "[vsyscall]"):
            add("[vdso]", values)
        else:
            add("anonymous: .bss tail, thread stacks, malloc arenas", values)
    return rows


def main():
    columns = []
    for argument in sys.argv[1:]:
        label, _, pid = argument.rpartition("=")
        columns.append((label or pid, groups(pid)))
    if not columns:
        sys.exit(__doc__)
    order = []
    for _, rows in columns:
        for label in sorted(rows, key=lambda label: -rows[label][0]):
            if label not in order and rows[label][0] > 0:
                order.append(label)
    width = max(len(label) for label in order + ["total"])
    print(f"{'RSS by mapping, KB (of which anonymous)':<{width}}" + "".join(f" {label:>18}" for label, _ in columns))
    for label in order + ["total"]:
        cells = []
        for _, rows in columns:
            if label == "total":
                rss, anonymous = (sum(row[i] for row in rows.values()) for i in (0, 1))
            else:
                rss, anonymous = rows.get(label, [0, 0])
            cells.append(f" {f'{rss} ({anonymous})':>18}")
        print(f"{label:<{width}}" + "".join(cells))


main()
