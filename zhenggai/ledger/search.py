"""The search box: problems, measures, progress, comments and orders, by any length of Chinese.

What it is (chosen by measurement, bench/search.py: 100,000 measures and 300,000 progress
reports): every item is kept as a `SearchEntry` whose `terms` are its characters between
spaces, indexed by the database itself: an FTS5 table on SQLite, a stored tsvector with a
GIN index on PostgreSQL. A query of n characters is a phrase of n one-character tokens, so
one or two characters are found as fast as four. Trigram indexes (FTS5 trigram, pg_trgm)
need three characters and fall back to scanning every row for fewer; a bigram table of
our own would hold about a hundred rows per progress report. The unit (and, on SQLite,
the kind; PostgreSQL has an index per kind) is a token of `scope`, so the index itself
leaves out what the user may not read; the rows shown are fetched through `for_user` again.

Entries follow the acts: `index_event` runs on every audit event, inside the act's
transaction (`audit.signals.event_recorded`); the oversight and disclosure apps put their
orders and comments through `put`. Each kind lists at most CAP matches, in the order the
items were first indexed (ledger order for an import).
"""

from __future__ import annotations

import logging
import operator
import sqlite3
import threading
import unicodedata
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache, reduce
from itertools import islice

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from zhenggai.accounts.access import COMMENTS, READ, units_for
from zhenggai.accounts.models import Unit

from .models import Inspection, Measure, Problem, Progress, SearchBacklog, SearchEntry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kind:
    label: str
    act: str  # the act (accounts.access) that lets a user read this kind in a unit


# In the order the results page shows them.
KINDS: dict[str, Kind] = {
    "problem": Kind("问题", READ),
    "measure": Kind("整改措施", READ),
    "progress": Kind("整改进展", READ),
    "comment": Kind("群众意见", COMMENTS),
    "order": Kind("督办单", READ),
}
LEDGER_KINDS = ("problem", "measure", "progress")

CAP = 200  # matches one kind's pages list; more asks for more characters
PAGE = 20  # hits on a page of one kind
PREVIEW = 5  # hits per kind on the first page
MAX_BODY = 10_000  # characters kept and indexed per item (a tsvector position stops at 16,383)
MAX_QUERY = 50
SNIPPET_SCAN = 3000  # characters of an item read to place its snippet
FTS_TABLE = "ledger_searchentry_fts"


# --- text ------------------------------------------------------------------------


def characters(text: str) -> list[tuple[str, int]]:
    """The searchable characters of `text` (letters and digits, width-folded, lower
    case) with the index of the character each came from."""
    out = []
    for index, raw in enumerate(text):
        for char in unicodedata.normalize("NFKC", raw).lower():
            if char.isalnum():
                out.append((char, index))
    return out


def folded(text: str) -> str:
    """`characters` without their places, at C speed: the text's searchable characters."""
    return "".join(filter(str.isalnum, unicodedata.normalize("NFKC", text).lower()))


def terms_of(text: str) -> str:
    return " ".join(folded(text))


def parse_query(text: str) -> list[str]:
    """The parts of a query (separated by spaces), each as its searchable characters."""
    parts = (folded(word) for word in (text or "").split())
    return [p for p in dict.fromkeys(parts) if p][:5]


def scope_of(kind: str, unit_id: int) -> str:
    return f"k{kind} u{unit_id}"


# --- keeping entries ---------------------------------------------------------------


def put(kind: str, object_id: int, *, unit_id: int, title: str, body: str, url: str, **links):
    """Add or refresh the entry of one item; `links` are inspection_id, problem_id, measure_id."""
    body = body[:MAX_BODY]
    values = {
        "unit_id": unit_id,
        "title": title[:300],
        "body": body,
        "url": url,
        "scope": scope_of(kind, unit_id),
        "terms": terms_of(body),
        **links,
    }
    if not SearchEntry.objects.filter(kind=kind, object_id=object_id).update(**values):
        SearchEntry.objects.create(kind=kind, object_id=object_id, **values)


@cache
def _url_pattern(name: str) -> str:
    return reverse(name, args=[987654321])


def url_for(name: str, pk: int, anchor: str = "") -> str:
    """reverse() for many rows: the pattern once, the primary key put in."""
    return _url_pattern(name).replace("987654321", str(pk)) + anchor


