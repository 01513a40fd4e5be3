"""Fail closed: a view reaches a unit-owned table only through the one access rule.

Every model whose manager is a `UnitScopedQuerySet` belongs to a unit. In the view
modules, `Model.objects` of such a model must go straight into `for_user`,
`visible_to`, `editable_by` (or `public()` for what everyone may read); rows reached
from an object already fetched by a `get_<thing>_for_user` helper go through its
relations (`inspection.problems`). A new view that forgets fails here, before review.
"""

import ast
from pathlib import Path

from django.apps import apps

import zhenggai
from zhenggai.accounts.access import UnitScopedQuerySet

PACKAGE = Path(zhenggai.__file__).parent
RESTRICTING = {"for_user", "visible_to", "editable_by", "public"}


def scoped_models() -> set[str]:
    return {
        model.__name__
        for model in apps.get_models()
        if isinstance(model._default_manager.all(), UnitScopedQuerySet)
    }


def view_modules() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if path.name.endswith("views.py") or "views" in path.relative_to(PACKAGE).parts[:-1]
    )


def unrestricted(source: str, models: set[str]) -> list[str]:
    """`Model.objects.<method>` uses of scoped models not first restricted."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("objects", "all_objects")
            and isinstance(node.value, ast.Name)
            and node.value.id in models
        ):
            parent = parents.get(node)
            method = parent.attr if isinstance(parent, ast.Attribute) else None
            if method not in RESTRICTING:
                use = f".{method}" if method else " (unrestricted manager)"
                where = f"line {node.lineno}: {node.value.id}.{node.attr}{use}"
                found.append((node.lineno, where))
    return [text for _line, text in sorted(found)]


def test_it_knows_the_unit_owned_models():
    assert {"Inspection", "Problem", "Measure", "Progress", "Evidence", "Figure"} <= (
        scoped_models()
    )
    assert {"SignOff", "SupervisionOrder", "PublishedNotice", "Comment"} <= scoped_models()


def test_it_scans_every_view_module():
    names = {p.relative_to(PACKAGE).as_posix() for p in view_modules()}
    assert {"ledger/views.py", "ledger/imports_views.py", "disclosure/views.py"} <= names
    assert "oversight/views/dashboard.py" in names


def test_no_view_reaches_a_unit_owned_table_unrestricted():
    models = scoped_models()
    offenders = {
        path.relative_to(PACKAGE).as_posix(): found
        for path in view_modules()
        if (found := unrestricted(path.read_text(encoding="utf-8"), models))
    }
    assert offenders == {}


def test_the_scan_catches_an_unrestricted_query():
    source = (
        "def view(request):\n"
        "    a = Measure.objects.filter(status='done')\n"
        "    b = Measure.objects.visible_to(request.user).filter(status='done')\n"
        "    c = get_object_or_404(Problem.objects, pk=1)\n"
        "    d = Unit.objects.all()\n"
        "    e = Problem.all_objects.exclude(voided_at=None)\n"
    )
    found = unrestricted(source, {"Measure", "Problem"})
    assert found == [
        "line 2: Measure.objects.filter",
        "line 4: Problem.objects (unrestricted manager)",
        "line 6: Problem.all_objects.exclude",
    ]
