"""The ledger workbook: export structure, escaping, queries, tolerant reading, bad files."""

import datetime as dt
import io
import subprocess
import zipfile

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook

from tests.conftest import make_ledger
from tests.ledger.test_xlsx_rows import calc
from zhenggai.accounts.models import Unit
from zhenggai.ledger import workbook, workbook_read
from zhenggai.ledger.draft import commit_draft, parse_due, parse_status
from zhenggai.ledger.models import Evidence, Inspection, Measure, Problem, Progress
from zhenggai.ledger.readers import draft_from_file
from zhenggai.ledger.workbook import export_inspection, export_round
from zhenggai.ledger.workbook_read import WorkbookError, read_workbook

pytestmark = pytest.mark.django_db
Term, Status = Measure.Term, Measure.Status
HEADER = [
    "序号",
    "问题类别",
    "具体问题",
    "整改措施",
    "责任领导",
    "责任部门",
    "责任人",
    "完成时限",
    "整改状态",
    "整改进展",
    "佐证材料",
]


def opened(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def rich_ledger(unit) -> Inspection:
    """Own measures under a category, sub-problems, every term and a formula-like text."""
    inspection = make_ledger(unit, categories=2, problems=2, measures=2)
    category = Problem.objects.filter(inspection=inspection, parent=None).first()
    Measure.objects.create(
        problem=category,
        position=0,
        text='=HYPERLINK("x")',
        leader="+张三",
        department="@办公室",
        owner="-李四",
        term=Term.IMMEDIATE,
        status=Status.DONE,
    )
    Measure.objects.create(
        problem=category,
        position=1,
        text="建立长效机制",
        term=Term.ONGOING,
        due=dt.date(2026, 12, 31),
        status=Status.ONGOING,
    )
    return inspection


def tree_of(inspection: Inspection) -> list:
    """What must survive a round trip: tree, texts, responsibilities, deadlines, states."""
    rows = []
    for p in Problem.objects.filter(inspection=inspection).order_by("parent_id", "position"):
        rows.append(("problem", p.parent.title if p.parent else None, p.title))
    measures = Measure.objects.filter(problem__inspection=inspection).select_related("problem")
    order: dict[int, int] = {}
    for m in measures.order_by("problem_id", "position", "id"):
        # The order under each problem counts, not the stored position numbers.
        order[m.problem_id] = order.get(m.problem_id, 0) + 1
        rows.append(
            (
                m.problem.title,
                order[m.problem_id],
                m.text,
                m.leader,
                m.department,
                m.owner,
                m.term,
                m.due,
                m.status,
            )
        )
    return sorted(rows, key=repr)


# --- export ------------------------------------------------------------------------


def test_it_exports_the_four_sheets_with_title_header_and_print_setup(units):
    data = export_inspection(rich_ledger(units["A"]), internal=True)
    book = opened(data)
    assert book.sheetnames == ["整改台账", "问题清单", "任务清单", "责任清单"]
    sheet = book["整改台账"]
    assert [c.value for c in sheet[3]] == HEADER
    title, info = sheet["A1"].value, sheet["A2"].value
    assert "甲单位" in title and "一届区委第一轮巡察" in title
    assert "反馈日期：2026年3月1日" in info and "导出日期：" in info
    assert sheet.freeze_panes == "A4"
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.column_dimensions["D"].width > 40
    assert sheet["D4"].alignment.wrap_text


def test_it_merges_category_and_problem_cells_down_their_rows(units):
    data = export_inspection(make_ledger(units["A"], categories=2, problems=2, measures=3))
    merged = {str(r) for r in opened(data)["整改台账"].merged_cells.ranges}
    # 2 categories × 6 rows, 4 problems × 3 rows, from row 4 under the header.
    assert {"B4:B9", "B10:B15", "C4:C6", "C7:C9", "C10:C12", "C13:C15"} <= merged


def test_it_writes_measures_in_ledger_order_with_category_own_measures_first(units):
    sheet = opened(export_inspection(rich_ledger(units["A"]), internal=True))["整改台账"]
    texts = [sheet.cell(row, 4).value for row in range(4, 8)]
    assert texts == ['=HYPERLINK("x")', "建立长效机制", "措施0-0-0", "措施0-0-1"]
    assert sheet["H4"].value == "立行立改" and sheet["H5"].value == "长期坚持（2026年12月31日）"
    assert sheet["H6"].value == dt.datetime(2026, 3, 31)
    assert sheet["I4"].value == "已完成"


def test_it_escapes_cells_that_start_like_a_formula(units):
    sheet = opened(export_inspection(rich_ledger(units["A"]), internal=True))["整改台账"]
    for ref in ("D4", "E4", "F4", "G4"):
        cell = sheet[ref]
        assert cell.data_type == "s" and cell.quotePrefix, ref
    assert not sheet["D6"].quotePrefix
    raw = (
        zipfile.ZipFile(io.BytesIO(export_inspection(rich_ledger(units["B"]))))
        .read("xl/worksheets/sheet1.xml")
        .decode()
    )
    assert "<f>" not in raw


def test_it_keeps_withheld_items_out_of_the_public_version(units):
    inspection = make_ledger(units["A"])
    Measure.objects.filter(text="措施0-0-0").update(withhold_reason="case", withhold_approver="王")
    public = opened(export_inspection(inspection))["整改台账"]
    internal = opened(export_inspection(inspection, internal=True))["整改台账"]
    assert "措施0-0-0" not in [c.value for c in public["D"]]
    assert "措施0-0-0" in [c.value for c in internal["D"]]


def test_it_exports_progress_and_evidence(units):
    inspection = make_ledger(units["A"], categories=1, problems=1, measures=1)
    progress = Progress.objects.create(measure=Measure.objects.get(), text="已召开专题会")
    Evidence.objects.create(progress=progress, reference="会议纪要")
    sheet = opened(export_inspection(inspection))["整改台账"]
    assert sheet["J4"].value == "已召开专题会" and sheet["K4"].value == "会议纪要"


def test_it_lists_problems_tasks_and_duties(units):
    book = opened(export_inspection(make_ledger(units["A"])))
    problems = list(book["问题清单"].iter_rows(min_row=4, values_only=True))
    assert problems[0][:5] == ("一、", "类别问题1", None, 4, 2)
    assert problems[1][:5] == ("（一）", "类别问题1", "具体问题1-1", 2, 1)
    total = next(row for row in problems if row[0] == "合计")
    assert total[1] == "问题4个，已完成整改0个，问题整改完成率0%"
    assert total[2:5] == ("整改措施8项，已完成4项，措施完成率50%", 8, 4)
    assert book["任务清单"].max_row == 3 + 8 and book["责任清单"].max_row == 3 + 8


def test_it_writes_ledgers_longer_than_a_chunk_whole_and_in_order(units, monkeypatch):
    # Rows go to the file CHUNK at a time: 7 puts the boundaries inside merged blocks.
    monkeypatch.setattr(workbook, "CHUNK", 7)
    data = export_inspection(make_ledger(units["A"], categories=2, problems=3, measures=4))
    book = opened(data)
    expected = [f"措施{c}-{p}-{m}" for c in range(2) for p in range(3) for m in range(4)]
    for name, column in (("整改台账", 4), ("任务清单", 3), ("责任清单", 2)):
        sheet = book[name]
        assert sheet.max_row == 3 + 24, name
        assert [sheet.cell(r, 1).value for r in range(4, 28)] == list(range(1, 25)), name
        assert [sheet.cell(r, column).value for r in range(4, 28)] == expected, name
    ledger = book["整改台账"]
    merged = {str(r) for r in ledger.merged_cells.ranges}
    assert {"B4:B15", "B16:B27", "C8:C11", "C24:C27"} <= merged
    assert ledger["H11"].value == dt.datetime(2026, 4, 3)  # the 4th measure: 30 + 3 days
    assert ledger["B16"].alignment.vertical == "center"  # the "merged" style
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("任务清单")
    assert rows.to_python()[26][:3] == [24, "具体问题2-3", "措施1-2-3"]


@pytest.mark.skipif(not calc(), reason="LibreOffice Calc is not installed")
def test_libreoffice_converts_the_exported_ledger(units, tmp_path):
    source = tmp_path / "台账.xlsx"
    source.write_bytes(export_inspection(rich_ledger(units["A"]), internal=True))
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",  # comma, quote, UTF-8
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        timeout=120,
        capture_output=True,
    )
    lines = (tmp_path / "台账.csv").read_text(encoding="utf-8").splitlines()
    assert lines[2].startswith("序号,问题类别,具体问题,整改措施")
    assert lines[3].startswith('1,类别问题1,,"=HYPERLINK(""x"")",+张三,@办公室,-李四,立行立改')
    assert lines[5].startswith("3,,具体问题1-1,措施0-0-0,,,,2026年3月31日")


