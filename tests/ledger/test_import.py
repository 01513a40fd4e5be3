"""Importing notices and workbooks: the example notice, all or nothing, CLI and pages."""

import argparse
import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from tests.conftest import READ_A, make_ledger
from tests.shared import example
from zhenggai.accounts.models import Unit
from zhenggai.audit.models import Event
from zhenggai.ledger import draft as drafts
from zhenggai.ledger.commands import run_import
from zhenggai.ledger.draft import commit_draft
from zhenggai.ledger.models import Figure, Inspection, Measure, Problem, Progress
from zhenggai.ledger.readers import draft_from_file, unsupported
from zhenggai.ledger.services import LedgerError
from zhenggai.ledger.workbook import export_inspection

pytestmark = pytest.mark.django_db
# A notice in the repository, for tests that need a notice but not the example.
SAMPLE = Path(__file__).parents[1] / "samples" / "qingshan-library-2023.txt"


@pytest.fixture(autouse=True)
def _data_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


def workbook(rows, feedback="反馈日期：2022年2月9日") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "整改台账"
    sheet.append([f"轮次：一届区委第二轮巡察　{feedback}"])
    sheet.append(["问题类别", "具体问题", "整改措施", "完成时限", "整改状态"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = [
    ["类别甲", "问题甲", "措施一", "2022年6月底", "推进中"],
    [None, None, "措施二", "长期坚持", ""],
]
BAD = [*GOOD, ["类别乙", "问题乙", "措施三", "明年", ""]]


def nothing_written() -> bool:
    return not (
        Inspection.objects.exists()
        or Measure.objects.exists()
        or Event.objects.filter(act="inspection.imported").exists()
    )


# --- the example notice ------------------------------------------------------------


def test_it_imports_the_example_notice_with_the_gold_counts(db):
    gold = json.loads(example("gold.json").read_text(encoding="utf-8"))
    draft = draft_from_file(example().read_bytes(), "notice.txt")
    inspection = commit_draft(draft, "区总工会", actor=None)
    categories = Problem.objects.filter(inspection=inspection, parent=None)
    assert categories.count() == len(gold["sections"]) == 9
    problems = sum(len(s["problems"]) for s in gold["sections"])
    assert Problem.objects.filter(inspection=inspection, parent__isnull=False).count() == problems
    measures = sum(
        s["measures"] + sum(p["measures"] for p in s["problems"]) for s in gold["sections"]
    )
    assert Measure.objects.filter(problem__inspection=inspection).count() == measures
    assert inspection.round == "一届区委第二轮巡察" and inspection.group == "区委第一巡察组"
    assert inspection.feedback_date == dt.date(2022, 2, 9)
    assert inspection.start == dt.date(2021, 9, 26)
    assert Unit.objects.filter(name="区总工会").exists()


def test_it_keeps_notice_figures_as_progress_of_their_measure(db):
    draft = draft_from_file(example().read_bytes(), "notice.txt")
    inspection = commit_draft(draft, "区总工会", actor=None)
    figure = Figure.objects.get(
        progress__measure__problem__inspection=inspection, unit="人", value=10817
    )
    assert figure.progress.reported_on == dt.date(2022, 5, 29)
    assert "10817人" in figure.progress.text
    assert figure.progress.text == figure.progress.measure.text
    assert Measure.objects.filter(status=Measure.Status.IN_PROGRESS).exists()


NOTICE = """中共青禾县文旅局党组关于县委第三轮巡察整改进展情况的通报
根据县委统一部署，2023年3月1日至4月30日，县委第二巡察组对县文旅局党组开展了巡察，\
2023年6月15日反馈了巡察意见。现将整改进展情况通报如下。
一、关于“基层组织建设不够扎实”问题的整改情况
（一）针对“指导基层不够有力”问题。一是{measure}。
中共青禾县文旅局党组
2023年9月1日
"""


def figures_shown(measure: str) -> list[str]:
    """The 成效数据 of the one measure as the import preview shows them."""
    draft = draft_from_file(NOTICE.format(measure=measure).encode(), "通报.txt")
    (row,) = list(draft.measures())
    html = render_to_string("ledger/import_measure_row.html", {"m": row})
    return html.split("成效数据：")[1].split("</small>")[0].split("；")


# The shapes the import of the example notice garbled, in fictional wording (and a range).
@pytest.mark.parametrize(
    ("measure", "shown"),
    [
        ("对各片区（园区）团组织已督查至少2次", ["对各片区（园区）团组织已督查至少2次"]),
        ("针对2021、2022年连续出现的三起事故开展警示教育", ["针对2021、2022年连续出现的三起"]),
        ("全县星级站点（90分以上）已全部挂牌", ["90分以上"]),
        ("全县星级站点（90分以上）共有128家", ["90分以上", "全县星级站点（90分以上）共有128家"]),
        ("群众满意率达87.05%", ["群众满意率达87.05%"]),
        ("目前关注人数8600余人", ["目前关注人数8600余人"]),
        ("每月走访3至5家企业", ["每月走访3至5家"]),
    ],
)
def test_it_previews_notice_figures_as_written(db, measure, shown):
    assert figures_shown(measure) == shown


# --- deadlines the file does not give ------------------------------------------------


def test_it_gives_undated_notice_measures_the_rectification_deadline(db):
    inspection = commit_draft(
        draft_from_file(example().read_bytes(), "notice.txt"), "区总工会", actor=None
    )
    assert inspection.rectify_until == dt.date(2022, 4, 9)
    measures = Measure.objects.filter(problem__inspection=inspection)
    open_ = measures.filter(status__in=[Measure.Status.PLANNED, Measure.Status.IN_PROGRESS])
    assert open_.exists() and all(m.due == dt.date(2022, 4, 9) for m in open_)
    assert not measures.filter(term=Measure.Term.ONGOING).exclude(due=None).exists()
    assert measures.overdue(dt.date(2022, 5, 29)).count() == open_.count()
    event = Event.objects.get(act="inspection.imported")
    assert event.data["due_defaulted"] == open_.count()
    assert event.data["default_due"] == "2022-04-09"


UNDATED = [
    ["类别甲", "问题甲", "措施一", "2022年6月底", "推进中"],
    [None, None, "措施二", "", "推进中"],
    [None, None, "措施三", "立行立改", "未开始"],
    [None, None, "措施四", "长期坚持", ""],
    [None, None, "措施五", "", "已完成"],
]


def test_it_defaults_only_what_can_fall_overdue(db):
    draft = draft_from_file(workbook(UNDATED), "台账.xlsx")
    shown = [(m.term, m.due, m.due_defaulted) for m in draft.measures()]
    assert shown == [
        ("deadline", dt.date(2022, 6, 30), False),
        ("deadline", dt.date(2022, 4, 9), True),
        ("immediate", dt.date(2022, 4, 9), True),
        ("ongoing", None, False),
        ("deadline", None, False),
    ]
    inspection = commit_draft(draft, "新单位", actor=None)
    assert Event.objects.get(act="inspection.imported").data["due_defaulted"] == 2
    assert inspection.rectify_until == dt.date(2022, 4, 9)


def test_it_follows_the_feedback_date_corrected_in_the_preview(db):
    draft = draft_from_file(workbook(UNDATED, feedback=""), "台账.xlsx")
    assert [m.due for m in draft.measures()][1] is None
    draft = draft_from_file(
        workbook(UNDATED, feedback=""), "台账.xlsx", feedback_date=dt.date(2022, 3, 31)
    )
    commit_draft(draft, "新单位", actor=None)
    assert Measure.objects.get(text="措施二").due == dt.date(2022, 5, 31)


def test_it_marks_defaulted_deadlines_in_the_preview(login, cast, units):
    client = login("alice")
    page = client.get(upload(client, workbook(UNDATED))).content.decode()
    assert page.count("（默认：集中整改期限）") == 2


def test_it_writes_one_audit_event(db):
    commit_draft(draft_from_file(workbook(GOOD), "台账.xlsx"), "新单位", actor=None)
    event = Event.objects.get(act="inspection.imported")
    assert event.data["measures"] == 2 and event.data["unit_created"] is True


# --- all or nothing ----------------------------------------------------------------


def test_it_writes_nothing_when_a_row_is_bad(db):
    draft = draft_from_file(workbook(BAD), "台账.xlsx")
    with pytest.raises(LedgerError, match="第5行“完成时限”列"):
        commit_draft(draft, "新单位", actor=None)
    assert nothing_written() and not Unit.objects.filter(name="新单位").exists()


def test_it_rolls_back_when_writing_fails_half_way(db, monkeypatch):
    write = drafts._Rows.write

    def broken(rows, values):
        if rows.model is drafts.Progress and values:  # after the measures of the batch
            raise RuntimeError("disk full")
        write(rows, values)

    monkeypatch.setattr(drafts._Rows, "write", broken)
    draft = draft_from_file(SAMPLE.read_bytes(), SAMPLE.name)
    with pytest.raises(RuntimeError):
        commit_draft(draft, "区图书馆", actor=None)
    assert nothing_written() and not Unit.objects.filter(name="区图书馆").exists()


def test_it_refuses_a_deadline_before_the_feedback(db):
    draft = draft_from_file(workbook([["类", "问", "措", "2021年1月1日", ""]]), "台账.xlsx")
    with pytest.raises(LedgerError, match="早于反馈日期"):
        commit_draft(draft, "新单位", actor=None)
    assert nothing_written()


def test_it_asks_for_a_missing_feedback_date(db):
    draft = draft_from_file(workbook(GOOD, feedback=""), "台账.xlsx")
    assert any("反馈日期" in w for w in draft.warnings)
    with pytest.raises(LedgerError, match="缺少反馈日期"):
        commit_draft(draft, "新单位", actor=None)
    assert nothing_written()


# --- the command -------------------------------------------------------------------


def cli(path, unit="区总工会"):
    return run_import(argparse.Namespace(file=str(path), unit=unit))


def test_cli_imports_a_notice_and_prints_the_inspection_last(db, capsys):
    assert cli(SAMPLE) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last == f"inspection {Inspection.objects.get().pk}"


def test_cli_imports_an_exported_workbook(db, units, tmp_path, capsys):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(export_inspection(make_ledger(units["A"])))
    assert cli(path, unit="新单位") == 0
    inspection = Inspection.objects.get(unit__name="新单位")
    assert capsys.readouterr().out.strip().splitlines()[-1] == f"inspection {inspection.pk}"
    assert Measure.objects.filter(problem__inspection=inspection).count() == 8


@pytest.mark.parametrize(
    "rows,feedback,words",
    [
        (BAD, "反馈日期：2022年2月9日", "无法识别的日期“明年”"),
        (GOOD, "", "缺少反馈日期"),
    ],
)
def test_cli_refuses_with_exit_2_and_writes_nothing(db, tmp_path, capsys, rows, feedback, words):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(workbook(rows, feedback))
    assert cli(path) == 2
    err = capsys.readouterr().err
    assert words in err and "未写入任何数据" in err
    assert nothing_written()


@pytest.mark.parametrize(
    "name,data,words",
    [
        ("missing.xlsx", None, "找不到文件"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "另存为 .xlsx"),
        ("notice.pdf", b"%PDF-1.4", "PDF 文件已损坏"),
        ("notice.ofd", b"%PDF-1.4", "不支持的文件类型"),
    ],
)
def test_cli_refuses_unreadable_files(db, tmp_path, capsys, name, data, words):
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    assert cli(path) == 2
    assert words in capsys.readouterr().err and nothing_written()


# --- pages -------------------------------------------------------------------------

# Who may import: editors (of the unit or a covered sub-unit) and the office.
IMPORT = {
    "alice": 200,
    "carol": 200,
    "dave": 200,
    "olivia": 200,
    "bob": 403,
    "owen": 403,
    "lena": 403,
    None: 302,
}


@pytest.mark.parametrize("user,status", IMPORT.items())
def test_it_lets_only_editors_and_the_office_open_the_upload(login, cast, user, status):
    assert login(user).get(reverse("ledger:import")).status_code == status


@pytest.mark.parametrize("user", ["bob", "owen", "lena"])
def test_it_refuses_uploads_from_readers(login, cast, settings, user):
    upload = io.BytesIO(workbook(GOOD))
    upload.name = "台账.xlsx"
    response = login(user).post(reverse("ledger:import"), {"file": upload})
    assert response.status_code == 403
    assert not (settings.DATA_DIR / "imports").exists()


def test_it_refuses_on_the_page_what_no_reader_takes(login, cast):
    file = io.BytesIO(b"%PDF-1.4")
    file.name = "notice.ofd"
    response = login("alice").post(reverse("ledger:import"), {"file": file})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [unsupported("notice.ofd")]


def upload(client, data: bytes, name="台账.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    response = client.post(reverse("ledger:import"), {"file": file})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response.url


FIELDS = {
    "kind": "xuncha",
    "round": "一届区委第二轮巡察",
    "group": "区委第一巡察组",
    "feedback_date": "2022-02-09",
}


def test_it_previews_and_commits_an_upload(login, cast, units):
    client = login("alice")
    preview = upload(client, workbook(GOOD))
    page = client.get(preview).content.decode()
    assert "类别甲" in page and "措施二" in page and "具体问题 1 个" in page
    response = client.post(preview, {**FIELDS, "unit": units["A"].pk})
    inspection = Inspection.objects.get(unit=units["A"])
    assert response.url == reverse("ledger:inspection-detail", args=[inspection.pk])
    assert Event.objects.get(act="inspection.imported").actor == cast["alice"]
    assert client.get(preview).status_code == 404


def test_it_asks_for_the_feedback_date_in_the_preview(login, cast, units):
    client = login("alice")
    preview = upload(client, workbook(GOOD, feedback=""))
    response = client.post(preview, {**FIELDS, "feedback_date": "", "unit": units["A"].pk})
    assert response.status_code == 200 and "反馈日期" in response.content.decode()
    client.post(preview, {**FIELDS, "feedback_date": "2022-03-01", "unit": units["A"].pk})
    assert Inspection.objects.get().feedback_date == dt.date(2022, 3, 1)


def test_it_shows_errors_and_offers_no_save_for_a_bad_file(login, cast, units):
    client = login("alice")
    preview = upload(client, workbook(BAD))
    page = client.get(preview).content.decode()
    assert "第5行" in page and "确认导入" not in page
    client.post(preview, {**FIELDS, "unit": units["A"].pk})
    assert nothing_written()


def test_it_refuses_an_unreadable_upload_at_once(login, cast):
    file = io.BytesIO(b"not a workbook")
    file.name = "台账.xlsx"
    page = login("alice").post(reverse("ledger:import"), {"file": file}).content.decode()
    assert "不是 Excel 工作簿" in page


def test_it_keeps_editors_to_their_own_units(login, cast, units):
    client = login("dave")
    preview = upload(client, workbook(GOOD))
    response = client.post(preview, {**FIELDS, "unit": units["A"].pk, "new_unit": "新单位"})
    assert response.status_code == 200 and nothing_written()
    assert not Unit.objects.filter(name="新单位").exists()


def test_it_lets_only_the_office_create_a_unit(login, cast):
    client = login("olivia")
    preview = upload(client, SAMPLE.read_bytes(), SAMPLE.name)
    client.post(preview, {**FIELDS, "new_unit": "区图书馆"})
    assert Inspection.objects.get().unit.name == "区图书馆"


def test_it_hides_one_users_upload_from_another(login, cast, client, units):
    preview = upload(login("alice"), workbook(GOOD))
    assert login("carol").get(preview).status_code == 404
    assert login("olivia").post(preview, {**FIELDS, "new_unit": "X"}).status_code == 404
    assert nothing_written()


@pytest.mark.parametrize("user,status", READ_A.items())
def test_it_lets_readers_download_the_ledger(login, ledger_a, user, status):
    response = login(user).get(reverse("ledger:inspection-xlsx", args=[ledger_a.pk]))
    assert response.status_code == status
    if status == 200:
        assert "filename*=utf-8''" in response["Content-Disposition"]
        assert b"".join(response.streaming_content)[:2] == b"PK"


def test_it_links_the_download_and_the_import(login, ledger_a):
    client = login("alice")
    page = client.get(reverse("ledger:inspection-detail", args=[ledger_a.pk])).content.decode()
    assert reverse("ledger:inspection-xlsx", args=[ledger_a.pk]) in page
    assert reverse("ledger:import") in client.get(reverse("ledger:home")).content.decode()


@pytest.mark.parametrize(
    "user,status", {"olivia": 200, "alice": 403, "bob": 403, None: 302}.items()
)
def test_it_lets_only_the_office_download_rounds(login, ledger_a, ledger_b, user, status):
    client = login(user)
    assert client.get(reverse("ledger:round-list")).status_code == status
    url = reverse("ledger:round-xlsx") + "?round=" + ledger_a.round
    response = client.get(url)
    assert response.status_code == status
    if status == 200:
        book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        assert book["整改台账"].max_row == 3 + 16


def test_it_answers_404_for_an_unknown_round(login, cast):
    assert login("olivia").get(reverse("ledger:round-xlsx") + "?round=无").status_code == 404


def test_progress_rows_are_counted_once(db):
    # Guard for the export subqueries: two reports on one measure stay one row.
    inspection = make_ledger(Unit.objects.create(name="丙"), categories=1, problems=1, measures=1)
    measure = Measure.objects.get()
    Progress.objects.create(measure=measure, text="一")
    Progress.objects.create(measure=measure, text="二")
    sheet = openpyxl.load_workbook(io.BytesIO(export_inspection(inspection)))["整改台账"]
    assert sheet.max_row == 4 and sheet["J4"].value in ("一\n二", "二\n一")
