"""``manage.py extract``: its pure core (``run_extract``) and the command around it."""

import io
import json

import pytest

from articles.enrichment.cli import InputError, run_extract
from articles.enrichment.pipeline import Pipeline
from articles.enrichment.types import IndicatorFinding


class FakeIndicators:
    version = "0"

    def run(self, doc):
        if "boom" in doc.text:
            raise RuntimeError("extractor failed")
        return (
            [IndicatorFinding("cve", "CVE-2024-3400", 0, 13, "CVE-2024-3400", False)]
            if (doc.text.startswith("CVE-2024-3400"))
            else []
        )


class FakeEntities:
    version = "0"

    def run(self, doc):
        return []


BUILT: list[Pipeline] = []


def fake_factory() -> Pipeline:
    BUILT.append(Pipeline(indicator_extractor=FakeIndicators(), entity_extractor=FakeEntities()))
    return BUILT[-1]


def extract(data, jsonl=False, **kwargs):
    out, err = io.StringIO(), io.StringIO()
    code = run_extract(io.BytesIO(data), out, jsonl, stream_err=err, pipeline_factory=fake_factory, **kwargs)
    return code, out.getvalue(), err.getvalue()


def test_text_in_gives_one_json_document_out():
    code, out, err = extract(b"CVE-2024-3400 is exploited in the wild.")

    result = json.loads(out)
    assert code == 0 and err == ""
    assert result["indicators"][0]["value"] == "CVE-2024-3400"
    assert result["classification"]["priority"] == "critical"


SEED = b"""Apr 15, 2026 \xe2\x80\xa2 Robert Lemos
CVE-2024-3400 under attack
Firewalls are being probed.
Summary
Patch PAN-OS now.
Published Analysis
Attackers are exploiting the flaw.
"""


def test_a_seed_file_is_enriched_section_by_section():
    code, out, err = extract(SEED)

    result = json.loads(out)
    assert code == 0 and err == ""
    # The fake extractor finds a CVE at the start of the text it is given: the title.
    assert result["indicators"][0] == {
        "type": "cve",
        "value": "CVE-2024-3400",
        "start": 0,
        "end": 13,
        "matched": "CVE-2024-3400",
        "defanged": False,
        "benign": None,
        "section": "title",
    }
    assert result["versions"]["sections"]


def test_a_broken_seed_file_is_refused_with_the_line_at_fault():
    code, out, err = extract(b"Apr 15, 2026 \xe2\x80\xa2 Robert Lemos\n\nTitle\nTeaser\nStray text\n")

    assert code == 2 and out == ""
    assert "line 5" in err and "section heading" in err


def test_raw_text_output_names_no_sections():
    _, out, _ = extract(b"CVE-2024-3400 is exploited in the wild.")

    result = json.loads(out)
    assert "section" not in result["indicators"][0] and "sections" not in result["versions"]


def test_non_utf8_input_is_refused_with_the_offset_and_exit_code_2():
    code, out, err = extract(b"caf\xe9 au lait", source="notes.txt")

    assert (code, out) == (2, "")
    assert err == (
        "extract: notes.txt is not UTF-8 text (byte 0xe9 at offset 3); "
        "convert it first, e.g. with `iconv -t UTF-8`\n"
    )


def test_non_utf8_input_raises_when_no_error_stream_is_given():
    with pytest.raises(InputError, match="byte 0xff at offset 0"):
        run_extract(io.BytesIO(b"\xff"), io.StringIO(), pipeline_factory=fake_factory)


def test_jsonl_writes_one_line_per_input_line_in_order_and_reports_bad_lines():
    lines = [
        json.dumps({"title": "one", "text": "CVE-2024-3400 again."}),
        "{not json",
        json.dumps({"text": "a plain note."}),
        json.dumps(["text"]),
        json.dumps({"text": "boom"}),
        "",
        json.dumps({"text": 5}),
    ]
    data = ("\n".join(lines) + "\n").encode() + b"\xff\n"
    BUILT.clear()

    code, out, _ = extract(data, jsonl=True)

    results = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert len(BUILT) == 1
    assert len(results) == 8
    assert results[0]["indicators"][0]["value"] == "CVE-2024-3400"
    assert results[1] == {
        "error": "line 2: not valid JSON (Expecting property name enclosed in double quotes)"
    }
    assert results[2]["indicators"] == []
    assert results[3] == {"error": 'line 4: expected a JSON object with a "text" field'}
    assert results[4] == {"error": "line 5: RuntimeError: extractor failed"}
    assert results[5] == {"error": "line 6: empty line, expected a JSON object"}
    assert results[6] == {"error": 'line 7: "text" must be a string'}
    assert results[7]["error"].startswith("line 8 is not UTF-8 text (byte 0xff at offset 0)")


def test_jsonl_with_only_good_lines_exits_zero():
    code, out, _ = extract(b'{"text": "fine."}\n{"text": "also fine."}\n', jsonl=True)

    assert code == 0
    assert len(out.splitlines()) == 2


def test_compact_output_is_one_line():
    _, out, _ = extract(b"Hello there.", indent=None)

    assert out.count("\n") == 1


# The command itself needs the Django project; it must not need a database.
import django.core.management as django_management  # noqa: E402


@pytest.fixture
def command_env(monkeypatch):
    monkeypatch.setattr("articles.enrichment.cli.get_pipeline", fake_factory)


def test_command_reads_a_file_and_prints_json(tmp_path, command_env):
    path = tmp_path / "article.txt"
    path.write_text("CVE-2024-3400 is patched.", encoding="utf-8")
    out = io.StringIO()

    django_management.call_command("extract", str(path), stdout=out)

    assert json.loads(out.getvalue())["indicators"][0]["value"] == "CVE-2024-3400"


def test_command_names_a_missing_file(command_env):
    with pytest.raises(django_management.CommandError, match=r"no such file: /nope/missing\.txt"):
        django_management.call_command("extract", "/nope/missing.txt", stdout=io.StringIO())


def test_command_refuses_non_utf8_with_exit_code_2(tmp_path, command_env):
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"caf\xe9")

    with pytest.raises(django_management.CommandError, match="not UTF-8") as raised:
        django_management.call_command("extract", str(path), stdout=io.StringIO())
    assert raised.value.returncode == 2


def test_command_jsonl_from_stdin_fails_at_the_end_when_a_line_failed(command_env):
    out = io.StringIO()
    stdin = io.BytesIO(b'{"text": "ok."}\nnope\n{"text": "ok too."}\n')

    with pytest.raises(django_management.CommandError) as raised:
        django_management.call_command("extract", "--jsonl", stdin=stdin, stdout=out)

    assert raised.value.returncode == 1
    assert [("error" in json.loads(line)) for line in out.getvalue().splitlines()] == [
        False,
        True,
        False,
    ]
