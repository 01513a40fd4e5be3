"""Plans in Word tables, PDFs, feedback documents and web-page texts: every sample of
tests/samples/{tables,pdf,feedback,web} scores at least 0.95 against its gold file with
../shared/tools/score_notice.py, and each reader keeps its promises on its own."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.notices.checks import INTERNAL_ERROR, check_json
from tests.shared import scorer
from zhenggai.notices import NoticeReadError, parse
from zhenggai.notices.clutter import is_clutter
from zhenggai.notices.document import Document
from zhenggai.notices.pdffile import Line, lines_to_text
from zhenggai.notices.read import read_bytes, read_document, read_document_file

SAMPLES = Path(__file__).parents[1] / "samples"
GENRES = ("tables", "pdf", "feedback", "web")
GOLDS = sorted(gold for genre in GENRES for gold in (SAMPLES / genre).glob("*.gold.json"))


def _source(gold: Path) -> Path:
    stem = gold.name.removesuffix(".gold.json")
    return next(p for p in gold.parent.glob(stem + ".*") if not p.name.endswith(".gold.json"))


def _id(gold: Path) -> str:
    return f"{gold.parent.name}/{gold.name.removesuffix('.gold.json')}"


def test_it_has_four_samples_of_each_genre_at_least():
    counts = {genre: len(list((SAMPLES / genre).glob("*.gold.json"))) for genre in GENRES}
    assert all(count >= 4 for count in counts.values()), counts
    suffixes = {_source(gold).suffix for gold in GOLDS if gold.parent.name in ("tables", "pdf")}
    assert suffixes == {".docx", ".pdf"}


@pytest.mark.parametrize("gold", GOLDS, ids=_id)
def test_it_scores_every_sample_with_the_shared_scorer(gold):
    expected = json.loads(gold.read_text(encoding="utf-8"))
    result = scorer().score(expected, parse(read_document_file(_source(gold))).to_json())
    assert result["score"] >= 0.95, result


def test_the_scorer_reads_the_pdfs_through_the_command_line():
    """The scorer's own corpus mode, running `zhenggai parse --json` on each PDF."""
    command = f"{sys.executable} -m zhenggai.cli parse --json {{file}}"
    results = scorer().run_corpus(str(SAMPLES / "pdf"), command, timeout=60)
    assert len(results) >= 4
    assert all(r.get("score", 0) >= 0.95 for r in results.values()), results


# --- Word tables ---------------------------------------------------------------------


def _plan(rows: list[list[str]], merges=(), before=("某局关于巡察反馈问题的整改方案",)) -> bytes:
    document = docx.Document()
    for line in before:
        document.add_paragraph(line)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            parts = value.split("\n")
            cell.text = parts[0]
            for part in parts[1:]:
                cell.add_paragraph(part)
    for (r1, c1), (r2, c2) in merges:
        text = table.cell(r1, c1).text
        table.cell(r1, c1).merge(table.cell(r2, c2)).text = text
    document.add_paragraph("某局党组")
    document.add_paragraph("2024年3月1日")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _tree(notice) -> list:
    return [
        (
            s.title,
            s.measures and [m.text for m in s.measures],
            [(p.title, [m.text for m in p.measures]) for p in s.problems],
        )
        for s in notice.sections
    ]


