"""Creating users with a role and a clearance: one place for scripts and tests."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from accounts.models import ROLE_GROUPS, ROLE_PERMISSIONS, Role, User


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
