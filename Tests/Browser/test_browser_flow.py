"""What a person does with the box, in a real browser: by IP over HTTP, then at the
odoo-iot.com address over verified HTTPS. Every step leaves a screenshot in test-output/."""

import contextlib
import json
import pathlib
import shutil
import tempfile
import time
import urllib.parse

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import OUTPUT, make_browser, make_nss_home

WAIT = 15


class Walk:
    """One browser and the screenshots of its steps.

    Every wait is on a condition (a new document after a form, text on the page, a state in
    /status.json), never a fixed sleep, and nothing reloads a page to look again: a reload
    would use up the one-time message that a form leaves for the page it redirects to."""

    def __init__(self, driver, name: str, javascript: bool = True):
        self.driver = driver
        self.javascript = javascript
        self.name = name
        self.step = 0
        OUTPUT.mkdir(parents=True, exist_ok=True)

    def shot(self, label: str) -> pathlib.Path:
        self.step += 1
        path = OUTPUT / f"{self.name}-{self.step:02d}-{label}.png"
        self.driver.save_screenshot(str(path))
        return path

    @contextlib.contextmanager
    def evidence(self):
        """Any failure inside leaves a screenshot and the page's text in the report."""
        try:
            yield
        except Exception as failure:
            try:
                shot = self.shot("FAILED")
                detail = f"\nat {self.driver.current_url}; screenshot {shot}; page text:\n{self.text()}"
            except Exception as problem:
                detail = f"\n(no screenshot: {problem})"
            raise AssertionError(f"{failure}{detail}") from failure

    def text(self) -> str:
        try:
            return self.driver.find_element(By.TAG_NAME, "body").text
        except (StaleElementReferenceException, NoSuchElementException):
            return ""

    def wait_for_text(self, *needles: str, label: str) -> str:
        """Waits (bounded) until the page shows every needle: the page loading, or its script
        updating it in place. Never reloads. On failure: the page's text and a screenshot."""
        deadline = time.monotonic() + WAIT
        while True:
            body = self.text()
            if all(needle in body for needle in needles):
                return body
            if time.monotonic() > deadline:
                shot = self.shot(f"FAILED-{label}")
                pytest.fail(f"{label}: page lacks {needles!r}; screenshot {shot}; page text:\n{body}")
            time.sleep(0.1)

    def current_document(self):
        return self.driver.find_element(By.TAG_NAME, "html")

    def wait_for_new_document(self, old):
        """After a click that navigates: until the old document is gone. Chromium reports an
        element of a document being replaced either as stale or as "does not belong to the
        document" (a plain WebDriverException, which `staleness_of` does not expect)."""

        def gone(_):
            try:
                old.is_enabled()
                return False
            except StaleElementReferenceException:
                return True
            except WebDriverException as problem:
                if "does not belong to the document" in str(problem):
                    return True
                raise

        WebDriverWait(self.driver, WAIT, poll_frequency=0.05).until(gone)

    def submit(self, action: str):
        """Presses the form's submit button and waits for the page the answer leads to."""
        old = self.current_document()
        form = self.driver.find_element(By.CSS_SELECTOR, f"form[action='{action}']")
        form.find_element(By.CSS_SELECTOR, "button[type='submit'], input[type='submit']").click()
        self.wait_for_new_document(old)

    def follow(self, selector: str):
        old = self.current_document()
        self.driver.find_element(By.CSS_SELECTOR, selector).click()
        self.wait_for_new_document(old)


def wait_for_status(box, condition, label: str) -> dict:
    """Polls /status.json (bounded) until `condition` holds: the box's own state, which the
    pages then show."""
    deadline = time.monotonic() + WAIT
    while True:
        status = box.status()
        if condition(status):
            return status
        assert time.monotonic() < deadline, f"{label}: never reached; last status {status}"
        time.sleep(0.1)


def error_code(status: dict):
    error = status["certificate"].get("error")
    return error and error.get("code")


