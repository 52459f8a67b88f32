"""Start-up of a web worker: build what every request reads, then hide it from the cyclic GC.

A gunicorn worker holds a few hundred thousand long-lived Python objects (Django, the URL
resolver, compiled templates, the enrichment vocabularies the pages label tags with).
Python's cyclic garbage collector walks all of them in each full (generation 2) collection,
which the interpreter starts on its own every few hundred requests: measured on the scale
bench, a full collection over such a heap took 175-250 ms, added to whichever request
triggered it, and made the slowest requests of a page several times its median.
``gc.freeze()`` moves every object alive at that moment to a permanent generation the
collector never walks (what the Python documentation advises for pre-fork servers), so a
full collection then walks only what requests left behind. Objects are not leaked by it:
frozen ones are still freed by reference counting; only cycles among them are never
collected, and start-up builds few.

Freezing is only worth it after the objects exist, so what requests would otherwise build
on first use is built first (``warm``): the first requests get faster too.
"""

from __future__ import annotations

import gc
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.template.loader import get_template
from django.urls import get_resolver

from articles.search.aliases import alias_index


def _template_names() -> list[str]:
    """The project's own templates (``templates/`` and its apps'), not installed packages':
    some of those are optional variants that load tag libraries the portal does not
    install, and would not compile."""
    names: set[str] = set()
    base = Path(settings.BASE_DIR).resolve()
    for engine in engines.all():
        for directory in engine.template_dirs:
            root = Path(directory).resolve()
            if root.is_relative_to(base) and "site-packages" not in root.parts:
                names.update(path.relative_to(root).as_posix() for path in root.rglob("*.html"))
    return sorted(names)


def warm() -> int:
    """Build what requests otherwise build on first use: the URL resolver, every template,
    and the alias index of ``actor:``/``malware:`` searches (~45,000 objects, 0.3 s).
    Returns the number of templates compiled."""
    get_resolver()._populate()  # imports every URLconf and builds the reverse() tables
    alias_index()
    names = _template_names()
    for name in names:
        get_template(name)
    return len(names)


def prepare_worker() -> int:
    """Warm the process, then freeze what is alive for the GC; the number of frozen objects."""
    warm()
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
