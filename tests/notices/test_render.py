import datetime as dt

import pytest

from zhenggai.notices.render import _cn_number, to_html, to_paragraphs, to_text
from zhenggai.notices.tree import Contact, InspectionInfo, Measure, Notice, Problem, Section


def make_notice(**overrides) -> Notice:
    """A small fictional unit's notice: two sections, one with measures of its own."""
    fields = {
        "kind": "progress_notice",
        "issuer": "中共青石县林业局党组",
        "issuer_short": "县林业局党组",
        "date": dt.date(2023, 7, 3),
        "inspection": InspectionInfo(
            round="十四届县委第三轮巡察",
            group="县委第二巡察组",
            start=dt.date(2023, 3, 1),
            end=dt.date(2023, 4, 28),
            feedback_date=dt.date(2023, 5, 10),
        ),
        "sections": [
            Section(
                "落实“林长制”不够到位",
                label="一",
                problems=[
                    Problem(
                        "巡护制度不健全",
                        label="一",
                        measures=[
                            Measure("修订《护林员巡护管理办法》。", label="三是"),
                            Measure("开展巡护培训3次，培训护林员120人次；"),
                        ],
                    ),
                    Problem("“一林一档”建设滞后", label="二", measures=[Measure("补齐档案12本")]),
                ],
            ),
            Section(
                "资金管理不够规范",
                label="二",
                measures=[Measure("追回违规发放补贴12.5万元"), Measure("约谈相关责任人2名")],
            ),
        ],
        "next_steps": [Measure("进一步压实整改责任"), Measure("进一步巩固整改成果")],
        "contact": Contact(phone="0571-8888666", email="lyj@example.cn"),
    }
    return Notice(**(fields | overrides))


EXPECTED_TEXT = """\
中共青石县林业局党组关于十四届县委第三轮巡察整改进展情况的通报
根据县委统一部署，2023年3月1日至4月28日，县委第二巡察组对县林业局党组进行了巡察。\
2023年5月10日，县委第二巡察组向县林业局党组反馈了巡察意见。\
按照巡察工作有关要求，现将巡察整改进展情况予以公布。
一、关于“落实‘林长制’不够到位”问题的整改情况
（一）针对“巡护制度不健全”问题。一是修订《护林员巡护管理办法》。\
二是开展巡护培训3次，培训护林员120人次。
（二）针对“‘一林一档’建设滞后”问题。一是补齐档案12本。
二、关于“资金管理不够规范”问题的整改情况
一是追回违规发放补贴12.5万元。二是约谈相关责任人2名。
下一步，县林业局党组将持续抓好巡察反馈意见的整改落实，进一步巩固整改成果。\
一是进一步压实整改责任；二是进一步巩固整改成果。
欢迎广大干部群众对巡察整改落实情况进行监督。如有意见建议，请及时向我们反映。\
联系方式：电话0571-8888666；电子邮箱：lyj@example.cn。
中共青石县林业局党组
2023年7月3日
"""


def test_it_writes_the_genre_line_by_line():
    assert to_text(make_notice()).splitlines() == EXPECTED_TEXT.splitlines()
    assert to_text(make_notice()).endswith("2023年7月3日\n")


def test_it_types_every_paragraph():
    kinds = [p.kind for p in to_paragraphs(make_notice())]
    assert kinds == ["title", "body", "heading1", "heading2", "heading2", "heading1", "body"] + [
        "body",
        "body",
        "signature",
        "date",
    ]


def test_it_marks_the_heading_part_of_a_problem_paragraph():
    para = to_paragraphs(make_notice())[3]
    assert para.head == "（一）针对“巡护制度不健全”问题。"
    assert para.rest.startswith("一是修订")


def test_it_prefers_the_stored_title_and_preamble():
    notice = make_notice(
        title="县林业局党组关于巡察整改情况的通报", preamble=["第一段。", "第二段。"]
    )
    lines = to_text(notice).splitlines()
    assert lines[:3] == ["县林业局党组关于巡察整改情况的通报", "第一段。", "第二段。"]


def test_it_marks_the_internal_version_and_keeps_the_title():
    lines = to_text(make_notice(), internal=True).splitlines()
    assert lines[0] == "内部"
    assert lines[1:] == EXPECTED_TEXT.splitlines()


def test_it_closes_up_numbering_around_an_unnumbered_problem():
    problems = [
        Problem("甲问题", label="一", measures=[Measure("甲措施")]),
        Problem("乙问题", label=None, measures=[Measure("乙措施")]),
        Problem("丙问题", label="三", measures=[Measure("丙措施"), Measure("丁措施")]),
    ]
    text = to_text(make_notice(sections=[Section("某方面", problems=problems)]))
    assert "（一）针对“甲”问题。一是甲措施。\n针对“乙”问题。一是乙措施。\n" in text
    assert "（二）针对“丙”问题。一是丙措施。二是丁措施。\n" in text


