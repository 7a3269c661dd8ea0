#!/usr/bin/env python3
"""Small clients for bench/homepage.sh, each doing one exactly defined thing.

  requests URL COUNT        COUNT GETs one after the other on a keep-alive connection (a new
                            one when the server closes it); fails unless every answer is a
                            200 with a body
  hold URL COUNT            opens COUNT keep-alive connections (50 per loopback source
                            address), makes one GET on each, prints "ready" and keeps them
                            open (idle) until stdin closes
  start-time COUNT CMD...   starts CMD COUNT times, each time measuring from just before the
                            exec to the first line on its stdout, then stops it with SIGTERM;
                            prints the median in milliseconds
"""
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from urllib.parse import urlsplit


def split_url(url):
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.hostname, parts.port or 80, path, parts.netloc


def request_bytes(netloc, path):
    return f"GET {path} HTTP/1.1\r\nHost: {netloc}\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n".encode()


def read_response(sock, pending):
    """Reads one response with a Content-Length body; returns (status, body length, rest,
    whether the server closes the connection after it)."""
    while b"\r\n\r\n" not in pending:
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError("connection closed before a response head")
        pending += chunk
    head, _, rest = pending.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = None
    closes = False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value.strip())
        elif name == b"connection" and value.strip().lower() == b"close":
            closes = True
    if length is None:
        raise RuntimeError("response without Content-Length: " + lines[0].decode(errors="replace"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError("connection closed inside a body")
        rest += chunk
    return status, length, rest[length:], closes


def run_requests(url, count):
    host, port, path, netloc = split_url(url)
    message = request_bytes(netloc, path)
    sock = None
    pending = b""
    for _ in range(count):
        # Both servers close a connection after 1000 requests (keepalive_requests).
        if sock is None:
            sock = socket.create_connection((host, port))
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            pending = b""
        sock.sendall(message)
        status, length, pending, closes = read_response(sock, pending)
        if status != 200 or length == 0:
            raise SystemExit(f"homepage-client: {url} answered {status} with {length} bytes")
        if closes:
            sock.close()
            sock = None
    if sock is not None:
        sock.close()


def hold(url, count):
    host, port, path, netloc = split_url(url)
    message = request_bytes(netloc, path)
    sockets = []
    for index in range(count):
        # A server may cap connections per client address (homepage-server: 64), so the
        # connections come from 50 each of 127.0.0.2, 127.0.0.3, ... (all loopback).
        source = f"127.0.{2 + index // 50 // 254}.{2 + index // 50 % 254}"
        sock = socket.create_connection((host, port), source_address=(source, 0))
        sock.sendall(message)
        sockets.append(sock)
    for sock in sockets:
        status, _, rest, closes = read_response(sock, b"")
        if status != 200 or rest or closes:
            raise SystemExit(f"homepage-client: {url} answered {status} on a held connection")
    print("ready", flush=True)
    sys.stdin.read()
    for sock in sockets:
        sock.close()


def start_time(count, command):
    samples = []
    for _ in range(count):
        started = time.monotonic()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        line = process.stdout.readline()
        elapsed = time.monotonic() - started
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        if not line.startswith(b"http"):
            raise SystemExit(f"homepage-client: the server's first line was {line!r}")
        samples.append(elapsed * 1000)
    print(f"{statistics.median(samples):.1f} {min(samples):.1f} {max(samples):.1f}")


def main(argv):
    if len(argv) >= 3 and argv[0] == "requests":
        run_requests(argv[1], int(argv[2]))
    elif len(argv) >= 3 and argv[0] == "hold":
        hold(argv[1], int(argv[2]))
    elif len(argv) >= 3 and argv[0] == "start-time":
        start_time(int(argv[1]), argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
