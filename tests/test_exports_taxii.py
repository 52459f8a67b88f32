"""TAXII 2.1: taxii2-client reads discovery, the API root and the collections the token may
list, and pages through a collection with added_after, next and the X-TAXII headers."""

from __future__ import annotations

import pytest
import requests
from taxii2client.v21 import Collection, Server, as_pages

from api.exports import stix, taxii
from api.tokens import issue_token
from tests.exports_support import enriched

pytestmark = pytest.mark.django_db(transaction=True)


class Bearer(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request):
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


def test_taxii2_client_pages_through_a_collection(live_server, make_user):
    user = make_user("green")
    articles = [enriched(tlp="green") for _ in range(3)]
    enriched(tlp="amber")  # above the reader: no collection, nothing served
    _, token = issue_token(user, name="taxii")
    auth = Bearer(token)

    server = Server(f"{live_server.url}/api/v1/taxii2/", auth=auth)
    assert server.title == "Intel Portal TAXII 2.1"
    (root,) = server.api_roots
    assert [c.title for c in root.collections] == ["TLP:CLEAR", "TLP:GREEN"]

    collection = Collection(
        f"{live_server.url}/api/v1/taxii2/root/collections/{taxii.collection_id('green')}/", auth=auth
    )
    assert collection.can_read and not collection.can_write
    pages = list(as_pages(collection.get_objects, per_request=7))
    assert len(pages) > 2
    objects = [obj for page in pages for obj in page.get("objects", [])]
    assert objects[0]["id"] == stix.TLP2_IDS["green"]
    reports = [o for o in objects if o["type"] == "report"]
    assert [r["id"] for r in reports] == [stix.report_for_article(a).id for a in articles]
    assert all(
        o.get("object_marking_refs", [stix.TLP2_IDS["green"]]) != [stix.TLP2_IDS["amber"]] for o in objects
    )

    manifest = [
        m for page in as_pages(collection.get_manifest, per_request=10) for m in page.get("objects", [])
    ]
    assert [m["id"] for m in manifest] == [o["id"] for o in objects]


def test_added_after_and_the_date_headers(live_server, make_user):
    user = make_user("clear")
    enriched(tlp="clear")
    second = enriched("Another C2 at 185.220.101.5.", tlp="clear")
    _, token = issue_token(user, name="taxii")
    url = f"{live_server.url}/api/v1/taxii2/root/collections/{taxii.collection_id('clear')}/objects/"
    headers = {"Authorization": f"Bearer {token}", "Accept": taxii.MEDIA_TYPE}

    # The marking, the portal identity, then the first article's report.
    first = requests.get(url, headers=headers, params={"limit": 3}, timeout=10)
    assert first.headers["Content-Type"] == taxii.MEDIA_TYPE
    assert first.json()["more"] is True and first.json()["next"]
    last = first.headers["X-TAXII-Date-Added-Last"]

    later = requests.get(url, headers=headers, params={"added_after": last}, timeout=10)
    added = {later.headers["X-TAXII-Date-Added-First"], later.headers["X-TAXII-Date-Added-Last"]}
    assert all(stamp > last for stamp in added)
    assert later.json()["objects"][0]["id"] == stix.report_for_article(second).id

    bad = requests.get(url, headers=headers, params={"next": "garbage"}, timeout=10)
    assert bad.status_code == 400 and bad.headers["Content-Type"] == taxii.MEDIA_TYPE
    assert requests.get(url, headers={**headers, "Accept": "text/html"}, timeout=10).status_code == 406
