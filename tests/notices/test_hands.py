"""Every numbering hand and nesting gives the same tree."""

import pytest

from zhenggai.notices import format_tree, parse

TITLE = "中共测试局党组关于区委第一轮巡察整改进展情况的通报\n"


def shape(text):
    """Per section: (measures under it, [measures per problem])."""
    notice = parse(TITLE + text)
    return [(len(s.measures), [len(p.measures) for p in s.problems]) for s in notice.sections]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # 一、→(一)→一是, run in
        (
            "一、关于“甲”问题的整改情况\n(一)针对“乙”问题。一是做A。二是做B。\n(二)针对“丙”问题。一是做C。\n",
            [(0, [2, 1])],
        ),
        # full-width parentheses and punctuation
        ("一、关于“甲”问题的整改情况\n（一）针对“乙”问题。一是做A；二是做B。\n", [(0, [2])]),
        # 一、→(一)→1. one per line
        ("一、甲方面的问题\n(一)乙不够到位的问题\n1.做A。\n2.做B。\n3.做C。\n", [(0, [3])]),
        # (一)→1.→(1): the top hand is (一)
        (
            "(一)关于“甲”方面\n1.乙不足的问题\n(1)做A。\n(2)做B。\n2.丙不够的问题\n(1)做C。\n",
            [(0, [2, 1])],
        ),
        # 一、→(1)
        (
            "一、关于“甲”问题\n(1)针对“乙”问题。一是做A。二是做B。\n(2)针对“丙”问题。一是做C。\n",
            [(0, [2, 1])],
        ),
        # measures directly under a section
        (
            "一、关于“甲”问题\n一是做A。二是做B。三是做C。\n二、关于“乙”问题\n一是做D。\n",
            [(3, []), (1, [])],
        ),
        # unnumbered problems: 针对“…”问题 and 在“…”方面 with ① and 首先
        ("一、关于“甲”问题\n针对“乙”问题:①做A;②做B。\n针对“丙”问题:①做C。\n", [(0, [2, 1])]),
        ("一、关于“甲”问题\n在“乙”方面:首先,做A;其次,做B;最后,做C。\n", [(0, [3])]),
        # 第一/第二 and 1、
        ("一、关于“甲”问题\n(一)针对“乙”问题。第一,做A;第二,做B。\n", [(0, [2])]),
        ("一、关于“甲”问题\n1、乙不足的问题\n(1)做A。\n(2)做B。\n", [(0, [2])]),
        # headings run into one paragraph with spaces, like a web page copied as text
        (
            "一、关于“甲”问题的整改情况 (一)针对“乙”问题。一是做A。二是做B。 "
            "二、关于“丙”问题的整改情况 一是做C。",
            [(0, [2]), (1, [])],
        ),
        # no blank lines, no spaces
        ("一、关于“甲”问题。一是做A。二是做B。二、关于“乙”问题。一是做C。", [(2, []), (1, [])]),
        # a stray 3. or (2) inside a measure is text, not a new item
        ("一、关于“甲”问题\n一是做A,要求:(1)快;(2)好。二是做B。\n", [(2, [])]),
        # wrappers: 一、总体情况 二、整改落实情况 (一)… 三、下一步
        (
            "一、整改工作总体情况\n召开会议。\n二、巡察反馈问题整改落实情况\n(一)关于“甲”的问题\n①做A。\n②做B。\n(二)关于“乙”的问题\n①做C。\n",
            [(2, []), (1, [])],
        ),
    ],
)
def test_it_builds_the_same_tree_from_every_hand(body, expected):
    assert shape(body) == expected


@pytest.mark.parametrize(
    ("variant"),
    [
        "一、关于“甲乙”问题的整改情况\n（一）针对“丙丁”问题\n一是做A。二是做B。\n",
        '一、关于"甲乙"问题的整改情况\n(一)针对"丙丁"问题\n一是做A。二是做B。\n',
        "一、关於「甲乙」問題的整改情況\n（一）針對「丙丁」問題\n一是做A。二是做B。\n",
        "一、关于“甲乙”问题的整改情况\n\n\n（一）针对“丙丁”问题\n\n一是做A。\n\n二是做B。\n",
    ],
)
def test_it_ignores_width_quotes_blank_lines_and_traditional_forms(variant):
    notice = parse(TITLE + variant)
    assert [
        (s.title, [(p.title, len(p.measures)) for p in s.problems]) for s in notice.sections
    ] in ([("甲乙", [("丙丁", 2)])],)


def test_it_keeps_inner_quotes_in_titles():
    notice = parse(TITLE + "一、关于“发挥‘红色工会’作用不够”问题的整改情况\n一是做A。\n")
    assert notice.sections[0].title == "发挥‘红色工会’作用不够"


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("中共甲党组关于巡察整改进展情况的通报", "progress_notice"),
        ("关于巡察甲单位的反馈意见", "feedback"),
        ("关于区委第一轮巡察整改情况的汇总通报", "aggregate"),
        ("甲党组落实巡察反馈意见整改工作方案", "plan"),
        ("春季运动会秩序册", "unknown"),
    ],
)
def test_it_recognises_the_kind(title, kind):
    assert parse(title + "\n正文。").kind == kind


def test_it_reads_the_next_steps_and_the_contact():
    notice = parse(
        TITLE + "一、关于“甲”问题\n一是做A。\n下一步,我们将:一是巩固;二是提高。\n"
        "欢迎监督。监督电话:0571-12345678;通信地址:测试市和平路1号(邮编:310000);"
        "电子邮箱:jd@example.cn;来信请寄:测试市1001信箱。\n中共测试局党组\n2024年1月2日\n"
    )
    assert [m.text for m in notice.next_steps] == ["巩固", "提高"]
    contact = notice.contact
    assert (contact.phone, contact.address, contact.email) == (
        "0571-12345678",
        "测试市和平路1号",
        "jd@example.cn",
    )
    assert (contact.po_box, contact.postcode) == ("测试市1001信箱", "310000")
    assert (notice.issuer, str(notice.date)) == ("中共测试局党组", "2024-01-02")


def test_it_reads_chinese_dates_and_the_inspection():
    notice = parse(
        TITLE
        + "二〇二三年三月一日至四月三十日,区委第二巡察组进驻。二〇二三年五月十日反馈了意见。\n"
        "一、关于“甲”问题\n一是做A。\n"
    )
    info = notice.inspection
    assert (str(info.start), str(info.end), str(info.feedback_date)) == (
        "2023-03-01",
        "2023-04-30",
        "2023-05-10",
    )
    assert (info.round, info.group) == ("区委第一轮巡察", "区委第二巡察组")


def test_it_warns_about_what_it_cannot_place():
    notice = parse("一段没有结构的文字。")
    assert notice.sections == [] and notice.warnings
    notice = parse(TITLE + "一、关于“甲”问题\n一是做A。\n三、跳过的编号\n")
    assert any("三、" in w or "「三」" in w for w in notice.warnings)


def test_it_prints_a_readable_tree():
    notice = parse(TITLE + "一、关于“甲”问题\n(一)针对“乙”问题。一是召开会议3次。\n")
    text = format_tree(notice)
    assert (
        "一、甲" in text and "（一）乙" in text and "一是 召开会议3次" in text and "〔3次〕" in text
    )
