"""Controlled vocabularies shared by the enrichers and the Django models.

Pure Python: the models import these lists, never the other way round, so the
enrichment package stays free of Django.
"""

from __future__ import annotations

# (value, label) pairs, in display order.
CATEGORIES: list[tuple[str, str]] = [
    ("vulnerability", "Vulnerability"),
    ("malware", "Malware"),
    ("ransomware", "Ransomware"),
    ("breach", "Breach & data leak"),
    ("threat-actor", "Threat actor"),
    ("fraud-phishing", "Fraud & phishing"),
    ("policy-regulation", "Policy & regulation"),
    ("industry-investment", "Industry & investment"),
    ("research", "Research & tooling"),
    ("other", "Other"),
]

INTEL_LEVELS: list[tuple[str, str]] = [
    ("strategic", "Strategic"),
    ("operational", "Operational"),
    ("tactical", "Tactical"),
]

# Lowest first: the order is used to compare priorities.
PRIORITIES: list[tuple[str, str]] = [
    ("low", "Low"),
    ("medium", "Medium"),
    ("high", "High"),
    ("critical", "Critical"),
]

INDICATOR_TYPES: list[str] = [
    "ipv4",
    "ipv6",
    "domain",
    "url",
    "email",
    "md5",
    "sha1",
    "sha256",
    "sha512",
    "cve",
]

ENTITY_KINDS: list[tuple[str, str]] = [
    ("threat-actor", "Threat actor"),
    ("malware", "Malware"),
    ("tool", "Tool"),
    ("attack-pattern", "ATT&CK technique"),
    ("country", "Country"),
    ("sector", "Sector"),
    ("organization", "Organization"),
    ("product", "Product"),
    ("vendor", "Vendor"),
]

# How people write the indicator types (for labels in pages and forms).
INDICATOR_LABELS: dict[str, str] = {
    "ipv4": "IPv4",
    "ipv6": "IPv6",
    "domain": "Domain",
    "url": "URL",
    "email": "E-mail",
    "md5": "MD5",
    "sha1": "SHA-1",
    "sha256": "SHA-256",
    "sha512": "SHA-512",
    "cve": "CVE",
}
