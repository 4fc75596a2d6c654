# ruff: noqa: F811  (the fixtures `browser` and `year_of_work` come from other test modules)
"""The dashboard's chart tooltips in headless Chromium: a group named with HTML
shows that name as text (nothing runs), and hovering over every chart reports
no Content-Security-Policy violation (the tooltips are styled by classes, not
inline styles). Skipped when Chromium is missing (CHROMIUM, default /usr/bin/chromium)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_browser_csp import WATCH_VIOLATIONS
from .test_browser_dashboard import _charts_drawn, _page, year_of_work  # noqa: F401  (the fixture)
from .test_browser_journey import CHROMIUM, browser  # noqa: F401  (the fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM}"),
]

EVIL = "<img src=x onerror=window.__xss=1>"
SHORT_EVIL = "<svg onload=__xss=%d>"  # 20 characters: a short name's length (PostgreSQL enforces it)


def _hover_everywhere(page) -> list[str]:
    """Move the mouse over a grid of points in each chart; the texts of the tooltips shown."""
    seen = []
    for chart in page.locator(".dash-chart").all():
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        for fx in (0.15, 0.3, 0.5, 0.7, 0.9):
            for fy in (0.1, 0.25, 0.4, 0.55, 0.7, 0.85):
                page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
                page.wait_for_timeout(60)
                seen += page.evaluate("[...document.querySelectorAll('.dash-tooltip')].map((t) => t.textContent)")
    return [text for text in seen if text]


def test_it_shows_group_names_in_tooltips_as_text_without_csp_violations(browser, live_server, users, year_of_work):
    for number, group in enumerate(year_of_work[2:4], start=1):
        group.name = f"{EVIL}{group.pk}"
        group.short_name = SHORT_EVIL % number
        group.save(update_fields=["name", "short_name"])
    context, page, errors = _page(browser, live_server, "chairman", "zh-hans")
    context.add_init_script(WATCH_VIOLATIONS)
    page.goto(f"{live_server.url}/dashboard/?from=2025-01-01&to=2025-12-31")
    _charts_drawn(page)

    tooltips = _hover_everywhere(page)

    violations = page.evaluate("window.__cspViolations")
    assert violations == []
    assert page.evaluate("window.__xss") is None
    assert page.locator(".dash-tooltip img").count() == 0
    assert len(tooltips) >= 10
    assert any(EVIL in text or "<svg onload=__xss=" in text for text in tooltips)  # the name is shown, as text
    assert errors == []
    context.close()
