"""Odoo's database calls the box: a page served over HTTPS by a stand-in "Odoo database" at its
own name calls the box's HTTPS name with fetch, as the real database does. The same calls from
a page of a foreign site are blocked by the browser and change nothing on the box."""

import http.server
import json
import pathlib
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import urllib.request

import pytest

from conftest import Box, make_browser, make_nss_home

WAIT = 30
# The sandbox CA signs only under odoo-iot.com (a name constraint), and the browser resolves
# those names to this machine. Neither name is under the box's certificate domain.
ODOO_NAME = "odoo-database.odoo-iot.com"
FOREIGN_NAME = "foreign-site.odoo-iot.com"
PAGE = b"<!doctype html><meta charset=utf-8><title>stand-in</title><p>a web page</p>"

# Runs in the page: each call as the database's JavaScript makes it; a call the browser blocks
# ends in a TypeError, which is reported as "blocked".
CALLS = """
const box = arguments[0], credential = arguments[1], done = arguments[arguments.length - 1];
const blocked = (error) => "blocked: " + error;
(async () => {
  const out = {};
  out.ping = await fetch(box + "/iot_drivers/ping").then((r) => r.json()).catch(blocked);
  out.data = await fetch(box + "/iot_drivers/data").then((r) => r.json()).catch(blocked);
  out.save = await fetch(box + "/iot_drivers/save_credential", {
    method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({jsonrpc: "2.0", method: "call", id: 1, params: credential}),
  }).then((r) => r.json()).catch(blocked);
  out.logs = await fetch(box + "/iot_drivers/download_logs").then(async (r) => ({
    status: r.status, disposition: r.headers.get("Content-Disposition"), text: await r.text(),
  })).catch(blocked);
  done(out);
})();
"""

# What a foreign page can still try without reading the answer: requests the browser sends
# without a preflight. The box must refuse them all.
BLIND_CALLS = """
const box = arguments[0], credential = arguments[1], done = arguments[arguments.length - 1];
(async () => {
  const body = JSON.stringify({params: credential});
  for (const type of ["text/plain", "application/x-www-form-urlencoded"]) {
    await fetch(box + "/iot_drivers/save_credential", {method: "POST", mode: "no-cors",
      headers: {"Content-Type": type}, body}).catch(() => null);
  }
  await fetch(box + "/iot_drivers/clear_credential", {mode: "no-cors"}).catch(() => null);
  for (const policy of ["strict-origin-when-cross-origin", "no-referrer"]) {
    await new Promise((resolve) => {
      const image = new Image();
      image.referrerPolicy = policy;
      image.onload = image.onerror = resolve;
      image.src = box + "/iot_drivers/clear_credential?from=" + policy;
    });
  }
  done("sent");
})();
"""


def issue_site_certificate(data_dir: pathlib.Path, folder: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path]:
    """A certificate for the stand-in sites' names from the sandbox CA, which the browser's
    throw-away NSS store trusts."""
    key, csr, cert, ext = (folder / name for name in ("site.key", "site.csr", "site.pem", "site.ext"))
    ext.write_text(
        f"subjectAltName=DNS:{ODOO_NAME},DNS:{FOREIGN_NAME}\n"
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
    )
    subprocess.run(
        ["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-subj", f"/CN={ODOO_NAME}", "-out", str(csr)],
        check=True, capture_output=True,
    )
    sandbox = data_dir / "sandbox"
    subprocess.run(
        ["openssl", "x509", "-req", "-in", str(csr), "-CA", str(sandbox / "ca.pem"),
         "-CAkey", str(sandbox / "ca-key.pem"), "-set_serial", str(int(time.time() * 1000)),
         "-days", "2", "-sha256", "-extfile", str(ext), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


class Site:
    """A stand-in web site over HTTPS on loopback: one page at `/`."""

    def __init__(self, name: str, cert: pathlib.Path, key: pathlib.Path):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(PAGE)))
                self.end_headers()
                self.wfile.write(PAGE)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(cert), str(key))
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.origin = f"https://{name}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def post_json(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def wait_for(what: str, condition, box: Box) -> dict:
    deadline = time.monotonic() + WAIT
    while True:
        status = box.status()
        if condition(status):
            return status
        assert time.monotonic() < deadline, f"{what}: {status}"
        time.sleep(0.3)


