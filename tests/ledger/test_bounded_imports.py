"""Imported files are untrusted: bounded before they are read, read in a bounded child,
kept once per upload within a quota, and written without holding the database.

Issue 17, findings 1 (a 1.7 KB workbook killed the server) and 6 (imports exhausted
the machine). The crafted files are built here; each is a few kilobytes.
"""

import io
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from http.cookiejar import CookieJar

import pytest
from django.db import connection
from django.urls import reverse

from tests.ledger.test_backup import environment, zhenggai
from tests.write_bodies import NOTICE
from zhenggai.accounts.models import Unit
from zhenggai.audit.models import Event
from zhenggai.ledger import draft as drafts
from zhenggai.ledger import imports_views, pending
from zhenggai.ledger.draft import DraftCategory, DraftMeasure, DraftProblem, LedgerDraft
from zhenggai.ledger.models import Inspection, Measure
from zhenggai.ledger.readers import draft_from_file
from zhenggai.ledger.sandbox import read_bounded
from zhenggai.ledger.services import LedgerError
from zhenggai.ledger.workbook_read import WorkbookError, read_workbook
from zhenggai.notices.webpage import html_to_text

HEAD = ["问题类别", "具体问题", "整改措施", "完成时限"]


def crafted(cells: str, dimension: str = "") -> bytes:
    """A workbook of one sheet: the header row, then the given <row> XML."""
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
        '.org/package/2006/content-types"><Default Extension="rels" ContentType="application'
        '/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    )
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/{{}}" Target="{{}}"/></Relationships>'
    )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    book = (
        f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
        '<sheet name="整改台账" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    head = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for i, name in enumerate(HEAD)
    )
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        f'<worksheet xmlns="{main}">{declared}<sheetData><row r="1">{head}</row>{cells}'
        "</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", rels.format("officeDocument", "xl/workbook.xml"))
        archive.writestr("xl/workbook.xml", book)
        archive.writestr(
            "xl/_rels/workbook.xml.rels", rels.format("worksheet", "worksheets/sheet1.xml")
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def cell(ref: str, text: str = "x", tag: str = "c") -> str:
    return f'<{tag} r="{ref}" t="inlineStr"><is><t>{text}</t></is></{tag}>'


# The workbook of the report: a header and one cell at the sheet's last place.
FAR_CELL = crafted(f'<row r="1048576">{cell("XFD1048576")}</row>')


# --- finding 1: a workbook that killed the server ------------------------------------


def test_the_far_cell_workbook_is_as_small_as_reported():
    assert len(FAR_CELL) < 2000


@pytest.mark.parametrize(
    ("cells", "dimension", "words"),
    [
        (f'<row r="200000">{cell("A200000")}</row>', "", "200000 行"),
        (f'<row r="2">{cell("ZZ2")}</row>', "", "702 列"),
        (f'<row r="2">{cell("A2")}</row>', "A1:D500000", "500000 行"),
        # Rows and cells without r="…" are placed one after another, as calamine does.
        ('<row r="2">' + "<c><v>1</v></c>" * 150 + "</row>", "", "150 列"),
        ("<row><c><v>1</v></c></row>" * 3 + '<row r="150000"><c><v>1</v></c></row>', "", "行"),
    ],
    ids=["far row", "far column", "declared", "cells without r", "rows without r"],
)
def test_it_refuses_sheets_beyond_the_limits_before_reading(cells, dimension, words):
    with pytest.raises(WorkbookError, match="超过上限") as refusal:
        read_workbook(crafted(cells, dimension), "台账.xlsx")
    assert words in str(refusal.value) and "“台账.xlsx”" in str(refusal.value)


def test_it_reads_a_sheet_within_the_limits(settings):
    settings.IMPORT_MAX_ROWS = 20
    rows = "".join(
        f'<row r="{r}">{cell(f"A{r}", "类")}{cell(f"B{r}", "问")}{cell(f"C{r}", f"措施{r}")}'
        f"{cell(f'D{r}', '2026年6月30日')}</row>"
        for r in range(2, 51)  # 50 rows in all: the limit's 20 and the 30 a header may take
    )
    assert read_workbook(crafted(rows), "台账.xlsx").counts() == (1, 1, 49)
    rows += f'<row r="51">{cell("C51", "措施51")}</row>'
    with pytest.raises(WorkbookError, match="有 51 行，超过上限"):
        read_workbook(crafted(rows), "台账.xlsx")


def two_sheets(first: str, second: str, far: str) -> bytes:
    """A workbook of two sheets, the ledger's header and one row in each but 说明 (a
    note); sheet `far` also holds a cell at the grid's last place."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    for name in (first, second):
        sheet = book.add_worksheet(name)
        if name == "说明":
            sheet.write_string(0, 0, "本工作簿第二张表为整改台账。")
        else:
            sheet.write_row(0, 0, HEAD)
            sheet.write_row(1, 0, ["类别", "问题", f"{name}的措施", "2026年6月30日"])
        if name == far:
            sheet.write_string(1048575, 16383, "远处的格子")
    book.close()
    return out.getvalue()


def test_only_the_sheet_read_is_checked():
    """The sheets that are not read cost nothing (an exported ledger has three long
    ones); the one read is checked before it is loaded, wherever it stands."""
    draft = read_workbook(two_sheets("说明", "整改台账", far="说明"), "台账.xlsx")
    assert [m.text for m in draft.measures()] == ["整改台账的措施"]
    with pytest.raises(WorkbookError, match="1048576 行，超过上限"):
        read_workbook(two_sheets("说明", "台账", far="台账"), "台账.xlsx")
    with pytest.raises(WorkbookError, match="1048576 行，超过上限"):
        read_workbook(two_sheets("整改台账", "说明", far="整改台账"), "台账.xlsx")


def test_zhenggai_import_refuses_the_far_cell_workbook_in_chinese(tmp_path):
    env = environment(tmp_path / "data")
    zhenggai(env, "manage", "migrate", "--verbosity", "0")
    (tmp_path / "far.xlsx").write_bytes(FAR_CELL)
    done = zhenggai(env, "import", str(tmp_path / "far.xlsx"), "--unit", "甲单位", check=False)
    assert done.returncode == 2, done.stderr[-500:]
    assert "1048576 行，超过上限" in done.stderr and "未写入任何数据" in done.stderr


def test_a_layout_the_scan_misjudges_still_meets_the_memory_bound(settings):
    """A tab before r= hides the far cell from the scan; the child runs out, not us."""
    tabbed = crafted('<row\tr="1048576"><c\tr="XFD1048576"><v>1</v></c></row>')
    settings.IMPORT_MEMORY_MB = 600
    with pytest.raises(LedgerError, match="超出内存上限（600 MB）"):
        read_bounded(tabbed, "台账.xlsx")


FIGURES = (
    "中共青禾县文旅局党组关于县委第三轮巡察整改进展情况的通报\n"
    "2023年6月15日，县委第二巡察组反馈了巡察意见。现将整改进展情况通报如下。\n"
    "一、关于“基层组织建设不够扎实”问题的整改情况\n"
    "（一）针对“指导基层不够有力”问题。一是每月走访3至5家企业，群众满意率达87.05%。"
    "二是立行立改，已完成。\n中共青禾县文旅局党组\n2023年9月1日\n"
).encode()
ROWS = "".join(
    f'<row r="{r}">{cell(f"A{r}", "类别")}{cell(f"B{r}", f"问题{r // 3}")}'
    f"{cell(f'C{r}', f'措施{r}')}{cell(f'D{r}', '长期坚持' if r % 2 else '2026年6月')}</row>"
    for r in range(2, 12)
)


@pytest.mark.parametrize(("name", "data"), [("通报.txt", FIGURES), ("台账.xlsx", crafted(ROWS))])
def test_the_child_reads_what_the_reader_reads(name, data):
    """Dates, figures, terms and warnings survive the way back from the child as JSON."""
    assert read_bounded(data, name) == draft_from_file(data, name)


def test_a_read_that_takes_too_long_is_stopped(settings):
    settings.IMPORT_SECONDS = 0
    with pytest.raises(LedgerError, match="超过 0 秒仍未完成"):
        read_bounded(FIGURES, "通报.txt")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


EDITOR = (
    "from django.contrib.auth import get_user_model;"
    "from zhenggai.accounts.models import Membership, Unit;"
    "u = get_user_model().objects.create_user('bianji', password='Bounded-2026-import');"
    "Membership.objects.create(user=u, unit=Unit.objects.create(name='甲单位'), role='editor')"
)


class Browser:
    """Just enough of a browser for Django's forms: cookies and the CSRF token."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=120) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict, file: tuple[str, bytes] | None = None) -> str:
        fields = {**fields, "csrfmiddlewaretoken": self.csrf()}
        boundary = "----zhenggai-test-boundary"
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        ]
        if file:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="{file[0]}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                + file[1]
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(
            self.base + path,
            data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        with self.opener.open(request, timeout=120) as response:
            return response.read().decode()

    def csrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")


def test_a_workbook_with_a_cell_at_xfd1048576_does_not_kill_the_server(tmp_path):
    """The real upload path: `zhenggai serve`, an editor's log-in, the upload page."""
    env = {**environment(tmp_path / "data"), "ZHENGGAI_HTTPS": "false"}
    zhenggai(env, "manage", "migrate", "--verbosity", "0")
    zhenggai(env, "manage", "shell", "-c", EDITOR)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "zhenggai.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        for _ in range(600):
            try:
                browser.get("/accounts/login/")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()[-2000:]
                time.sleep(0.1)
        browser.post("/accounts/login/", {"username": "bianji", "password": "Bounded-2026-import"})
        assert 'name="file"' in browser.get("/import/")  # the editor's upload form
        page = browser.post("/import/", {}, ("台账.xlsx", FAR_CELL))
        assert "1048576 行，超过上限" in page
        assert server.poll() is None
        assert 'name="file"' in browser.get("/import/")  # still served, still logged in
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- finding 6: imports that exhausted the machine -----------------------------------


def test_a_notice_file_too_long_to_be_one_is_refused_before_it_is_decoded(settings):
    settings.NOTICE_MAX_CHARS = 10_000
    text = NOTICE + "一是修订学习制度。".encode() * 5000  # 135 KB, over 4 bytes a character
    with pytest.raises(LedgerError, match="上限 10000 字"):
        draft_from_file(text, "通报.txt")


def test_a_notice_over_the_character_limit_is_refused_after_decoding(settings):
    import docx

    document = docx.Document()
    for line in NOTICE.decode().splitlines():
        document.add_paragraph(line)
    document.add_paragraph("二是建立学习台账。" * 300)
    out = io.BytesIO()
    document.save(out)
    settings.NOTICE_MAX_CHARS = 2000
    with pytest.raises(LedgerError, match=r"有 \d+ 字，超过通报的上限 2000 字"):
        draft_from_file(out.getvalue(), "通报.docx")
    settings.NOTICE_MAX_CHARS = 10_000
    assert draft_from_file(out.getvalue(), "通报.docx").counts()[0] == 1


def profile_calls(run) -> int:
    """How many Python and C calls `run` makes: the work done, without a clock."""
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        calls += event in ("call", "c_call")

    sys.setprofile(count)
    try:
        run()
    finally:
        sys.setprofile(None)
    return calls


def test_nested_html_is_read_in_linear_time():
    """<div>×n then </b>×n (the report's 540 KB page at n = 60,000): twice the tags,
    twice the work, not four times."""

    def nested(n: int) -> str:
        return "<p>一、关于“学习”问题的整改情况</p>" + "<div>" * n + "</b>" * n

    small, large = (profile_calls(lambda n=n: html_to_text(nested(n))) for n in (1000, 2000))
    assert large / small < 2.3


def test_a_deep_page_keeps_its_text():
    deep = "<div>" * 5000 + "<p>一、关于“学习”问题的整改情况</p>" + "</div>" * 5000
    assert html_to_text("<html><body>" + deep + "</body></html>") == "一、关于“学习”问题的整改情况"


def upload(client, name: str, data: bytes):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("ledger:import"), {"file": file})


