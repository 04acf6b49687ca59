"""Real Chromium: the CSP holds without breaking the pages, and hostile names and
messages run no script, fire no request and show as plain text, live and after a reload."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from tests.support import Server
from tests.xss_corpus import PAYLOADS
from webapp.chat.names import clean_name

# Records what a payload would do if it ever ran: dialogs, and CSP refusals.
WATCH = """
window.__ran = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__ran.push(name + "(" + args.join(",") + ")"); };
}
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""

# Elements and attributes the pages never have of their own; a payload that became markup would.
HOSTILE = (
    "script:not([src]), iframe, img, style:not([nonce]), meta[http-equiv], base, template, math, "
    "[onerror], [onload], [ontoggle], [hx-post], [hx-get='/info'], [hx-trigger=load], [hx-swap-oob]"
)

# Text nodes that hold user text but sit outside any hx-disable.
UNDISABLED = """(markers) => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (markers.some((m) => node.textContent.includes(m)) && !node.parentElement.closest("[hx-disable]")) {
      found.push(node.parentElement.outerHTML.slice(0, 120));
    }
  }
  return found;
}"""


def watched(page: Page, server: Server) -> Page:
    """Instrument a page (dialogs, CSP reports, requests, console) and load it again with that in place."""
    page.dialogs, page.requests, page.console_csp = [], [], []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: page.requests.append((request.method, request.url)))
    page.on("console", lambda message: page.console_csp.append(message.text) if "Content Security Policy" in message.text else None)
    page.context.add_init_script(WATCH)
    page.reload()
    page.wait_for_selector("#connection[data-state=open]")
    page.server_url = server.url
    return page


# What the pages themselves ask for: the page, static files, a room's history, the socket.
EXPECTED = re.compile(r"/|/static/.+|/rooms/\d+|/rooms/\d+/messages|/ws|/rooms/\d+/ws")


def unexpected_requests(page: Page) -> list[str]:
    def expected(method: str, url: str) -> bool:
        parts = urlsplit(url)
        return method == "GET" and f"{parts.scheme}://{parts.netloc}" == page.server_url and EXPECTED.fullmatch(parts.path) is not None

    return [f"{method} {url}" for method, url in page.requests if not expected(method, url)]


def assert_nothing_ran(page: Page) -> None:
    assert page.evaluate("window.__ran") == []
    assert page.dialogs == []
    assert page.evaluate("window.__violations") == []
    assert page.console_csp == []
    assert page.errors == []
    assert unexpected_requests(page) == []
    assert page.locator(HOSTILE).count() == 0
    for element_id in ("rooms", "errors", "me", "connection"):
        assert page.locator(f"[id='{element_id}']").count() == 1


def test_pages_work_under_the_csp_without_a_violation(page_factory, server) -> None:
    lobby = watched(page_factory("/"), server)
    name = f"Csp {uuid.uuid4().hex[:6]}"
    lobby.get_by_label("New room name").fill(name)
    lobby.get_by_role("button", name="Create room").click()
    entry = lobby.locator("#rooms li.room", has_text=name)
    expect(entry).to_be_visible()
    lobby.get_by_label("Search rooms").fill(name)
    expect(lobby.locator("#rooms li.room")).to_have_count(1)

    path = f"/{entry.locator('a').get_attribute('href').lstrip('/')}"
    # Wide: every panel at once, the split moved with the keyboard (layout.js sets a style property).
    wide = watched(page_factory(path), server)
    expect(wide.locator("#drawing")).to_be_visible()
    wide.locator("#splitter").press("ArrowRight")
    expect(wide.locator("#splitter")).to_have_attribute("aria-valuenow", "45")
    assert_nothing_ran(wide)
    # Narrower: tabs.
    room = watched(page_factory(path, viewport={"width": 1024, "height": 768}), server)
    for tab in ("Users", "Board", "Messages"):
        room.get_by_role("tab", name=tab).click()
    expect(room.locator("#room-title")).to_contain_text(name)
    # The socket connected ('self' covers ws: to the same host) and the colours applied.
    assert room.locator("#room-title").evaluate("el => getComputedStyle(el).getPropertyValue('--room-color').trim()") != ""
    for page in (lobby, room):
        assert_nothing_ran(page)


