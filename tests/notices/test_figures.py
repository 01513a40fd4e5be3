"""Figures: quantities with counting units; dates, ordinals and names are not figures."""

import pytest

from zhenggai.notices import parse
from zhenggai.notices.figures import counts_before, find_figures
from zhenggai.notices.normalize import normalise


def figures(text):
    return [(f.value, f.unit, f.approx) for f in find_figures(normalise(text), text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("召开会议5次。", [(5, "次", False)]),
        ("惠及10817人,补助1246.8176万元。", [(10817, "人", False), (1246.8176, "万元", False)]),
        ("参与率达93.52%。", [(93.52, "%", False)]),
        ("服务1080人次。", [(1080, "人次", False)]),
        ("粉丝15000余名。", [(15000, "名", True)]),
        ("发生两起案件。", [(2, "起", False)]),
        ("建设十四条道路。", [(14, "条", False)]),
        ("任务一千二百公里。", [(1200, "公里", False)]),
        ("覆盖1.2万人次。", [(12000, "人次", False)]),
        ("覆盖3万余人。", [(30000, "人", True)]),
        ("投资约2.3亿元。", [(2.3, "亿元", True)]),
        ("节约近20万元。", [(20, "万元", True)]),
        ("得分80分以上。", [(80, "分", True)]),
        ("培训20多场。", [(20, "场", True)]),
        ("核查1,260笔。", [(1260, "笔", False)]),
        ("职工八百余人。", [(800, "人", True)]),
        ("达到百分之九十五。", [(95, "%", False)]),
        ("提高3个百分点。", [(3, "个百分点", False)]),
        ("至少一次走访。", [(1, "次", False)]),
        ("核实圖斑12個。", [(12, "個", False)]),
        ("全角数字１２项。", [(12, "项", False)]),
        ("每季度开展3至5次。", [(3, "次", True)]),
        ("配备3-5个网格员。", [(3, "个", True)]),
        ("组建三到五支队伍。", [(3, "支", True)]),
        ("开支压减至20万元以下。", [(20, "万元", True)]),
        ("覆盖逾300户。", [(300, "户", True)]),
        ("针对2021、2022年连续出现的三起事故。", [(3, "起", False)]),
        ("第1至3次会议。", []),
    ],
)
def test_it_finds_quantities(text, expected):
    assert figures(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2022年5月29日召开。",
        "2022年第一季度。",
        "一届区委第二轮巡察。",
        "第3次会议。",
        "“十四五”规划。",
        "十四五规划。",
        "“五一”期间。",
        "喜迎二十大。",
        "“三重一大”事项。",
        "三重一大事项。",
        "落实中央八项规定精神。",
        "增强四个意识。",
        "临劳评〔2022〕1号。",
        "电话89089699。",
        "邮编:311100。",
        "沿山路45号。",
        "一起谋划、一起推进。",
        "十分重要。",
        "三分之一的人。",
        "“四有”要求和“六讲六做”活动。",
        "一户一档。",
        "《2022年3项工作方案》",
        "统一个标准。",
        "G20峰会。",
        "2022-05-30 09:56。",
    ],
)
def test_it_leaves_out_what_is_not_a_quantity(text):
    assert figures(text) == []


def test_it_hands_each_figure_to_its_measure():
    notice = parse("关于巡察整改情况的通报\n一、关于“甲”问题\n一是召开会议3次。二是完善制度5项。\n")
    measures = notice.sections[0].measures
    assert [[f.text for f in m.figures] for m in measures] == [["3次"], ["5项"]]


def phrases(text):
    """Each figure as the import preview shows it: what it counts, then the figure."""
    return [counts_before(text, f.start) + f.text for f in find_figures(normalise(text), text)]


# The shapes the import of a real notice garbled, in fictional wording: a bracket
# opened before the clause, a list of years, a figure inside brackets followed by one
# after them, a percentage with decimals, 余, a range, 以下.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("对各片区（园区）团组织已督查至少2次。", ["对各片区（园区）团组织已督查至少2次"]),
        ("联系各乡镇（园区、片区)已督导两次。", ["联系各乡镇（园区、片区)已督导两次"]),
        ("针对2021、2022年连续出现的三起事故。", ["针对2021、2022年连续出现的三起"]),
        (
            "全县星级站点（90分以上）共有128家，其中五星的12家。",
            ["90分以上", "全县星级站点（90分以上）共有128家", "其中五星的12家"],
        ),
        ("群众满意率达87.05%。", ["群众满意率达87.05%"]),
        ("目前关注人数8600余人。", ["目前关注人数8600余人"]),
        ("每月走访3至5家企业。", ["每月走访3至5家"]),
        ("公务接待费降至2万元以下。", ["公务接待费降至2万元以下"]),
    ],
)
def test_it_keeps_each_figure_with_its_whole_phrase(text, expected):
    assert phrases(text) == expected


@pytest.mark.parametrize(
    ("text", "at", "expected"),
    [
        ("其中(含分站)已建成4个", 10, "其中(含分站)已建成"),
        ("前文）已建成4个", 6, "已建成"),  # a close whose open lies before: left out
        ("“已建成4个", 4, "已建成"),  # an open quote that is not closed: left out
        ("已建成4个", 0, ""),
        ("已建成4个", 99, ""),
    ],
)
def test_it_cuts_what_a_figure_counts_from_the_text_as_is(text, at, expected):
    counts = counts_before(text, at)
    assert counts == expected
    assert not counts or text[: min(at, len(text))].endswith(counts)