def waiting(user) -> list:
    return [p for p in pending.folder().glob(f"{user.pk}-*") if not p.name.endswith(pending.DRAFT)]


def used(user) -> int:
    return sum(p.stat().st_size for p in pending.folder().glob(f"{user.pk}-*"))


def test_waiting_uploads_stay_within_each_users_quota(login, cast, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.IMPORT_QUOTA_BYTES = 4 * len(NOTICE)
    alice = login("alice")
    tokens, said = [], []
    for i in range(6):
        response = upload(alice, f"通报{i}.txt", NOTICE)
        assert response.status_code == 302
        tokens.append(response.url.rstrip("/").rsplit("/", 1)[1])
        assert used(cast["alice"]) <= settings.IMPORT_QUOTA_BYTES
        said += [str(m) for m in alice.get(response.url).context["messages"]]
    # The oldest gave way, and the page said which; the newest is there to commit.
    assert alice.get(reverse("ledger:import-preview", args=[tokens[0]])).status_code == 404
    assert alice.get(reverse("ledger:import-preview", args=[tokens[-1]])).status_code == 200
    assert any("已放弃" in m and "“通报0.txt”" in m for m in said), said
    # Another user's uploads are not theirs to push out.
    carol = login("carol")
    assert upload(carol, "乙.txt", NOTICE).status_code == 302
    assert len(waiting(cast["carol"])) == 1 and waiting(cast["alice"])


def test_uploads_are_removed_after_the_keep_time(login, cast, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.IMPORT_KEEP_HOURS = 8
    stale = pending.folder() / f"{cast['dave'].pk}-{'0' * 32}"
    stale.write_bytes(NOTICE)
    hours_ago = time.time() - 9 * 3600
    os.utime(stale, (hours_ago, hours_ago))
    fresh = pending.folder() / f"{cast['dave'].pk}-{'1' * 32}"
    fresh.write_bytes(NOTICE)
    assert upload(login("alice"), "通报.txt", NOTICE).status_code == 302
    assert not stale.exists() and fresh.exists()


def test_a_preview_reads_the_file_once(login, cast, units, settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    reads = []
    real = imports_views.read_bounded

    def counted(*args, **kwargs):
        reads.append(kwargs.get("feedback_date"))
        return real(*args, **kwargs)

    monkeypatch.setattr(imports_views, "read_bounded", counted)
    alice = login("alice")
    preview = upload(alice, "通报.txt", NOTICE).url
    for _ in range(3):
        assert alice.get(preview).status_code == 200
    assert len(reads) == 1
    fields = {
        "unit": units["A"].pk,
        "kind": Inspection.Kind.XUNCHA,
        "round": "一届区委第二轮巡察",
        "group": "",
        "feedback_date": "2026-03-01",  # as the notice says: the kept draft is written
    }
    assert alice.post(preview, fields).status_code == 302
    assert len(reads) == 1 and Inspection.objects.filter(source_sha256__gt="").count() == 1


def wide_draft(measures: int) -> LedgerDraft:
    import datetime as dt

    draft = LedgerDraft(round="一届区委第二轮巡察", feedback_date=dt.date(2026, 3, 1))
    category = DraftCategory("关于学习的问题", "第一部分")
    problem = DraftProblem("学习流于形式", "第一部分第（一）项")
    problem.measures = [DraftMeasure(f"措施{i}", f"第{i}条") for i in range(measures)]
    category.problems.append(problem)
    draft.categories.append(category)
    return draft


@pytest.mark.django_db(transaction=True)
def test_a_large_commit_leaves_the_write_lock_free_between_batches(monkeypatch):
    """Between batches another connection writes at once (no waiting allowed), and the
    half-written inspection is nowhere to be seen."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's single write lock; PostgreSQL locks rows")
    monkeypatch.setattr(drafts, "BATCH", 20)
    Unit.objects.create(name="甲单位")
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
    seen = []

    def between(message: str) -> None:
        other.execute("BEGIN IMMEDIATE")  # "database is locked" at once if a batch holds it
        other.execute("ROLLBACK")
        seen.append((Measure.objects.count(), Measure.all_objects.count()))
        assert not Inspection.objects.exists()

    inspection = drafts.commit_draft(wide_draft(100), "甲单位", actor=None, progress=between)
    other.close()
    # 100 measures in batches of 20, each committed: written, yet counted nowhere.
    assert seen == [(0, 20), (0, 40), (0, 60), (0, 80), (0, 100)]
    assert Measure.objects.filter(problem__inspection=inspection).count() == 100
    assert Event.objects.filter(act="inspection.imported").count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_interrupted_commit_leaves_nothing(monkeypatch):
    monkeypatch.setattr(drafts, "BATCH", 20)

    def stop(message: str) -> None:
        raise KeyboardInterrupt  # the process stopped halfway through

    with pytest.raises(KeyboardInterrupt):
        drafts.commit_draft(wide_draft(100), "新单位", actor=None, progress=stop)
    assert not Inspection.all_objects.exists() and not Measure.all_objects.exists()
    assert not Unit.objects.filter(name="新单位").exists()
    assert not Event.objects.exists()


def test_the_cycle_collector_is_back_after_a_read_even_a_refused_one():
    import gc

    assert gc.isenabled()
    assert read_workbook(crafted(ROWS), "台账.xlsx").counts()[2] == 10
    assert gc.isenabled()
    with pytest.raises(WorkbookError):
        read_workbook(FAR_CELL, "台账.xlsx")
    assert gc.isenabled()
    gc.disable()  # paused by someone else: left so
    try:
        read_workbook(crafted(ROWS), "台账.xlsx")
        assert not gc.isenabled()
    finally:
        gc.enable()
