"""The user admin: clearance, flags, groups and permissions change through
``accounts.services`` (audited, and never on your own account: another admin must).

Nobody hands out a clearance above their own or sets the password of someone cleared
above them: either would let an admin read more through an account they control."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts import services
from accounts.models import User
from articles.admin_mixins import HiddenArticlesAdminMixin
from articles.tlp import TLP, rank

ACCESS_FIELDS = ("clearance", *services.ACCESS_FLAGS)


@admin.register(User)
class PortalUserAdmin(HiddenArticlesAdminMixin, UserAdmin):
    list_display = ("username", "email", "clearance", "is_active", "is_staff", "last_login")
    list_filter = ("clearance", "groups", "is_active", "is_staff")
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Clearance", {"fields": ("clearance",)}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        ("Clearance", {"fields": ("clearance",)}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            return (*readonly, *services.NOT_ON_YOURSELF)
        if obj is not None and services.outranks(obj, request.user):
            return (*readonly, "clearance")
        return readonly

    def formfield_for_choice_field(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "clearance":
            # Nobody hands out more than they hold (the service refuses it too).
            own = rank(request.user.clearance)
            kwargs["choices"] = [(label, name) for label, name in TLP.choices if rank(label) <= own]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = ""):
        user = self.get_object(request, unquote(id))
        if user is not None and services.outranks(user, request.user):
            raise PermissionDenied("You cannot set the password of someone cleared above you.")
        return super().user_change_password(request, id, form_url)

    def save_model(self, request: HttpRequest, obj: User, form, change: bool) -> None:
        # Access fields are saved by the service (which checks and records them); a new user
        # is first saved with the defaults, so their starting access is recorded too.
        wanted = {field: getattr(obj, field) for field in ACCESS_FIELDS if field in form.cleaned_data}
        for field in wanted:
            setattr(obj, field, form.initial.get(field, User._meta.get_field(field).get_default()))
        super().save_model(request, obj, form, change)
        services.change_access(obj, by=request.user, request=request, **wanted)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        groups = form.cleaned_data.pop("groups", None)
        permissions = form.cleaned_data.pop("user_permissions", None)
        super().save_related(request, form, formsets, change)
        user = form.instance
        if groups is not None:
            services.set_groups(user, groups, by=request.user, request=request)
        if permissions is not None:
            services.set_permissions(user, permissions, by=request.user, request=request)
