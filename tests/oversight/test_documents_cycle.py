"""The documents of the cycle: written from the ledger, edited, frozen, laid out as GB/T 9704."""

import io
import shutil
import subprocess
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document as Docx
from lxml import etree

from tests.oversight.conftest import finish, specific
from zhenggai.accounts.models import Letterhead
from zhenggai.audit.models import Event
from zhenggai.disclosure.exports import notice_docx
from zhenggai.disclosure.models import text_sha256
from zhenggai.ledger import counts
from zhenggai.ledger.models import Measure, Problem
from zhenggai.oversight import cycle, services
from zhenggai.oversight.models import Document, DocumentFrozen

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
KINDS = ["plan", "report", "review", "signoff"]


def w(name: str) -> str:
    return f"{{{W}}}{name}"


def body(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read("word/document.xml"))


def text_of(p: etree._Element) -> str:
    return "".join(p.itertext())


def draft(ledger, cast, kind: str) -> Document:
    problem = specific(ledger) if kind == "signoff" else None
    return services.draft_document(ledger, actor=cast["alice"], kind=kind, problem=problem)


@pytest.fixture
def reported(ledger_a, cast):
    """Unit A's ledger with one problem finished and signed off, one report with a figure."""
    problem = specific(ledger_a)
    finish(problem)
    signoff = services.apply_signoff(problem, actor=cast["alice"], note="已整改到位")
    services.approve_signoff(signoff, actor=cast["olivia"])
    return ledger_a


def test_it_writes_the_report_with_the_figures_the_statistics_count(reported, cast):
    document = draft(reported, cast, "report")
    t = counts.tally([reported], timezone.localdate())
    text = document.text
    assert t.problems == 4 and t.closed == 1  # make_ledger: 2 categories × 2 problems
    for part in (
        f"反馈问题{t.problems}个，制定整改措施{t.total}项",
        f"已完成整改问题{t.rectified}个，问题整改完成率{t.problem_rate}",
        f"已完成整改措施{t.done}项，措施完成率{t.measure_rate}",
        f"超期未完成{t.red}项",
        f"已销号问题{t.closed}个",
    ):
        assert part in text
    heads = ["一、基本情况", "二、整改工作开展情况", "三、问题整改落实情况", "四、下一步工作打算"]
    lines = text.splitlines()
    assert [line for line in lines if line in heads] == heads
    assert lines[1] == "区委第一巡察组："  # addressed to the inspection group
    # Every counted problem in 三, in ledger order, with its state.
    found = [line for line in lines if line.startswith("（") and "”问题。整改状态" in line]
    titles = Problem.objects.filter(inspection=reported, parent__isnull=False)
    assert [f.split("“")[1].split("”")[0] for f in found] == [
        p.title for p in titles.order_by("parent__position", "position")
    ]
    assert sum("整改状态：已完成整改" in f for f in found) == t.rectified


def test_it_puts_the_three_lists_of_the_plan_in_word_tables(ledger_a, cast):
    document = draft(ledger_a, cast, "plan")
    tables = Docx(io.BytesIO(cycle.document_docx(document))).tables
    measures = Measure.objects.filter(problem__inspection=ledger_a).count()
    assert [len(t.rows) for t in tables] == [4 + 1, measures + 1, measures + 1]
    heads = [[c.text for c in t.rows[0].cells] for t in tables]
    assert heads == [
        ["序号", "问题类别", "具体问题", "具体表现"],
        ["序号", "问题", "整改措施", "完成时限"],
        ["序号", "整改措施", "责任领导", "责任部门", "责任人"],
    ]
    first = Measure.objects.filter(problem__inspection=ledger_a).order_by(
        "problem__parent__position", "problem__position", "position"
    )[0]
    assert [c.text for c in tables[1].rows[1].cells][2:] == [first.text, "2026年3月31日"]
    # Header rows repeat on every page; no row breaks across pages.
    for table in tables:
        assert table.rows[0]._tr.find("w:trPr/w:tblHeader", NS) is not None
        assert all(r._tr.find("w:trPr/w:cantSplit", NS) is not None for r in table.rows)


def test_it_writes_the_signoff_form_of_a_category_with_its_problems_measures(reported, cast):
    category = Problem.objects.get(inspection=reported, parent=None, position=1)
    document = services.draft_document(
        reported, actor=cast["alice"], kind="signoff", problem=category
    )
    rows = [line for line in document.text.splitlines() if line.startswith("|")]
    assert [r.split("|")[1] for r in rows][:3] == ["单位", "巡察轮次", "问题"]
    done = next(r for r in rows if r.startswith("|整改措施及完成情况|"))
    under = Measure.objects.filter(problem__parent=category)
    assert under.count() == 4 and all(m.text in done for m in under)
    table = Docx(io.BytesIO(cycle.document_docx(document))).tables[0]
    assert len(table.columns) == 2 and table.rows[0].cells[0].text == "单位"
    assert table.rows[0]._tr.find("w:trPr/w:tblHeader", NS) is None  # a form: no header row


