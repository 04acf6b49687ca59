"""Under the real Content-Security-Policy, a user chats, draws, switches theme and
panels: Chromium reports no violation and nothing is requested from elsewhere."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.browser.test_chat import say, seed_room

VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def test_chatting_and_drawing_under_the_csp(page_factory, server, database_url) -> None:
    room_id = seed_room(database_url, history=3)
    page = page_factory()
    requests, console = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: console.append(message.text))
    page.context.add_init_script(VIOLATIONS)

    response = page.goto(f"/rooms/{room_id}")
    policy = response.headers["content-security-policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src")).split()[1:]
    assert script_src == ["'self'"]
    assert page.locator("script:not([src])").count() == 0
    expect(page.locator("#connection")).to_have_attribute("data-state", "open")

    say(page, "drawing now")
    expect(page.locator("#messages .message")).to_have_count(4)
    if page.locator("#drawing").is_hidden():
        page.click("#tab-board")
    box = page.locator("#drawing").bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + 40)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=10)
    page.mouse.up()
    expect(page.locator("#drawing path:not([data-drawing])")).to_have_count(1)
    page.click("label.color-choice[title='#e02d25']")
    page.click("button[data-board=undo]")
    expect(page.locator("#drawing path")).to_have_count(0)
    page.locator(".theme-picker summary").click()
    page.get_by_role("radio", name="Harbour").check()
    expect(page.locator("html")).to_have_attribute("data-theme", "4")
    page.click("#tab-log")
    expect(page.locator("#event-log li[data-direction=sent]", has_text="draw").first).to_be_visible()
    page.goto("/")
    expect(page.locator("#connection")).to_have_attribute("data-state", "open")
    page.locator("#room-search").fill("nothing like this")
    expect(page.locator("#rooms .empty")).to_be_visible()

    assert page.evaluate("window.__violations") == []
    assert [text for text in console if "Content Security Policy" in text] == []
    origin = urlsplit(server.url)
    assert {(urlsplit(url).hostname, urlsplit(url).port) for url in requests} == {(origin.hostname, origin.port)}
    assert page.errors == []
