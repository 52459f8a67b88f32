"""Web worker start-up (intelportal/startup.py): what requests build on first use is built,
then frozen, so a full garbage collection no longer walks it.

The worker is a separate process: freezing this test process would change how the rest
of the suite is collected.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from intelportal.startup import _template_names

ROOT = Path(__file__).resolve().parent.parent

WORKER = """
import gc, json
import intelportal.wsgi  # what gunicorn imports in each worker
from django.template import engines
from articles.search.aliases import alias_index
engine = engines["django"].engine
cached = [loader for loader in engine.template_loaders if hasattr(loader, "get_template_cache")]
gc.collect()
print(json.dumps({
    "frozen": gc.get_freeze_count(),
    "walked": len(gc.get_objects()),
    "templates_cached": sum(len(loader.get_template_cache) for loader in cached),
    "aliases_built": alias_index.cache_info().currsize,
}))
"""


def test_the_wsgi_module_warms_the_worker_and_freezes_what_it_built():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    result = subprocess.run(
        [sys.executable, "-c", WORKER],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    worker = json.loads(result.stdout.strip().splitlines()[-1])
    assert worker["aliases_built"] == 1
    assert worker["templates_cached"] >= len(_template_names())
    # Django, the resolver, the templates and the alias index are out of the collector's way:
    # a full collection walks a small fraction of the process (bench/gc_pause.py times it).
    assert worker["frozen"] > 10 * worker["walked"]


def test_only_the_projects_own_templates_are_compiled_at_start_up():
    names = _template_names()
    assert "base.html" in names and "articles/article_list.html" in names
    # Installed packages ship optional templates that load tag libraries the portal lacks.
    assert not any(name.startswith("django_filters/") for name in names)
