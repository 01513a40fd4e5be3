"""A real headless Chromium (Debian's chromium and chromium-driver) driven by Selenium.

Nothing is downloaded at run time: without chromium and chromedriver on PATH the tests
skip, saying what to install (CI sets ZHENGGAI_REQUIRE_BROWSER, and fails instead).
ZHENGGAI_SCREENS=<folder> keeps screenshots there.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
try:
    import selenium  # noqa: F401

    MISSING = ""
except ImportError:  # pragma: no cover - selenium is in the test extras
    MISSING = "selenium is not installed (pip install -e '.[test]')"
if not MISSING and not (CHROMIUM and CHROMEDRIVER):
    MISSING = "no chromium or chromedriver on PATH: apt-get install -y chromium chromium-driver"


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: walks the pages in a headless Chromium")


def pytest_collection_modifyitems(config, items):
    browser_items = [i for i in items if "tests/browser/" in i.nodeid.replace(os.sep, "/")]
    if browser_items and MISSING and os.environ.get("ZHENGGAI_REQUIRE_BROWSER"):
        # CI sets it: a browser suite that silently skips would prove nothing.
        raise pytest.UsageError(f"ZHENGGAI_REQUIRE_BROWSER is set, but {MISSING}")
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
        if MISSING:
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {MISSING}"))


@pytest.fixture(scope="session")
def chromium():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument("--hide-scrollbars")
    options.add_argument("--lang=zh-CN")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture
def browser(chromium, live_server, settings):
    """The session's Chromium at 1366×768, cookies cleared, pointed at the live server."""
    # The live server speaks plain HTTP: cookies must not demand HTTPS.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    from .pages import viewport

    chromium.base = live_server.url
    viewport(chromium, 1366, 768)
    chromium.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    chromium.delete_all_cookies()
    yield chromium
    chromium.delete_all_cookies()
