import pytest

from zhenggai.forms import clean_text


@pytest.mark.parametrize(
    "typed,kept",
    [
        ("  召开会议  ", "召开会议"),
        ("召开会议３次，ＡＢＣ", "召开会议3次，ABC"),
        ("第一行　\r\n　第二行", "第一行\n第二行"),
        ("“引号”（括号）；", "“引号”（括号）；"),
        ("", ""),
    ],
)
def test_it_normalises_what_people_type(typed, kept):
    assert clean_text(typed) == kept


@pytest.mark.django_db
def test_a_form_with_errors_opens_with_a_summary_naming_each_field(login, cast, units):
    from django.urls import reverse

    from tests.write_bodies import new_inspection

    body = {**new_inspection(units["A"].pk), "round": "", "feedback_date": "不是日期"}
    response = login("alice").post(reverse("ledger:inspection-add"), body)
    assert response.status_code == 200
    html = response.content.decode()
    summary = html[html.index('class="errors error-summary"') : html.index("</ul>")]
    form = response.context["form"]
    assert html.index("error-summary") < html.index('<p class="field')
    for name in ("round", "feedback_date"):
        field = form[name]
        assert f'<a href="#{field.id_for_label}">{field.label}</a>：' in summary
        assert f'id="{field.id_for_label}"' in html
    assert f"{len(form.errors)}处" in summary


def test_the_page_script_ships_with_the_app_and_is_loaded_on_every_page(client):
    from django.contrib.staticfiles import finders

    script = open(finders.find("zhenggai/forms.js"), encoding="utf-8").read()
    assert "data-confirm" in script and "error-summary" in script
    assert "http" not in script
    assert '/static/zhenggai/forms.js"' in client.get("/accounts/login/").content.decode()


IRREVERSIBLE = ("发布", "销号", "确认完成", "删除", "作废", "签发", "退回", "撤回", "更正", "归集")


def test_every_irreversible_button_asks_first_naming_what_will_happen():
    import re
    from pathlib import Path

    import zhenggai

    root = Path(zhenggai.__file__).parent / "templates"
    unasked = []
    for path in root.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        for attrs, label in re.findall(r"<button([^>]*)>([^<]*)</button>", html):
            if any(word in label for word in IRREVERSIBLE):
                asked = re.search(r'data-confirm="([^"]+)"', attrs)
                if not asked or "确定" not in asked.group(1):
                    unasked.append(f"{path.relative_to(root)}: {label}")
    assert unasked == []
