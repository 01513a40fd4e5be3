"""The search box: any length of Chinese, only what the user may read, the match marked."""

import datetime as dt

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhenggai.disclosure import services as disclosure
from zhenggai.ledger import search, services
from zhenggai.ledger.models import Measure, Problem, SearchEntry
from zhenggai.oversight import services as oversight

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(ledger_a, cast):
    """Unit A's ledger with words to find, written through the services."""
    problem = Problem.objects.filter(inspection=ledger_a, parent__isnull=False).first()
    services.update_problem(problem, actor=cast["alice"], title="党员档案管理不规范")
    measure = problem.measures.first()
    services.update_measure(
        measure, actor=cast["alice"], text="对2019年以来发展的党员档案进行全面复核", owner="张明"
    )
    services.report_progress(
        measure,
        actor=cast["owen"],
        text="已复核党员档案11份，补齐缺失材料。",
        reported_on=dt.date(2026, 3, 10),
        files=[SimpleUploadedFile("纪要.pdf", b"%PDF-1.4\n")],
    )
    return measure


def hits(client, q, **params):
    response = client.get(reverse("ledger:search"), {"q": q, **params})
    assert response.status_code == 200
    return response


def kinds(user, q) -> dict[str, int]:
    """Matches of each kind found for the user (each kind's own page, up to CAP)."""
    parts = search.parse_query(q)
    found = {k: search.search(user, parts, k)[0].total for k in search.KINDS}
    return {k: n for k, n in found.items() if n}


@pytest.mark.parametrize("q", ["档", "档案", "党员档案", "党员 档案"])
def test_it_finds_one_two_and_four_characters_in_every_ledger_kind(archive, cast, q):
    assert kinds(cast["alice"], q) == {"problem": 1, "measure": 1, "progress": 1}


def test_it_finds_names_and_digits_and_folds_full_width(archive, cast):
    assert kinds(cast["alice"], "张明") == {"measure": 1}
    assert kinds(cast["alice"], "２０１９") == {"measure": 1}
    assert kinds(cast["alice"], "雪山") == {}


def test_it_marks_the_match_and_escapes_the_text(ledger_a, cast, login):
    problem = Problem.objects.filter(inspection=ledger_a).first()
    services.update_problem(problem, actor=cast["alice"], title="<script>x</script>公车私用问题")
    page = hits(login("alice"), "公车").content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;<mark>公车</mark>私用问题" in page
    assert "<script>x" not in page


def test_it_shows_only_what_the_user_may_read(archive, cast):
    order = oversight.issue_order(
        actor=cast["olivia"],
        unit=archive.problem.inspection.unit,
        problems=[archive.problem],
        level="notice",
        due=dt.date(2026, 12, 31),
        text="请加快党员档案整改。",
    )
    notice = disclosure.publish_notice(
        archive.problem.inspection, actor=cast["alice"], text="标题\n正文"
    )
    disclosure.add_comment(notice, actor=None, content="党员档案整改要公开。")
    everything = {"problem": 1, "measure": 1, "progress": 1, "order": 1, "comment": 1}
    assert kinds(cast["alice"], "档案") == everything
    assert kinds(cast["lena"], "档案") == everything
    assert kinds(cast["olivia"], "档案") == everything
    # A viewer and an owner read the ledger and the orders, not the public's comments.
    ledger_and_orders = {"problem": 1, "measure": 1, "progress": 1, "order": 1}
    assert kinds(cast["bob"], "档案") == ledger_and_orders
    assert "comment" not in kinds(cast["owen"], "档案")
    for outsider in ("carol", "dave", "simon"):
        assert kinds(cast[outsider], "档案") == {}
    assert order.pk in SearchEntry.objects.filter(kind="order").values_list("object_id", flat=True)


def test_it_follows_edits_deletes_voids_and_replies(archive, cast):
    alice = cast["alice"]
    services.update_measure(archive, actor=alice, text="建立干部人事档案专项审核制度")
    assert kinds(alice, "复核") == {"progress": 1}
    assert kinds(alice, "专项审核") == {"measure": 1}
    spare = Measure.objects.exclude(pk=archive.pk).filter(progress=None).first()
    services.update_measure(spare, actor=alice, text="清理闲置公房")
    assert kinds(alice, "公房") == {"measure": 1}
    services.delete_measure(spare, actor=alice)
    assert kinds(alice, "公房") == {}
    services.void_inspection(archive.problem.inspection, actor=cast["olivia"], reason="重复登记")
    assert kinds(alice, "档案") == {}
    assert not SearchEntry.objects.exists()


def test_a_comment_is_found_by_its_reply_too(ledger_a, cast):
    notice = disclosure.publish_notice(ledger_a, actor=cast["alice"], text="标题\n正文")
    comment = disclosure.add_comment(notice, actor=None, content="建议公开更多细节")
    disclosure.reply_comment(comment, actor=cast["alice"], reply="感谢监督", reply_public=True)
    assert kinds(cast["lena"], "感谢监督") == {"comment": 1}


def test_an_import_is_found_at_once(units, cast):
    from zhenggai.ledger.draft import commit_draft
    from zhenggai.ledger.readers import draft_from_file

    text = (
        "中共测试区甲单位党组关于区委巡察整改进展情况的通报\n\n"
        "2026年3月1日，区委第一巡察组向甲单位党组反馈了巡察意见。\n\n"
        "一、关于“理论学习不够深入”问题的整改情况\n"
        "（一）针对“学习流于形式”问题\n"
        "一是修订中心组学习制度。二是建立学习台账。\n"
    )
    draft = draft_from_file(text.encode(), "通报.txt")
    draft.round = "一届区委第一轮巡察"
    commit_draft(draft, "甲单位", actor=cast["alice"])
    assert kinds(cast["alice"], "学习台账") == {"measure": 1}
    assert kinds(cast["alice"], "学") == {"problem": 2, "measure": 2}


