#!/usr/bin/env python3
"""Runs a command with memory-deny-write-execute, as systemd's MemoryDenyWriteExecute=yes:
prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN) is kept across fork and exec, so the command and
everything it starts can never map memory both writable and executable.

    mdwe-exec.py COMMAND [ARG...]
    mdwe-exec.py --check     exits 0 when the kernel refuses a writable, executable mapping
                             to a program this one executes (the setting survives exec)
"""
import ctypes
import mmap
import os
import sys

PR_SET_MDWE = 65
PR_MDWE_REFUSE_EXEC_GAIN = 1

if sys.argv[1:] == ["--probe"]:
    try:
        mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    except PermissionError:
        sys.exit(0)
    sys.exit("mdwe-exec: a writable, executable mapping was allowed")

libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:
    sys.exit(f"mdwe-exec: prctl(PR_SET_MDWE) failed: {os.strerror(ctypes.get_errno())}")

if sys.argv[1:] == ["--check"]:
    os.execv(sys.executable, [sys.executable, os.path.abspath(__file__), "--probe"])

os.execvp(sys.argv[1], sys.argv[1:])
