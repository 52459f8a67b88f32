"""Galaxy names that are also ordinary words, first names or places: the trap-word list.

Mines every threat-actor, malware, tool and country name in the galaxies the entity
extractor loads and prints those that are an English word (GCIDE), a proper noun in
web2 (first names, places, mythology), a first name (Faker's en_US list) or a US state,
with the rule the extractor gives each. The trap sentences in
``tests/enrichment/corpus/traps`` and ``tests/enrichment/heldout/traps`` use these names
in their ordinary sense.

    python bench/trap_words.py [--kind threat-actor|malware|tool|country] [--limit N]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from english_words import get_english_words_set  # noqa: E402

from articles.enrichment.entities import base_table  # noqa: E402
from articles.enrichment.matching import fold  # noqa: E402


def word_sources() -> dict[str, frozenset[str]]:
    proper = {w for w in get_english_words_set(["web2"], lower=False) if w[:1].isupper()}
    sources = {
        "word": frozenset(get_english_words_set(["gcide"], lower=True)),
        "proper noun": frozenset(w.lower() for w in proper),
    }
    try:  # Faker ships with the development requirements only
        from faker.providers.address.en_US import Provider as Address
        from faker.providers.person.en_US import Provider as Person

        first_names = [*Person.first_names_male, *Person.first_names_female]
        sources["first name"] = frozenset(name.lower() for name in first_names)
        sources["US state"] = frozenset(s.lower() for s in Address.states)
    except ImportError:
        pass
    return sources


def trap_names(kinds: set[str]) -> list[tuple[str, str, list[str]]]:
    sources = word_sources()
    found = []
    for record in base_table().records:
        if record.kind not in kinds:
            continue
        for surface in record.names:
            key = fold(surface)
            why = [label for label, words in sources.items() if key in words]
            if why:
                found.append((record.kind, surface, why))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kind", action="append", default=None)
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    kinds = set(args.kind or ["threat-actor", "malware", "tool", "country"])
    names = trap_names(kinds)
    print(Counter(kind for kind, _, _ in names))
    for kind, surface, why in names[: args.limit or None]:
        print(f"{kind:<13} {surface:<30} {', '.join(why)}")


if __name__ == "__main__":
    main()
