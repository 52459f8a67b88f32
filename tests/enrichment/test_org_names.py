"""Organizations no gazetteer lists, named by the word their name ends in (``org_names``)."""

from __future__ import annotations

import time

import pytest

from articles.enrichment.entities import EntityExtractor
from articles.enrichment.org_names import named_organizations
from articles.enrichment.types import Document


@pytest.fixture(scope="module")
def extractor():
    return EntityExtractor()


def organizations(extractor, text: str) -> list[str]:
    findings = extractor.run(Document(text))
    assert all(f.matched == text[f.start : f.end] for f in findings)
    return [f.name for f in findings if f.kind == "organization"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Interlock's victims include Kettering Health, an Ohio hospital network.",
            ["Kettering Health"],
        ),
        # Two names joined by "and"; a name that goes on after its ending.
        (
            "The Rhysida gang hit the Art Institute of Chicago and Erie Insurance Group.",
            ["Art Institute of Chicago", "Erie Insurance Group"],
        ),
        # A country before the name is the country; a sector word inside it is the name's.
        (
            "Japan's National Police Agency attributed the espionage campaign to MirrorFace.",
            ["National Police Agency"],
        ),
        (
            "The Lazarus Group hit Harvard University and King's College Hospital.",
            ["Harvard University", "King's College Hospital"],
        ),
        # A sentence's first word is not part of a name; a country after it is not either.
        (
            "Several Tata Motors plants stopped after the ransomware attack.",
            ["Tata Motors"],
        ),
        (
            "I am writing from the Ministry of Health of Paraguay about password spraying attacks.",
            ["Ministry of Health"],
        ),
        # A front company's name holds a sector word ("Technology"): the name's, not a sector.
        (
            "APT31 operated out of Wuhan Xiaoruizhi Science and Technology Company, a front.",
            ["Wuhan Xiaoruizhi Science and Technology Company"],
        ),
    ],
)
def test_a_capitalised_name_ending_in_an_organization_word_is_an_organization(extractor, text, expected):
    assert organizations(extractor, text) == expected


def test_gazetteer_and_galaxy_names_keep_their_own_findings(extractor):
    findings = extractor.run(Document("The Lazarus Group and the FBI briefed Erie Insurance on the breach."))
    assert [(f.kind, f.name) for f in findings] == [
        ("threat-actor", "Lazarus Group"),
        ("organization", "FBI"),
        ("organization", "Erie Insurance"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # No threat in the text: a sports or arts story's institutions are nobody's concern.
        "Jordan scored thirty points as Duke University beat the Tar Heels.",
        "Nighthawks hangs in the Art Institute of Chicago.",
        # A headline's capitals say nothing.
        "Hackers Hit Regional Health Agency With Ransomware, Officials Say",
        # One word is not a name; an ending inside a longer word is no ending.
        "Hospital staff were told to stay home after the ransomware attack.",
        "The iPhone Group chat leaked after the breach.",
    ],
)
def test_no_organization_without_a_threat_a_name_or_a_word_boundary(extractor, text):
    assert organizations(extractor, text) == []


def test_the_finder_stays_linear_on_text_made_of_capitalised_words_and_endings():
    text = "Alpha Beta Group " * 60_000  # ~1 MB
    started = time.perf_counter()
    named_organizations(text, [])
    assert time.perf_counter() - started < 5
