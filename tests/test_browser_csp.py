# ruff: noqa: F811  (the fixture `browser` comes from the journey's module)
"""Every page, for every role, in headless Chromium under the portal's
Content-Security-Policy (no 'unsafe-inline'): a page fails on any violation
the browser reports (a securitypolicyviolation event or a console message).

The pages are found from the URLconf as tests/test_access_walk.py does, so
pages added later are covered without anyone remembering to add them; Django
admin's pages are visited as the administrator. Skipped when Chromium is
missing (CHROMIUM, default /usr/bin/chromium).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from portal import roles

from .factories import log_in
from .test_access_walk import ANONYMOUS, _rows_for, _url, _walked
from .test_browser_journey import CHROMIUM, browser  # noqa: F401  (the fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM}"),
]

# Recorded before any of the page's own scripts run, so that nothing is missed.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""


# Each page gets its own time limit, named in the failure. A page that times out once is loaded
# again (a shared machine has slow moments), but only RETRY_BUDGET times per run: a page
# that hangs fails on its second try, and many slow pages fail the run instead of hiding.
PAGE_TIMEOUT_MS = 30_000
RETRY_BUDGET = 3


class PageHung(AssertionError):
    pass


def _page_for(browser, live_server, user):
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    if user is not None:
        client = Client()
        log_in(client, user)  # past two-factor sign-in where it is required
        cookie = client.cookies["sessionid"]
        context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    context.add_init_script(WATCH_VIOLATIONS)
    page = context.new_page()
    page.console_messages_seen = []
    page.on("console", lambda message: page.console_messages_seen.append(message.text))
    return context, page


def _admin_urls() -> list[str]:
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        if getattr(model_admin, "resource_classes", None):
            urls.append(reverse(f"{prefix}_export"))
            if hasattr(model_admin, "import_action"):
                urls.append(reverse(f"{prefix}_import"))
        first = model.objects.order_by("pk").first()
        if first is not None:
            urls += [reverse(f"{prefix}_change", args=[first.pk]), reverse(f"{prefix}_history", args=[first.pk])]
    return urls


def _html_pages(user, paths: list[str]) -> list[str]:
    """The paths that answer with a page (downloads and exports are no page)."""
    client = Client()
    if user is not None:
        log_in(client, user)
    pages = []
    for path in dict.fromkeys(paths):
        response = client.get(path)
        is_html = response.get("Content-Type", "").startswith("text/html") and response.content
        if is_html and response.status_code != 405 and not response.has_header("Content-Disposition"):
            pages.append(path)
    return pages


def _load(page, url: str, retries: list[str]):
    """Open the page within PAGE_TIMEOUT_MS; once more on a timeout while the run's budget lasts."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    while True:
        try:
            response = page.goto(url, timeout=PAGE_TIMEOUT_MS)
            # Portal pages may load parts with htmx after the page itself; admin pages do not.
            page.wait_for_load_state("load" if "/admin/" in url else "networkidle", timeout=PAGE_TIMEOUT_MS)
            return response
        except PlaywrightTimeout as error:
            if retries.count(url) or len(retries) >= RETRY_BUDGET:
                raise PageHung(
                    f"{url} did not load within {PAGE_TIMEOUT_MS // 1000} s"
                    f" (retried already: {', '.join(retries) or 'none'})"
                ) from error
            retries.append(url)


def _violations(page, url: str, retries: list[str] | None = None) -> list[str]:
    page.console_messages_seen.clear()
    response = _load(page, url, [] if retries is None else retries)
    found = page.evaluate("window.__cspViolations")
    found += [text for text in page.console_messages_seen if "Content Security Policy" in text]
    status = response.status if response else "?"
    return [f"{url} ({status}): {text}" for text in found]


@pytest.mark.parametrize("role", [roles.STAFF, roles.LEADER, roles.CHAIRMAN, roles.ADMIN, ANONYMOUS])
def test_it_shows_every_page_without_a_csp_violation(role, browser, live_server, users, group_a, group_b):
    rows = _rows_for(group_a, "A")
    user = users.get(role)
    paths = ["/accounts/login/", "/no-such-page/"]
    if role != ANONYMOUS:
        paths += [_url(p, ns, rows) for p, ns in _walked() if role in p.callback.access_roles]
    if role == roles.ADMIN:
        paths += _admin_urls()
    paths = _html_pages(user, paths)
    context, page = _page_for(browser, live_server, user)
    retries: list[str] = []
    try:
        violations = [v for path in paths for v in _violations(page, live_server.url + path, retries)]
    finally:
        context.close()
    assert len(paths) >= (2 if role == ANONYMOUS else 10)
    assert violations == []


def test_it_sends_the_policy_headers(staff_client):
    response = staff_client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"


def test_it_keeps_templates_free_of_inline_scripts_and_styles():
    """A quick static guard beside the browser test: no handler, style or inline
    script in any template of the portal."""
    import re

    templates = Path(__file__).resolve().parent.parent / "templates"
    pattern = re.compile(r"""\son[a-z]+\s*=|\sstyle\s*=|<script(?![^>]*\bsrc=)[^>]*>|<style""", re.IGNORECASE)
    offenders = [
        f"{path.relative_to(templates)}: {match.group(0).strip()}"
        for path in templates.rglob("*.html")
        for match in pattern.finditer(path.read_text())
        if "json_script" not in match.group(0)
    ]
    assert offenders == []


def test_a_page_that_hangs_fails_by_name_and_the_retry_budget_is_spent_once(browser, live_server, monkeypatch):
    """A stand-in for a hung page: goto always times out. The failure names the page; the
    retry budget lets a page be tried twice at most and runs out for the run as a whole."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context, page = _page_for(browser, live_server, None)
    tries = []

    def hang(url, **kwargs):
        tries.append(url)
        raise PlaywrightTimeout("Timeout 30000ms exceeded.")

    monkeypatch.setattr(page, "goto", hang)
    retries: list[str] = []
    try:
        with pytest.raises(AssertionError, match=r"/accounts/login/ did not load within 30 s"):
            _violations(page, f"{live_server.url}/accounts/login/", retries)
        assert len(tries) == 2  # tried twice, never more
        retries += ["a", "b"]  # the budget is spent: the next page gets one try only
        with pytest.raises(AssertionError, match=r"/no-such-page/ did not load"):
            _violations(page, f"{live_server.url}/no-such-page/", retries)
        assert len(tries) == 3
    finally:
        context.close()
