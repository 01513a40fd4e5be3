"""Figures: quantities with counting units; dates, ordinals and names are not figures."""

import pytest

from zhenggai.notices import parse
from zhenggai.notices.figures import find_figures
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
