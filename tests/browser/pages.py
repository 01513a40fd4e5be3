"""What a person does in the browser: log in, follow a link, fill a form, press a button."""

from __future__ import annotations

import os
from pathlib import Path

from selenium.common.exceptions import NoSuchElementException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from zhenggai.demo import PASSWORD

WAIT = 30


def go(driver, path: str) -> None:
    driver.get(driver.base + path)
    check_page(driver)


def check_page(driver) -> None:
    """The page rendered: not an error page (500, 404, 403)."""
    heading = driver.find_elements(By.CSS_SELECTOR, "main h1")
    code = heading[0].text.strip() if heading else ""
    assert code not in ("500", "404", "403"), f"{driver.current_url}: error page {code}"


def log_in(driver, username: str) -> None:
    """Through the login form, as a person would; lands on the home page."""
    driver.delete_all_cookies()
    go(driver, "/accounts/login/")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    press(driver, driver.find_element(By.CSS_SELECTOR, "main form button.primary"))
    assert "/accounts/login/" not in driver.current_url, f"{username} could not log in"


def reach(driver, path: str, via: tuple[str, ...] = ("/",)) -> None:
    """Open `path` by clicking a link to it on the first page of `via` that has one."""
    for page in via:
        go(driver, page)
        links = [
            a
            for a in driver.find_elements(By.CSS_SELECTOR, "main a[href]")
            if a.get_attribute("href").split("#")[0].removeprefix(driver.base) == path
        ]
        if links:
            follow(driver, links[0])
            assert driver.current_url.split("#")[0].removeprefix(driver.base) == path
            return
    raise AssertionError(f"no link to {path} on {', '.join(via)}")


def left(old):
    """A wait condition: the page that held `old` has been replaced.

    Selenium's staleness_of catches only StaleElementReferenceException; while the
    next page loads, chromedriver can answer for the old node with "Node with given id
    does not belong to the document" instead, which means the same.
    """

    def gone(driver) -> bool:
        try:
            old.is_enabled()
        except WebDriverException:
            return True
        return False

    return gone


def follow(driver, link) -> None:
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    old = driver.find_element(By.TAG_NAME, "html")
    link.click()
    WebDriverWait(driver, WAIT).until(left(old))
    check_page(driver)


def press(driver, button) -> None:
    """Press a submit button; answer its confirmation (data-confirm) with OK."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    form = button.find_element(By.XPATH, "./ancestor::form")
    asks = button.get_attribute("data-confirm") or form.get_attribute("data-confirm")
    old = driver.find_element(By.TAG_NAME, "html")
    button.click()
    if asks:
        WebDriverWait(driver, WAIT).until(EC.alert_is_present()).accept()
    WebDriverWait(driver, WAIT).until(left(old))
    check_page(driver)


def button(driver, text: str, within=None):
    """The submit button showing `text`."""
    scope = within or driver
    for candidate in scope.find_elements(By.CSS_SELECTOR, "button"):
        if candidate.text.strip() == text:
            return candidate
    raise NoSuchElementException(f"no button {text} on {driver.current_url}")


def messages(driver) -> str:
    return " ".join(li.text for li in driver.find_elements(By.CSS_SELECTOR, ".messages li"))


def no_sideways_scroll(driver) -> bool:
    width = driver.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    return width[0] <= width[1]


def viewport(driver, width: int, height: int) -> None:
    """The page's own width and height in CSS pixels; a phone below 600 px."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )


def screenshot(driver, name: str) -> None:
    """Keep a screenshot when ZHENGGAI_SCREENS names a folder."""
    folder = os.environ.get("ZHENGGAI_SCREENS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))
