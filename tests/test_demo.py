import datetime as dt
import io
import re
import zlib
from collections import defaultdict
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from docx import Document

from tests.conftest import isolated_settings, module_transaction
from zhenggai import demo_ledgers
from zhenggai.demo import ADMINS, PASSWORD, USERS, load_demo, logins
from zhenggai.ledger.models import (
    Completion,
    Evidence,
    Figure,
    IndicatorRule,
    Inspection,
    Measure,
    Problem,
    Progress,
)
from zhenggai.oversight.models import Recurrence, SignOff, SupervisionOrder

pytestmark = pytest.mark.django_db

PAIRS = ["（）", "《》", "“”", "()", "【】"]


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded once for the module (its evidence files in the module's folder)."""
    folder = tmp_path_factory.mktemp("demo")
    with override_settings(**isolated_settings(folder)), module_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            printed = load_demo()
        yield folder, printed


@pytest.fixture(autouse=True)
def _evidence_in_tmp(built, settings):
    for name, value in isolated_settings(built[0]).items():
        setattr(settings, name, value)


@pytest.fixture
def demo(built, db):
    return built[1]


def test_it_loads_the_demo_once(demo):
    counts = (Inspection.objects.count(), Problem.objects.count(), Measure.objects.count())
    assert load_demo() == demo
    assert (Inspection.objects.count(), Problem.objects.count(), Measure.objects.count()) == counts
    assert counts[0] == 6 and counts[1] >= 30 and counts[2] >= 50
    assert {i.unit.name for i in Inspection.objects.select_related("unit")} == {
        "区文化和旅游局",
        "区实验中学",
        "青禾街道",
        "区城投集团",
        "区住房和城乡建设局",
    }
    assert len(set(Inspection.objects.values_list("round", flat=True))) == 3
    assert Inspection.objects.filter(mode=Inspection.Mode.FOLLOW_UP).count() == 1


def test_the_follow_up_finds_problems_of_the_earlier_round_again(demo, client):
    follow_up = Inspection.objects.get(mode=Inspection.Mode.FOLLOW_UP)
    earlier = follow_up.earlier_links.get().earlier
    assert earlier.unit_id == follow_up.unit_id and earlier.feedback_date < follow_up.feedback_date
    # The earlier inspection was rectified in its time: every problem signed off, the
    # report filed within two months, nothing of it overdue today.
    problems = Problem.objects.filter(inspection=earlier, parent__isnull=False)
    assert problems.count() == 3
    assert all(p.signoffs.filter(status="approved").exists() for p in problems)
    assert earlier.report_filing.filed_on <= earlier.feedback_date + dt.timedelta(days=60)
    findings = Recurrence.objects.standing().filter(problem__inspection=follow_up)
    assert findings.count() == 2
    assert all(f.earlier.inspection_id == earlier.pk and f.score > 0 for f in findings)
    client.force_login(get_user_model().objects.get(username="xuncha"))
    page = client.get(reverse("oversight:recurrence-list")).content.decode()
    for finding in findings:
        assert finding.problem.title in page and finding.earlier.title in page
    review = client.get(reverse("oversight:recurrence-review", args=[follow_up.pk]))
    assert "服务态度生硬" in review.content.decode()


def test_it_shows_every_status_term_and_light(demo):
    today = timezone.localdate()
    measures = list(Measure.objects.all())
    assert {m.status for m in measures} == set(Measure.Status)
    assert {m.term for m in measures} == set(Measure.Term)
    assert {m.light(today) for m in measures} == {"green", "yellow", "red", "blue"}
    assert set(Completion.objects.values_list("status", flat=True)) == set(Completion.Status)
    signoffs = set(SignOff.objects.values_list("status", flat=True))
    assert {"applied", "approved", "returned"} <= signoffs
    orders = list(SupervisionOrder.objects.all())
    assert any(o.replied_at for o in orders) and any(o.is_overdue(today) for o in orders)
    assert Problem.objects.exclude(withhold_reason="").exists()
    handed = Measure.objects.get(handovers__handover__from_name="刘波")
    assert handed.owner == "马超" and handed.owner_user.username == "qh_owner"
    assert Measure.objects.filter(owner="", due=None).exists()  # for the editor's to-do


def test_no_two_measures_of_different_problems_share_their_text(demo):
    problems_of = defaultdict(set)
    for text, problem in Measure.objects.values_list("text", "problem"):
        problems_of[text].add(problem)
    assert all(len(problems) == 1 for problems in problems_of.values())
    assert Measure.objects.count() == len(problems_of)
    titles = list(Problem.objects.values_list("title", flat=True))
    assert len(titles) == len(set(titles))


def test_no_text_ends_in_a_clipped_fragment(demo):
    sentences = [
        *Measure.objects.values_list("text", flat=True),
        *Progress.objects.values_list("text", flat=True),
    ]
    titles = list(Problem.objects.values_list("title", flat=True))
    for text in sentences:
        assert text.endswith("。"), text
    for text in sentences + titles:
        for pair in PAIRS:
            assert text.count(pair[0]) == text.count(pair[1]), text
        assert "…" not in text and not re.search(r"[，、；：（《“]$", text), text
    for title in titles:
        assert not title.endswith(("。", "）")), title


def test_it_varies_owners_departments_leaders_and_deadlines(demo):
    for field, least in (("owner", 20), ("department", 20), ("leader", 15), ("due", 20)):
        assert Measure.objects.values(field).distinct().count() >= least, field
    for inspection in Inspection.objects.all():
        owners = Measure.objects.filter(problem__inspection=inspection).values("owner")
        assert owners.distinct().count() >= 3


def test_its_figures_sum_into_the_indicators(demo):
    from zhenggai.oversight.statistics import indicator_totals

    assert Figure.objects.exists() and not Figure.objects.filter(indicator="").exists()
    expected = defaultdict(Decimal)
    rules = list(IndicatorRule.objects.all())
    for ledger in demo_ledgers.LEDGERS:
        for _title, problems in ledger.categories:
            for measure in (m for p in problems for m in p.measures):
                for value, _unit, counts in measure.figures:
                    rule = next(r for r in rules if any(w in counts for w in r.keyword_list()))
                    expected[rule.name] += Decimal(str(value))
    totals = {t.rule.name: t.value for t in indicator_totals(Inspection.objects.all(), rules)}
    assert {name: value for name, value in totals.items() if value} == expected
    assert len(expected) >= 8


def test_its_evidence_files_open(demo):
    kinds = defaultdict(list)
    for evidence in Evidence.objects.exclude(file=""):
        with evidence.file.open("rb") as fh:
            kinds[evidence.name.rsplit(".", 1)[1]].append(fh.read())
    assert set(kinds) == {"pdf", "docx", "png"}
    for content in kinds["pdf"]:
        assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")
        xref = int(content.rsplit(b"startxref", 1)[1].split()[0])
        assert content[xref:].startswith(b"xref")
    for content in kinds["docx"]:
        text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
        assert "纪要" in text and "会议情况：" in text
    for content in kinds["png"]:
        assert content.startswith(b"\x89PNG\r\n\x1a\n")
        width, height = int.from_bytes(content[16:20]), int.from_bytes(content[20:24])
        start = content.index(b"IDAT") + 4
        length = int.from_bytes(content[start - 8 : start - 4])
        assert len(zlib.decompress(content[start : start + length])) == height * (width * 3 + 1)
    assert Evidence.objects.filter(file="").exists()  # paper evidence, confirmed as inspected


def test_the_notice_is_published_with_comments_and_replies(demo, client):
    from zhenggai.disclosure.models import Comment, NoticeDraft, PublishedNotice

    notices = PublishedNotice.objects.public()
    assert notices.count() == 2
    assert Comment.objects.exclude(reply="").filter(reply_public=True).exists()
    assert Comment.objects.filter(handled=False).exists()
    assert NoticeDraft.objects.filter(status=NoticeDraft.Status.SUBMITTED).exists()
    page = client.get(f"/public/notices/{notices.filter(comments__reply_public=True)[0].pk}/")
    assert "剩余款项已下达追缴通知" in page.content.decode()


@pytest.mark.parametrize("username", [u[0] for u in USERS])
def test_every_role_has_something_on_its_home_page(demo, client, username):
    assert client.login(username=username, password=PASSWORD)
    home = client.get("/")
    assert home.status_code == 200
    main = home.content.decode().split("<main>", 1)[1]
    links = re.findall(r'href="(/[a-z/-]+/\d+/[^"]*)"', main)
    assert links, f"{username}: nothing to open on the home page"
    for link in links[:5]:
        assert client.get(link).status_code == 200, link
    assert client.get("/public/").status_code == 200


def test_the_login_page_lists_the_demo_logins_in_demo_mode(demo, client, settings):
    settings.DEMO = True
    page = client.get("/accounts/login/").content.decode()
    for username, description in logins():
        assert f"<code>{username}</code>" in page and description in page
    assert PASSWORD in page
    settings.DEMO = False
    assert PASSWORD not in client.get("/accounts/login/").content.decode()


def test_the_readme_tour_names_every_demo_login():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    tour = readme.split("## 第一次使用", 1)[1].split("\n## ", 1)[0]
    for username in [u[0] for u in USERS] + [a[0] for a in ADMINS]:
        assert f"`{username}`" in tour, username
