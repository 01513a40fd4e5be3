"""Who may see and change what: the one place that decides, for every object type.

An office member sees every unit. Anyone else sees the units of their memberships,
and the sub-units of those that cover them. Writes need a role on the object's unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from .models import Membership, Unit

Role = Membership.Role
LEDGER_EDITORS = {Role.EDITOR}
READERS = set(Role)


@dataclass
class Access:
    """The roles one user holds, resolved once per request."""

    office: bool = False
    # (unit path, role, covers sub-units) for each membership.
    grants: list[tuple[str, str, bool]] = field(default_factory=list)

    def roles_in(self, unit: Unit) -> set[str]:
        roles = set()
        for path, role, covers in self.grants:
            if unit.path == path or (covers and unit.path.startswith(path)):
                roles.add(role)
        return roles

    def can_read(self, unit: Unit) -> bool:
        return self.office or bool(self.roles_in(unit))

    def has_role(self, unit: Unit, *roles: str) -> bool:
        return bool(self.roles_in(unit) & set(roles))

    def unit_filter(self, prefix: str = "") -> Q:
        """A Q on `<prefix>path` matching every unit this user may read."""
        if self.office:
            return Q()
        q = Q(pk__in=[])
        for path, _role, covers in self.grants:
            q |= Q(**{f"{prefix}path__startswith" if covers else f"{prefix}path": path})
        return q


def access_for(user) -> Access:
    if not user.is_authenticated:
        return Access()
    cached = getattr(user, "_zhenggai_access", None)
    if cached is not None:
        return cached
    rows = Membership.objects.filter(user=user).values_list("unit__path", "role", "covers_subunits")
    grants = list(rows)
    access = Access(office=any(role == Role.OFFICE for _p, role, _c in grants), grants=grants)
    user._zhenggai_access = access
    return access


def units_visible_to(user) -> QuerySet[Unit]:
    access = access_for(user)
    if not user.is_authenticated:
        return Unit.objects.none()
    return Unit.objects.filter(access.unit_filter())
