"""Seed-folder sources read only files inside SEED_FOLDERS_ROOT, and errors never quote a file.

An admin's seed folder is a way to make the server read files: it is confined when
the source is saved and again at every poll (links are followed before comparing),
an empty folder is never the working directory, and a bad file is reported by its
name, line and what was expected, never by its contents.
"""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from articles.forms import SourceForm
from articles.ingest import collector
from articles.ingest.seeds import SeedFormatError, parse_seed
from articles.models import Article, Source

pytestmark = pytest.mark.django_db

GOOD = "Jan 2, 2026 • Ann\nA title\nA teaser.\nSummary\nText.\n"
SECRET = "root:x:0:0:the-secret-first-line"


@pytest.fixture
def root(tmp_path, settings) -> Path:
    """A seed folders root, with a folder outside it that holds a readable 'secret' file."""
    inside = tmp_path / "root"
    inside.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd.txt").write_text(f"{SECRET}\nmore\n")
    settings.SEED_FOLDERS_ROOT = inside
    return inside


def form_for(folder: str) -> SourceForm:
    return SourceForm(
        data={
            "name": "Drop",
            "kind": "seed-folder",
            "url": "",
            "folder": folder,
            "enabled": "on",
            "poll_interval_minutes": "60",
            "default_tlp": "clear",
            "reliability": "F",
        }
    )


# --- when the source is saved ----------------------------------------------------------


def test_the_form_refuses_a_folder_outside_the_root_and_says_where_folders_may_be(root):
    form = form_for("/etc")
    assert form.errors == {
        "folder": [
            f"The folder '/etc' is outside {root}, the only place seed folders may be (after "
            "following links); put the folder there, or have the operator change SEED_FOLDERS_ROOT."
        ]
    }


def test_the_form_refuses_a_link_inside_the_root_that_points_outside(root):
    (root / "sneaky").symlink_to(root.parent / "outside")
    assert "is outside" in form_for(str(root / "sneaky")).errors["folder"][0]


def test_the_form_refuses_dot_dot_paths_that_climb_out_of_the_root(root):
    assert "is outside" in form_for(str(root / ".." / "outside")).errors["folder"][0]


def test_the_form_accepts_a_folder_inside_the_root_and_a_relative_one_is_taken_from_the_root(root):
    (root / "drop").mkdir()
    assert form_for(str(root / "drop")).is_valid()
    assert form_for("drop").is_valid()


def test_the_admin_add_page_refuses_a_folder_outside_the_root(root, login, admin_user):
    response = login(admin_user).post(
        reverse("admin:articles_source_add"), {**form_for("/etc").data, "folder": "/etc"}
    )
    assert response.status_code == 200
    assert "is outside" in response.context["adminform"].form.errors["folder"][0]
    assert not Source.objects.exists()


# --- when the source is polled ---------------------------------------------------------


def test_a_folder_that_became_a_link_out_of_the_root_is_refused_at_poll_time(root):
    (root / "drop").mkdir()
    source = Source.objects.create(name="Drop", kind="seed-folder", folder=str(root / "drop"))
    (root / "drop").rmdir()
    (root / "drop").symlink_to(root.parent / "outside")

    report = collector.poll(source.pk, force=True)

    source.refresh_from_db()
    assert report.status == "failed"
    assert source.last_error_kind == "seed-folder"
    assert source.last_error.startswith("Refused to read the seed folder: the folder ")
    assert "is outside" in source.last_error
    assert SECRET not in source.last_error
    assert not Article.objects.exists()


def test_a_folder_saved_outside_the_root_behind_the_forms_back_is_refused_at_poll_time(root):
    source = Source.objects.create(name="Etc", kind="seed-folder", folder=str(root.parent / "outside"))
    assert collector.poll(source.pk, force=True).status == "failed"
    assert not Article.objects.exists()


def test_files_that_link_outside_the_root_are_skipped_with_a_warning_and_the_others_load(root):
    (root / "drop").mkdir()
    (root / "drop" / "good.txt").write_text(GOOD)
    (root / "drop" / "link.txt").symlink_to(root.parent / "outside" / "passwd.txt")
    source = Source.objects.create(name="Drop", kind="seed-folder", folder="drop")

    report = collector.poll(source.pk, force=True)

    assert (report.status, report.new, report.skipped) == ("ok", 1, 1)
    assert report.warnings == [
        f"{root / 'drop' / 'link.txt'}: not read, it is a link to a file outside {root}"
    ]
    assert list(Article.objects.values_list("title", flat=True)) == ["A title"]


def test_a_subfolder_that_links_outside_the_root_is_not_read(root):
    (root / "drop").mkdir()
    (root / "drop" / "elsewhere").symlink_to(root.parent / "outside")
    source = Source.objects.create(name="Drop", kind="seed-folder", folder="drop")

    report = collector.poll(source.pk, force=True)

    assert (report.status, report.new) == ("ok", 0)
    assert all(SECRET not in warning for warning in report.warnings)
    assert not Article.objects.exists()


def test_a_seed_folder_source_with_no_folder_never_reads_the_working_directory(root, tmp_path):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    (cwd / "found.txt").write_text(GOOD)
    source = Source.objects.create(name="Seed files", kind="seed-folder", folder="")
    before = Path.cwd()
    os.chdir(cwd)
    try:
        report = collector.poll(source.pk, force=True)
    finally:
        os.chdir(before)

    assert (report.status, report.error) == ("nothing-to-poll", "it has no folder to read")
    assert not Article.objects.exists()
    source.refresh_from_db()
    assert source.last_polled_at is None


# --- messages never quote a file -------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (f"{SECRET}\nTitle\n", 1),  # not a dateline at all
        (f"Secret 3, 2026 • {SECRET}\nTitle\n", 1),  # a bad month
        (f"Feb 30, 2026 • {SECRET}\nTitle\n", 1),  # an impossible date
        (f"Jan 2, 2026 • A\nT\nTeaser\n{SECRET}\nSummary\nx\n", 4),  # text where a heading belongs
        (f"Jan 2, 2026 • A\nT\nTeaser\nSummary\n{SECRET}\nSUMMARY:\ny\n", 6),  # a repeated heading
    ],
)
def test_a_format_error_names_the_file_and_line_but_never_quotes_the_file(content, line):
    with pytest.raises(SeedFormatError) as caught:
        parse_seed(content.encode(), "/srv/seeds/x.txt")
    message = str(caught.value)
    assert message.startswith(f"/srv/seeds/x.txt, line {line}: ")
    assert "secret" not in message.lower()


def test_load_seeds_from_the_command_line_does_not_echo_the_file_either(tmp_path):
    bad = tmp_path / "passwd.txt"
    bad.write_text(f"{SECRET}\n")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("load_seeds", str(bad), stdout=StringIO(), stderr=err)
    assert f"{bad}, line 1: expected a dateline" in err.getvalue()
    assert "secret" not in err.getvalue()
