"""Editors and admins may re-run enrichment; analysts may not."""

from django.db import migrations

GROUPS = ["Editor", "Admin"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations run; create this one now.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    article_type, _ = ContentType.objects.get_or_create(app_label="articles", model="article")
    permission, _ = Permission.objects.get_or_create(
        codename="reenrich_article",
        content_type=article_type,
        defaults={"name": "Can re-run enrichment on an article"},
    )
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(codename="reenrich_article", content_type__app_label="articles").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_reenrich_permission"),
        ("accounts", "0002_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