def test_it_exports_with_a_fixed_number_of_queries(units):
    small = make_ledger(units["A"], categories=1, problems=1, measures=1)
    large = make_ledger(units["B"], categories=3, problems=4, measures=5)
    counts = []
    for inspection in (small, large):
        with CaptureQueriesContext(connection) as queries:
            export_inspection(inspection)
        counts.append(len(queries))
    # Problems, measure counts, measure rows, and the two that count the 合计 row.
    assert counts[0] == counts[1] <= 5


def test_it_exports_a_round_with_a_unit_column(units):
    a, b = make_ledger(units["A"]), make_ledger(units["B"])
    sheet = opened(export_round(a.round, [a, b]))["整改台账"]
    assert [c.value for c in sheet[3]][:3] == ["序号", "被巡察单位", "问题类别"]
    assert {sheet["B4"].value, sheet["B12"].value} == {"甲单位", "乙单位"}
    assert "B4:B11" in {str(r) for r in sheet.merged_cells.ranges}


# --- round trip --------------------------------------------------------------------


def test_it_round_trips_a_ledger_through_the_workbook(units):
    inspection = rich_ledger(units["A"])
    expected, fields = (
        tree_of(inspection),
        (inspection.round, inspection.group, inspection.feedback_date),
    )
    data = export_inspection(inspection, internal=True)
    Inspection.objects.all().delete()
    Unit.objects.filter(name="甲单位下属站").delete()
    Unit.objects.filter(name="甲单位").delete()
    draft = read_workbook(data, "台账.xlsx")
    assert not draft.errors and draft.unit_name == "甲单位"
    copy = commit_draft(draft, draft.unit_name, actor=None)
    assert (copy.round, copy.group, copy.feedback_date) == fields
    assert tree_of(copy) == expected


