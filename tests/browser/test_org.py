"""The organisation pages in a real browser at 1366×768: the system administrator adds
a unit and a person, the security administrator gives the person a role, the person
logs in with the one-time password and must set their own."""

import pytest

pytest.importorskip("selenium")

from selenium.webdriver.common.by import By  # noqa: E402

from zhenggai.accounts.models import Membership, Unit  # noqa: E402
from zhenggai.demo import load_demo  # noqa: E402

from .pages import (  # noqa: E402
    button,
    check_page,
    follow,
    go,
    log_in,
    messages,
    no_sideways_scroll,
    press,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(browser):
    load_demo()
    return browser


def fill(driver, **fields) -> None:
    for name, value in fields.items():
        element = driver.find_element(By.NAME, name)
        if element.tag_name == "select":
            element.find_element(By.XPATH, f".//option[normalize-space()='{value}']").click()
        else:
            element.clear()
            element.send_keys(value)


def fits(driver, name: str) -> None:
    check_page(driver)
    assert no_sideways_scroll(driver), f"{driver.current_url} scrolls sideways at 1366 px"
    screenshot(driver, name)


def test_the_administrators_set_up_a_person_through_the_pages(demo):
    driver = demo
    log_in(driver, "xt_admin")
    follow(driver, driver.find_element(By.LINK_TEXT, "单位与用户"))
    fits(driver, "org-units")
    follow(driver, driver.find_element(By.LINK_TEXT, "添加单位"))
    fill(driver, name="文旅局办公室", parent="　区文化和旅游局")
    press(driver, button(driver, "保存"))
    assert "已添加单位“文旅局办公室”" in messages(driver)
    fits(driver, "org-unit")
    go(driver, "/accounts/users/")
    fits(driver, "org-users")
    follow(driver, driver.find_element(By.LINK_TEXT, "新建用户"))
    fill(driver, username="liqing", name="李青", post="科员")
    press(driver, button(driver, "保存"))
    password = driver.find_element(By.CSS_SELECTOR, "main code").text
    fits(driver, "org-one-time")
    log_in(driver, "aq_admin")
    unit = Unit.objects.get(name="文旅局办公室")
    go(driver, f"/accounts/units/{unit.pk}/")
    fill(driver, username="liqing", role="查阅人")
    press(driver, button(driver, "添加"))
    assert "已将李青（liqing）添加为“文旅局办公室”的成员" in messages(driver)
    fits(driver, "org-unit-members")
    assert Membership.objects.filter(user__username="liqing", unit=unit).exists()
    go(driver, "/accounts/policy/")
    fits(driver, "org-policy")
    driver.delete_all_cookies()
    go(driver, "/accounts/login/")
    driver.find_element(By.NAME, "username").send_keys("liqing")
    driver.find_element(By.NAME, "password").send_keys(password)
    press(driver, driver.find_element(By.CSS_SELECTOR, "main form button.primary"))
    assert driver.current_url.endswith("/accounts/password/")
    assert "一次性密码" in driver.find_element(By.TAG_NAME, "main").text