def test_it_leaves_withheld_items_out_of_the_public_version_without_a_trace():
    problems = [
        Problem(
            "公开问题", label="一", measures=[Measure("甲措施"), Measure("密措施", public=False)]
        ),
        Problem("涉密问题", label="二", public=False, measures=[Measure("乙措施")]),
        Problem("另一问题", label="三", measures=[Measure("丙措施")]),
    ]
    sections = [
        Section("秘密方面", measures=[Measure("秘密措施", public=False)]),
        Section("某方面", problems=problems),
    ]
    public = to_text(make_notice(sections=sections))
    assert "密" not in public.replace("巡察", "")
    assert "一、关于“某方面”问题的整改情况" in public
    assert "（一）针对“公开”问题。一是甲措施。\n（二）针对“另一”问题。一是丙措施。\n" in public
    internal = to_text(make_notice(sections=sections), internal=True)
    assert "一是秘密措施。" in internal
    assert "（二）针对“涉密”问题。一是乙措施。" in internal
    assert "（一）针对“公开”问题。一是甲措施。二是密措施。" in internal


def test_it_escapes_everything_in_html():
    sections = [Section("某方面", measures=[Measure("<script>alert('x')</script>&")])]
    fragment = to_html(make_notice(sections=sections))
    assert "<script>" not in fragment
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&amp;" in fragment


def test_it_writes_html_with_a_class_per_kind():
    lines = to_html(make_notice(), internal=True).splitlines()
    assert lines[0] == '<article class="notice">'
    assert lines[1] == '<p class="mark">内部</p>'
    assert lines[2].startswith('<h1 class="title">中共青石县林业局党组关于')
    assert '<h2 class="heading1">一、关于“落实‘林长制’不够到位”问题的整改情况</h2>' in lines
    assert '<h3 class="heading2">（一）针对“巡护制度不健全”问题。</h3>' in lines
    assert lines[-3:] == [
        '<p class="signature">中共青石县林业局党组</p>',
        '<p class="date">2023年7月3日</p>',
        "</article>",
    ]


@pytest.mark.parametrize(
    ("contact", "expected"),
    [
        (Contact(), "请及时向我们反映。"),
        (Contact(phone="12388"), "请及时向我们反映。联系方式：电话12388。"),
        (Contact(address="青石县解放路1号"), "联系方式：来信地址：青石县解放路1号。"),
        (
            Contact(phone="12388", address="解放路1号", email="a@b.cn"),
            "联系方式：电话12388；来信地址：解放路1号；电子邮箱：a@b.cn。",
        ),
    ],
)
def test_it_writes_only_the_contact_parts_present(contact, expected):
    contact_line = to_text(make_notice(contact=contact)).splitlines()[-3]
    assert contact_line.startswith("欢迎广大干部群众")
    assert contact_line.endswith(expected)


@pytest.mark.parametrize(
    ("title", "inside"),
    [
        ("落实“两个责任”不够有力", "落实‘两个责任’不够有力"),
        ('落实"两个责任"不够有力', "落实‘两个责任’不够有力"),
        ("议事决策不规范问题", "议事决策不规范"),
        ("  发挥作用不够充分 ", "发挥作用不够充分"),
    ],
)
def test_it_quotes_titles_inside_double_quotes(title, inside):
    text = to_text(make_notice(sections=[Section(title, measures=[Measure("措施")])]))
    assert f"一、关于“{inside}”问题的整改情况\n" in text


@pytest.mark.parametrize(
    ("day", "written"),
    [(dt.date(2022, 5, 29), "2022年5月29日"), (dt.date(2023, 1, 3), "2023年1月3日")],
)
def test_it_writes_the_date_without_zero_padding(day, written):
    assert to_text(make_notice(date=day)).splitlines()[-1] == written


def test_it_writes_a_preamble_from_the_inspection_across_years():
    info = InspectionInfo(
        group="市委第一巡察组", start=dt.date(2022, 11, 20), end=dt.date(2023, 1, 15)
    )
    preamble = to_text(make_notice(inspection=info)).splitlines()[1]
    assert preamble.startswith("根据市委统一部署，2022年11月20日至2023年1月15日，市委第一巡察组")


def test_it_numbers_measures_by_position_beyond_ten():
    measures = [Measure(f"措施{i}", label="一是") for i in range(1, 13)]
    text = to_text(make_notice(sections=[Section("某方面", measures=measures)]))
    assert "十是措施10。十一是措施11。十二是措施12。\n" in text


@pytest.mark.parametrize(
    ("number", "label"),
    [
        (1, "一"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (20, "二十"),
        (21, "二十一"),
        (99, "九十九"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
    ],
)
def test_it_writes_chinese_labels(number, label):
    assert _cn_number(number) == label


def test_it_refuses_a_label_out_of_range():
    with pytest.raises(ValueError):
        _cn_number(0)


def test_it_writes_a_bare_notice_without_issuer_or_date():
    notice = Notice(sections=[Section("某方面", problems=[Problem("某问题", label="一")])])
    assert to_text(notice).splitlines() == [
        "关于巡察整改进展情况的通报",
        "按照巡察工作有关要求，现将巡察整改进展情况予以公布。",
        "一、关于“某方面”问题的整改情况",
        "（一）针对“某”问题。",
        "下一步，我们将持续抓好巡察反馈意见的整改落实，进一步巩固整改成果。",
        "欢迎广大干部群众对巡察整改落实情况进行监督。如有意见建议，请及时向我们反映。",
    ]
