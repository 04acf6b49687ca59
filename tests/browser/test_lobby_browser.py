"""Two people in two browsers on the lobby: one changes rooms, the other sees it live."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect

from tests.browser.tap import SocketTap


def test_a_room_created_and_renamed_in_one_browser_shows_in_the_other(page_factory, artifacts) -> None:
    alice, bob = page_factory("/"), page_factory("/")
    assert alice.locator("#my-name").input_value() != bob.locator("#my-name").input_value()
    name = f"Picnic {uuid.uuid4().hex[:5]}"

    alice.get_by_label("New room name").fill(name)
    alice.get_by_role("button", name="Create room").click()
    on_bob = bob.locator("#rooms li.room", has_text=name)
    expect(on_bob).to_be_visible()
    expect(alice.get_by_label("New room name")).to_have_value("")
    room_id = on_bob.get_attribute("id")

    entry = alice.locator(f"#{room_id}")
    entry.locator("summary").click()
    entry.get_by_label(f"New name for room {name}").fill(f"{name} II")
    entry.get_by_role("button", name="Rename").click()
    expect(bob.locator(f"#{room_id} .room-name")).to_have_text(f"{name} II")

    entry = alice.locator(f"#{room_id}")
    entry.locator("summary").click()
    entry.locator("label.color-choice").nth(5).click()
    expect(bob.locator(f"#{room_id}")).to_have_attribute("style", "--room-color: #2b347e")

    bob.screenshot(path=artifacts / "lobby-two-browsers.png")
    assert alice.errors == [] and bob.errors == []


def test_the_identity_survives_a_reload_and_the_name_can_be_changed(page_factory) -> None:
    page = page_factory("/")
    first = page.locator("#my-name").input_value()
    page.reload()
    expect(page.locator("#my-name")).to_have_value(first)

    # Not a name the generator makes: that one may be another identity's (name_taken).
    wanted = f"Velvet Heron {uuid.uuid4().hex[:6]}"
    page.locator("#my-name").fill(wanted)
    page.locator("#my-name").press("Enter")
    expect(page.locator("#my-name")).to_have_attribute("value", wanted)
    page.reload()
    expect(page.locator("#my-name")).to_have_value(wanted)


def test_search_filters_the_rooms_on_the_server(page_factory) -> None:
    page = page_factory("/")
    tag = uuid.uuid4().hex[:6]
    for name in (f"Alpha {tag}", f"Beta {tag}"):
        page.get_by_label("New room name").fill(name)
        page.get_by_role("button", name="Create room").click()
        expect(page.locator("#rooms li.room", has_text=name)).to_be_visible()

    page.get_by_label("Search rooms").fill(f"BETA {tag}")
    expect(page.locator("#rooms li.room")).to_have_count(1)
    expect(page.locator("#rooms li.room .room-name")).to_have_text(f"Beta {tag}")


def test_room_changes_missed_while_offline_show_after_the_reconnect(page_factory) -> None:
    alice, bob = page_factory("/"), page_factory()
    tap = SocketTap(bob)
    bob.goto("/")
    bob.wait_for_selector("#connection[data-state=open]")
    tap.asleep = True
    name = f"Missed {uuid.uuid4().hex[:5]}"
    alice.get_by_label("New room name").fill(name)
    alice.get_by_role("button", name="Create room").click()
    expect(alice.locator("#rooms li.room", has_text=name)).to_be_visible()
    bob.wait_for_timeout(300)
    expect(bob.locator("#rooms li.room", has_text=name)).to_have_count(0)

    tap.drop()
    expect(bob.locator("#rooms li.room", has_text=name)).to_be_visible(timeout=15000)
    assert len(tap.routes) == 2


def test_deleting_a_room_asks_first_and_a_no_keeps_it(page_factory) -> None:
    alice, bob = page_factory("/"), page_factory("/")
    name = f"Keep {uuid.uuid4().hex[:5]}"
    alice.get_by_label("New room name").fill(name)
    alice.get_by_role("button", name="Create room").click()
    on_bob = bob.locator("#rooms li.room", has_text=name)
    expect(on_bob).to_be_visible()
    entry = alice.locator("#rooms li.room", has_text=name)
    questions: list[str] = []

    def answer(accept: bool):
        def handle(dialog) -> None:
            questions.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()
        return handle

    alice.once("dialog", answer(False))
    entry.locator("summary").click()
    entry.get_by_role("button", name="Delete room").click()
    assert questions == ["Delete this room?"]
    bob.wait_for_timeout(500)
    expect(on_bob).to_be_visible()  # a no sends nothing

    alice.once("dialog", answer(True))
    if not entry.locator("details.room-edit").evaluate("el => el.open"):
        entry.locator("summary").click()
    entry.get_by_role("button", name="Delete room").click()
    expect(on_bob).to_have_count(0)
    assert len(questions) == 2 and alice.errors == [] and bob.errors == []


def test_a_room_renamed_live_renames_its_pages_tab(page_factory, database_url) -> None:
    from tests.browser.test_chat import seed_room

    room_id = seed_room(database_url)
    inside, lobby = page_factory(f"/rooms/{room_id}"), page_factory("/")
    before = inside.title()
    entry = lobby.locator(f"#room-{room_id}")
    entry.locator("summary").click()
    entry.get_by_label("New name for room", exact=False).fill("Renamed live")
    entry.get_by_role("button", name="Rename").click()
    expect(inside.locator("#room-title")).to_have_text("Renamed live")
    expect(inside).to_have_title("Renamed live · Chatboard")
    assert before != inside.title() and inside.errors == [] and lobby.errors == []


def test_a_refused_rename_puts_the_current_name_back(page_factory) -> None:
    page = page_factory("/")
    name = page.locator("#my-name").input_value()
    page.locator("#my-name").fill("   ")
    page.locator("#my-name").press("Enter")
    expect(page.locator("#errors .error")).to_be_visible()
    expect(page.locator("#my-name")).to_have_value(name)
    # A rename that works keeps the new name, reloaded too.
    # The name is this test's own: a generated one may be another identity's (name_taken).
    wanted = f"Quiet Lynx {uuid.uuid4().hex[:6]}"
    page.locator("#my-name").fill(wanted)
    page.locator("#my-name").press("Enter")
    # The server's re-rendered field carries the name it stored.
    expect(page.locator("#my-name")).to_have_attribute("value", wanted)
    page.reload()
    expect(page.locator("#my-name")).to_have_value(wanted)
    assert page.errors == []