def _problem_values(p: Problem, unit_id: int) -> dict:
    return _problem_dict(p.pk, unit_id, p.inspection_id, p.title, p.description)


def _problem_dict(pk: int, unit_id: int, inspection_id: int, title: str, description: str):
    return {
        "unit_id": unit_id,
        "title": title,
        "body": "\n".join(filter(None, [title, description])),
        "url": url_for("ledger:inspection-detail", inspection_id, f"#problem-{pk}"),
        "inspection_id": inspection_id,
        "problem_id": pk,
    }


def _person(user) -> str:
    # Fields, not get_full_name(): a migration's models have no methods.
    return f"{user.first_name} {user.last_name}".strip() or user.username


def _measure_values(m: Measure, unit_id: int, inspection_id: int, problem_title: str) -> dict:
    account = _person(m.owner_user) if m.owner_user_id else ""
    people = [m.leader, m.department, m.owner, account if account != m.owner else ""]
    ids = (m.pk, unit_id, inspection_id, m.problem_id)
    return _measure_dict(*ids, problem_title, "\n".join(filter(None, [m.text, *people])))


def _measure_dict(pk, unit_id, inspection_id, problem_id, problem_title: str, body: str):
    return {
        "unit_id": unit_id,
        "title": problem_title,
        "body": body,
        "url": url_for("ledger:measure-detail", pk),
        "inspection_id": inspection_id,
        "problem_id": problem_id,
        "measure_id": pk,
    }


def _progress_values(r: Progress, unit_id: int, inspection_id: int, problem_id: int) -> dict:
    ids = (r.pk, unit_id, inspection_id, problem_id, r.measure_id)
    return _progress_dict(*ids, r.measure.text, r.text)


def _progress_dict(pk, unit_id, inspection_id, problem_id, measure_id, title: str, body: str):
    return {
        "unit_id": unit_id,
        "title": title,
        "body": body,
        "url": url_for("ledger:measure-detail", measure_id, f"#progress-{pk}"),
        "inspection_id": inspection_id,
        "problem_id": problem_id,
        "measure_id": measure_id,
    }


def put_problem(problem: Problem) -> None:
    inspection = problem.inspection
    put("problem", problem.pk, **_problem_values(problem, inspection.unit_id))
    _retitle("measure", SearchEntry.objects.filter(problem=problem), problem.title)


def put_measure(measure: Measure) -> None:
    problem = measure.problem
    values = _measure_values(
        measure, problem.inspection.unit_id, problem.inspection_id, problem.title
    )
    put("measure", measure.pk, **values)
    _retitle("progress", SearchEntry.objects.filter(measure=measure), measure.text)


def put_progress(progress: Progress) -> None:
    problem = progress.measure.problem
    unit_id = problem.inspection.unit_id
    put(
        "progress",
        progress.pk,
        **_progress_values(progress, unit_id, problem.inspection_id, problem.pk),
    )


def _retitle(kind: str, entries, title: str) -> None:
    """Entries that show their parent's text as title, after the parent changed."""
    entries.filter(kind=kind).exclude(title=title[:300]).update(title=title[:300])


INLINE = 2000  # measures an import may have to be indexed inside its own transaction


_prepared = threading.local()


@contextmanager
def prepared(inspection_id: int, rows: Callable[[], Iterable[tuple]]):
    """Within the block, the import that wrote inspection `inspection_id` offers its
    entries (`insert` rows, from what it wrote, in ledger order) to `index_inspection`,
    which then does not read the items back."""
    _prepared.rows = (inspection_id, rows)
    try:
        yield
    finally:
        _prepared.rows = None


def index_inspection(inspection: Inspection) -> None:
    """Every problem, measure and progress report of an inspection (after an import).

    A large import is indexed behind it (`fill_behind`): the import is done once its
    ledger is in, and its items are found a few seconds later; the search page says so
    meanwhile.
    """
    SearchEntry.objects.filter(inspection=inspection, kind__in=LEDGER_KINDS).delete()
    offered = getattr(_prepared, "rows", None)
    pk, unit_id = inspection.pk, inspection.unit_id
    if offered and offered[0] == pk:
        rows = offered[1]

        def fill():
            try:
                _insert_all(rows())
            except IntegrityError:  # an item deleted meanwhile: read back what is there
                _fill(pk, unit_id, (Problem, Measure, Progress))
    else:

        def fill():
            _fill(pk, unit_id, (Problem, Measure, Progress))

    size = Measure.all_objects.filter(problem__inspection=inspection).count()
    if size <= INLINE:
        fill()
    else:
        SearchBacklog.objects.get_or_create(inspection_id=pk)
        transaction.on_commit(lambda: fill_behind(pk, fill))


