"""The article list's capped count, unordered and in the list's order, on a scale-bench database.

    DEBUG=true python bench/count_plans.py [--database intelportal_bench_1m]

For each filter of ``scale.py``'s table, builds the list's filtered queryset
(``ArticleFilter``, as the page does) for ``bench-analyst`` (GREEN) and ``bench-red-admin``
(RED), and runs the count query both ways under ``EXPLAIN (ANALYZE, BUFFERS)``: buffers
read (which do not depend on how busy the machine is) and the best of three execution
times. The list counts in its own order when filtered (``articles.pagination.capped_count``);
this shows why, and where that would be the worse plan.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale  # noqa: E402


def filters(found: dict) -> dict[str, str]:
    author, tag, rare_tag = found["author"][0], found["tag"][0], found["rare_tag"][0]
    source, entity, actor = found["source"][0], found["entity"][0], found["actor"][0]
    return {
        "no filter": "",
        "TLP green": "tlp=green",
        "prolific author": f"author={author}",
        "most used tag": f"tag={tag}",
        "rare tag": f"tag={rare_tag}",
        "busy source": f"source={source}",
        "popular entity": f"entity={entity}",
        "word attack": "q=attack",
        'phrase "threat actors"': 'q="threat actors"',
        "actor prefix": f'q=actor:"{actor}"',
        "an IP": f"q={found['ip'][0]}",
        "TLP green + attack": "tlp=green&q=attack",
        "busy source + attack": f"source={source}&q=attack",
        "most used tag + attack": f"tag={tag}&q=attack",
        "popular entity + attack": f"entity={entity}&q=attack",
        "prolific author + attack": f"author={author}&q=attack",
    }


def explain(queryset) -> tuple[float, int]:
    """(execution ms, shared buffers hit or read) of counting ``queryset``'s rows."""
    from django.db import connection

    sql, params = queryset.query.get_compiler(using="default").as_sql()
    with connection.cursor() as cursor:
        # The SQL is Django's own, compiled from the queryset; the values stay parameters.
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT COUNT(*) FROM ({sql}) s", params)  # noqa: S608
        plan = cursor.fetchone()[0]
    plan = plan if isinstance(plan, list) else json.loads(plan)
    top = plan[0]["Plan"]
    return plan[0]["Execution Time"], top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default="intelportal_bench_1m")
    args = parser.parse_args()
    scale.setup_django(args.database, "count-plans-bench-not-secret")

    from django.http import QueryDict

    from accounts.models import User
    from articles.filters import ArticleFilter
    from articles.models import Article
    from articles.pagination import COUNT_CAP, SEARCH_COUNT_CAP, newest_first

    found = scale.picks()
    print(f"{'user':16} {'filter':26} {'unordered':>22} {'in the list order':>22}")
    for username in ("bench-analyst", "bench-red-admin"):
        user = User.objects.get(username=username)
        for name, query in filters(found).items():
            visible = Article.objects.visible_to(user)
            filtered = ArticleFilter(QueryDict(query), queryset=visible, user=user).qs if query else visible
            cap = SEARCH_COUNT_CAP if "q=" in query else COUNT_CAP
            cells = []
            for rows in (filtered.order_by(), newest_first(filtered)):
                counted = rows.values("pk")[: cap + 1]
                explain(counted)  # warm
                ms = min(explain(counted)[0] for _ in range(3))
                cells.append(f"{explain(counted)[1]:8,d} buf {ms:7.1f} ms")
            print(f"{username:16} {name:26} {cells[0]:>22} {cells[1]:>22}", flush=True)


if __name__ == "__main__":
    main()
