"""Who may see and do what: the one place that decides, for every object type.

A membership gives a role on a unit, and on its sub-units when it covers them. Each
act below names the roles that grant it and whether the inspection office may do it on
every unit. Views, services, form choices, exports, reminders and dashboards ask here:
`Access.may(act, unit)` for one unit, `Access.q(act)` and the querysets'
`for_user(user, act)` for many. Nothing else matches unit paths against memberships.

Three administrator duties (三员, 等保 2.0) stand beside the roles: the system
administrator keeps units and accounts, the security administrator roles, memberships
and unlocks, the audit administrator reads the audit log. A duty grants only its own
acts, on every unit, and never the ledger: an account with a duty holds no membership.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet

from .models import Membership, Profile, Unit

Role = Membership.Role
Duty = Profile.Duty
SYSADMIN, SECADMIN, AUDITOR = Duty.SYSADMIN.value, Duty.SECADMIN.value, Duty.AUDITOR.value

READ = "read"  # see a unit's ledger, notices and orders
EDIT = "edit"  # keep a unit's ledger: problems, measures, notices, sign-off applications
REGISTER = "register"  # register or import an inspection of a unit
REPORT = "report"  # report progress: an owner on the measures they own, an editor on any
ANSWER = "answer"  # answer the public's comments and the office's orders
COMMENTS = "comments"  # read the public's comments
LEAD = "lead"  # the leaders' and the office's dashboard and statistics
SIGN = "sign"  # sign (签发) the unit's notice: its own leaders, never the office
OFFICE = "office"  # the office's own acts: orders, sign-off review, rounds, indicators
DIRECTORY = "directory"  # read the unit tree, people, their roles; export the 通讯录
ORGANISE = "organise"  # add, rename, move, disable units; add, edit, deactivate accounts
AUTHORISE = "authorise"  # grant and withdraw memberships (roles); see the password policy
IMPORT_DIRECTORY = "import_directory"  # the 通讯录: each administrator applies their part
RESET = "reset"  # give another user a one-time password
UNLOCK = "unlock"  # unlock an account the log-in throttle locked
AUDIT = "audit"  # read the audit log

NO_ROLE: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Grant:
    """Who may do an act: roles on the unit, the office on every unit, duties anywhere."""

    roles: frozenset[str]
    office: bool
    duties: frozenset[str] = frozenset()
    # New work: a disabled unit keeps its ledger and history but takes none.
    active_only: bool = False


ACTS: dict[str, Grant] = {
    READ: Grant(frozenset(Role), True),
    EDIT: Grant(frozenset({Role.EDITOR}), False),
    REGISTER: Grant(frozenset({Role.EDITOR}), True, active_only=True),
    REPORT: Grant(frozenset({Role.EDITOR, Role.OWNER}), False),
    ANSWER: Grant(frozenset({Role.EDITOR, Role.LEADER}), False),
    COMMENTS: Grant(frozenset({Role.EDITOR, Role.LEADER}), True),
    LEAD: Grant(frozenset({Role.LEADER}), True),
    SIGN: Grant(frozenset({Role.LEADER}), False),
    OFFICE: Grant(NO_ROLE, True),
    DIRECTORY: Grant(NO_ROLE, True, frozenset({SYSADMIN, SECADMIN})),
    ORGANISE: Grant(NO_ROLE, False, frozenset({SYSADMIN})),
    AUTHORISE: Grant(NO_ROLE, False, frozenset({SECADMIN})),
    IMPORT_DIRECTORY: Grant(NO_ROLE, False, frozenset({SYSADMIN, SECADMIN})),
    RESET: Grant(NO_ROLE, True, frozenset({SECADMIN})),
    UNLOCK: Grant(NO_ROLE, True, frozenset({SECADMIN})),
    AUDIT: Grant(NO_ROLE, True, frozenset({AUDITOR})),
}


def covers(grant_path: str, subunits: bool, unit_path: str) -> bool:
    """Whether a membership on `grant_path` reaches the unit at `unit_path`."""
    return unit_path == grant_path or (subunits and unit_path.startswith(grant_path))


def covers_q(grant_path: str, subunits: bool, prefix: str = "") -> Q:
    """The same rule as `covers`, as a filter on `<prefix>path`."""
    if subunits:
        return Q(**{f"{prefix}path__startswith": grant_path})
    return Q(**{f"{prefix}path": grant_path})


def within(unit: Unit, root: Unit) -> bool:
    """Whether `unit` is `root` or one of its sub-units."""
    return covers(root.path, True, unit.path)


def subtree_q(root: Unit, prefix: str = "") -> Q:
    """Units that are `root` or below it, as a filter on `<prefix>path`."""
    return covers_q(root.path, True, prefix)


@dataclass
class Access:
    """The roles and the duty one user holds, resolved once per request."""

    office: bool = False
    # (unit path, role, covers sub-units) for each membership.
    grants: list[tuple[str, str, bool]] = field(default_factory=list)
    duty: str = ""

    def roles_in(self, unit: Unit) -> set[str]:
        return {role for path, role, subs in self.grants if covers(path, subs, unit.path)}

    def _everywhere(self, grant: Grant) -> bool:
        return (grant.office and self.office) or self.duty in grant.duties

    def may(self, act: str, unit: Unit) -> bool:
        grant = ACTS[act]
        if grant.active_only and not unit.active:
            return False
        return self._everywhere(grant) or bool(self.roles_in(unit) & grant.roles)

    def can_read(self, unit: Unit) -> bool:
        return self.may(READ, unit)

    def has_role(self, unit: Unit, *roles: str) -> bool:
        return bool(self.roles_in(unit) & set(roles))

    def anywhere(self, act: str) -> bool:
        """Whether the user may do `act` on at least one unit."""
        grant = ACTS[act]
        return self._everywhere(grant) or any(r in grant.roles for _p, r, _s in self.grants)

    def q(self, act: str = READ, prefix: str = "") -> Q:
        """A filter on `<prefix>path` matching every unit where the user may do `act`."""
        grant = ACTS[act]
        active = Q(**{f"{prefix}active": True}) if grant.active_only else Q()
        if self._everywhere(grant):
            return active
        q = Q(pk__in=[])
        for path, role, subs in self.grants:
            if role in grant.roles:
                q |= covers_q(path, subs, prefix)
        return q & active


def access_for(user) -> Access:
    if not user.is_authenticated:
        return Access()
    cached = getattr(user, "_zhenggai_access", None)
    if cached is not None:
        return cached
    # One query for the duty and every membership: a user row per membership (or one
    # row of None when there is none), the duty joined in.
    rows = list(
        get_user_model()
        .objects.filter(pk=user.pk)
        .values_list(
            "profile__duty",
            "memberships__unit__path",
            "memberships__role",
            "memberships__covers_subunits",
        )
    )
    duty = (rows[0][0] if rows else "") or ""
    grants = [(path, role, subs) for _d, path, role, subs in rows if role is not None]
    access = Access(
        office=any(role == Role.OFFICE for _p, role, _c in grants), grants=grants, duty=duty
    )
    user._zhenggai_access = access
    return access


def has_duty(user, duty: str) -> bool:
    """Whether the user holds the administrator duty "sysadmin", "secadmin" or "auditor"."""
    if duty not in Duty.values:
        raise ValueError(f"unknown duty {duty!r}")
    return user.is_authenticated and access_for(user).duty == duty


def require(request, act: str, unit: Unit | None = None) -> None:
    """PermissionDenied unless the user may do `act` on `unit` (or on some unit)."""
    access = access_for(request.user)
    if not (access.may(act, unit) if unit is not None else access.anywhere(act)):
        raise PermissionDenied


def members_q(unit: Unit, *roles: str, prefix: str = "memberships__") -> Q:
    """Memberships (through `prefix`) with one of `roles` reaching `unit`: on the unit
    itself, or on a unit above it that covers its sub-units. Use in one `filter()`."""
    parts = unit.path.strip("/").split("/")
    above = ["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts))]
    reach = Q(**{f"{prefix}unit": unit}) | Q(
        **{f"{prefix}unit__path__in": above, f"{prefix}covers_subunits": True}
    )
    return Q(**{f"{prefix}role__in": roles}) & reach


def holders(unit: Unit, memberships) -> list:
    """The users of `memberships` (rows with user, unit and covers_subunits) reaching `unit`."""
    return [m.user for m in memberships if covers(m.unit.path, m.covers_subunits, unit.path)]


class UnitScopedQuerySet(models.QuerySet):
    """Rows that belong to a unit through `unit_field`, restricted by the one access rule.

    Views reach unit-owned rows only through `for_user` (or `visible_to`,
    `editable_by`): a test fails on a view that queries such a model without them.
    """

    unit_field = "unit"

    def _prefix(self) -> str:
        return f"{self.unit_field}__" if self.unit_field else ""

    def for_user(self, user, act: str = READ) -> QuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(access_for(user).q(act, self._prefix()))

    def visible_to(self, user) -> QuerySet:
        return self.for_user(user, READ)

    def editable_by(self, user) -> QuerySet:
        return self.for_user(user, EDIT)

    def within(self, root: Unit) -> QuerySet:
        """Rows of `root` and its sub-units."""
        return self.filter(subtree_q(root, self._prefix()))


class UnitQuerySet(UnitScopedQuerySet):
    unit_field = ""


def units_for(user, act: str = READ) -> QuerySet[Unit]:
    """The units where the user may do `act`."""
    return UnitQuerySet(Unit).for_user(user, act)


def units_visible_to(user) -> QuerySet[Unit]:
    return units_for(user, READ)
