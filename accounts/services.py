"""Creating users with a role and a clearance, and changing their access: one place for
scripts, tests and the admin."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from accounts.models import ROLE_GROUPS, ROLE_PERMISSIONS, Role, User
from articles.tlp import TLP, rank
from audit.actions import Action
from audit.services import record


@transaction.atomic
def create_user(username: str, *, role: str, clearance: str, password: str | None, email: str = "") -> User:
    if role not in Role.values:
        raise ValueError(f"{role!r} is not a role; use one of: {', '.join(Role.values)}")
    user = User(username=username, email=email, clearance=clearance)
    # Admins manage sources, users and clearances in the Django admin.
    user.is_staff = role == Role.ADMIN
    user.is_superuser = role == Role.ADMIN
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.add(role_group(role))
    return user


def role_group(role: str) -> Group:
    """The role's group with its permissions, (re)created if an admin deleted it."""
    group, created = Group.objects.get_or_create(name=ROLE_GROUPS[role])
    wanted = ROLE_PERMISSIONS[role]
    if created or group.permissions.count() != len(wanted):
        for dotted in wanted:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
    return group


# Changing someone's access: what they may read (clearance) and do (flags, groups,
# permissions). One place checks, changes and records it; the admin calls it.
ACCESS_FLAGS = ("is_staff", "is_superuser", "is_active")
# What nobody may change on their own account: another admin must (is_active is not here:
# switching yourself off is no escalation).
NOT_ON_YOURSELF = ("clearance", "is_staff", "is_superuser", "groups", "user_permissions")


class SelfAccessChangeError(PermissionDenied):
    """Someone tried to change their own clearance, flags, groups or permissions."""

    def __init__(self, what: str) -> None:
        super().__init__(f"You cannot change your own {what}; another admin must.")


def _refuse_self_change(user: User, by: User, what: str) -> None:
    if by.pk == user.pk:
        raise SelfAccessChangeError(what)


class ClearanceAboveOwnError(PermissionDenied):
    """Someone tried to hand out a clearance above their own."""

    def __init__(self, by: User) -> None:
        label = TLP(by.clearance).label
        super().__init__(f"You cannot give a clearance above your own ({label}).")


def outranks(user: User, by: User) -> bool:
    """Can ``user`` read something ``by`` cannot? Then ``by`` may not set their clearance or
    password: otherwise a sock-puppet account (or another's password) would undo the rule
    that nobody raises their own access. RED access is clearance *and* a grant per article,
    so a RED user holding a grant that ``by`` lacks outranks ``by`` too."""
    if rank(user.clearance) > rank(by.clearance):
        return True
    if user.pk == by.pk or user.clearance != TLP.RED:
        return False
    from articles.models import ArticleGrant

    theirs = ArticleGrant.objects.filter(user=user)
    return theirs.exclude(article__in=ArticleGrant.objects.filter(user=by).values("article")).exists()


@transaction.atomic
def change_access(user: User, *, by: User, request: HttpRequest | None = None, **changes: Any) -> None:
    """Set ``clearance`` and the ``ACCESS_FLAGS`` of a saved ``user`` as ``by`` did.

    Unchanged values are ignored; changed ones are saved and recorded (CLEARANCE, USER_FLAGS)
    with before → after. Changing your own clearance, is_staff or is_superuser is refused, and
    so is a clearance change of someone cleared above you or to a level above yours."""
    unknown = set(changes) - {"clearance", *ACCESS_FLAGS}
    if unknown:
        raise ValueError(f"not an access field: {', '.join(sorted(unknown))}")
    stored = User.objects.select_for_update().values(*changes).get(pk=user.pk)
    changed = {field: value for field, value in changes.items() if stored[field] != value}
    if not changed:
        return
    guarded = [field for field in changed if field in NOT_ON_YOURSELF]
    if guarded:
        _refuse_self_change(user, by, " and ".join(guarded))
    if "clearance" in changed and (
        rank(changed["clearance"]) > rank(by.clearance) or rank(stored["clearance"]) > rank(by.clearance)
    ):
        raise ClearanceAboveOwnError(by)
    User.objects.filter(pk=user.pk).update(**changed)
    for field, value in changed.items():
        setattr(user, field, value)
    if "clearance" in changed:
        record(
            Action.CLEARANCE,
            request=request,
            actor=by,
            obj=user,
            before={"clearance": stored["clearance"]},
            after={"clearance": changed["clearance"]},
        )
    flags = [field for field in ACCESS_FLAGS if field in changed]
    if flags:
        record(
            Action.USER_FLAGS,
            request=request,
            actor=by,
            obj=user,
            before={field: stored[field] for field in flags},
            after={field: changed[field] for field in flags},
        )


@transaction.atomic
def set_groups(user: User, groups: Iterable[Group], *, by: User, request: HttpRequest | None = None) -> None:
    """Make ``groups`` the groups of ``user``; refused on your own account; recorded (GROUPS)."""
    groups = list(groups)
    before = sorted(user.groups.values_list("name", flat=True))
    after = sorted(group.name for group in groups)
    if before == after:
        return
    _refuse_self_change(user, by, "groups")
    user.groups.set(groups)
    record(
        Action.GROUPS, request=request, actor=by, obj=user, before={"groups": before}, after={"groups": after}
    )


@transaction.atomic
def set_permissions(
    user: User, permissions: Iterable[Permission], *, by: User, request: HttpRequest | None = None
) -> None:
    """Make ``permissions`` the direct permissions of ``user``; refused on your own account."""
    permissions = list(permissions)

    def dotted(perms: Iterable[Permission]) -> list[str]:
        return sorted(f"{p.content_type.app_label}.{p.codename}" for p in perms)

    before = dotted(user.user_permissions.select_related("content_type"))
    after = dotted(permissions)
    if before == after:
        return
    _refuse_self_change(user, by, "permissions")
    user.user_permissions.set(permissions)
    record(
        Action.USER_PERMISSIONS,
        request=request,
        actor=by,
        obj=user,
        before={"permissions": before},
        after={"permissions": after},
    )
