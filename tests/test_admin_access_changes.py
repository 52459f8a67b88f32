"""Access changes in the admin: never on your own account, always in the audit trail.

An admin cannot change their own clearance, staff/superuser flags, groups or permissions,
nor grant themselves an article: another admin must. Clearance, flags, groups, RED grants
given and taken back and an article's TLP are recorded with before → after. Nobody hands
out a clearance above their own, nor sets the password of someone cleared above them (a
sock-puppet account would otherwise undo the rule).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts import services
from accounts.models import User
from articles import access_changes
from articles.models import ArticleGrant, Tag
from audit.actions import Action
from audit.models import AuditEvent
from tests.admin_forms import form_data, post_form
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def user_page(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def article_page(article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_an_admin_cannot_raise_their_own_clearance_flags_groups_or_permissions(login, make_user):
    me = make_user("green", "analyst")
    me.is_staff = True
    me.save()
    me.user_permissions.add(*Permission.objects.filter(codename__in=["change_user", "view_user"]))
    client = login(me)
    page = client.get(user_page(me)).content.decode()
    assert 'name="clearance"' not in page and 'name="is_superuser"' not in page

    response = post_form(
        client,
        user_page(me),
        clearance="red",
        is_superuser="on",
        groups=[str(services.role_group("admin").pk)],
        user_permissions=[str(p.pk) for p in Permission.objects.all()],
        first_name="Still editable",
    )

    assert response.status_code == 302
    me.refresh_from_db()
    assert (me.first_name, me.clearance, me.is_superuser) == ("Still editable", "green", False)
    assert [g.name for g in me.groups.all()] == ["Analyst"]
    assert me.user_permissions.count() == 2
    assert not AuditEvent.objects.filter(action__startswith="user.").exists()


def test_the_access_services_refuse_a_change_to_your_own_account_whatever_the_door(admin_user):
    with pytest.raises(services.SelfAccessChangeError):
        services.change_access(admin_user, by=admin_user, clearance="green")
    with pytest.raises(services.SelfAccessChangeError):
        services.change_access(admin_user, by=admin_user, is_superuser=False)
    with pytest.raises(services.SelfAccessChangeError):
        services.set_groups(admin_user, [], by=admin_user)
    with pytest.raises(access_changes.SelfGrantError):
        access_changes.grant(ArticleFactory(tlp="red"), admin_user, by=admin_user)
    assert not AuditEvent.objects.filter(actor=admin_user).exists()


def test_another_admin_changes_a_clearance_and_it_is_recorded_before_and_after(login, admin_user, analyst):
    client = login(admin_user)

    assert post_form(client, user_page(analyst), clearance="red").status_code == 302

    analyst.refresh_from_db()
    assert analyst.clearance == "red"
    (event,) = events(Action.CLEARANCE)
    assert (event.actor, event.object_id) == (admin_user, str(analyst.pk))
    assert (event.before, event.after) == ({"clearance": "amber"}, {"clearance": "red"})


def test_group_and_flag_changes_are_recorded(login, admin_user, analyst):
    client = login(admin_user)
    editor_group = services.role_group("editor")

    post_form(client, user_page(analyst), groups=[str(editor_group.pk)], is_staff="on")

    (groups,) = events(Action.GROUPS)
    assert (groups.before, groups.after) == ({"groups": ["Analyst"]}, {"groups": ["Editor"]})
    (flags,) = events(Action.USER_FLAGS)
    assert (flags.before, flags.after) == ({"is_staff": False}, {"is_staff": True})
    assert list(User.objects.get(pk=analyst.pk).groups.all()) == [editor_group]


def test_a_user_created_in_the_admin_has_their_starting_clearance_recorded(login, admin_user):
    client = login(admin_user)
    add = reverse("admin:accounts_user_add")
    data = form_data(client.get(add).content.decode())
    data.update(
        username=["newcomer"],
        password1=["a long enough password 123"],
        password2=["a long enough password 123"],
        clearance=["amber"],
    )
    assert client.post(add, data).status_code == 302

    (event,) = events(Action.CLEARANCE)
    assert event.object_repr == "newcomer"
    assert (event.before, event.after) == ({"clearance": "clear"}, {"clearance": "amber"})


def test_nobody_hands_out_a_clearance_above_their_own(login, make_user):
    green_admin, reader = make_user("green", "admin"), make_user("clear")
    client = login(green_admin)

    response = post_form(client, user_page(reader), clearance="amber")

    assert response.status_code == 200  # the form says why
    reader.refresh_from_db()
    assert reader.clearance == "clear"
    with pytest.raises(services.ClearanceAboveOwnError):
        services.change_access(reader, by=green_admin, clearance="amber")
    services.change_access(reader, by=green_admin, clearance="green")
    assert [e.after for e in events(Action.CLEARANCE)] == [{"clearance": "green"}]


def test_nobody_creates_an_account_cleared_above_themselves(login, make_user):
    client = login(make_user("green", "admin"))
    add = reverse("admin:accounts_user_add")
    data = form_data(client.get(add).content.decode())
    data.update(
        username=["puppet"],
        password1=["a long enough password 123"],
        password2=["a long enough password 123"],
    )

    response = client.post(add, {**data, "clearance": ["amber"]})

    assert response.status_code == 200
    assert not User.objects.filter(username="puppet").exists()


def test_nobody_sets_the_password_or_clearance_of_someone_cleared_above_them(login, make_user, admin_user):
    green_admin = make_user("green", "admin")
    client = login(green_admin)

    assert client.get(reverse("admin:auth_user_password_change", args=[admin_user.pk])).status_code == 403
    assert (
        client.get(reverse("admin:auth_user_password_change", args=[make_user("clear").pk])).status_code
        == 200
    )
    assert 'name="clearance"' not in client.get(user_page(admin_user)).content.decode()
    with pytest.raises(services.ClearanceAboveOwnError):
        services.change_access(admin_user, by=green_admin, clearance="green")


def add_grant_form(data: dict, user: User) -> dict:
    index = int(data["article_grants-TOTAL_FORMS"][0])
    data["article_grants-TOTAL_FORMS"] = [str(index + 1)]
    data[f"article_grants-{index}-user"] = [str(user.pk)]
    data[f"article_grants-{index}-id"] = [""]
    return data


def test_an_admin_cannot_grant_themselves_an_article_in_the_admin(login, admin_user):
    article = ArticleFactory(tlp="amber", title="Raise me later")
    client = login(admin_user)
    data = add_grant_form(form_data(client.get(article_page(article)).content.decode()), admin_user)

    response = client.post(article_page(article), data)

    assert response.status_code == 200
    assert "You cannot grant yourself an article; another admin must." in response.content.decode()
    assert not ArticleGrant.objects.exists()
    assert not events(Action.GRANT_RED)


def test_red_grants_given_and_taken_back_in_the_admin_are_recorded(login, admin_user, make_user, analyst):
    article = ArticleFactory(tlp="red")
    ArticleGrant.objects.create(article=article, user=admin_user, granted_by=make_user("red", "admin"))
    client = login(admin_user)

    data = add_grant_form(form_data(client.get(article_page(article)).content.decode()), analyst)
    assert client.post(article_page(article), data).status_code == 302
    given = ArticleGrant.objects.get(user=analyst)
    assert given.granted_by == admin_user

    data = form_data(client.get(article_page(article)).content.decode())
    (row,) = [k.removesuffix("-id") for k, v in data.items() if k.endswith("-id") and v == [str(given.pk)]]
    data[f"{row}-DELETE"] = ["on"]
    assert client.post(article_page(article), data).status_code == 302
    assert not ArticleGrant.objects.filter(user=analyst).exists()

    (grant_event,) = events(Action.GRANT_RED)
    (revoke_event,) = events(Action.REVOKE_RED)
    for event in (grant_event, revoke_event):
        assert (event.actor, event.article_id) == (admin_user, article.pk)
    assert grant_event.after == {"user": "analyst", "granted": True}
    assert revoke_event.before == {"user": "analyst", "granted": True}


def test_a_tlp_change_in_the_admin_is_recorded(login, admin_user):
    article = ArticleFactory(tlp="amber")
    client = login(admin_user)

    assert post_form(client, article_page(article), tlp="green").status_code == 302

    article.refresh_from_db()
    assert article.tlp == "green"
    (event,) = events(Action.TLP)
    assert (event.before, event.after, event.article_id) == ({"tlp": "amber"}, {"tlp": "green"}, article.pk)


def test_a_tag_is_added_in_the_admin_without_inventing_a_slug(login, admin_user):
    client = login(admin_user)
    add = reverse("admin:articles_tag_add")

    assert post_form(client, add, name='misp-galaxy:threat-actor="Sandworm"').status_code == 302
    assert post_form(client, add, name="tlp:amber").status_code == 302
    assert post_form(client, add, name="tlp-amber").status_code == 302

    assert sorted(Tag.objects.values_list("slug", flat=True)) == [
        "misp-galaxy-threat-actorsandworm",
        "tlp-amber",
        "tlp-amber-2",
    ]


@pytest.mark.parametrize(
    ("page", "field"),
    [
        ("admin:accounts_user_change", "groups"),
        ("admin:accounts_user_change", "user_permissions"),
        ("admin:auth_group_change", "permissions"),
    ],
)
def test_an_id_too_large_for_the_database_is_a_form_error_not_a_crash(
    login, admin_user, analyst, page, field
):
    target = analyst if page.startswith("admin:accounts") else services.role_group("editor")
    client = login(admin_user)

    response = post_form(client, reverse(page, args=[target.pk]), **{field: ["99999999999999999999"]})

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == [field]


def test_a_red_admin_cannot_take_over_a_red_user_holding_grants_they_lack(login, make_user):
    red_admin = make_user("red", "admin")
    holder = make_user("red", "analyst")
    secret = ArticleFactory(tlp="red")
    ArticleGrant.objects.create(article=secret, user=holder)
    client = login(red_admin)
    url = reverse("admin:auth_user_password_change", args=[holder.pk])
    assert client.get(url).status_code == 403
    ArticleGrant.objects.create(article=secret, user=red_admin)  # now they read the same
    assert client.get(url).status_code == 200


def test_a_password_set_in_the_admin_is_recorded(login, admin_user, analyst):
    client = login(admin_user)
    url = reverse("admin:auth_user_password_change", args=[analyst.pk])
    response = client.post(
        url, {"password1": "a long enough password 123", "password2": "a long enough password 123"}
    )
    assert response.status_code == 302
    [event] = events(Action.PASSWORD)
    assert (event.actor, event.object_id) == (admin_user, str(analyst.pk))