def test_a_table_gives_problems_measures_and_their_duties():
    data = _plan(
        [
            [
                "序号",
                "问题类别",
                "具体问题",
                "整改措施",
                "责任领导",
                "责任部门",
                "责任人",
                "完成时限",
            ],
            [
                "1",
                "作风方面",
                "会议过多",
                "1.精简会议\n2.合并同类会议",
                "局长",
                "办公室",
                "王五",
                "2024年6月30日",
            ],
            ["2", "", "文件过多", "压减发文数量。", "副局长", "", "", "立行立改"],
        ],
        merges=[((1, 1), (2, 1)), ((1, 5), (2, 5))],
    )
    notice = parse(read_document(data, "方案.docx"))
    assert notice.kind == "plan" and notice.date.isoformat() == "2024-03-01"
    assert _tree(notice) == [
        (
            "作风方面",
            [],
            [("会议过多", ["精简会议", "合并同类会议"]), ("文件过多", ["压减发文数量"])],
        )
    ]
    first, second = notice.sections[0].problems[0].measures
    assert (first.leader, first.department, first.owner, first.due) == (
        "局长",
        "办公室",
        "王五",
        "2024年6月30日",
    )
    assert second.label == "2" and second.due == "2024年6月30日"
    late = notice.sections[0].problems[1].measures[0]
    assert (late.leader, late.department, late.owner, late.due) == (
        "副局长",
        "办公室",
        None,
        "立行立改",
    )


def test_header_rows_again_inside_the_table_are_skipped():
    header = ["问题", "整改措施", "责任单位", "时限"]
    data = _plan(
        [
            header,
            ["甲问题", "措施一。", "办公室", "6月底"],
            header,
            ["乙问题", "措施二。", "财务科", "7月底"],
        ]
    )
    notice = parse(read_document(data, "方案.docx"))
    assert [s.title for s in notice.sections] == ["甲问题", "乙问题"]
    assert [len(s.measures) for s in notice.sections] == [1, 1]


def test_a_text_without_tables_reads_as_before():
    """The table reader leaves a notice whose tables hold no ledger alone."""
    data = _plan(
        [["监督电话", "0574-5550123"]],
        before=[
            "某局关于巡察整改进展情况的通报",
            "一、关于“甲”问题的整改情况",
            "一是开会。二是发文。",
        ],
    )
    notice = parse(read_document(data, "通报.docx"))
    assert notice.kind == "progress_notice"
    assert [len(s.measures) for s in notice.sections] == [2]


def test_parse_takes_text_or_a_document_and_never_raises():
    plain = Document("某局整改工作总结\n正文", tables=[])
    assert parse(plain).title == parse("某局整改工作总结\n正文").title == "某局整改工作总结"
    broken = Document("abc")
    broken.tables = [object()]  # not a table at all
    result = parse(broken)
    assert result.warnings and "内部错误" in result.warnings[0]


# --- PDF -----------------------------------------------------------------------------


def _line(text: str, top: float, left: float = 90, right: float = 520) -> Line:
    return Line(text, left, right, top, top - 16)


def test_it_drops_running_heads_and_page_numbers_and_joins_lines_across_pages():
    pages = [
        [
            _line("东湖区司法局", 750, left=430),
            _line("一、关于“甲”问题的整改情况", 700, right=400),
            _line("一是组织人民调解员集中培训 4 期，培训调解员 560 人", 670),
            _line("— 1 —", 40, left=280, right=330),
        ],
        [
            _line("东湖区司法局", 750, left=430),
            _line("次；二是建立矛盾纠纷月排查制度。", 700, right=300),
            _line("二、关于“乙”问题的整改情况", 670, right=400),
            _line("第 2 页 共 2 页", 40, left=260, right=350),
        ],
    ]
    assert lines_to_text(pages) == (
        "一、关于“甲”问题的整改情况\n"
        "一是组织人民调解员集中培训4期，培训调解员560人次；二是建立矛盾纠纷月排查制度。\n"
        "二、关于“乙”问题的整改情况"
    )


def test_a_full_heading_line_does_not_swallow_the_next_item():
    pages = [
        [
            _line("（一）关于“法治宣传教育针对性不强”问题的整改情况", 700),
            _line("1.针对“甲”问题。", 670),
        ]
    ]
    assert lines_to_text(pages).split("\n") == [
        "（一）关于“法治宣传教育针对性不强”问题的整改情况",
        "1.针对“甲”问题。",
    ]