def test_the_signed_off_problems_form_names_the_reviewer(reported, cast):
    document = draft(reported, cast, "signoff")
    assert "|巡察办审核意见|同意销号。审核人：olivia，" in document.text


def test_the_review_lists_the_measures_still_overdue(ledger_a, cast):
    text = draft(ledger_a, cast, "review").text
    late = Measure.objects.filter(problem__inspection=ledger_a).overdue(timezone.localdate())
    assert f"仍有{late.count()}项整改措施超过完成时限未完成" in text
    assert all(m.text.rstrip("。") in text for m in late)


@pytest.mark.parametrize("kind", KINDS)
def test_each_document_is_laid_out_like_the_notice(ledger_a, cast, kind):
    xml = body(cycle.document_docx(draft(ledger_a, cast, kind)))
    sect = xml.find(".//w:body/w:sectPr", NS)
    size, margins = sect.find("w:pgSz", NS), sect.find("w:pgMar", NS)
    assert (size.get(w("w")), size.get(w("h"))) == ("11906", "16838")
    sides = {side: margins.get(w(side)) for side in ("top", "bottom", "left", "right")}
    assert sides == {"top": "2098", "bottom": "1984", "left": "1587", "right": "1474"}
    title = xml.find(".//w:body/w:p", NS)
    fonts = title.find("w:r/w:rPr/w:rFonts", NS)
    assert fonts.get(w("eastAsia")) == "方正小标宋简体"
    assert title.find("w:r/w:rPr/w:sz", NS).get(w("val")) == "44"
    runs = xml.findall(".//w:body//w:r", NS)
    assert runs and all(r.find("w:rPr/w:rFonts", NS).get(w("eastAsia")) for r in runs)
    body_fonts = {r.find("w:rPr/w:rFonts", NS).get(w("eastAsia")) for r in runs}
    assert "仿宋_GB2312" in body_fonts
    assert xml.find(".//w:p/w:pPr/w:pBdr", NS) is None  # no 版头 when none is set


@pytest.mark.parametrize("kind", ["report", "plan"])
def test_the_headings_take_their_fonts(ledger_a, cast, kind):
    xml = body(cycle.document_docx(draft(ledger_a, cast, kind)))
    paras = {text_of(p): p for p in xml.iter(w("p"))}
    heading = next(p for t, p in paras.items() if t.startswith("一、"))
    assert heading.find("w:r/w:rPr/w:rFonts", NS).get(w("eastAsia")) == "黑体"
    run_in = next(p for t, p in paras.items() if t.startswith("（一）"))
    assert run_in.find("w:r/w:rPr/w:rFonts", NS).get(w("eastAsia")) == "楷体_GB2312"


def test_it_heads_documents_and_the_notice_with_the_red_letterhead(ledger_a, cast, units):
    Letterhead.objects.create(unit=units["A"], issuer="中共测试区甲单位党组", code="甲党")
    document = draft(ledger_a, cast, "report")
    services.save_document(
        document, actor=cast["alice"], text=document.text, doc_number="甲党〔2026〕7号"
    )
    xml = body(cycle.document_docx(Document.objects.get(pk=document.pk)))
    paras = [p for p in xml.iter(w("p"))]
    texts = [text_of(p) for p in paras]
    assert texts[:4] == ["中共测试区甲单位党组", "", "甲党〔2026〕7号", ""]
    head = paras[0].find("w:r/w:rPr", NS)
    assert head.find("w:color", NS).get(w("val")) == "FF0000"
    assert head.find("w:rFonts", NS).get(w("eastAsia")) == "方正小标宋简体"
    rule = paras[2].find("w:pPr/w:pBdr/w:bottom", NS)
    assert rule.get(w("color")) == "FF0000" and rule.get(w("val")) == "single"
    assert texts[4].startswith("中共测试区甲单位党组关于")  # the title follows
    notice = [text_of(p) for p in body(notice_docx(ledger_a)).iter(w("p"))]
    assert notice[0] == "中共测试区甲单位党组" and notice[4].endswith("整改进展情况的通报")


