from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import User


@admin.register(User)
class PortalUserAdmin(UserAdmin):
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
