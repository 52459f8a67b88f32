"""The user admin: clearance, flags, groups and permissions change through
``accounts.services`` (audited, and never on your own account: another admin must).

Nobody hands out a clearance above their own or sets the password of someone cleared
above them: either would let an admin read more through an account they control."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpRequest

from accounts import services
from accounts.models import User
from articles.admin_mixins import HiddenArticlesAdminMixin
from articles.tlp import TLP, rank
from audit.actions import Action
from audit.services import record

ACCESS_FIELDS = ("clearance", *services.ACCESS_FLAGS)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """An id the database cannot hold is an invalid choice, not a 500 (SQLite overflows on
    a 20-digit id in ``pk__in``; PostgreSQL already answers with a form error)."""

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        field = self.queryset.model._meta.pk if key == "pk" else self.queryset.model._meta.get_field(key)
        bounds = connection.ops.integer_field_ranges.get(field.get_internal_type())
        for raw in value or ():
            try:
                number = int(raw)
            except (TypeError, ValueError):
                continue  # Django's own check names it
            if bounds and not bounds[0] <= number <= bounds[1]:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": raw}
                )
        return super()._check_values(value)


class BoundedIdsMixin:
    def formfield_for_manytomany(self, db_field, request: HttpRequest, **kwargs):
        kwargs.setdefault("form_class", BoundedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(User)
class PortalUserAdmin(BoundedIdsMixin, HiddenArticlesAdminMixin, UserAdmin):
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
            raise PermissionDenied("You cannot set the password of someone who may read more than you.")
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302 and user is not None:
            record(Action.PASSWORD, request=request, obj=user, detail="password set in the admin")
        return response

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


admin.site.unregister(Group)


@admin.register(Group)
class PortalGroupAdmin(BoundedIdsMixin, GroupAdmin):
    pass