def test_an_edited_draft_is_what_the_docx_holds_then_freezing_keeps_it(ledger_a, cast):
    document = draft(ledger_a, cast, "plan")
    text = document.text.replace("（一）问题清单。", "（一）问题清单（修订）。")
    text = text.replace("|1|类别问题1|", "|1|改过的类别|", 1)
    saved = services.save_document(document, actor=cast["alice"], text=text).text
    frozen = services.freeze_document(document, actor=cast["alice"])
    assert frozen.sha256 == text_sha256(frozen.text) and frozen.frozen_by == cast["alice"]
    docx = Docx(io.BytesIO(cycle.document_docx(frozen)))
    assert any(p.text == "（一）问题清单（修订）。" for p in docx.paragraphs)
    assert docx.tables[0].rows[1].cells[1].text == "改过的类别"
    with pytest.raises(services.OversightError, match="已定稿"):
        services.save_document(frozen, actor=cast["alice"], text="别的")
    frozen.text = "别的"
    with pytest.raises(DocumentFrozen):
        frozen.save()
    assert Document.objects.get(pk=frozen.pk).text == saved == text
    # A new draft is a new version, written from the ledger again.
    second = draft(ledger_a, cast, "plan")
    assert (second.version, second.frozen_at) == (2, None) and "（修订）" not in second.text
    acts = list(Event.objects.filter(act__startswith="document.").values_list("act", flat=True))
    assert acts == ["document.drafted", "document.edited", "document.frozen", "document.drafted"]


def test_redrafting_rewrites_the_open_draft_instead_of_adding_one(ledger_a, cast):
    first = draft(ledger_a, cast, "review")
    Measure.objects.filter(problem__inspection=ledger_a).update(status=Measure.Status.DONE)
    again = draft(ledger_a, cast, "review")
    assert again.pk == first.pk and again.version == 1
    assert "未发现超过完成时限未完成的整改措施" in again.text


def test_it_refuses_what_does_not_belong(ledger_a, ledger_b, cast):
    with pytest.raises(services.OversightError, match="针对一个问题"):
        services.draft_document(ledger_a, actor=cast["alice"], kind="signoff")
    other = specific(ledger_b)
    with pytest.raises(services.OversightError, match="不属于"):
        services.draft_document(ledger_a, actor=cast["alice"], kind="signoff", problem=other)
    document = draft(ledger_a, cast, "plan")
    with pytest.raises(services.OversightError, match="不能为空"):
        services.save_document(document, actor=cast["alice"], text=" \n ")
    assert Document.objects.get(pk=document.pk).text == document.text


def test_the_pages_write_edit_freeze_and_download(ledger_a, cast, login):
    client = login("alice")
    url = reverse("oversight:document-add", args=[ledger_a.pk])
    response = client.post(url, {"kind": "report"})
    document = Document.objects.get()
    assert response.url == reverse("oversight:document-detail", args=[document.pk])
    page = client.get(response.url).content.decode()
    assert "保存草稿" in page and "定稿" in page
    edited = document.text + "特此报告。\n"
    client.post(response.url, {"text": edited, "doc_number": "甲党〔2026〕2号"})
    document.refresh_from_db()
    assert document.text == edited and document.doc_number == "甲党〔2026〕2号"
    client.post(reverse("oversight:document-freeze", args=[document.pk]))
    document.refresh_from_db()
    assert document.frozen_at is not None
    assert '<button class="primary">保存草稿' not in client.get(response.url).content.decode()
    docx = client.get(reverse("oversight:document-docx", args=[document.pk]))
    assert docx["Content-Type"].endswith("wordprocessingml.document")
    assert "特此报告。" in [p.text for p in Docx(io.BytesIO(docx.content)).paragraphs]
    listing = login("bob").get(reverse("oversight:document-list", args=[ledger_a.pk]))
    assert (
        "整改情况报告" in listing.content.decode()
        and "生成整改方案" not in listing.content.decode()
    )


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) not installed")
def test_each_document_opens_in_libreoffice(ledger_a, cast, units, tmp_path):
    pdfium = pytest.importorskip("pypdfium2")
    Letterhead.objects.create(unit=units["A"], issuer="中共测试区甲单位党组", code="甲党")
    finish(specific(ledger_a))
    names = []
    for kind in KINDS:
        (tmp_path / f"{kind}.docx").write_bytes(cycle.document_docx(draft(ledger_a, cast, kind)))
        names.append(str(tmp_path / f"{kind}.docx"))
    convert = ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile"]
    convert += ["--convert-to", "pdf", "--outdir", str(tmp_path), *names]
    subprocess.run(convert, check=True, capture_output=True, timeout=300)
    for kind in KINDS:
        pdf = pdfium.PdfDocument(str(tmp_path / f"{kind}.pdf"))
        width, height = pdf[0].get_size()
        assert (round(width), round(height)) == (595, 842)  # A4 in points
        first = pdf[0].get_textpage().get_text_range().replace(" ", "").replace("\r\n", "\n")
        assert first.startswith("中共测试区甲单位党组")  # the 版头 heads page one
        assert "—1—" in first.replace(" ", "")  # the page number in the footer
        pdf.close()
