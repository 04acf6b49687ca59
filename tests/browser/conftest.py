"""Real Chromium through playwright's sync API (no pytest-playwright: it clashes with pytest-asyncio)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture
def browser() -> Iterator[Browser]:
    # Per test, not per session: the sync API runs its own event loop while it is
    # open, and pytest-asyncio's tests cannot run beside it in the same process.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_factory(browser: Browser) -> Iterator[callable]:
    """Pages, each in its own context (its own cookies: its own user); closed after the test."""
    contexts = []

    def make(**context_options) -> Page:
        context = browser.new_context(**context_options)
        context.set_default_timeout(5000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
