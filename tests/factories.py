from __future__ import annotations

import datetime as dt
import hashlib

import factory

from accounts.models import User
from accounts.services import create_user
from articles.models import Article, ArticleAuthor, ArticleTag, Author, Source, Tag


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Source {n}")
    kind = "rss"
    url = factory.Sequence(lambda n: f"https://feeds.example.org/{n}.xml")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Reporter {n}")
    slug = factory.LazyAttribute(lambda o: Author.slug_for(o.name))


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    source = factory.SubFactory(SourceFactory)
    guid = factory.Sequence(lambda n: f"guid-{n}")
    title = factory.Sequence(lambda n: f"Article number {n}")
    teaser = "A short teaser."
    body_text = "Body text of the article."
    body_html = "<p>Body text of the article.</p>"
    published_at = factory.Sequence(lambda n: dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=n))
    content_hash = factory.LazyAttribute(lambda o: hashlib.sha256(o.title.encode()).hexdigest())
    tlp = "clear"
    processing_status = "done"

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for position, author in enumerate(extracted):
            ArticleAuthor.objects.create(article=self, author=author, position=position)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for name in extracted:
            tag, _ = Tag.objects.get_or_create(name=name)
            ArticleTag.objects.create(article=self, tag=tag)


def make_user(username: str, *, clearance: str = "clear", role: str = "analyst") -> User:
    """A user made the way admins make them (accounts.services.create_user)."""
    return create_user(username, role=role, clearance=clearance, password=PASSWORD)


PASSWORD = "correct horse battery staple"


def list_budget_queries() -> int:
    """Queries the article list's time budget adds (articles/query_budget.py): on PostgreSQL
    the set_config, and inside a test's transaction the savepoint and its release."""
    from django.db import connection

    return 3 if connection.vendor == "postgresql" else 0
