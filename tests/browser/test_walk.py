"""Each role's main path through the demo district, in a real browser.

The walk follows the links a person would (home page, then the page where the work is
done), not a fixed layout: a page that breaks on the way fails the test.
"""

import base64
import re

import pytest

pytest.importorskip("selenium")

from selenium.webdriver.common.by import By  # noqa: E402

from zhenggai.demo import ADMINS, USERS, load_demo  # noqa: E402
from zhenggai.demo_files import pdf  # noqa: E402
from zhenggai.disclosure.models import Comment, NoticeDraft, PublishedNotice  # noqa: E402
from zhenggai.ledger.models import Inspection, Measure  # noqa: E402
from zhenggai.oversight.models import SignOff  # noqa: E402

from .pages import (  # noqa: E402
    button,
    check_page,
    go,
    log_in,
    messages,
    no_sideways_scroll,
    press,
    reach,
    screenshot,
    viewport,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(browser):
    load_demo()
    return browser


def test_each_role_walks_its_main_path(demo, tmp_path):
    driver = demo
    bureau = Inspection.objects.get(unit__name="区文化和旅游局")
    measure = Measure.objects.get(text__startswith="制定乡村旅游精品线路提升方案")

    # The owner reports progress with an evidence file, then asks for completion.
    log_in(driver, "wl_owner")
    reach(driver, f"/measures/{measure.pk}/", via=("/", f"/inspections/{bureau.pk}/"))
    evidence = tmp_path / "线路标识导览验收单.pdf"
    evidence.write_bytes(pdf("线路标识导览验收单", ["三条线路的标识导览和配套设施已全部验收。"]))
    report = "其余2条线路的标识导览和配套设施已完工并通过验收。"
    driver.find_element(By.ID, "id_text").send_keys(report)
    driver.find_element(By.ID, "id_figures").send_keys("完成线路改造 3 条")
    driver.find_element(By.ID, "id_files").send_keys(str(evidence))
    press(driver, button(driver, "报送"))
    assert "已报送整改进展" in messages(driver)
    assert driver.find_element(By.LINK_TEXT, evidence.name)
    driver.find_element(By.NAME, "note").send_keys("三条线路均已完工验收。")
    press(driver, button(driver, "申请完成"))
    assert "已提交完成申请" in messages(driver)

    # The editor confirms it: the measure is done.
    log_in(driver, "wl_editor")
    reach(driver, f"/measures/{measure.pk}/", via=("/", f"/inspections/{bureau.pk}/"))
    press(driver, button(driver, "确认完成"))
    assert "已确认完成" in messages(driver)
    measure.refresh_from_db()
    assert measure.status == Measure.Status.DONE

    # The office reviews a sign-off application and closes the problem.
    signoff = SignOff.objects.get(status=SignOff.Status.APPLIED, problem__inspection=bureau)
    log_in(driver, "xuncha")
    reach(driver, f"/oversight/signoffs/{signoff.pk}/", via=("/", "/oversight/"))
    press(driver, button(driver, "审核通过，予以销号"))
    signoff.refresh_from_db()
    assert signoff.status == SignOff.Status.APPROVED
    assert "已销号" in driver.find_element(By.TAG_NAME, "main").text

    # The leader signs the notice the editor submitted; the editor publishes it.
    draft = NoticeDraft.objects.get(inspection=bureau, status=NoticeDraft.Status.SUBMITTED)
    draft_page = f"/public/inspections/{bureau.pk}/draft/"
    log_in(driver, "wl_leader")
    reach(driver, draft_page, via=("/", f"/inspections/{bureau.pk}/"))
    press(driver, button(driver, "签发"))
    assert "已签发" in messages(driver)
    log_in(driver, "wl_editor")
    reach(driver, draft_page, via=("/", f"/inspections/{bureau.pk}/"))
    press(driver, button(driver, "发布"))
    assert "已发布第2版通报" in messages(driver)
    notice = PublishedNotice.objects.get(inspection=bureau, version=2)
    assert notice.sha256 == draft.sha256

    # A visitor reads it on the public page and sends a comment.
    driver.delete_all_cookies()
    reach(driver, f"/public/notices/{notice.pk}/", via=("/public/",))
    driver.find_element(By.ID, "id_content").send_keys("建议公布三条精品线路的开放时间。")
    press(driver, button(driver, "提交"))
    assert "已收到您的意见建议" in messages(driver)
    comment = Comment.objects.get(content="建议公布三条精品线路的开放时间。")

    # The editor answers it in public; the visitor sees the answer.
    log_in(driver, "wl_editor")
    reach(
        driver,
        f"/public/notices/{notice.pk}/comments/",
        via=("/", f"/public/notices/{notice.pk}/"),
    )
    card = driver.find_element(By.ID, f"comment-{comment.pk}")
    card.find_element(By.NAME, "reply").send_keys("三条线路全天开放，开放时间已在景区导览牌公示。")
    card.find_element(By.NAME, "reply_public").click()
    press(driver, button(driver, "保存答复", within=card))
    assert "已保存答复" in messages(driver)
    driver.delete_all_cookies()
    go(driver, f"/public/notices/{notice.pk}/")
    assert "开放时间已在景区导览牌公示" in driver.find_element(By.TAG_NAME, "main").text


def test_the_ledger_prints_on_a4_without_the_screen_furniture(demo):
    driver = demo
    bureau = Inspection.objects.get(unit__name="区文化和旅游局")
    log_in(driver, "wl_editor")
    go(driver, f"/inspections/{bureau.pk}/")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    shown = driver.execute_script(
        """
        const visible = (el) => el.getClientRects().length > 0;
        const q = (s) => Array.from(document.querySelectorAll(s));
        const light = document.querySelector('table.ledger .light.red');
        const style = getComputedStyle(light);
        return {
          header: q('header.top').some(visible),
          buttons: q('main button, main .button, main form').some(visible),
          rows: q('table.ledger tr.measure').filter(visible).length,
          colour: style.color, background: style.backgroundColor,
          border: style.borderTopStyle, mark: getComputedStyle(light, '::before').content,
        };
        """
    )
    assert not shown["header"] and not shown["buttons"]
    assert shown["rows"] == Measure.objects.filter(problem__inspection=bureau).count()
    assert shown["colour"] == "rgb(0, 0, 0)" and shown["background"] == "rgba(0, 0, 0, 0)"
    assert shown["border"] == "solid" and "▲" in shown["mark"]
    printed = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})
    document = base64.b64decode(printed["data"])
    sizes = set(re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", document))
    # A4 across (842 × 595 points), every sheet.
    assert sizes and all(round(float(w)) == 842 and round(float(h)) == 595 for w, h in sizes)


@pytest.mark.parametrize("width", [360, 390])
def test_phone_pages_do_not_scroll_sideways(demo, width):
    driver = demo
    measure = Measure.objects.filter(owner_user__username="wl_owner").first()
    notice = PublishedNotice.objects.public().first()
    viewport(driver, width, 800)
    for page in ("/public/", f"/public/notices/{notice.pk}/"):
        go(driver, page)
        assert no_sideways_scroll(driver), f"{page} scrolls sideways at {width} px"
    log_in(driver, "wl_owner")
    for page in ("/", f"/measures/{measure.pk}/", f"/inspections/{measure.problem.inspection_id}/"):
        go(driver, page)
        assert no_sideways_scroll(driver), f"{page} scrolls sideways at {width} px"
    header = driver.find_element(By.CSS_SELECTOR, "header.top")
    for link in header.find_elements(By.CSS_SELECTOR, "a, button"):
        box = link.rect
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, link.text
        assert box["height"] < 40, f"{link.text!r} wraps inside the header"


def test_every_role_has_a_home_page_that_fits_the_screen(demo):
    driver = demo
    # The twelve unit logins, the office and the three administrators (三员).
    for username in [user[0] for user in USERS] + [admin[0] for admin in ADMINS]:
        log_in(driver, username)
        for width, height in ((1366, 768), (390, 844)):
            viewport(driver, width, height)
            go(driver, "/")
            check_page(driver)
            assert no_sideways_scroll(driver), f"{username}'s home scrolls sideways at {width}"
            screenshot(driver, f"home-{username}-{width}")
        viewport(driver, 1366, 768)