def test_the_csp_refuses_inline_script(page_factory, server) -> None:
    # The control for the test above: the policy is enforced, not only sent.
    page = watched(page_factory("/"), server)
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.__inline = true";
        document.body.append(script);
        const div = document.createElement("div");
        div.innerHTML = '<img src="https://elsewhere.invalid/x.png"><style>body { display: none }</style>';
        document.body.append(div);
    }""")
    # A function, not an expression: Playwright evals expressions in the page, which this CSP forbids.
    page.wait_for_function("() => window.__violations.length >= 3")
    assert page.evaluate("window.__inline") is None
    assert page.locator("body").is_visible()
    assert any(v.startswith("style-src-elem") for v in page.evaluate("window.__violations"))
    assert any(v.startswith("script-src") for v in page.evaluate("window.__violations"))
    assert any(v.startswith("img-src") for v in page.evaluate("window.__violations"))


def test_hostile_names_run_nothing_and_show_as_text(page_factory, server) -> None:
    attacker = watched(page_factory("/"), server)
    target = f"Target {uuid.uuid4().hex[:6]}"
    attacker.get_by_label("New room name").fill(target)
    attacker.get_by_role("button", name="Create room").click()
    entry = attacker.locator("#rooms li.room", has_text=target)
    expect(entry).to_be_visible()
    room_id = entry.get_attribute("id")
    victim = watched(page_factory(f"/rooms/{room_id.removeprefix('room-')}"), server)
    names = [clean_name(payload) for payload in PAYLOADS]

    # Each payload as a room name, and as the attacker's own name.
    for payload, name in zip(PAYLOADS, names):
        rooms_before = victim.locator("#rooms li.room").count()
        attacker.get_by_label("New room name").fill(payload)
        attacker.get_by_role("button", name="Create room").click()
        expect(victim.locator("#rooms li.room")).to_have_count(rooms_before + 1)
        expect(victim.locator("#rooms li.room .room-name").last).to_have_text(name)

        attacker.locator("#my-name").fill(payload)
        attacker.locator("#my-name").press("Enter")
        expect(attacker.locator("#my-name")).to_have_value(name)

    # Each payload as the name of the room the victim is in.
    for payload, name in zip(PAYLOADS, names):
        editor = attacker.locator(f"#{room_id}")
        editor.locator("summary").click()
        editor.locator("form.rename-room input[name=name]").fill(payload)
        editor.locator("form.rename-room button").click()
        expect(victim.locator("#room-title")).to_have_text(name)

    # Each payload as a message, sent from the attacker's own page in the room.
    speaker = watched(page_factory(f"/rooms/{room_id.removeprefix('room-')}"), server)
    for count, payload in enumerate(PAYLOADS, start=1):
        speaker.locator("#composer-body").fill(payload)
        speaker.locator("#composer-body").press("Enter")
        expect(victim.locator("#messages article.message")).to_have_count(count)
    bodies = victim.locator("#messages > article.message > p.body").all_text_contents()
    # The renames above are lines in the history too, their names as text.
    renames = victim.locator("#messages > [data-kind=system] > .body").all_text_contents()
    assert renames == [f"renamed the room to “{name}”" for name in names]
    assert [body.strip() for body in bodies] == [payload.strip() for payload in PAYLOADS]

    # A search for each payload echoes it back, as text.
    attacker.get_by_label("Search rooms").fill(PAYLOADS[0] + "no such room")
    expect(attacker.locator("#rooms li.empty")).to_contain_text(PAYLOADS[0] + "no such room")

    markers = ["alert(1)", "hijacked", "hx-", "{{7*7}}", "&lt;script"]
    for page in (victim, attacker, speaker):
        assert_nothing_ran(page)
        assert page.evaluate(UNDISABLED, markers) == []
    shown = victim.locator("#rooms li.room .room-name").all_text_contents()
    assert all(name in shown for name in names)

    # The same, rendered by the server as a whole page.
    victim.reload()
    victim.wait_for_selector("#connection[data-state=open]")
    attacker.reload()
    expect(attacker.locator("#my-name")).to_have_value(names[-1])
    for page in (victim, attacker):
        assert_nothing_ran(page)
        assert page.evaluate(UNDISABLED, markers) == []
    shown = victim.locator("#rooms li.room .room-name").all_text_contents()
    assert all(name in shown for name in names)
    expect(victim.locator("#room-title")).to_have_text(names[-1])
    expect(victim).to_have_title(f"{names[-1]} · Chatboard")
    # The newest page of 50: the last 17 rename lines, then the 33 messages.
    bodies = victim.locator("#messages > article.message > p.body").all_text_contents()
    assert [body.strip() for body in bodies] == [payload.strip() for payload in PAYLOADS]
    renames = victim.locator("#messages > [data-kind=system] > .body").all_text_contents()
    assert renames == [f"renamed the room to “{name}”" for name in names][-(50 - len(PAYLOADS)):]
