"""The homepage's in-browser check, opened over HTTP: does this device reach the box's HTTPS
address? Chromium's host-resolver rules play both networks: one whose DNS sends the
odoo-iot.com name to the box, and one whose DNS does not resolve it."""

import http.cookiejar
import re
import shutil
import tempfile
import time
import pathlib
import urllib.parse
import urllib.request

import pytest
from selenium.webdriver.common.by import By

from conftest import OUTPUT, make_browser, make_nss_home

WAIT = 15


def post_form(box, path: str, fields: dict) -> None:
    """Submits a settings form as the page would: the session cookie, the CSRF token made for
    it, and the box's own Origin."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)
    with opener.open(box.http_url + "/settings", timeout=10) as response:
        page = response.read().decode()
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page).group(1)
    body = urllib.parse.urlencode({**fields, "csrf_token": token}).encode()
    request = urllib.request.Request(
        box.http_url + path, data=body, method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": box.http_url})
    try:
        opener.open(request, timeout=30)
    except urllib.error.HTTPError as answer:
        assert answer.code == 303, f"{path} answered {answer.code}"


@pytest.fixture(scope="module")
def box_with_certificate(box):
    production = next(d for d in box.status()["sandbox"]["databases"] if d["eligible"])
    post_form(box, "/settings/credential",
              {"db_uuid": production["db_uuid"], "enterprise_code": production["enterprise_code"]})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status = box.status()
        if status["https_url"] and status["https"]["listening"]:
            return box
        time.sleep(0.2)
    pytest.fail(f"no certificate: {box.status()}")


def reachability_text(driver) -> tuple[str, str]:
    """Waits until the page's script has said whether this device reaches the HTTPS address."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        note = driver.find_element(By.ID, "reachability")
        verdict = note.get_attribute("data-reachable")
        if verdict:
            return verdict, note.text
        time.sleep(0.1)
    raise AssertionError(f"the check said nothing: {driver.find_element(By.TAG_NAME, 'body').text}")


@pytest.mark.parametrize(
    "network, rules, expected",
    [
        ("dns-resolves", "MAP *.odoo-iot.com 127.0.0.1", "yes"),
        ("dns-does-not-resolve", "MAP *.odoo-iot.com ~NOTFOUND", "no"),
    ],
)
def test_the_homepage_says_whether_this_device_reaches_the_https_address(box_with_certificate, network, rules,
                                                                          expected):
    box = box_with_certificate
    https_url = box.status()["https_url"]
    home = make_nss_home(box.sandbox_ca())
    downloads = pathlib.Path(tempfile.mkdtemp(prefix="downloads-"))
    driver = make_browser(home, javascript=True, downloads=downloads, resolver_rules=rules)
    try:
        driver.get(box.http_url + "/")
        verdict, text = reachability_text(driver)
        OUTPUT.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(OUTPUT / f"reachability-{network}.png"))
        assert verdict == expected, text
        if expected == "yes":
            assert f"This device reaches the secure address {https_url}." in text
        else:
            assert f"This device does not reach the secure address {https_url}" in text
            assert "change the DNS on the router, or on this device" in text
            assert "DNS_PROBE_FINISHED_NXDOMAIN" in text
    finally:
        driver.quit()
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(downloads, ignore_errors=True)


def test_without_javascript_the_advice_is_text(box_with_certificate):
    box = box_with_certificate
    home = make_nss_home(box.sandbox_ca())
    downloads = pathlib.Path(tempfile.mkdtemp(prefix="downloads-"))
    driver = make_browser(home, javascript=False, downloads=downloads, resolver_rules="MAP *.odoo-iot.com ~NOTFOUND")
    try:
        driver.get(box.http_url + "/")
        note = driver.find_element(By.ID, "reachability")
        assert note.get_attribute("data-reachable") is None
        assert "if it does not open, this device cannot reach it" in note.text
        body = driver.find_element(By.TAG_NAME, "body").text
        assert "DNS_PROBE_FINISHED_NXDOMAIN" in body
        assert "Google DNS" in body
    finally:
        driver.quit()
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(downloads, ignore_errors=True)