def test_it_round_trips_problems_without_measures(units):
    inspection = make_ledger(units["A"], categories=2, problems=1, measures=1)
    first, second = Problem.objects.filter(inspection=inspection, parent=None).order_by("position")
    Problem.objects.create(inspection=inspection, parent=first, position=0, title="空问题甲")
    Problem.objects.create(inspection=inspection, parent=second, position=9, title="空问题乙")
    Problem.objects.create(inspection=inspection, position=9, title="空类别")
    expected = tree_of(inspection)
    data = export_inspection(inspection, internal=True)
    ledger, tasks = opened(data)["整改台账"], opened(data)["任务清单"]
    column = [(r[0], r[1], r[2], r[3]) for r in ledger.iter_rows(min_row=4, values_only=True)]
    assert column == [
        (None, "类别问题1", "空问题甲", None),
        (1, None, "具体问题1-1", "措施0-0-0"),
        (2, "类别问题2", "具体问题2-1", "措施1-0-0"),
        (None, None, "空问题乙", None),
        (None, "空类别", None, None),
    ]
    assert [r[0] for r in tasks.iter_rows(min_row=4, values_only=True)] == [1, 2]
    Inspection.objects.all().delete()
    draft = read_workbook(data, "台账.xlsx")
    assert not draft.errors and len(draft.warnings) == 3
    assert tree_of(commit_draft(draft, units["A"].name, actor=None)) == expected