def set_knobs(box, knobs: dict):
    """The sandbox reads knobs.json at each request: here, to make the service slow."""
    path = box.data_dir / "sandbox" / "knobs.json"
    if knobs:
        path.write_text(json.dumps(knobs))
    else:
        path.unlink(missing_ok=True)


def wait_for_download(folder: pathlib.Path) -> pathlib.Path:
    """The finished download: Chromium writes under temporary names (`.org.chromium…`,
    `*.crdownload`) and renames the file when its bytes are all there."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        for path in folder.iterdir():
            if path.name.startswith(".") or path.name.endswith(".crdownload"):
                continue
            try:
                if path.stat().st_size > 0:
                    return path
            except FileNotFoundError:
                pass
        time.sleep(0.2)
    raise AssertionError(f"no finished download in {folder}: {sorted(p.name for p in folder.iterdir())}")


def database(box, **wanted) -> dict:
    for entry in box.status()["sandbox"]["databases"]:
        if all(entry.get(key) == value for key, value in wanted.items()):
            return entry
    raise AssertionError(f"no sandbox database with {wanted}")


def enter_credentials(walk: Walk, uuid: str, code: str):
    driver = walk.driver
    for name, value in (("db_uuid", uuid), ("enterprise_code", code)):
        field = driver.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)
    walk.submit("/settings/credential")


def walk_to_certificate(box, walk: Walk):
    """Steps 1 to 3: missing credentials, a refused database, a malformed UUID, then success
    while the service is slow (the settings page must not reload over its forms)."""
    driver = walk.driver
    # The homepage visit starts a check, which fails at once without credentials.
    driver.get(box.http_url + "/")
    wait_for_status(box, lambda s: error_code(s) == "ERR_IOT_HTTPS_LOAD_NO_CREDENTIAL", "no-credential")
    driver.get(box.http_url + "/")
    walk.wait_for_text("ERR_IOT_HTTPS_LOAD_NO_CREDENTIAL", label="no-credential")
    walk.shot("homepage-no-credential")

    walk.follow("a[href='/settings']")
    assert driver.current_url.endswith("/settings")
    staging = database(box, kind="staging")
    enter_credentials(walk, staging["db_uuid"], staging["enterprise_code"])
    walk.wait_for_text("Credentials saved", label="staging-saved")
    wait_for_status(box, lambda s: error_code(s) == "ERR_IOT_HTTPS_LOAD_REQUEST_NO_RESULT", "staging-refused")
    driver.get(box.http_url + "/settings")
    body = walk.wait_for_text("ERR_IOT_HTTPS_LOAD_REQUEST_NO_RESULT", label="staging-refused")
    assert "production" in body.lower(), "the refusal explains the eligibility rules"
    walk.shot("staging-refused")

    enter_credentials(walk, "not-a-uuid", "typed-code")
    walk.wait_for_text("UUID", "Nothing was saved", label="bad-uuid")
    field = driver.find_element(By.NAME, "db_uuid")
    assert field.get_attribute("value") == "not-a-uuid"
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", field) if walk.javascript else None
    walk.shot("malformed-uuid")
    assert box.status()["certificate"]["state"] != "valid"

    # A service slower than the 2 s a page waits: the settings page comes back "checking".
    set_knobs(box, {"delay_ms": 4000})
    try:
        eligible = database(box, eligible=True)
        enter_credentials(walk, eligible["db_uuid"], eligible["enterprise_code"])
        walk.wait_for_text("Credentials saved", "Checking the certificate", label="checking")
        page = walk.current_document()
        assert not driver.find_elements(By.CSS_SELECTOR, "meta[http-equiv='refresh']"), "no reload over the forms"
        walk.shot("checking")
        if walk.javascript:
            see_the_banner_update_in_place(box, walk, page)
        else:
            # Without script: a link to look again, followed once the check has ended.
            wait_for_status(box, lambda s: s["certificate"]["state"] == "valid", "certificate-valid")
            walk.follow("a.check-notice-refresh")
            walk.wait_for_text("Valid until", label="settings-valid")
    finally:
        set_knobs(box, None)
    wait_for_status(box, lambda s: s["certificate"]["state"] == "valid", "certificate-valid")
    driver.get(box.http_url + "/")
    walk.wait_for_text("Valid until", "odoo-iot.com", label="banner")
    walk.shot("homepage-valid")


def see_the_banner_update_in_place(box, walk: Walk, page):
    """With script, the banner turns valid without a reload: what the person typed meanwhile
    and the form's one-time message are still there."""
    driver = walk.driver
    field = driver.find_element(By.NAME, "server_url")
    field.clear()
    field.send_keys("https://typed-while-checking.example")
    WebDriverWait(driver, WAIT, poll_frequency=0.1).until(
        lambda d: d.find_element(By.ID, "certificate-banner").get_attribute("data-state") == "valid")
    assert walk.current_document() == page, "the page was reloaded"
    assert field.get_attribute("value") == "https://typed-while-checking.example"
    body = walk.wait_for_text("Valid until", "The check has ended.", label="updated-in-place")
    assert "Credentials saved" in body, "the one-time message is still on the page"
    assert ".odoo-iot.com" in driver.find_element(By.ID, "certificate-banner").text
    walk.shot("updated-in-place")


