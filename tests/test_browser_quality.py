"""The data-quality view in a real browser (headless Chromium, under the Content-Security-Policy).

It renders with no console error (a CSP violation would be one), and every click does what it
says: a finding's document opens that plan's page, a severity filter keeps that severity, the
scope form narrows the findings to one cascade, a most-wanted entry opens the stub's page, and
the CSV link downloads the findings. The server is a live uvicorn over the records of
tests/test_quality.py (browser and server from :mod:`browser_fixtures`).
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import feedparser
import pytest
from browser_fixtures import serve, watch
from test_browser_hostile import INJECTED, PAYLOADS, Hostile, Visit, collapse, payload
from test_browser_hostile import hostile as hostile  # noqa: F401 (the fixture, used by name)
from test_quality import records

from api import create_app
from graph.service import Lineage
from graph.store import open_store


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, Lineage]]:
    lin = Lineage.open(open_store("memory:"))
    lin.ingest_records(records())
    with serve(create_app(lin)) as base:
        yield base, lin


@pytest.fixture
def page(browser: Any, server: tuple[str, Lineage]) -> Iterator[Any]:
    base, _ = server
    context = browser.new_context(viewport={"width": 1300, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    watch(pg, base)
    try:
        yield pg
    finally:
        context.close()


def _number_id(lin: Lineage, number: str) -> str:
    return next(i for i in lin.index.nodes() if lin.summary(i)["number"] == number)


def test_the_view_renders_and_a_finding_opens_its_plan(page: Any, server: tuple[str, Lineage]) -> None:
    base, lin = server
    page.goto(f"{base}/view/quality")
    assert page.locator("h1").inner_text() == "Data quality"
    rows = page.locator("#findings tr.finding")
    assert rows.count() >= 6
    assert page.locator('#findings tr.finding[data-severity="error"]').count() >= 4
    cycle = page.locator('#findings tr.finding[data-kind="cycle"]')
    assert "implement each other" in cycle.inner_text()
    link = cycle.locator("a.doc").first
    number = link.inner_text()
    link.click()
    page.wait_for_url(f"{base}/view/plans/{_number_id(lin, number)}")
    assert number in page.locator("h1").inner_text()
    assert page.problems == []


def test_filters_scope_and_most_wanted(page: Any, server: tuple[str, Lineage]) -> None:
    base, lin = server
    page.goto(f"{base}/view/quality")
    page.locator("#quality-counts a.sev-warning").click()
    page.wait_for_url("**/view/quality?severity=warning")
    severities = page.locator("#findings tr.finding").evaluate_all("rs => rs.map(r => r.dataset.severity)")
    assert severities and set(severities) == {"warning"}

    page.locator("#quality-plan").fill("2-KH/HU")
    page.locator("#quality-scope button").click()
    page.wait_for_url("**/view/quality?plan=2-KH*")
    kinds = page.locator("#findings tr.finding").evaluate_all("rs => rs.map(r => r.dataset.kind)")
    assert sorted(set(kinds)) == ["cycle", "implements_lower"]
    assert "below" in page.locator("h1").inner_text()
    assert (
        page.locator("#plan-feed").get_attribute("href") == f"/feeds/plans/{_number_id(lin, '2-KH/HU')}.atom"
    )

    page.goto(f"{base}/view/quality")
    first = page.locator("#most-wanted tbody tr").first
    assert first.locator("td").nth(1).inner_text() == "3"
    first.locator("a").click()
    page.wait_for_url(f"{base}/view/plans/{_number_id(lin, '10-KH/TU')}")
    assert "known only by reference" in page.locator(".meta").inner_text()

    page.goto(f"{base}/view/quality")
    with page.expect_download() as info:
        page.locator("a", has_text="findings (CSV)").click()
    assert info.value.suggested_filename == "quality-findings.csv"
    assert page.problems == []


def test_an_unknown_scope_is_a_404_page(page: Any, server: tuple[str, Lineage]) -> None:
    base, _ = server
    r = page.goto(f"{base}/view/quality?plan=kh%C3%B4ng%20c%C3%B3%20g%C3%AC")
    assert r.status == 404 and "No plan matches" in page.locator("main").inner_text()


def inert(v: Visit) -> None:
    """``Visit.check`` for this page: the same checks, the page's own scope form allowed."""
    found = [x for x in v.page.evaluate(INJECTED) if not x.startswith('form <form id="quality-scope"')]
    assert found == [] and v.unexpected() == [] and v.dialogs == [], v.page.url
    assert v.page.title() == v.title, v.page.url


@pytest.mark.parametrize("bypass_csp", [True, False], ids=["escaping-alone", "csp"])
def test_the_quality_view_is_inert_to_hostile_text(browser: Any, hostile: Hostile, bypass_csp: bool) -> None:
    """The documents of tests/test_browser_hostile.py (a payload in every field): the whole
    graph's findings and most-wanted list, and the root's cascade, stay text, with and without
    the policy; their feed parses."""
    v = Visit(browser, hostile.base, bypass_csp)
    try:
        for query in ("", f"?plan={urllib.parse.quote(hostile.root)}", "?severity=warning"):
            v.open("/view/quality" + query)
            inert(v)
            assert v.page.locator("#most-wanted tbody tr").count() >= 1
        assert collapse(payload(1)) in collapse(v.page.inner_text("main"))  # the root's title, as text
        v.page.locator("#most-wanted tbody a").first.click()
        v.page.wait_for_load_state()
        v.title = v.page.title()
        v.check()  # the plan page the click opened
    finally:
        v.close()
    f = feedparser.parse(urllib.request.urlopen(f"{hostile.base}/feeds/plans/{hostile.root}.atom").read())
    assert not f.bozo and len(f.entries) >= len(PAYLOADS)