def test_it_reads_a_pdf_without_its_page_furniture():
    text = read_bytes((SAMPLES / "pdf" / "donghu-justice-2023.pdf").read_bytes(), "通报.pdf")
    lines = text.split("\n")
    assert lines[:2] == ["中共东湖区司法局党组", "关于区委第六轮巡察整改进展情况的通报"]
    assert "东湖区司法局" not in lines and not any(line.startswith("—") for line in lines)
    assert "2023年4月10日至6月9日" in lines[2] and lines[2].endswith("予以公布。")
    assert lines[-2:] == ["中共东湖区司法局党组", "2023年11月20日"]


def _blank_pdf(pages: int = 2) -> bytes:
    document = pdfium.PdfDocument.new()
    for _ in range(pages):
        document.new_page(595, 842)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (_blank_pdf(), "扫描件"),
        (b"%PDF-1.7\n" + b"0" * 200, "损坏"),
        (b"not a pdf at all", "不是 PDF"),
    ],
)
def test_it_refuses_pdfs_it_cannot_read_in_chinese(data, words):
    with pytest.raises(NoticeReadError) as raised:
        read_bytes(data, "反馈意见.pdf")
    assert words in raised.value.message and "反馈意见.pdf" in raised.value.message


# --- feedback documents --------------------------------------------------------------


def test_feedback_problems_have_findings_and_no_measures():
    notice = parse(read_document_file(SAMPLES / "feedback" / "donghu-education-2024.txt"))
    assert notice.kind == "feedback" and notice.issuer == "区委第一巡察组"
    first = notice.sections[0].problems[0]
    assert first.measures == [] and first.description.startswith("一是城乡办学条件差距较大")
    assert [m.label for m in notice.suggestions] == ["一", "二", "三", "四"]
    assert "意见建议" not in [s.title for s in notice.sections]


def test_a_feedback_paragraph_of_suggestions_ends_the_problems():
    notice = parse(read_document_file(SAMPLES / "feedback" / "baisha-town-2024.txt"))
    assert [len(s.problems) for s in notice.sections] == [3, 2, 3]
    assert len(notice.suggestions) == 4 and notice.suggestions[-1].text.startswith("持之以恒")


def test_a_feedback_date_without_its_year_follows_the_inspection():
    text = (
        "市委第二巡察组关于巡察某局党组的反馈意见\n"
        "2024年11月4日至12月20日，市委第二巡察组对某局党组开展了巡察。1月10日，巡察组反馈了巡察意见。\n"
        "一、作风建设方面\n（一）会议过多。\n市委第二巡察组\n2025年1月10日"
    )
    assert parse(text).inspection.feedback_date.isoformat() == "2025-01-10"


# --- web-page clutter ----------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "首页   政府信息公开   政务服务   互动交流",
        "首页 » 信息公开 » 法定主动公开内容 » 巡察整改",
        "政务公开 > 重点领域信息公开 > 巡察整改",
        "当前位置:首页 > 巡察整改",
        "青禾县人民政府门户网站",
        "中共某局党组关于巡察整改进展情况的通报_某县人民政府门户网站",
        "2024-05-20 16:08:31",
        "2024年02月28日 来源:白沙镇纪委 作者:镇纪委",
        "来源:县市场监管局  发布时间:2024-03-15 09:32  浏览次数:418",
        "【字体:大 中 小】【打印】",
        "上一篇:县统计局关于巡察整改进展情况的通报",
        "网站标识码:3310220012  浙ICP备05012345号",
        "打印本页 关闭窗口",
    ],
)
def test_it_knows_page_clutter(line):
    assert is_clutter(line)


@pytest.mark.parametrize(
    "line",
    [
        "中共梧川市林业局党组关于市委第三轮巡察整改进展情况的通报",
        "关于市委第三轮巡察整改进展情况的通报",
        "一、关于“森林资源保护责任落实不到位”的问题",
        "中共梧川市林业局党组",
        "2024年5月20日",
        "1 档案安全管理制度落实不严 (1)修订档案库房安全管理制度； 副馆长 张华 2023年10月31日",
    ],
)
def test_it_keeps_the_notice_itself(line):
    assert not is_clutter(line)


