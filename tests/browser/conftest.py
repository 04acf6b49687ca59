"""Real Chromium, driven with Playwright's sync API (no pytest-playwright: it
clashes with pytest-asyncio). `page_factory` opens pages as separate people.

While Playwright runs, its event loop is the thread's running loop: async work
(seeding the database) goes through `run_async`, on a thread of its own, and
the browser lives per module so the async tests after it get their loop back."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support import Server

CHROMIUM = "/usr/bin/chromium"
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

T = TypeVar("T")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="module")
def browser(server: Server) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_factory(browser: Browser, server: Server) -> Iterator[Callable[..., Page]]:
    """page_factory(path) → a page of a new person (own browser context, so own
    cookie and identity). Pass `like=page` to open another tab of that person."""
    contexts = []

    def make(path: str = "/", like: Page | None = None) -> Page:
        if like is not None:
            context = like.context
        else:
            context = browser.new_context(base_url=server.url)
            contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(5000)
        page.goto(path)
        return page

    yield make
    for context in contexts:
        context.close()