HEADER_FIELDS = ("round", "kind", "group", "start", "end", "feedback_date")


@pytest.mark.parametrize(
    ("unit", "fields"),
    [
        (
            "青禾县文旅局（县体育局）",
            {
                "round": "2024年 县委第二轮巡察",
                "kind": Inspection.Kind.XUNCHA,
                "group": "县委第一巡察组",
                "start": dt.date(2024, 3, 4),
                "end": dt.date(2024, 4, 30),
                "feedback_date": dt.date(2024, 6, 12),
            },
        ),
        (
            "青禾县粮食站",
            {
                "round": "县委2023年度经济责任审计",
                "kind": Inspection.Kind.SPECIAL_CHECK,
                "group": "",
                "start": None,
                "end": None,
                "feedback_date": dt.date(2023, 11, 2),
            },
        ),
    ],
)
def test_it_restores_every_header_field_from_its_own_export(units, unit, fields):
    inspection = make_ledger(Unit.objects.create(name=unit), categories=1, problems=1)
    Inspection.objects.filter(pk=inspection.pk).update(**fields)
    inspection.refresh_from_db()
    draft = draft_from_file(export_inspection(inspection, internal=True), "台账.xlsx")
    assert not draft.errors, draft.errors
    assert {name: getattr(draft, name) for name in HEADER_FIELDS} == fields
    assert draft.unit_name == unit


def test_it_takes_no_unit_count_for_a_unit_name(units):
    inspection = make_ledger(units["A"], categories=1, problems=1)
    draft = draft_from_file(export_round(inspection.round, [inspection]), "汇总.xlsx")
    # A round's info line says 被巡察单位：1 个; the user picks the unit in the preview.
    assert draft.unit_name == "" and draft.round == inspection.round


def test_it_reads_a_typed_info_line_without_swallowing_other_labels():
    rows = [
        ["轮次：一届区委第二轮巡察 反馈日期：2022年2月9日 制表人：王五"],
        ["巡察组：区委第三巡察组", "类型：巡视", "进驻：2021年9月1日至2021年10月30日"],
        ["问题类别", "具体问题", "整改措施", "完成时限"],
        ["类别甲", "问题甲", "措施一", "2022年6月底"],
    ]
    draft = read_workbook(sheet_bytes(rows), "x.xlsx")
    assert (draft.round, draft.group, draft.kind) == (
        "一届区委第二轮巡察",
        "区委第三巡察组",
        Inspection.Kind.XUNSHI,
    )
    assert (draft.start, draft.end, draft.feedback_date) == (
        dt.date(2021, 9, 1),
        dt.date(2021, 10, 30),
        dt.date(2022, 2, 9),
    )


# --- tolerant reading --------------------------------------------------------------


def sheet_bytes(rows, merges=(), title="整改台账") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for ref in merges:
        sheet.merge_cells(ref)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FEEDBACK = "反馈日期：2022年2月9日"


