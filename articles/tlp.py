"""FIRST Traffic Light Protocol 2.0 labels, their order and their colours.

The order is what access control compares: a user cleared for AMBER reads
CLEAR, GREEN and AMBER, not AMBER+STRICT or RED. RED additionally needs an
explicit grant on each article (see ``ArticleQuerySet.visible_to``).
"""

from __future__ import annotations

from django.db import models


class TLP(models.TextChoices):
    CLEAR = "clear", "TLP:CLEAR"
    GREEN = "green", "TLP:GREEN"
    AMBER = "amber", "TLP:AMBER"
    AMBER_STRICT = "amber+strict", "TLP:AMBER+STRICT"
    RED = "red", "TLP:RED"


TLP_ORDER: list[str] = [TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT, TLP.RED]

# FIRST's colours (text on black) live in static/css/portal.css, classes .tlp--<label>.


def rank(label: str) -> int:
    """Position of ``label`` in TLP order; raises ValueError for an unknown label."""
    return TLP_ORDER.index(label)


def labels_up_to(clearance: str) -> list[str]:
    """Every label a user with ``clearance`` may read, RED excluded (it needs grants)."""
    return [label for label in TLP_ORDER[: rank(clearance) + 1] if label != TLP.RED]


def parse_label(raw: str) -> str:
    """Accept 'amber', 'AMBER', 'TLP:AMBER', 'amber+strict' …; raise ValueError otherwise."""
    value = raw.strip().lower().removeprefix("tlp:").replace("_", "+")
    if value == "white":  # TLP 1.0's name for CLEAR, still common in the wild
        value = TLP.CLEAR
    if value not in TLP.values:
        choices = ", ".join(TLP.values)
        raise ValueError(f"{raw!r} is not a TLP label; use one of: {choices}")
    return value
