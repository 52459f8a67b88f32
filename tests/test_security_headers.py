"""Every response carries strict security headers, and signed-in pages are never cached.

The Content-Security-Policy allows scripts and styles only from our own static files, so
no template may carry inline code; a real Chromium confirms that the portal and the admin
run under it without a single violation.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests import test_browser
from tests.factories import PASSWORD, ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db
browser = test_browser.browser  # the module-scoped Chromium fixture, shared

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE_CODE = {
    "an inline <script>": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I),
    "an event-handler attribute": re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),
    "a style attribute": re.compile(r"<[^>]+\sstyle\s*=", re.I),
    "a <style> block": re.compile(r"<style\b", re.I),
    "a javascript: link": re.compile(r"javascript:", re.I),
}


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.fixture
def pages(login, admin_user, article):
    """A signed-in admin's client and the addresses of pages that show article content."""
    client = login(admin_user)
    return client, [
        "/articles/",
        article.get_absolute_url(),
        "/admin/",
        "/admin/articles/article/",
        f"/admin/articles/article/{article.pk}/change/",
        "/sources/health/",
    ]


def test_signed_in_pages_allow_scripts_and_styles_only_from_our_own_files(pages):
    client, addresses = pages
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        directives = csp_directives(response)
        assert directives["default-src"] == ["'none'"]
        assert directives["script-src"] == ["'self'"], address
        assert directives["style-src"] == ["'self'"], address
        assert directives["object-src"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["base-uri"] == ["'none'"]
        assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_the_sign_in_page_has_the_same_policy():
    response = Client().get("/accounts/login/")
    assert csp_directives(response)["script-src"] == ["'self'"]


def test_every_page_a_signed_in_user_sees_is_no_store(pages, article, make_user):
    client, addresses = pages
    for address in addresses:
        assert "no-store" in client.get(address)["Cache-Control"], address
    reader = make_user("clear")
    hidden = ArticleFactory(tlp="red")
    client.force_login(reader)
    not_found = client.get(hidden.get_absolute_url())
    assert not_found.status_code == 404
    assert "no-store" in not_found["Cache-Control"]


def test_static_files_stay_cacheable_for_a_signed_in_user(settings, login, analyst):
    settings.WHITENOISE_USE_FINDERS = True  # serve from static/ without collectstatic
    settings.WHITENOISE_AUTOREFRESH = True
    client = Client()  # a fresh handler, so WhiteNoise reads the settings above
    client.force_login(analyst)
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_permissions_policy_denies_camera_microphone_geolocation_and_payment(pages):
    client, _ = pages
    policy = client.get("/articles/")["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy
    assert "clipboard-write" not in policy  # the findings panel copies indicators


def test_other_headers_isolate_the_window_and_keep_the_referrer_on_site():
    response = Client().get("/accounts/login/")
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_no_template_carries_inline_code_the_policy_would_block():
    found = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for what, pattern in INLINE_CODE.items():
            if pattern.search(text):
                found.append(f"{template.relative_to(TEMPLATES)} has {what}")
    assert not found, "move it to static/js/ or static/css/: " + "; ".join(found)


def _policy_with_report_uri(value: str, tmp_path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update({"DEBUG": "true", "CSP_REPORT_URI": value, "INTELPORTAL_VAR_DIR": str(tmp_path)})
    code = (
        "import intelportal.settings as s; print(s.CONTENT_SECURITY_POLICY['DIRECTIVES'].get('report-uri'))"
    )
    return subprocess.run(  # a fresh process: settings are read once, at import
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_violation_reports_go_where_csp_report_uri_says(tmp_path):
    result = _policy_with_report_uri("https://csp.example/report", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['https://csp.example/report']"


def test_a_report_uri_that_could_add_directives_stops_start_up(tmp_path):
    result = _policy_with_report_uri("/r; script-src *", tmp_path)
    assert result.returncode != 0
    assert "CSP_REPORT_URI='/r; script-src *' is not an http(s) URL" in result.stderr


# --- in a real browser -------------------------------------------------------------------------

COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def _open(browser, live_server, username: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.add_init_script(COLLECT_VIOLATIONS)
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    page.goto(f"{live_server.url}/accounts/login/?next=/articles/")
    assert _violations(page) == [], "the sign-in page"
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page, console_errors


def _violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_portal_runs_under_the_policy_in_chromium(browser, live_server, make_user):
    from articles.processing import process_article

    make_user("green", username="reader")
    article = ArticleFactory(
        title="Crew targets Japan",
        authors=[AuthorFactory(name="Dana Reporter")],
        body_text="Attackers in Japan used c2.example.",
        body_html="<p>Attackers in Japan used c2.example.</p>",
        processing_status="pending",
    )
    process_article(article.pk)
    page, console_errors = _open(browser, live_server, "reader")
    page.wait_for_selector(".row__title")
    assert _violations(page) == []
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    page.wait_for_selector(".finding-link")
    page.click(".finding-link:has-text('Japan')")
    assert page.locator("mark.finding.is-active").count() >= 1  # findings.js ran under the policy
    assert _violations(page) == []
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
    # The control: injected inline code is blocked and reported, so the silence above means something.
    page.evaluate(
        "const s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
        "document.body.appendChild(s);"
    )
    assert page.evaluate("window.__ran") is None
    page.wait_for_function("window.__cspViolations.length > 0")
    assert any(v.startswith("script-src") for v in _violations(page))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_admin_runs_under_the_policy_in_chromium(browser, live_server, make_user):
    make_user("red", role="admin", username="chief")
    article = ArticleFactory(authors=[AuthorFactory(name="Dana Reporter")], tags=["apt"])
    page, console_errors = _open(browser, live_server, "chief")
    for address in (
        "/admin/",
        "/admin/articles/article/",
        f"/admin/articles/article/{article.pk}/change/",
        f"/admin/articles/source/{article.source_id}/change/",
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        "/admin/articles/source/add/",
        "/admin/audit/auditevent/",
        "/sources/health/",
        "/sources/preview/",
    ):
        page.goto(f"{live_server.url}{address}")
        page.wait_for_load_state()
        assert _violations(page) == [], address
    # The autocomplete widget (select2, jQuery) builds its markup under the policy too.
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.locator(".select2-selection").first.click()
    page.wait_for_selector(".select2-results__option")
    assert _violations(page) == []
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