def test_it_reads_merged_cells_title_rows_and_other_column_names(units):
    rows = [
        ["某单位巡察整改台账"],
        [f"轮次：一届区委第二轮巡察　{FEEDBACK}"],
        [],
        ["存在问题", "类别", "整改目标", "时限", "牵头领导", "责任单位", "整改责任人", "状态"],
        ["问题甲", "方面一", "措施一", "2022年6月底", "张", "办公室", "李", "已办结"],
        [None, None, "措施二", "6月30日前", "张", "办公室", "李", "正在整改"],
        ["问题乙", None, "措施三", "长期坚持", "", "", "", ""],
        ["问题丙", "方面二", "措施四", "立行立改", "", "", "", "完成"],
    ]
    draft = read_workbook(sheet_bytes(rows, merges=["B5:B7", "A5:A6"]), "x.xlsx")
    assert not draft.errors, draft.errors
    assert draft.round == "一届区委第二轮巡察" and draft.feedback_date == dt.date(2022, 2, 9)
    first, second = draft.categories
    assert [p.title for p in first.problems] == ["问题甲", "问题乙"]
    one, two = first.problems[0].measures
    assert (one.due, one.status, one.leader, one.department, one.owner) == (
        dt.date(2022, 6, 30),
        Status.DONE,
        "张",
        "办公室",
        "李",
    )
    assert (two.due, two.status) == (dt.date(2022, 6, 30), Status.IN_PROGRESS)
    assert first.problems[1].measures[0].term == Term.ONGOING
    assert first.problems[1].measures[0].status == Status.ONGOING
    assert second.problems[0].measures[0].term == Term.IMMEDIATE


@pytest.mark.parametrize(
    "header,field",
    [
        ("整改责任人", "owner"),
        ("牵头领导", "leader"),
        ("责任单位", "department"),
        ("时限", "due"),
        ("完成时间", "due"),
        ("整改时限", "due"),
        ("问题", "problem"),
        ("存在问题", "problem"),
        ("整改措施", "measure"),
        ("措施", "measure"),
        ("整改目标", "goal"),
        ("责任领导\n（签字）", "leader"),
        ("完成时限(年月日)", "due"),
        ("问题类别", "category"),
        ("整改进展情况", "progress"),
        ("佐证材料", "evidence"),
        ("备注", None),
    ],
)
def test_it_knows_header_names(header, field):
    assert workbook_read.header_field(header) == field


FB = dt.date(2022, 2, 9)


@pytest.mark.parametrize(
    "value,term,due",
    [
        ("2022年6月底", Term.DEADLINE, dt.date(2022, 6, 30)),
        ("2022年6月", Term.DEADLINE, dt.date(2022, 6, 30)),
        ("6月30日前", Term.DEADLINE, dt.date(2022, 6, 30)),
        ("1月15日", Term.DEADLINE, dt.date(2023, 1, 15)),
        ("2022.6.30", Term.DEADLINE, dt.date(2022, 6, 30)),
        ("2022-06-30", Term.DEADLINE, dt.date(2022, 6, 30)),
        ("２０２２年６月３０日", Term.DEADLINE, dt.date(2022, 6, 30)),
        ("2022年底", Term.DEADLINE, dt.date(2022, 12, 31)),
        ("3个月内", Term.DEADLINE, dt.date(2022, 5, 9)),
        (44742, Term.DEADLINE, dt.date(2022, 6, 30)),
        (dt.datetime(2022, 6, 30), Term.DEADLINE, dt.date(2022, 6, 30)),
        ("长期坚持", Term.ONGOING, None),
        ("立行立改", Term.IMMEDIATE, None),
        ("立行立改并长期坚持", Term.ONGOING, None),
        ("立行立改（2022年3月31日）", Term.IMMEDIATE, dt.date(2022, 3, 31)),
        ("", Term.DEADLINE, None),
    ],
)
def test_it_reads_deadlines_as_people_write_them(value, term, due):
    assert parse_due(value, FB) == (term, due)


@pytest.mark.parametrize("value", ["下半年", "2022年2月30日", "尽快"])
def test_it_refuses_unreadable_deadlines(value):
    with pytest.raises(ValueError):
        parse_due(value, FB)


@pytest.mark.parametrize(
    "value,status",
    [
        ("已完成", Status.DONE),
        ("完成", Status.DONE),
        ("已整改", Status.DONE),
        ("已办结", Status.DONE),
        ("推进中", Status.IN_PROGRESS),
        ("正在整改", Status.IN_PROGRESS),
        ("整改中", Status.IN_PROGRESS),
        ("未完成", Status.IN_PROGRESS),
        ("基本完成", Status.IN_PROGRESS),
        ("未开始", Status.PLANNED),
        ("长期坚持", Status.ONGOING),
        ("持续整改", Status.ONGOING),
        ("？", None),
        ("", None),
    ],
)
def test_it_reads_statuses_in_words(value, status):
    assert parse_status(value) == status


