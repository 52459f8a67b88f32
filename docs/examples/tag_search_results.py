#!/usr/bin/env python3
"""Search the portal through its API and tag what it finds (docs/api.md).

Python's standard library only. Reads the portal's address and a token from the environment:

    INTELPORTAL_URL=https://intel.example.org INTELPORTAL_TOKEN=ipt_… \\
        python3 docs/examples/tag_search_results.py 'actor:APT28 ransomware' needs-review

Prints one line per article found ("tagged" or "already tagged", with its indicators); a
read-only token can search but not tag (the script says so and stops).
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

BASE = os.environ.get("INTELPORTAL_URL", "http://127.0.0.1:8000").rstrip("/")
TOKEN = os.environ["INTELPORTAL_TOKEN"]


def call(method: str, url: str, body: dict | None = None) -> tuple[int, dict | list | None]:
    if not url.startswith("http"):
        url = f"{BASE}/api/v1/{url.lstrip('/')}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (http(s) only, from the environment)
    request.add_header("Authorization", f"Bearer {TOKEN}")
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def search(query: str):
    """Every article matching ``query``, following the pages' ``next`` links."""
    url = "articles/?" + urllib.parse.urlencode({"q": query, "page_size": 100})
    while url:
        status, page = call("GET", url)
        if status != 200:
            sys.exit(f"search failed ({status}): {page}")
        yield from page["results"]
        url = page["next"]


def main(query: str, tag: str) -> int:
    status, me = call("GET", "me/")
    if status != 200:
        sys.exit(f"the token was refused ({status}): {me}")
    print(f"as {me['username']} (clearance {me['clearance']}, token scope {me['token']['scope']})")
    found = 0
    for row in search(query):
        found += 1
        _, article = call("GET", f"articles/{row['id']}/")
        indicators = ", ".join(i["value"] for i in article["findings"]["indicators"]) or "no indicators"
        status, answer = call("POST", f"articles/{row['id']}/tags/", {"name": tag})
        if status == 403:
            sys.exit(f"cannot tag: {answer['detail']}")
        verdict = {201: "tagged", 200: "already tagged"}.get(status, f"not tagged ({status}: {answer})")
        print(f"{row['id']}\t{verdict}\t{row['title']}\t[{indicators}]")
    print(f"{found} article(s) matched {query!r}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
