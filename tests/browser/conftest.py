"""Real Chromium, driven by Playwright's sync API (no pytest-playwright: it
clashes with pytest-asyncio; no downloaded browser: Debian's Chromium)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


# Module scope: Playwright's sync API runs an event loop on this thread while it
# is open, and the async tests of other modules need the thread's loop free.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium is required for browser tests and is missing at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_factory(browser: Browser, server) -> Iterator[Callable[..., Page]]:
    """New pages, each in its own context (its own cookies: its own user).
    With a path, the page opens it and waits for its socket to be live."""
    contexts = []

    def make(path: str | None = None, **context_options) -> Page:
        context = browser.new_context(base_url=server.url, **context_options)
        context.set_default_timeout(5000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        if path is not None:
            page.goto(path)
            page.wait_for_selector("#connection[data-state=open]")
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