# --- bad input ---------------------------------------------------------------------

HEAD = ["问题类别", "具体问题", "整改措施", "完成时限"]


def zipped(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
BAD_FILES = {
    "corrupt": (b"PK\x03\x04" + b"\x00garbage" * 100, "已损坏"),
    "password": (OLE + "EncryptionInfo".encode("utf-16-le") + b"\0" * 512, "密码"),
    "old xls": (OLE + "Workbook".encode("utf-16-le") + b"\0" * 512, "另存为 .xlsx"),
    "not a workbook": ("问题类别,整改措施\n".encode(), "不是 Excel 工作簿"),
    "a zip but no workbook": (zipped({"a.txt": b"x"}), "不是 Excel 工作簿"),
    "zip bomb": (zipped({"xl/workbook.xml": b"0" * (8 * 1024 * 1024)}), "压缩炸弹"),
    "many entries": (zipped({f"x/{i}": b"" for i in range(2500)}), "压缩炸弹"),
    "empty": (b"", "空文件"),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=str)
def test_it_refuses_bad_files_with_a_chinese_message(case):
    data, words = BAD_FILES[case]
    with pytest.raises(WorkbookError, match=words) as refusal:
        read_workbook(data, "台账.xlsx")
    assert "“台账.xlsx”" in str(refusal.value)  # the message names the file


def test_it_refuses_oversized_files_before_unpacking(settings):
    settings.IMPORT_MAX_BYTES = 1000
    with pytest.raises(WorkbookError, match="超过"):
        read_workbook(sheet_bytes([HEAD, ["类", "问", "措", "2022年6月"]]), "台账.xlsx")


def test_it_refuses_a_sheet_without_a_header():
    with pytest.raises(WorkbookError, match="找不到台账表头"):
        read_workbook(sheet_bytes([["姓名", "电话"], ["张三", "123"]]), "名单.xlsx")


@pytest.mark.parametrize(
    "row,words",
    [
        (["类别甲", "问题甲", "措施", "下半年"], "第3行“完成时限”列：无法识别的日期“下半年”"),
        (["类别甲", "问题甲", "措施", "2022年13月1日"], "第3行“完成时限”列：日期"),
    ],
)
def test_it_names_sheet_row_and_column_of_bad_rows(row, words):
    rows = [[FEEDBACK], HEAD, row]
    draft = read_workbook(sheet_bytes(rows), "台账.xlsx")
    assert any(words in e for e in draft.errors), draft.errors
    assert draft.errors[0].startswith("工作表“整改台账”")


def test_it_keeps_a_problem_without_measures_with_a_warning():
    rows = [
        [FEEDBACK],
        HEAD,
        ["类别甲", "问题甲", None, ""],
        [None, "问题乙", "措施一", "2022年6月"],
        ["类别乙", None, None, ""],
        ["类别乙", None, None, ""],
    ]
    draft = read_workbook(sheet_bytes(rows), "台账.xlsx")
    assert not draft.errors, draft.errors
    assert draft.counts() == (2, 2, 1)
    assert [p.measures for p in draft.categories[0].problems][0] == []
    assert any("第3行：问题“问题甲”下没有整改措施" in w for w in draft.warnings)
    assert any("第5行：问题“类别乙”下没有整改措施" in w for w in draft.warnings)
    assert any("第6行：只有问题、没有整改措施，已跳过此行" in w for w in draft.warnings)


def test_it_still_refuses_a_sheet_without_any_measure():
    draft = read_workbook(sheet_bytes([[FEEDBACK], HEAD, ["类别甲", "问题甲", None, ""]]), "x.xlsx")
    assert any("表头下没有整改措施" in e for e in draft.errors)