BEHIND: set[threading.Thread] = set()  # fills running, for those who wait for them


def fill_behind(inspection_id: int, fill: Callable[[], None]) -> threading.Thread:
    """`fill` in a thread of its own, in batches that each hold SQLite's write lock
    briefly, then the inspection leaves the `SearchBacklog`. The thread is no daemon: a
    command waits for it before it exits. If the process stops on the way, the
    inspection stays in the backlog and `fill_pending` finishes it (`zhenggai serve` at start).
    """

    def run() -> None:
        try:
            fill()
            finished(inspection_id)
        except Exception:
            logger.exception("巡察 %s 的检索条目未建完，下次启动服务时补建", inspection_id)
        finally:
            connection.close()
            BEHIND.discard(thread)

    thread = threading.Thread(target=run, name=f"search-fill-{inspection_id}")
    BEHIND.add(thread)
    thread.start()
    return thread


def finished(inspection_id: int) -> None:
    """The inspection's entries are all in; an inspection voided meanwhile keeps none."""
    with transaction.atomic():
        inspection = Inspection.all_objects.select_for_update(no_key=True).filter(pk=inspection_id)
        if inspection.values_list("voided_at", flat=True).first() is not None:
            SearchEntry.objects.filter(inspection=inspection_id).delete()
        SearchBacklog.objects.filter(inspection=inspection_id).delete()


def fill_pending() -> int:
    """Finish the entries of the imports whose fill did not end (the process stopped):
    what is there is kept, the rest read back. How many inspections."""
    backlog = SearchBacklog.objects.order_by("pk").values_list(
        "inspection_id", "inspection__unit_id", "inspection__voided_at"
    )
    for pk, unit_id, voided in backlog:
        if voided is None:
            _fill(pk, unit_id, (Problem, Measure, Progress))
        finished(pk)
    return len(backlog)


def pending_for(user) -> bool:
    """Whether an inspection the user may read is still having its entries written."""
    backlog = SearchBacklog.objects.filter(inspection__voided_at=None)
    return backlog.filter(inspection__unit__in=units_for(user, READ)).exists()


def wait_behind(timeout: float | None = None) -> None:
    """Wait for the fills running behind imports (the bench; tests)."""
    for thread in list(BEHIND):
        thread.join(timeout)


def _insert_all(rows: Iterable[tuple], batch: int = 5000) -> None:
    """`insert` a batch at a time, each in a transaction of its own. The next batch is
    built in a thread while the database writes this one (sqlite3 and psycopg let go
    of the interpreter while the database works); only the building runs there, never
    a query."""
    rows = iter(rows)
    with ThreadPoolExecutor(1) as pool:
        built = pool.submit(lambda: list(islice(rows, batch)))
        while chunk := built.result():
            built = pool.submit(lambda: list(islice(rows, batch)))
            insert(chunk)


def ledger_rows(unit_id: int, inspection_id: int, problems, measures, reports):
    """Entry rows of an import's items from the values it wrote, in ledger order: the
    same entries `_fill` makes from the rows read back.

    problems: (id, parent id, title, description) in ledger order; measures: (id,
    problem id, text, leader, department, owner); reports: (id, measure id, problem id,
    the measure's text, text).
    """
    titles = {}
    for pk, _parent, title, description in problems:
        titles[pk] = title
        yield entry_row(
            "problem", pk, _problem_dict(pk, unit_id, inspection_id, title, description)
        )
    for pk, problem, text, *people in measures:
        body = "\n".join(filter(None, [text, *people]))
        values = _measure_dict(pk, unit_id, inspection_id, problem, titles[problem], body)
        yield entry_row("measure", pk, values)
    for pk, measure, problem, title, text in reports:
        values = _progress_dict(pk, unit_id, inspection_id, problem, measure, title, text)
        yield entry_row("progress", pk, values)