@pytest.fixture(scope="module")
def browser_home(box):
    home = make_nss_home(box.sandbox_ca())
    yield home
    shutil.rmtree(home, ignore_errors=True)


def test_person_gets_a_certificate_and_uses_https(box, browser_home):
    downloads = pathlib.Path(tempfile.mkdtemp(prefix="downloads-"))
    driver = make_browser(browser_home, javascript=True, downloads=downloads)
    walk = Walk(driver, "js")
    try:
        with walk.evidence():
            walk_through_everything(box, walk, downloads)
    finally:
        driver.quit()
        shutil.rmtree(downloads, ignore_errors=True)


def walk_through_everything(box, walk: Walk, downloads: pathlib.Path):
    """Steps 1 to 5 with JavaScript on."""
    driver = walk.driver
    walk_to_certificate(box, walk)

    # Step 4: the HTTPS link, resolved to this machine and verified against the sandbox CA.
    https_url = box.status()["https_url"]
    assert https_url.startswith("https://") and ".odoo-iot.com" in https_url
    walk.follow(f"a[href^='{https_url}']")
    walk.wait_for_text("Valid until", label="https-homepage")
    assert urllib.parse.urlsplit(driver.current_url).hostname.endswith(".odoo-iot.com")
    # An untrusted certificate would have stopped at Chromium's interstitial instead.
    assert "Privacy error" not in driver.title
    walk.shot("homepage-over-https")

    # Step 5: log level, logs, download.
    driver.get(box.http_url + "/settings")
    Select(driver.find_element(By.NAME, "level")).select_by_value("debug")
    walk.submit("/settings/log-level")
    walk.wait_for_text("Log level set to debug", label="level-saved")
    selected = Select(driver.find_element(By.NAME, "level")).first_selected_option
    assert selected.get_attribute("value") == "debug"
    walk.shot("log-level-debug")
    walk.follow("a[href='/logs']")
    walk.wait_for_text("certificate", label="logs")
    walk.shot("logs")
    driver.get(box.http_url + "/settings")
    driver.find_element(By.CSS_SELECTOR, "a[href='/logs/download']").click()
    downloaded = wait_for_download(downloads)
    assert b"certificate" in downloaded.read_bytes(), "the downloaded log lacks the certificate lines"


def test_everything_works_without_javascript(browser_home):
    from conftest import Box

    work = pathlib.Path(tempfile.mkdtemp(prefix="box-nojs-"))
    fresh = Box(work / "data")
    downloads = work / "downloads"
    downloads.mkdir()
    driver = make_browser(browser_home, javascript=False, downloads=downloads)
    try:
        walk = Walk(driver, "nojs", javascript=False)
        with walk.evidence():
            walk_to_certificate(fresh, walk)
    finally:
        driver.quit()
        fresh.stop()
        shutil.rmtree(work, ignore_errors=True)
