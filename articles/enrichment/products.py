"""Products and vendors from our gazetteer (``data/products.json``), and the CVEs they go with.

Each product has a vendor, aliases and, where one is known, its CPE 2.3 ``vendor:product``
name. A product also matches as "<vendor> <product>" ("Fortinet FortiOS", "Microsoft
Exchange"). Names are curated, so they match like the organization gazetteer, except that
a name made only of ordinary words ("Exchange", "Safari", "Connect Secure", "Progress")
must be written as listed *and* have product context nearby: a CVE ID or a word such as
"vulnerability", "patch", "server" or "appliance" (``PRODUCT_CONTEXT``).

:func:`tie_cves` gives every product finding the CVE IDs written in the same sentence
("CVE-2023-38831 — WinRAR", "a WinRAR flaw, CVE-2023-38831, ...").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from articles.enrichment.galaxy_merge import ROLE_SYNONYM, ROLE_VALUE, EntityRecord
from articles.enrichment.name_rules import NameRule, alnum_length, is_ordinary
from articles.enrichment.types import EntityFinding, IndicatorFinding

PRODUCT_CONTEXT = re.compile(
    r"\bcve-\d|\b(?:vulnerab\w*|flaws?|bugs?|exploit\w*|patch\w*|zero-days?|0-days?|advisor(?:y|ies)"
    r"|servers?|appliances?|devices?|instances?|versions?|builds?|releases?|editions?|deployments?"
    r"|installations?|updates?|firmware|rce|remote code execution|unpatched|vendors?|products?"
    r"|software|security|customers|users|endpoints?|gateways?|vpns?|firewalls?|routers?|plugins?"
    r"|on-premises|self-hosted|kev|cisa|hotfix|fixed|affected|vulnerable"
    # Phones and apps: "Android banking trojan", "Android phones", "iOS apps".
    r"|phones?|smartphones?|tablets?|apps?|mobile|trojans?|malware|spyware)\b"
)
# A sentence ends at ". ", "! ", "? " or a line break; a CVE ID has no full stop inside.
_SENTENCE_BREAK = re.compile(r"[.!?](?=\s)|\n")


def vendor_records(data: dict[str, Any]) -> list[EntityRecord]:
    """Vendors, without the names their own products go by.

    Writers name some products by their maker ("Zimbra servers", "SysAid", "CrushFTP"):
    a name that is both a vendor's and one of its products' is the product.
    """
    product_names = {
        (item["vendor"], name.casefold())
        for item in data["products"]
        for name in [item["name"], *item["aliases"]]
    }
    records = []
    for rank, item in enumerate(data["vendors"]):
        record = EntityRecord(kind="vendor", name=item["name"], ref="gazetteer", uuid="", rank=rank)
        for name in [item["name"], *item.get("aliases", [])]:
            if (item["name"], name.casefold()) not in product_names:
                record.add_name(name, ROLE_VALUE if name == item["name"] else ROLE_SYNONYM)
        records.append(record)
    return records


def product_records(data: dict[str, Any]) -> list[EntityRecord]:
    aliases_of = {item["name"]: [item["name"], *item.get("aliases", [])] for item in data["vendors"]}
    records = []
    for rank, item in enumerate(data["products"]):
        record = EntityRecord(kind="product", name=item["name"], ref="gazetteer", uuid="", rank=rank)
        record.external_id = item.get("cpe")
        record.add_name(item["name"], ROLE_VALUE)
        names = [item["name"], *item.get("aliases", [])]
        for alias in item.get("aliases", []):
            record.add_name(alias, ROLE_SYNONYM)
        for vendor in aliases_of[item["vendor"]]:
            for name in names:
                if not name.lower().startswith(vendor.lower()):
                    record.add_name(f"{vendor} {name}", ROLE_SYNONYM)
        records.append(record)
    return records


def product_rules(surface: str) -> list[NameRule]:
    """A gazetteer product's name: ordinary words, short names and lower-case command
    names ("sudo", "runc") need context."""
    if is_ordinary(surface) or alnum_length(surface) <= 3 or surface == surface.lower():
        return [NameRule(surface, exact_case=True, context="product")]
    exact = alnum_length(surface) <= 4
    return [NameRule(surface, exact_case=exact, context=None)]


def vendor_rules(surface: str, needs_context: frozenset[str]) -> list[NameRule]:
    """A vendor's name matches as written (or in capitals), unless listed as needing
    product context ("Progress", "Arm", "Zoom")."""
    if surface.casefold() in needs_context:
        return [NameRule(surface, exact_case=True, context="product")]
    # A company's name is a proper name: as written, or in capitals in a headline
    # ("SIEMENS"), never in lower case ("measured in siemens", the unit).
    # Many are founders' surnames too ("Cllr Trimble", "Mr Siemens"): not after a first name
    # or a title.
    rules = [NameRule(surface, exact_case=True, context="surname")]
    if surface.upper() != surface and alnum_length(surface) > 4 and not is_ordinary(surface):
        rules.append(NameRule(surface.upper(), exact_case=True, context="surname"))
    return rules


@cache
def vendor_prefixes() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Product name -> (its vendor, the vendor's names), for "Cisco ASA" -> Cisco."""
    data = json.loads((Path(__file__).parent / "data" / "products.json").read_text(encoding="utf-8"))
    names = {item["name"]: (item["name"], *item.get("aliases", [])) for item in data["vendors"]}
    return {item["name"]: (item["vendor"], names[item["vendor"]]) for item in data["products"]}


def with_vendors(entities: list[EntityFinding]) -> list[EntityFinding]:
    """Add the vendor named at the start of a product's span ("Cisco" in "Cisco ASA")."""
    if not any(e.kind == "product" for e in entities):
        return entities
    prefixes = vendor_prefixes()
    found = []
    for entity in entities:
        found.append(entity)
        if entity.kind != "product" or entity.name not in prefixes:
            continue
        vendor, names = prefixes[entity.name]
        for name in sorted(names, key=len, reverse=True):
            if entity.matched.startswith(name + " "):
                found.append(
                    replace(
                        entity,
                        kind="vendor",
                        name=vendor,
                        matched=name,
                        end=entity.start + len(name),
                        external_id=None,
                        cves=(),
                    )
                )
                break
    return found


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in _SENTENCE_BREAK.finditer(text, max(0, start - 400), start)), default=None)
    if left is None:
        left = max(0, start - 400)
    right = _SENTENCE_BREAK.search(text, end, end + 400)
    return left, right.start() if right else min(len(text), end + 400)


def tie_cves(
    text: str, entities: list[EntityFinding], indicators: Iterable[IndicatorFinding]
) -> list[EntityFinding]:
    """Products with the CVE IDs written in their sentence (``cves``) and the vendor their
    span starts with; other findings as they are."""
    entities = with_vendors(entities)
    cves = sorted((f.start, f.value) for f in indicators if f.type == "cve")
    if not cves or not any(e.kind == "product" for e in entities):
        return entities
    tied = []
    for entity in entities:
        if entity.kind == "product":
            left, right = _sentence(text, entity.start, entity.end)
            near = tuple(dict.fromkeys(value for start, value in cves if left <= start < right))
            if near:
                entity = replace(entity, cves=near)
        tied.append(entity)
    return tied