def fill_ledger(apps) -> None:
    """Entries for every inspection not voided, with the migration's models (`apps`)."""
    models = tuple(apps.get_model("ledger", name) for name in ("Problem", "Measure", "Progress"))
    inspections = apps.get_model("ledger", "Inspection").objects.filter(voided_at=None)
    for pk, unit_id in inspections.values_list("pk", "unit_id"):
        _fill(pk, unit_id, models)


def _fill(inspection_id: int, unit_id: int, models, batch: int = 2000) -> None:
    """Entries for one inspection, written a batch per transaction (a savepoint when
    already in one); an entry an act wrote meanwhile is kept."""
    problem_model, measure_model, progress_model = models

    def write(kind: str, rows, values_of) -> None:
        insert([entry_row(kind, row.pk, values_of(row)) for row in rows])

    problems = list(problem_model.objects.filter(inspection=inspection_id))
    titles = {p.pk: p.title for p in problems}
    problems.sort(key=_tree_order({p.pk: p.position for p in problems}))
    write("problem", problems, lambda p: _problem_values(p, unit_id))
    measures = measure_model.objects.filter(problem__inspection=inspection_id)
    for chunk in _chunks(measures, batch, "owner_user"):
        write(
            "measure",
            chunk,
            lambda m: _measure_values(m, unit_id, inspection_id, titles[m.problem_id]),
        )
    reports = progress_model.objects.filter(measure__problem__inspection=inspection_id)
    for chunk in _chunks(reports, batch, "measure"):
        write(
            "progress",
            chunk,
            lambda r: _progress_values(r, unit_id, inspection_id, r.measure.problem_id),
        )


def _chunks(queryset, size: int, related: str):
    """Rows in primary-key order, a list at a time (no cursor open across transactions).

    The ids come first: with ORDER BY and LIMIT on the whole query, SQLite walks the
    table in key order instead of from the inspection down. Each chunk is then read by
    its ids alone: with the inspection's filter kept, SQLite walked all of its rows again
    for every chunk (a 100,000-measure import spent most of its time there)."""
    ids = sorted(queryset.values_list("pk", flat=True))
    rows = queryset.model._base_manager.select_related(related).order_by("pk")
    for start in range(0, len(ids), size):
        yield list(rows.filter(pk__in=ids[start : start + size]))


COLUMNS = ("kind", "object_id", "unit_id", "inspection_id", "problem_id", "measure_id")
COLUMNS += ("title", "body", "url", "scope", "terms")


def entry_row(kind: str, object_id: int, values: dict) -> tuple:
    """An entry as a row of COLUMNS, for `insert`."""
    body, unit_id = values["body"][:MAX_BODY], values["unit_id"]
    links = [values.get(name) for name in ("inspection_id", "problem_id", "measure_id")]
    title, url = values["title"][:300], values["url"]
    return (
        kind,
        object_id,
        unit_id,
        *links,
        title,
        body,
        url,
        scope_of(kind, unit_id),
        terms_of(body),
    )


