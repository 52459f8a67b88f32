"""What a screen reader and a keyboard need, checked in the served HTML and CSS (no browser):
grouped checkboxes have a legend, errors carry the ids fields point at, controls are named for
what they act on, the results come before the filters, focus is visible, and benign values
are quieter by colour, not opacity. The browser side is tests/test_accessibility_browser.py."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test.html import Element, parse_html

from articles.models import Entity
from articles.processing import process_article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)
CSS = (ROOT / "static" / "css" / "portal.css").read_text(encoding="utf-8")
CHECKBOX_GROUPS = {
    "tlp": "TLP",
    "category": "Category",
    "intel_level": "Intel level",
    "indicator_type": "Indicator type",
}
TEXT = (
    "APT28 staged the loader on 185.220.101.4 and tested it against 203.0.113.5. "
    "APT28 kept using 185.220.101.4 for weeks, against ministries in Germany."
)


def elements(node) -> Iterator[Element]:
    for child in getattr(node, "children", []):
        if isinstance(child, Element):
            yield child
            yield from elements(child)


def attr(element: Element, name: str) -> str | None:
    return dict(element.attributes).get(name)


def text_of(node) -> str:
    if isinstance(node, str):
        return node
    return " ".join(text_of(child) for child in node.children).strip()


def page(client, url: str, **params) -> Element:
    response = client.get(url, params)
    assert response.status_code == 200
    return parse_html(response.content.decode())


def by_id(root: Element, element_id: str) -> Element | None:
    return next((el for el in elements(root) if attr(el, "id") == element_id), None)


@pytest.fixture
def reader(client, make_user):
    client.force_login(make_user("amber"))
    return client


@pytest.fixture
def enriched(db):
    article = ArticleFactory(
        title="APT28 loader",
        body_text=TEXT,
        body_html=f"<p>{TEXT}</p>",
        processing_status="pending",
    )
    process_article(article.pk)
    return article


def test_each_filter_checkbox_group_is_a_fieldset_named_by_its_legend(reader):
    root = page(reader, "/articles/")
    for name, label in CHECKBOX_GROUPS.items():
        fieldsets = [
            fs
            for fs in elements(root)
            if fs.name == "fieldset" and any(attr(el, "name") == name for el in elements(fs))
        ]
        assert len(fieldsets) == 1, f"the {name} checkboxes are not in one fieldset"
        legends = [el for el in fieldsets[0].children if isinstance(el, Element) and el.name == "legend"]
        assert [text_of(legend) for legend in legends] == [label]
        every_box = [el for el in elements(root) if el.name == "input" and attr(el, "name") == name]
        in_fieldset = [el for el in elements(fieldsets[0]) if el.name == "input" and attr(el, "name") == name]
        assert every_box and len(in_fieldset) == len(every_box)


def test_a_filter_field_error_has_the_id_its_aria_describedby_names(reader):
    root = page(reader, "/articles/", published_from="not-a-date")
    field = by_id(root, "id_published_from")
    assert attr(field, "aria-invalid") == "true"
    assert attr(field, "aria-describedby") == "id_published_from_error"
    error = by_id(root, "id_published_from_error")
    assert error is not None and "Enter a valid date" in text_of(error)
    # ...and the results, which come first, say that a filter was left out and link to it.
    alert = next(el for el in elements(root) if attr(el, "role") == "alert")
    assert "have errors" in text_of(alert)
    assert any(attr(el, "href") == "#filter-form" for el in elements(alert))
    assert by_id(root, "filter-form") is not None


def test_a_checkbox_group_error_describes_its_fieldset(reader):
    root = page(reader, "/articles/", tlp="no-such-label")
    fieldset = next(
        fs
        for fs in elements(root)
        if fs.name == "fieldset" and any(attr(el, "name") == "tlp" for el in elements(fs))
    )
    assert attr(fieldset, "aria-describedby") == "id_tlp_error"
    error = by_id(fieldset, "id_tlp_error")
    assert error is not None and "Select a valid choice" in text_of(error)


def test_sign_in_field_errors_carry_the_ids_the_fields_point_at(client):
    root = parse_html(client.post("/accounts/login/", {"username": "", "password": ""}).content.decode())
    for name in ("username", "password"):
        field = by_id(root, f"id_{name}")
        assert attr(field, "aria-describedby") == f"id_{name}_error"
        assert text_of(by_id(root, f"id_{name}_error")) == "This field is required."


def test_a_failed_sign_in_is_announced_and_describes_the_form(client, make_user):
    make_user("clear", username="reader")
    response = client.post("/accounts/login/", {"username": "reader", "password": "wrong"})
    root = parse_html(response.content.decode())
    error = by_id(root, "login-error")
    assert attr(error, "role") == "alert" and "didn't match" in text_of(error)
    form = next(el for el in elements(root) if el.name == "form" and attr(el, "action") == "/accounts/login/")
    assert attr(form, "aria-describedby") == "login-error"
    assert "<title>Error: Sign in" in response.content.decode()


def test_copy_buttons_and_all_articles_links_say_what_they_act_on(reader, enriched):
    root = page(reader, enriched.get_absolute_url())
    copies = [el for el in elements(root) if el.name == "button" and "copy" in (attr(el, "class") or "")]
    assert copies
    for button in copies:
        assert attr(button, "aria-label") == f"Copy {attr(button, 'data-copy')}"
    assert any(attr(el, "aria-label") == "Copy 185.220.101.4" for el in copies)
    apt28 = Entity.objects.get(name="APT28")
    link = next(el for el in elements(root) if attr(el, "href") == apt28.get_absolute_url())
    assert attr(link, "aria-label") == "All articles mentioning APT28"
    assert text_of(link).startswith("all articles")  # the visible words are part of the name


def test_findings_panel_has_a_polite_live_region_and_spoken_counts(reader, enriched):
    root = page(reader, enriched.get_absolute_url())
    status = by_id(root, "findings-status")
    assert attr(status, "role") == "status" and attr(status, "aria-live") == "polite"
    html = reader.get(enriched.get_absolute_url()).content.decode()
    assert '<span class="visually-hidden">2 mentions</span>' in html  # not "times two"


def test_the_list_puts_the_results_before_the_filters_with_a_skip_link_to_them(reader):
    ArticleFactory(title="First article")
    html = reader.get("/articles/").content.decode()
    assert html.index('id="results"') < html.index('id="filters"') < html.index('id="filter-form"')
    assert '<a class="skip" href="#rows">Skip to results</a>' in html
    rows = html.index('id="rows"')
    assert rows < html.index("First article", rows)
    assert '<a class="jump-to-filters" href="#filters">' in html


def test_every_interactive_element_gets_a_visible_focus_ring():
    rule = re.search(r"(?m)^:focus-visible\s*\{([^}]*)\}", CSS)
    assert rule, "portal.css has no :focus-visible rule for every element"
    assert re.search(r"outline:\s*[2-9]px solid var\(--focus\)", rule.group(1))
    assert not re.search(r"outline:\s*(none|0)\b", CSS), "a rule hides the focus outline"
    assert contrast(colour("--focus"), colour("--paper")) >= 3  # WCAG 1.4.11, non-text contrast


def test_benign_indicators_are_quieter_by_colour_not_by_opacity():
    benign_rules = re.findall(r"([^{}]*\.benign[^{}]*)\{([^}]*)\}", CSS)
    assert benign_rules
    assert not [selector for selector, body in benign_rules if "opacity" in body]
    code = re.search(r"li\.benign \.finding-link code\s*\{\s*color:\s*var\((--[a-z]+)\)", CSS)
    assert code, "benign indicator values have no colour of their own"
    code_background = re.search(
        r"\.findings code, \.story code \{[^}]*background: (#[0-9a-f]{6})", CSS
    ).group(1)
    assert contrast(colour(code.group(1)), code_background) >= 4.5


def test_htmx_loads_deferred_from_the_pinned_vendored_file_without_eval_or_inline_style(reader):
    lock = json.loads((ROOT / "package-lock.json").read_text())
    version = lock["packages"]["node_modules/htmx.org"]["version"]
    assert json.loads((ROOT / "package.json").read_text())["dependencies"]["htmx.org"] == version
    assert (ROOT / "static" / "vendor" / f"htmx-{version}" / "htmx.min.js").is_file()
    root = page(reader, "/articles/")
    scripts = [el for el in elements(root) if el.name == "script" and "htmx" in (attr(el, "src") or "")]
    assert [(attr(s, "src"), "defer" in dict(s.attributes)) for s in scripts] == [
        (f"/static/vendor/htmx-{version}/htmx.min.js", True)
    ]
    meta = next(el for el in elements(root) if el.name == "meta" and attr(el, "name") == "htmx-config")
    assert json.loads(attr(meta, "content")) == {
        "includeIndicatorStyles": False,
        "allowEval": False,
        "historyCacheSize": 0,
    }
    assert ".htmx-request .htmx-indicator" in CSS  # the indicator rules htmx would have injected


def colour(name: str) -> str:
    if name.startswith("#"):
        return name
    return re.search(rf"{name}:\s*(#[0-9a-f]{{6}})", CSS).group(1)


def contrast(foreground: str, background: str) -> float:
    """The WCAG 2 contrast ratio of two #rrggbb colours."""

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_feed_preview_error_has_the_id_the_url_field_points_at(client, make_user):
    client.force_login(make_user("red", "admin"))
    root = parse_html(client.post("/sources/preview/", {"url": "not a feed address"}).content.decode())
    described = attr(by_id(root, "id_url"), "aria-describedby")
    assert described == "id_url_error" and text_of(by_id(root, described))


def test_each_poll_now_button_names_its_source(client, make_user):
    from tests.factories import SourceFactory

    SourceFactory(name="Vendor blog")
    client.force_login(make_user("red", "admin"))
    root = page(client, "/sources/health/")
    buttons = [el for el in elements(root) if el.name == "button" and text_of(el) == "Poll now"]
    assert [attr(button, "aria-label") for button in buttons] == ["Poll now: Vendor blog"]
