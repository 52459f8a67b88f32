"""The core of ``manage.py extract``: raw text or a seed file in, enrichment JSON out.

Raw text is enriched as one text, and its JSON is what it always was. A seed-format
file (it starts with a dateline, "Apr 15, 2026 • Author") is enriched section by
section like an article in the portal: title, teaser, executive summary, summary and
published analysis ("body"), and every finding says which ``section`` its span points
into. Kept free of Django so it can be tested (and used) without a project: the
management command only opens the input and maps the exit code. Nothing here
touches a database.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import IO, Any

from articles.enrichment.pipeline import Pipeline, get_pipeline
from articles.enrichment.types import Document, DroppedCandidate, Section
from articles.ingest.seeds import SeedFormatError, parse_seed, starts_with_dateline

EXIT_OK = 0
EXIT_SOME_LINES_FAILED = 1
EXIT_BAD_INPUT = 2


class InputError(ValueError):
    """Input a person must fix: the message says what and where."""


def decode_utf8(data: bytes | str, source: str) -> str:
    """Text from ``data``, or an InputError naming the source and the first bad byte."""
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bad_byte = data[error.start]
        raise InputError(
            f"{source} is not UTF-8 text (byte 0x{bad_byte:02x} at offset {error.start}); "
            "convert it first, e.g. with `iconv -t UTF-8`"
        ) from error


def _dump(data: dict[str, Any], indent: int | None) -> str:
    return json.dumps(data, ensure_ascii=False, indent=indent)


def _document_from_line(raw: bytes | str, line_number: int) -> Document:
    text = decode_utf8(raw, f"line {line_number}")
    if not text.strip():
        raise InputError(f"line {line_number}: empty line, expected a JSON object")
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"line {line_number}: not valid JSON ({error.msg})") from error
    if not isinstance(record, dict):
        raise InputError(f'line {line_number}: expected a JSON object with a "text" field')
    body = record.get("text")
    title = record.get("title", "") or ""
    if not isinstance(body, str):
        raise InputError(f'line {line_number}: "text" must be a string')
    if not isinstance(title, str):
        raise InputError(f'line {line_number}: "title" must be a string')
    metadata = {key: value for key, value in record.items() if key not in ("text", "title")}
    return Document(text=body, title=title, metadata=metadata)


def run_extract(
    stream_in: IO[Any],
    stream_out: IO[str],
    jsonl: bool = False,
    *,
    stream_err: IO[str] | None = None,
    source: str = "standard input",
    title: str = "",
    indent: int | None = 2,
    pipeline_factory: Callable[[], Pipeline] | None = None,
    explain: bool = False,
) -> int:
    """Enrich the text (or, with ``jsonl``, each JSON line) of ``stream_in``; return an exit code.

    ``stream_in`` may be binary or text; binary input must be UTF-8, else the error
    goes to ``stream_err`` (or is raised as InputError without one). In JSONL mode
    every input line gets exactly one output line, in order: the result, or
    ``{"error": "line N: ..."}``, and the remaining lines still run. With ``explain``,
    each result also lists under ``"dropped"`` the text that looked like an indicator
    but was left out, with the reason ("placeholder", "version number").
    """
    # Looked up at call time, so one process-wide pipeline serves every call.
    pipeline_factory = pipeline_factory or get_pipeline
    if jsonl:
        return _run_jsonl(stream_in, stream_out, pipeline_factory, explain)
    try:
        text = decode_utf8(stream_in.read(), source)
    except InputError as error:
        if stream_err is None:
            raise
        stream_err.write(f"extract: {error}\n")
        return EXIT_BAD_INPUT
    try:
        doc = document_from_text(text, source, title)
    except InputError as error:
        if stream_err is None:
            raise
        stream_err.write(f"extract: {error}\n")
        return EXIT_BAD_INPUT
    pipeline = pipeline_factory()
    stream_out.write(_dump(_output(pipeline, doc, explain), indent) + "\n")
    return EXIT_OK


def _output(pipeline: Pipeline, doc: Document, explain: bool) -> dict[str, Any]:
    data = pipeline.run(doc).to_dict()
    if explain:
        data["dropped"] = explain_dropped(pipeline, doc)
    return data


def explain_dropped(pipeline: Pipeline, doc: Document) -> list[dict[str, Any]]:
    """Candidates the indicator extractor left out of ``doc`` on purpose, with the reason
    (section by section for a sectioned document, spans relative to the section)."""
    texts = [(section.name, section.text) for section in doc.sections] or [("", doc.text)]
    rows: list[dict[str, Any]] = []
    for name, text in texts:
        dropped: list[DroppedCandidate] = []
        pipeline.indicator_extractor.run(Document(text=text), dropped)
        for candidate in dropped:
            row = candidate.to_dict()
            if name:
                row["section"] = name
            rows.append(row)
    return rows


def document_from_text(text: str, source: str, title: str = "") -> Document:
    """A seed file's sections, or raw text as one section (with ``title`` as its title)."""
    if not starts_with_dateline(text):
        return Document(text=text, title=title)
    try:
        seed = parse_seed(text.encode("utf-8"), source)
    except SeedFormatError as error:
        raise InputError(f"{error} (it starts like a seed file; fix it, or drop the dateline)") from error
    sections = {
        "title": seed.title,
        "teaser": seed.teaser,
        "executive_summary": seed.executive_summary,
        "summary": seed.summary,
        "body": seed.analysis,
    }
    return Document(text="", sections=tuple(Section(name, body) for name, body in sections.items()))


def _run_jsonl(
    stream_in: IO[Any], stream_out: IO[str], pipeline_factory: Callable[[], Pipeline], explain: bool = False
) -> int:
    pipeline = pipeline_factory()
    failed = 0
    for line_number, raw in enumerate(stream_in, start=1):
        try:
            doc = _document_from_line(raw, line_number)
            output = _dump(_output(pipeline, doc, explain), None)
        except InputError as error:
            failed += 1
            output = _dump({"error": str(error)}, None)
        except Exception as error:
            # One article that breaks an extractor must not stop a batch of thousands;
            # the line says which input failed and why, and the exit code reports it.
            failed += 1
            output = _dump({"error": f"line {line_number}: {type(error).__name__}: {error}"}, None)
        stream_out.write(output + "\n")
        stream_out.flush()
    return EXIT_SOME_LINES_FAILED if failed else EXIT_OK