def test_the_title_and_issuer_are_found_past_the_clutter():
    notice = parse(read_document_file(SAMPLES / "web" / "nanling-labour-2024.txt"))
    assert notice.title == "关于市委第四轮巡察集中整改进展情况的公告"
    assert notice.issuer == "中共南岭市人力资源和社会保障局党组"  # from the 来源 line
    page = read_document_file(SAMPLES / "web" / "wuchuan-forestry-2024.txt")
    notice = parse(page)
    assert notice.title == "关于市委第三轮巡察整改进展情况的通报"
    assert (notice.issuer, str(notice.date)) == ("中共梧川市林业局党组", "2024-05-20")


def test_a_red_header_and_a_disclosure_table_are_not_the_title():
    masthead = (
        "中共青禾县委巡察工作领导小组办公室文件\n青巡办〔2024〕3号\n"
        "关于县委第五轮巡察反馈问题整改情况的通报\n各有关单位：\n"
        "一、关于“预算管理不严”问题\n一是修订制度；二是开展检查。\n"
        "中共青禾县委巡察工作领导小组办公室\n2024年8月1日"
    )
    assert parse(masthead).title == "关于县委第五轮巡察反馈问题整改情况的通报"
    page = (
        "索引号：330100-2024-00012\n发布机构：中共梧川市林业局党组\n生成日期：2024-05-20\n"
        "关于市委第三轮巡察整改进展情况的通报\n一、关于“甲”的问题\n一是开会；二是发文。"
    )
    notice = parse(page)
    assert (notice.title, notice.issuer) == (
        "关于市委第三轮巡察整改进展情况的通报",
        "中共梧川市林业局党组",
    )


def test_the_samples_are_the_ones_the_script_writes(tmp_path):
    """make_genres.py writes the gold files committed here (the PDFs need LibreOffice)."""
    script = SAMPLES / "make_genres.py"
    subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], check=True, timeout=120)
    for gold in GOLDS:
        written = tmp_path / gold.parent.name / gold.name
        assert json.loads(written.read_text("utf-8")) == json.loads(gold.read_text("utf-8")), gold


# --- any table ---------------------------------------------------------------------

CELLS = [
    "",
    "序号",
    "问题",
    "整改措施",
    "责任领导",
    "完成时限",
    "问题类别",
    "一、甲方面",
    "（一）乙问题",
    "1.开会。2.发文。",
    "一是检查；二是通报",
    "①修订制度\n②开展培训",
    "局长",
    "2024年6月30日",
    "长期坚持",
    "3次",
    "立行立改",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(st.sampled_from(CELLS), min_size=1, max_size=6), min_size=1, max_size=6),
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(0, 5)), max_size=3),
)
def test_any_table_gives_a_well_formed_notice(rows, merges):
    """Ragged rows, merges across and down, stray headers: parse keeps its promises."""
    width = max(len(row) for row in rows)
    grid = [row + [""] * (width - len(row)) for row in rows]
    spans = []
    for row, col, length in merges:
        row, col = row % len(grid), col % width
        if length % 2:
            spans.append(((row, col), (row, min(width - 1, col + length))))
        else:
            spans.append(((row, col), (min(len(grid) - 1, row + length), col)))
    try:
        data = _plan(grid, merges=spans[:1])
    except Exception:  # noqa: BLE001 - python-docx refuses some merges; not our reader
        return
    document = read_document(data, "方案.docx")
    notice = parse(document)
    check_json(notice.to_json())
    assert not any(w.startswith(INTERNAL_ERROR) for w in notice.warnings), notice.warnings
    for figure in notice.figures:
        assert document.text[figure.start : figure.end] == figure.text