def test_the_index_equals_one_built_from_scratch(ledger_a, cast):
    """What the acts kept is what the migration's fill builds from the ledger."""
    search.index_inspection(ledger_a)  # as its import did
    alice = cast["alice"]
    problem = Problem.objects.filter(inspection=ledger_a, parent__isnull=False).first()
    services.update_problem(problem, actor=alice, title="改写的问题")
    measure = services.add_measure(problem, actor=alice, text="新措施", owner_user=cast["owen"])
    services.update_measure(measure, actor=alice, text="改写的措施")
    services.report_progress(
        measure, actor=cast["owen"], text="进展", reported_on=dt.date(2026, 3, 2), references=["x"]
    )
    services.add_problem(ledger_a, actor=alice, title="新问题")
    columns = ("kind", "object_id", "unit", "title", "body", "url", "scope", "terms")
    kept = set(SearchEntry.objects.values_list(*columns))
    SearchEntry.objects.all().delete()
    search.fill_ledger(apps)
    assert set(SearchEntry.objects.values_list(*columns)) == kept
    assert kinds(alice, "改写的措施") == {"measure": 1}


def test_its_query_count_does_not_grow_with_the_results(ledger_a, cast, login):
    client = login("alice")
    search.index_inspection(ledger_a)
    for params in ({}, {"kind": "measure"}):
        counts = []
        for q in ("措施0-0-0", "措施"):  # one measure, then all eight
            with CaptureQueriesContext(connection) as queries:
                hits(client, q, **params)
            counts.append(len(queries))
        assert counts[0] == counts[1]
    assert kinds(cast["alice"], "措施") == {"measure": 8}


def test_it_pages_one_kind_and_says_when_it_stops(ledger_a, cast, login, monkeypatch):
    search.index_inspection(ledger_a)
    client = login("alice")
    assert "5条以上" in hits(client, "措施").content.decode()
    monkeypatch.setattr(search, "PAGE", 3)
    first = hits(client, "措施", kind="measure").content.decode()
    assert first.count('name="measure"') == 3 and "第1页" in first and "3条以上" in first
    assert "page=2" in first and "上一页" not in first
    last = hits(client, "措施", kind="measure", page=3).content.decode()
    assert last.count('name="measure"') == 2 and "</mark>1-1-1" in last
    assert "</mark>0-0-0" not in last and "共8条" in last and "下一页" not in last
    beyond = hits(client, "措施", kind="measure", page=99).content.decode()
    assert "第3页" in beyond and beyond.count('name="measure"') == 2
    monkeypatch.setattr(search, "CAP", 6)
    capped = hits(client, "措施", kind="measure", page=2).content.decode()
    assert "超过6条，仅列出前6条" in capped and "下一页" not in capped


@pytest.mark.parametrize(
    "q, message",
    [
        ("", "这个字段是必填项"),
        ("，。！", "请输入要查找的字词"),
        ("档" * 51, "检索词过长"),
    ],
)
def test_it_answers_bad_queries_in_chinese(cast, login, q, message):
    page = hits(login("alice"), q).content.decode()
    assert message in page


def test_an_unknown_kind_is_a_message_not_an_error(cast, login):
    page = hits(login("alice"), "档案", kind="nonsense").content.decode()
    assert "nonsense" in page and "errorlist" in page


def test_the_search_box_is_on_every_page(cast, login):
    page = login("bob").get(reverse("ledger:home")).content.decode()
    assert f'action="{reverse("ledger:search")}"' in page


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table is SQLite's")
def test_the_fts5_table_and_its_triggers_exist():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'ledger_searchentry_%'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"ledger_searchentry_fts", "ledger_searchentry_ai"} <= names
    assert {"ledger_searchentry_ad", "ledger_searchentry_au"} <= names


def test_many_units_are_filtered_as_a_column_with_the_same_answer(archive, cast, monkeypatch):
    """Past UNIT_TOKENS units PostgreSQL filters the unit as a column, not in the tsquery."""
    expected = {g: kinds(cast[g], "档案") for g in ("alice", "bob", "dave")}
    monkeypatch.setattr(search, "UNIT_TOKENS", 0)
    assert {g: kinds(cast[g], "档案") for g in ("alice", "bob", "dave")} == expected
    assert expected["dave"] == {} and expected["alice"]["measure"] == 1


def test_orders_and_comments_are_filled_as_their_acts_keep_them(ledger_a, cast):
    from zhenggai.disclosure import search as comment_search
    from zhenggai.oversight import search as order_search

    order = oversight.issue_order(
        actor=cast["olivia"],
        unit=ledger_a.unit,
        level="notice",
        due=dt.date(2026, 12, 31),
        text="请整改",
    )
    oversight.reply_order(order, actor=cast["alice"], text="已办结")
    notice = disclosure.publish_notice(ledger_a, actor=cast["alice"], text="标题\n正文")
    disclosure.add_comment(notice, actor=None, content="建议公开")
    columns = ("kind", "object_id", "unit", "inspection", "title", "body", "url", "scope", "terms")
    kept = set(SearchEntry.objects.values_list(*columns))
    assert {row[0] for row in kept} == {"order", "comment"}
    SearchEntry.objects.all().delete()
    order_search.fill(apps)
    comment_search.fill(apps)
    assert set(SearchEntry.objects.values_list(*columns)) == kept
    assert kinds(cast["alice"], "已办结") == {"order": 1}
