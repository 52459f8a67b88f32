"""`manage.py load_seeds`: idempotent loading, updates, and bad files skipped whole."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Author, ProcessingStatus, Source

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
pytestmark = pytest.mark.django_db(transaction=True)

GOOD = """Mar 3, 2026 • Ann Author & Bob Writer
Second article
Its teaser.
Summary
A summary.
Published Analysis
Body one. Body one.
"""


@pytest.fixture
def seed_dir(tmp_path):
    folder = tmp_path / "seeds"
    folder.mkdir()
    shutil.copy(SEEDS / "000_7e4bbf7a3a8b7733.txt", folder)
    (folder / "001_second.txt").write_text(GOOD, encoding="utf-8")
    return folder


def load(*args, **kwargs):
    call_command("load_seeds", *map(str, args), **kwargs)


def test_default_folder_loads_the_seed_article_as_the_issue_describes():
    load()
    article = Article.objects.get()
    assert article.published_at == dt.datetime(2026, 4, 15, tzinfo=dt.UTC)
    assert article.ordered_authors[0].name == "Robert Lemos"
    assert article.title == "Microsoft Bets $10B to Boost Japan's AI, Cybersecurity"
    assert article.executive_summary and article.summary and article.body_text
    assert article.body_text.count("The deal aims to accelerate AI adoption") == 1
    assert article.source.name == "Seed files"
    assert article.tlp == "clear"


def test_loading_enqueues_processing_that_runs_after_commit():
    load()
    article = Article.objects.get()
    # Tests run tasks eagerly, so the real task has already run by now.
    assert article.processing_status == ProcessingStatus.DONE
    assert article.word_count > 100
    assert article.language == "en"


def test_loading_the_same_files_twice_changes_nothing(seed_dir, capsys):
    load(seed_dir)
    before = {a.pk: (a.updated_at, a.content_hash) for a in Article.objects.all()}
    load(seed_dir)
    after = {a.pk: (a.updated_at, a.content_hash) for a in Article.objects.all()}
    assert before == after
    assert Article.objects.count() == 2
    assert "0 created, 0 updated, 2 unchanged, 0 skipped" in capsys.readouterr().out


def test_a_changed_file_updates_its_article_in_place(seed_dir):
    load(seed_dir)
    original = Article.objects.get(guid="001_second.txt")
    (seed_dir / "001_second.txt").write_text(GOOD.replace("Second article", "Second article, revised"))
    load(seed_dir)
    updated = Article.objects.get(guid="001_second.txt")
    assert updated.pk == original.pk
    assert updated.title == "Second article, revised"
    assert Article.objects.count() == 2


def test_authors_keep_their_byline_order(seed_dir):
    load(seed_dir)
    article = Article.objects.get(guid="001_second.txt")
    assert [a.name for a in article.ordered_authors] == ["Ann Author", "Bob Writer"]


def test_tlp_and_source_options(seed_dir):
    load(seed_dir, tlp="AMBER", source="Partner feed")
    assert set(Article.objects.values_list("tlp", flat=True)) == {"amber"}
    assert Source.objects.get().name == "Partner feed"


def test_unknown_tlp_is_refused_before_anything_loads(seed_dir):
    with pytest.raises(CommandError, match="not a TLP label"):
        load(seed_dir, tlp="purple")
    assert not Article.objects.exists()


def test_bad_files_are_skipped_whole_with_a_clear_message_and_the_rest_load(seed_dir, capsys):
    (seed_dir / "002_empty.txt").write_bytes(b"")
    (seed_dir / "003_latin1.txt").write_bytes("Apr 1, 2026 | Zoë\nT\n".encode("latin-1"))
    (seed_dir / "004_date.txt").write_text("Feb 30, 2026 • A\nTitle\nTeaser\nSummary\nx\n")
    (seed_dir / "005_format.txt").write_text("Apr 1, 2026 • A\nTitle\nTeaser\nno heading here\n")
    with pytest.raises(CommandError, match="4 file"):
        load(seed_dir)
    err = capsys.readouterr().err
    assert "002_empty.txt: file is empty" in err
    assert "003_latin1.txt, line 1: is not UTF-8" in err
    assert "004_date.txt, line 1: impossible date" in err
    assert "005_format.txt, line 4: expected a section heading" in err
    assert sorted(Article.objects.values_list("guid", flat=True)) == [
        "000_7e4bbf7a3a8b7733.txt",
        "001_second.txt",
    ]
    # Nothing half-saved: no orphan authors from the broken files.
    assert not Author.objects.filter(name__in=["A", "Zoë"]).exists()


def test_a_missing_path_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="no such file or folder"):
        load(tmp_path / "missing")
