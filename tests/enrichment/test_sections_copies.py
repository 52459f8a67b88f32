"""A sectioned article's findings are copied with ``sections._replace``, which must give
what ``dataclasses.replace`` gives (issue 11, speed: it passes the fields by position)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from articles.enrichment import sections
from articles.enrichment.types import EntityFinding, IndicatorFinding

FINDINGS = [
    IndicatorFinding("url", "http://a.com/x", 3, 17, "hxxp://a[.]com/x", True, "list", "body", None, "note"),
    IndicatorFinding("domain", "a.com", 10, 15, "a[.]com", True, derived_from="http://a.com/x"),
    EntityFinding(
        "product", "WinRAR", "WinRAR", 40, 46, "gazetteer", "rarlab:winrar", "u-1", "", "n", ("CVE-1",)
    ),
    EntityFinding("malware", "Emotet", "emotet", 0, 6, "misp-galaxy:malpedia"),
]


def test_copies_equal_dataclasses_replace() -> None:
    for finding in FINDINGS:
        for changes in ({"start": 1, "end": 9}, {"section": "title", "start": 0, "end": 2}, {}):
            copy = sections._replace(finding, **changes)
            assert copy == replace(finding, **changes)
            assert type(copy) is type(finding)
            assert copy.to_dict() == replace(finding, **changes).to_dict()


@dataclass(frozen=True)
class _OneField:
    start: int


@dataclass(frozen=True)
class _KeywordOnly:
    start: int
    end: int = field(kw_only=True, default=0)


def test_other_dataclasses_fall_back_to_replace() -> None:
    assert sections._replace(_OneField(1), start=2) == _OneField(2)
    assert sections._replace(_KeywordOnly(1, end=5), start=2) == _KeywordOnly(2, end=5)
