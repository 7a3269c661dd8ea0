"""What a person does with the box, in a real browser: by IP over HTTP, then at the
odoo-iot.com address over verified HTTPS. Every step leaves a screenshot in test-output/."""

import contextlib
import pathlib
import shutil
import tempfile
import time
import urllib.parse

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import OUTPUT, make_browser, make_nss_home

WAIT = 15


class Walk:
    """One browser and the screenshots of its steps."""

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
        # A page that refreshes itself can replace <body> between finding and reading it.
        try:
            return self.settled(lambda: self.driver.find_element(By.TAG_NAME, "body").text)
        except WebDriverException:
            return ""

    def wait_for_text(self, *needles: str, label: str) -> str:
        """Waits (bounded) until the page shows every needle; the page refreshes itself while
        a check runs. On failure: the page's text and a screenshot."""
        deadline = time.monotonic() + WAIT
        while True:
            body = self.text()
            if all(needle in body for needle in needles):
                return body
            if time.monotonic() > deadline:
                shot = self.shot(f"FAILED-{label}")
                pytest.fail(f"{label}: page lacks {needles!r}; screenshot {shot}; page text:\n{body}")
            time.sleep(0.3)
            if "checking" in body.lower():
                continue
            self.driver.refresh()

    def settled(self, action):
        """Runs `action` (find, type, click) again when the page it works on was replaced
        meanwhile: a page showing a running check reloads itself."""
        deadline = time.monotonic() + WAIT
        while True:
            try:
                return action()
            except (StaleElementReferenceException, NoSuchElementException, WebDriverException) as problem:
                replaced = isinstance(problem, (StaleElementReferenceException, NoSuchElementException)) or (
                    "does not belong to the document" in str(problem)
                )
                if not replaced or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def submit(self, action: str):
        def press():
            form = self.driver.find_element(By.CSS_SELECTOR, f"form[action='{action}']")
            form.find_element(By.CSS_SELECTOR, "button[type='submit'], input[type='submit']").click()

        self.settled(press)


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

    def fill_and_send():
        for name, value in (("db_uuid", uuid), ("enterprise_code", code)):
            field = driver.find_element(By.NAME, name)
            field.clear()
            field.send_keys(value)
        form = driver.find_element(By.CSS_SELECTOR, "form[action='/settings/credential']")
        form.find_element(By.CSS_SELECTOR, "button[type='submit']").click()

    walk.settled(fill_and_send)


def walk_to_certificate(box, walk: Walk):
    """Steps 1 to 3: missing credentials, a refused database, a malformed UUID, then success."""
    driver = walk.driver
    driver.get(box.http_url + "/")
    walk.wait_for_text("ERR_IOT_HTTPS_LOAD_NO_CREDENTIAL", label="no-credential")
    walk.shot("homepage-no-credential")

    walk.settled(lambda: driver.find_element(By.CSS_SELECTOR, "a[href='/settings']").click())
    assert driver.current_url.endswith("/settings")
    staging = database(box, kind="staging")
    enter_credentials(walk, staging["db_uuid"], staging["enterprise_code"])
    body = walk.wait_for_text("ERR_IOT_HTTPS_LOAD_REQUEST_NO_RESULT", label="staging-refused")
    assert "production" in body.lower(), "the refusal explains the eligibility rules"
    walk.shot("staging-refused")

    enter_credentials(walk, "not-a-uuid", "typed-code")
    body = walk.wait_for_text("UUID", label="bad-uuid")
    field = walk.settled(lambda: driver.find_element(By.NAME, "db_uuid"))
    assert field.get_attribute("value") == "not-a-uuid"
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", field) if walk.javascript else None
    walk.shot("malformed-uuid")
    assert box.status()["certificate"]["state"] != "valid"

    eligible = database(box, eligible=True)
    enter_credentials(walk, eligible["db_uuid"], eligible["enterprise_code"])
    walk.wait_for_text("odoo-iot.com", label="certificate-valid")
    deadline = time.monotonic() + WAIT
    while box.status()["certificate"]["state"] != "valid":
        assert time.monotonic() < deadline, f"certificate never valid: {box.status()}"
        time.sleep(0.3)
    driver.get(box.http_url + "/")
    walk.wait_for_text("Valid until", label="banner")
    walk.shot("homepage-valid")


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
    walk.settled(lambda: driver.find_element(By.CSS_SELECTOR, f"a[href^='{https_url}']").click())
    walk.wait_for_text("Valid until", label="https-homepage")
    assert urllib.parse.urlsplit(driver.current_url).hostname.endswith(".odoo-iot.com")
    # An untrusted certificate would have stopped at Chromium's interstitial instead.
    assert "Privacy error" not in driver.title
    walk.shot("homepage-over-https")

    # Step 5: log level, logs, download.
    driver.get(box.http_url + "/settings")
    walk.settled(lambda: Select(driver.find_element(By.NAME, "level")).select_by_value("debug"))
    walk.submit("/settings/log-level")
    walk.wait_for_text("Log level set to debug", label="level-saved")
    selected = walk.settled(lambda: Select(driver.find_element(By.NAME, "level")).first_selected_option)
    assert selected.get_attribute("value") == "debug"
    walk.shot("log-level-debug")
    walk.settled(lambda: driver.find_element(By.CSS_SELECTOR, "a[href='/logs']").click())
    walk.wait_for_text("certificate", label="logs")
    walk.shot("logs")
    driver.get(box.http_url + "/settings")
    walk.settled(lambda: driver.find_element(By.CSS_SELECTOR, "a[href='/logs/download']").click())
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
