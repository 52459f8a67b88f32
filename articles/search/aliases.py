"""Every name an entity is known by, for ``actor:``/``malware:``/``technique:``/``product:``/
``vendor:``. Pure Python.

Entities are stored under one canonical name (``APT28``); the MISP galaxies the
enrichment reads also list their aliases (``Fancy Bear``, ``Sofacy``, ``G0007``). This
index maps each folded alias to the canonical names of the entities of each kind that
carry it, read from the same galaxy records (and the same curated lists) as the
enrichment's entity extractor, so the names agree with ``Entity.name``. Built once per
process (~0.3 s) on the first search that needs it.
"""

from __future__ import annotations

from functools import cache

from articles.enrichment import galaxies, products
from articles.enrichment.entities import read_json
from articles.enrichment.galaxy_merge import fold_name

# Which entity kinds each prefix searches (``vocabulary.ENTITY_KINDS``). A "malware:" name
# may be filed as a tool (Cobalt Strike is dual-use software).
FIELD_KINDS: dict[str, tuple[str, ...]] = {
    "actor": ("threat-actor",),
    "malware": ("malware", "tool"),
    "technique": ("attack-pattern",),
    "product": ("product",),
    "vendor": ("vendor",),
}


@cache
def alias_index() -> dict[tuple[str, str], tuple[str, ...]]:
    """``(kind, folded alias) -> canonical names`` for every galaxy entity."""
    software = read_json("software.json")
    index: dict[tuple[str, str], list[str]] = {}
    catalogue = read_json("products.json")
    gazetteer = [*products.product_records(catalogue), *products.vendor_records(catalogue)]
    for record in [*galaxies.load_all(software["tools"], read_json("sectors.json")), *gazetteer]:
        for surface in (record.name, *record.names, record.external_id or ""):
            if surface:
                names = index.setdefault((record.kind, fold_name(surface)), [])
                if record.name not in names:
                    names.append(record.name)
    return {key: tuple(names) for key, names in index.items()}


def canonical_names(field: str, value: str) -> list[tuple[str, str]]:
    """``(kind, name)`` of the galaxy entities ``field:value`` names, by name or alias."""
    folded = fold_name(value)
    index = alias_index()
    return [(kind, name) for kind in FIELD_KINDS[field] for name in index.get((kind, folded), ())]