def insert(rows: list[tuple]) -> None:
    """Many entries in one transaction (a savepoint when in one), by plain SQL: a bulk
    fill writes hundreds of thousands. An entry already there (an act's) is kept.

    Many rows to a statement: on SQLite each statement that fires the FTS5 trigger
    opens a savepoint, at which FTS5 writes out what it holds; one row a statement made
    a segment per row (4.2 s for 100,000 entries, 0.9 s with 2,000 to a statement)."""
    if not rows:
        return
    sqlite = connection.vendor == "sqlite"
    if not sqlite:
        try:
            return _copy(rows)
        except IntegrityError:
            pass  # an entry already there: the rows again, keeping it
    head = f"INSERT {'OR IGNORE ' if sqlite else ''}INTO ledger_searchentry "
    head += f"({', '.join(COLUMNS)}) VALUES "
    tail = "" if sqlite else " ON CONFLICT DO NOTHING"
    one = f"({', '.join(['%s'] * len(COLUMNS))})"
    per = max(1, _max_params() // len(COLUMNS))
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            cursor.execute(
                head + ", ".join([one] * len(chunk)) + tail, [v for r in chunk for v in r]
            )


def _copy(rows: list[tuple]) -> None:
    """PostgreSQL's COPY, half the time of a multi-row INSERT (bench/workbook.py); it
    fails, and its savepoint rolls back, if one of the entries is already there."""
    with transaction.atomic(), connection.cursor() as cursor, connection.wrap_database_errors:
        with cursor.cursor.copy(
            f"COPY ledger_searchentry ({', '.join(COLUMNS)}) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)


def _max_params() -> int:
    """Parameters one statement may take: SQLite's limit as compiled (32,766 since
    3.32, 999 before), PostgreSQL's protocol limit."""
    if connection.vendor != "sqlite":
        return 65535
    connection.ensure_connection()
    return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


def _tree_order(positions: dict[int, int]):
    """Sort key of problems in ledger order: a category, then its specific problems."""

    def key(p) -> tuple:
        if p.parent_id:
            return (positions.get(p.parent_id, 0), p.parent_id, 1, p.position, p.pk)
        return (p.position, p.pk, 0, 0, 0)

    return key


def move_inspection(inspection: Inspection) -> None:
    """The inspection's entries follow it to another unit."""
    entries = SearchEntry.objects.filter(inspection=inspection).exclude(unit=inspection.unit_id)
    for kind in KINDS:
        entries.filter(kind=kind).update(
            unit=inspection.unit_id, scope=scope_of(kind, inspection.unit_id)
        )


def index_event(sender, event, obj, **kwargs) -> None:
    """Keep the entries of what an act changed, in the act's transaction."""
    act = event.act
    if act.endswith(".deleted"):
        return  # the entries go with their rows (foreign keys)
    if isinstance(obj, Problem):
        put_problem(obj)
    elif isinstance(obj, Measure):
        put_measure(obj)
    elif isinstance(obj, Progress):
        put_progress(obj)
    elif isinstance(obj, Inspection):
        if act == "inspection.voided":
            SearchEntry.objects.filter(inspection=obj).delete()
        elif act == "inspection.imported":
            index_inspection(obj)
        elif act == "inspection.updated":
            move_inspection(obj)
    measures = event.data.get("measures")  # an act on several measures (a handover)
    if isinstance(measures, list) and measures:
        related = Measure.objects.select_related("problem__inspection", "owner_user")
        for measure in related.filter(pk__in=measures):
            put_measure(measure)


# --- finding -----------------------------------------------------------------------

UNIT_TOKENS = 30  # up to this many units go into the query as tokens; more as a column


def _sqlite_query(kind: str, parts: list[str], units: list[int] | None, limit: int):
    match = [f"scope:k{kind}"]
    if units is not None:
        match.append("scope:(" + " OR ".join(f"u{u}" for u in units) + ")")
    match += ['terms:"' + " ".join(part) + '"' for part in parts]
    sql = (
        f"SELECT * FROM (SELECT '{kind}', rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
        "ORDER BY rowid LIMIT %s)"
    )
    return sql, [" AND ".join(match), limit]


def _pg_query(kind: str, parts: list[str], units: list[int] | None, limit: int):
    """Each kind has its own GIN index (migration 0012); the planner chooses for each:
    the index for a rare phrase, or reading rows until the limit for a common one;
    either way in the table's order."""
    wide = units is not None and len(units) > UNIT_TOKENS
    terms = ["phraseto_tsquery('simple', %s)"] * len(parts)
    args: list = [" ".join(p) for p in parts]
    if units is not None and not wide:
        terms.append("to_tsquery('simple', %s)")
        args.append(" | ".join(f"u{u}" for u in units))
    match = f"kind = '{kind}' AND tsv @@ ({' && '.join(terms)})"
    if wide:
        match += " AND unit_id = ANY(%s)"
        args.append(units)
    return f"(SELECT '{kind}', id FROM ledger_searchentry WHERE {match} LIMIT %s)", [*args, limit]


def find_ids(wanted: dict, parts: list[str], limit: int) -> dict[str, list[int]]:
    """Up to `limit` entry ids of each kind of `wanted` (kind: its units, None for all)
    matching every part, in one query; each list sorted."""
    found: dict[str, list[int]] = {kind: [] for kind in wanted}
    query = _pg_query if connection.vendor == "postgresql" else _sqlite_query
    pieces = [query(k, parts, units, limit) for k, units in wanted.items() if units != []]
    if not parts or not pieces:
        return found
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(p[0] for p in pieces), [a for p in pieces for a in p[1]])
        for kind, pk in cursor.fetchall():
            found[kind].append(pk)
    for ids in found.values():
        ids.sort()
    return found


@dataclass
class Group:
    """One kind's hits on a results page."""

    kind: str
    label: str
    total: int  # matches found, at most one more than the pages up to this one hold
    through: int  # matches on the pages up to this one
    hits: list = field(default_factory=list)
    page: int = 1
    last: int = 0  # on a kind's own pages, the last one that may be asked for (CAP)

    @property
    def more(self) -> bool:
        """Matches beyond this page."""
        return self.total > self.through

    @property
    def capped(self) -> bool:
        """More matches than CAP: no further page."""
        return self.more and self.page == self.last


def scopes(user, acts) -> dict[str, list[int] | None]:
    """For each act, the units where the user may do it (None: every unit), read in
    one query through the access rule (`units_for`)."""
    acts = list(dict.fromkeys(acts))
    flags = {act: Exists(units_for(user, act).filter(pk=OuterRef("pk"))) for act in acts}
    rows = list(Unit.objects.annotate(**flags).values_list("pk", *acts))
    found = {act: [row[0] for row in rows if row[1 + i]] for i, act in enumerate(acts)}
    return {act: None if ids and len(ids) == len(rows) else ids for act, ids in found.items()}


def search(user, parts: list[str], kind: str | None = None, page: int = 1) -> list[Group]:
    """The user's hits by kind: the first PREVIEW of each, or page `page` of one kind
    (pages of PAGE, up to CAP in all). Only one match more than the pages up to the one
    asked for is looked for: a page costs what it shows, not what there is."""
    names = [kind] if kind else list(KINDS)
    size, last = (PAGE, max(1, CAP // PAGE)) if kind else (PREVIEW, 0)
    page = min(max(page, 1), last or 1)
    units = scopes(user, (KINDS[n].act for n in names))
    found = find_ids({n: units[KINDS[n].act] for n in names}, parts, page * size + 1)
    groups, shown = [], {}
    for name in names:
        ids = found[name]
        page_no = min(page, max(1, -(-len(ids) // size)))
        group = Group(name, KINDS[name].label, len(ids), page_no * size, page=page_no, last=last)
        groups.append(group)
        shown[name] = ids[(page_no - 1) * size : page_no * size]
    entries = _entries(user, shown)
    for group in groups:
        group.hits = [entries[pk] for pk in shown[group.kind] if pk in entries]
        for entry in group.hits:
            entry.snippet = snippet(entry.body, parts)
    return groups


def _entries(user, shown: dict[str, list[int]]) -> dict:
    """The entries to show, fetched again through the access rule, in one query."""
    by_act: dict[str, list[int]] = {}
    for kind, ids in shown.items():
        by_act.setdefault(KINDS[kind].act, []).extend(ids)
    parts = [
        SearchEntry.objects.for_user(user, act).filter(pk__in=ids)
        for act, ids in by_act.items()
        if ids
    ]
    if not parts:
        return {}
    rows = reduce(operator.or_, parts)
    return {e.pk: e for e in rows.select_related("unit")}


def snippet(body: str, parts: list[str], width: int = 90) -> SafeString:
    """A piece of `body` around the first match, escaped, each match in <mark>."""
    chars = characters(body[:SNIPPET_SCAN])
    text = "".join(c for c, _ in chars)
    spans = []
    for part in parts:
        start = text.find(part)
        while start != -1:
            end = start + len(part)
            spans.append((chars[start][1], chars[end - 1][1] + 1))
            start = text.find(part, end)
    spans.sort()
    low = max(0, spans[0][0] - 20) if spans else 0
    high = min(len(body), low + width)
    out, pos = ["…" if low else ""], low
    for begin, end in spans:
        begin, end = max(begin, pos), min(end, high)
        if begin >= end:
            continue
        out += [escape(body[pos:begin]), "<mark>", escape(body[begin:end]), "</mark>"]
        pos = end
    out += [escape(body[pos:high]), "…" if high < len(body) else ""]
    return mark_safe("".join(out))