@pytest.fixture(scope="module")
def scene():
    """A box with a certificate, its settings naming the stand-in database, and a browser."""
    work = pathlib.Path(tempfile.mkdtemp(prefix="box-odoo-db-"))
    box = Box(work / "data")
    sites, driver, home = [], None, None
    try:
        # The box gets its certificate through the same call, made by a script on the LAN.
        eligible = next(d for d in box.status()["sandbox"]["databases"] if d["eligible"])
        answer = post_json(box.http_url + "/iot_drivers/save_credential",
                           {"params": {"db_uuid": eligible["db_uuid"], "enterprise_code": eligible["enterprise_code"]}})
        assert answer["result"]["status"] == "success", answer
        status = wait_for("a valid certificate",
                          lambda s: s["certificate"]["state"] == "valid" and s["https_url"], box)
        cert, key = issue_site_certificate(box.data_dir, work)
        sites = [Site(ODOO_NAME, cert, key), Site(FOREIGN_NAME, cert, key)]
        home = make_nss_home(box.sandbox_ca())
        driver = make_browser(home, javascript=True, downloads=work)
        driver.set_script_timeout(WAIT)
        # A person names the database on the settings page, as on a real box.
        driver.get(box.http_url + "/settings")
        field = driver.find_element("css selector", "form[action='/settings/server'] input[name='server_url']")
        field.clear()
        field.send_keys(sites[0].origin)
        driver.find_element("css selector", "form[action='/settings/server'] button[type='submit']").click()
        wait_for("the database saved", lambda s: s["server_url"] == sites[0].origin, box)
        yield {"box": box, "https_url": status["https_url"], "odoo": sites[0], "foreign": sites[1],
               "driver": driver, "conf": box.data_dir / "odoo.conf"}
    finally:
        if driver:
            driver.quit()
        for site in sites:
            site.stop()
        box.stop()
        shutil.rmtree(work, ignore_errors=True)
        if home:
            shutil.rmtree(home, ignore_errors=True)


def run_calls(scene, site: Site, credential: dict) -> dict:
    driver = scene["driver"]
    driver.get(site.origin + "/")
    assert "a web page" in driver.page_source, "the stand-in site's page loaded over trusted HTTPS"
    return driver.execute_async_script(CALLS, scene["https_url"], credential)


def log_text(scene) -> str:
    return (scene["box"].data_dir / "logs" / "homepage.log").read_text(errors="replace")


def refusal_count(scene) -> int:
    return log_text(scene).count("iot_drivers call refused")


def test_the_odoo_database_page_calls_the_box(scene):
    credential = {"db_uuid": "0f8fad5b-d9cb-469f-a165-70867728950e", "enterprise_code": "FROM-THE-DATABASE"}
    out = run_calls(scene, scene["odoo"], credential)
    assert out["ping"] == {"status": "success", "message": "pong"}, out["ping"]
    data = out["data"]
    assert isinstance(data, dict), data
    assert data["identifier"] == scene["box"].status()["identifier"]
    assert data["server_status"] == scene["odoo"].origin
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", data["certificate_end_date"] or ""), data
    assert "enterprise_code" not in data
    assert out["save"]["result"]["status"] == "success", out["save"]
    conf = scene["conf"].read_text()
    assert "db_uuid = 0f8fad5b-d9cb-469f-a165-70867728950e" in conf
    assert "enterprise_code = FROM-THE-DATABASE" in conf
    logs = out["logs"]
    assert isinstance(logs, dict) and logs["status"] == 200, logs
    assert re.fullmatch(r'attachment; filename="iot-odoo-[A-Za-z0-9._-]+-\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d\.log"',
                        logs["disposition"] or ""), logs["disposition"]
    assert "certificate" in logs["text"]
    assert "FROM-THE-DATABASE" not in logs["text"], "the enterprise code is redacted from the log"


def test_a_foreign_page_is_blocked_and_changes_nothing(scene):
    before = scene["conf"].read_text()
    assert "enterprise_code" in before
    credential = {"db_uuid": "11111111-2222-4333-8444-555555555555", "enterprise_code": "FROM-ELSEWHERE"}
    out = run_calls(scene, scene["foreign"], credential)
    # ping is a constant, open to every page, as on Odoo's box.
    assert out["ping"] == {"status": "success", "message": "pong"}, out["ping"]
    for call in ("data", "save", "logs"):
        assert isinstance(out[call], str) and out[call].startswith("blocked: TypeError"), (call, out[call])
    refusals = refusal_count(scene)
    scene["driver"].execute_async_script(BLIND_CALLS, scene["https_url"], credential)
    # They reached the box, which refused each one (two posts, a fetch and two images).
    assert refusal_count(scene) >= refusals + 5, log_text(scene)[-3000:]
    assert scene["conf"].read_text() == before
    assert scene["box"].status()["server_url"] == scene["odoo"].origin
