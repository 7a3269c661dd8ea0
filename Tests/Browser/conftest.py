"""Fixtures for the browser suite: a sandboxed homepage-server on free ports and a headless
Chromium that trusts only the sandbox CA, through a throw-away NSS certificate store."""

import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output" / "browser"
STARTUP_TIMEOUT = 30


def server_binary() -> pathlib.Path:
    path = ROOT / ".build" / "debug" / "homepage-server"
    if not path.exists():
        subprocess.run(["swift", "build", "--product", "homepage-server"], cwd=ROOT, check=True)
    return path


class Box:
    """A running `homepage-server --sandbox` with its own data dir."""

    def __init__(self, data_dir: pathlib.Path):
        self.data_dir = data_dir
        self.log = open(data_dir.parent / "server-output.txt", "w+")
        self.process = subprocess.Popen(
            [
                str(server_binary()), "--sandbox", "--bind", "127.0.0.1",
                "--http-port", "0", "--https-port", "0",
                "--data-dir", str(data_dir), "--log-level", "info",
            ],
            stdout=subprocess.PIPE, stderr=self.log, text=True,
        )
        self.http_url = self._read_http_url()

    def _read_http_url(self) -> str:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            match = re.match(r"(http://127\.0\.0\.1:\d+)/", line.strip())
            if match:
                return match.group(1)
        self.stop()
        raise RuntimeError("homepage-server printed no HTTP URL")

    def status(self) -> dict:
        with urllib.request.urlopen(self.http_url + "/status.json", timeout=5) as response:
            return json.load(response)

    def sandbox_ca(self) -> bytes:
        with urllib.request.urlopen(self.http_url + "/sandbox/ca.pem", timeout=5) as response:
            return response.read()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.log.close()


@pytest.fixture(scope="module")
def box():
    work = pathlib.Path(tempfile.mkdtemp(prefix="box-browser-"))
    running = Box(work / "data")
    yield running
    running.stop()
    shutil.rmtree(work, ignore_errors=True)


def make_nss_home(ca_pem: bytes) -> pathlib.Path:
    """A fresh HOME whose NSS store trusts the sandbox CA and nothing added besides."""
    home = pathlib.Path(tempfile.mkdtemp(prefix="chromium-home-"))
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True)
    subprocess.run(["certutil", "-N", "-d", f"sql:{nssdb}", "--empty-password"], check=True)
    ca_file = home / "sandbox-ca.pem"
    ca_file.write_bytes(ca_pem)
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{nssdb}", "-n", "IoT box sandbox CA", "-t", "C,,", "-i", str(ca_file)],
        check=True,
    )
    return home


def make_browser(home: pathlib.Path, javascript: bool, downloads: pathlib.Path,
                 resolver_rules: str = "MAP *.odoo-iot.com 127.0.0.1") -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=1200,1100", f"--user-data-dir={home / 'profile'}",
        # The certificate names the box as *.<hex>.odoo-iot.com: resolve those names here
        # (or, to play a network whose DNS does not, to nowhere).
        f"--host-resolver-rules={resolver_rules}",
    ):
        options.add_argument(argument)
    prefs = {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    options.add_experimental_option("prefs", prefs)
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver",
                      env={**os.environ, "HOME": str(home)})
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(20)
    return driver

