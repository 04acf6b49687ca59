"""Pages and the fragments that HTTP serves."""

from __future__ import annotations

from typing import Annotated

from litestar import MediaType, Response, get, head
from litestar.datastructures import Cookie
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Template
from litestar_htmx import HTMXRequest
from sqlalchemy import text

from webapp.chat import bots, drawing, messages, moderation, reads, rooms, snapshots
from webapp.chat.errors import ChatError
from webapp.chat.events import UserView
from webapp.db.models import MAX_ID
from webapp.services import Services
from webapp.web.identity import current_user

identified = {"me": Provide(current_user)}


# The lobby's order, remembered: the sort toggle's choice, sent once, kept in this cookie.
SORT_COOKIE = "chatboard_sort"


async def _room_list(services: Services, search: str, me: UserView | None = None, order: str = "active") -> dict:
    """The room list, with the reader's unread state in each entry (the page is theirs alone)."""
    async with services.sessions() as session:
        room_views, total = await rooms.list_rooms(session, search, order)
        unread = (await reads.unread(session, users=[me.id])).get(me.id, []) if me and me.id else []
    return {
        "rooms": room_views, "total": total, "search": search, "order": order,
        "unread": {state.room_id: state for state in unread},
    }


# What the lobby says when a page is sent to it (`?notice=`): known words only, never the query's text.
NOTICES = {"room_closed": "A moderator closed the room you were in."}


@get("/", dependencies=identified)
async def lobby(
    request: HTMXRequest, services: NamedDependency[Services], me: NamedDependency[UserView], q: FromQuery[str] = "",
    sort: FromQuery[str | None] = None,
    notice: FromQuery[str] = "",
) -> Template:
    order = sort if sort in rooms.ORDERS else request.cookies.get(SORT_COOKIE)
    order = order if order in rooms.ORDERS else rooms.ORDERS[0]
    context = await _room_list(services, q, me, order)
    cookies = [Cookie(SORT_COOKIE, order, max_age=31536000, samesite="lax", httponly=True)] if sort in rooms.ORDERS else []
    if request.htmx:
        # The search box and the sort toggle ask for the list alone.
        return Template("fragments/rooms.html", context=context, cookies=cookies)
    async with services.sessions() as session:
        deleted = await rooms.recently_deleted(session, me.id)
        moderators = await moderation.moderator_ids(session, enabled=bool(services.settings.moderator_key))
    return Template(
        "pages/lobby.html",
        context={
            **context, "me": me, "socket_url": "/ws", "deleted": deleted, "moderators": moderators,
            "notice": NOTICES.get(notice),
        },
        cookies=cookies,
    )


@head("/", media_type=MediaType.HTML)
async def lobby_head() -> None:
    """A HEAD of the lobby (uptime checks): 200, and no identity made for it."""


@get("/rooms/{room_id:int}", dependencies=identified)
async def room_page(
    services: NamedDependency[Services],
    me: NamedDependency[UserView],
    room_id: FromPath[int],
    # A permalink: the page opens at this message, older pages above, newer below.
    message: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
) -> Template:
    async with services.sessions() as session:
        room = await rooms.get_room(session, room_id)
        # Read before the page: the socket asks for the changes after it, so one
        # committed in between is replayed rather than missed.
        seq = await messages.last_seq(session, room_id)
        newest = await messages.page_before(session, room_id, None if message is None else message + 1)
        below = await messages.page_after(session, room_id, message) if message is not None else None
        bot_keys = await bots.keys_made_by(session, room_id, me.id)
        moderators = await moderation.moderator_ids(session, enabled=bool(services.settings.moderator_key))
        read = await reads.position(session, me.id, room_id) if me.id else None
    context = await _room_list(services, "", me)
    shown = newest.messages + (below.messages if below else [])
    # The "New" marker: before the first message of someone else's after the reader's read position.
    first_unread = next(
        (m.id for m in shown if read is not None and m.id > read and m.author.id != me.id and m.kind == "text"), 0
    )
    return Template(
        "pages/room.html",
        context={
            **context,
            "room": room,
            "me": me,
            "socket_url": f"/rooms/{room_id}/ws",
            "messages": shown,
            "first_unread": first_unread,
            "notify": context["unread"][room_id].notify if room_id in context["unread"] else "mentions",
            "more": newest.more,
            "newer": below.more if below else False,
            "current_id": message or 0,
            "seq": seq,
            "moderators": moderators,
            # The users and the board come over the socket as it opens, from
            # renders kept until they change (realtime/coalesce.py, realtime/boards.py):
            # a crowd entering costs no users list rendered per page.
            "users": [],
            "strokes": [],
            "bot_keys": bot_keys,
        },
    )


@get("/rooms/{room_id:int}/messages")
async def history(
    services: NamedDependency[Services],
    room_id: FromPath[int],
    # Ids are 64-bit: a larger number is a 400, not a driver's overflow.
    before: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
    after: Annotated[int | None, QueryParameter(ge=0, le=MAX_ID)] = None,
) -> Template:
    """A page of older messages (`before`), oldest first, for scrolling back; or
    of newer ones (`after`), for scrolling down from a permalink."""
    async with services.sessions() as session:
        await rooms.get_room(session, room_id)
        if after is not None:
            page = await messages.page_after(session, room_id, after)
            context = {"messages": page.messages, "more": False, "newer": page.more}
        else:
            page = await messages.page_before(session, room_id, before)
            context = {"messages": page.messages, "more": page.more, "newer": False}
    return Template("fragments/history.html", context={**context, "room_id": room_id})


@get("/rooms/{room_id:int}/board.svg", cache=False)
async def board_svg(services: NamedDependency[Services], room_id: FromPath[int]) -> Response:
    """The board as a standalone SVG file, to download."""
    async with services.sessions() as session:
        await rooms.get_room(session, room_id)
        strokes = await drawing.board(session, room_id)
    svg = services.fragments.board_svg(strokes)
    return Response(
        svg,
        media_type="image/svg+xml",
        headers={"Content-Disposition": f'attachment; filename="board-{room_id}.svg"'},
    )


# A snapshot is drawn by people: as its own document it may hold no script and
# load nothing, whatever it holds (its styles are attributes).
SNAPSHOT_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'", "X-Content-Type-Options": "nosniff"}


@get("/rooms/{room_id:int}/snapshots/{name:str}")
async def snapshot(services: NamedDependency[Services], room_id: FromPath[int], name: FromPath[str]) -> Response:
    """A snapshot's picture (`{message_id}.svg`), as stored when it was shared."""
    number = name.removesuffix(".svg")
    if not (name.endswith(".svg") and number.isascii() and number.isdigit() and int(number) <= MAX_ID):
        raise NotFoundException()
    async with services.sessions() as session:
        try:
            svg = await snapshots.snapshot_svg(session, room_id, int(number))
        except ChatError:
            raise NotFoundException() from None
    return Response(svg, media_type="image/svg+xml", headers=SNAPSHOT_HEADERS)


@get("/info", dependencies=identified)
async def info(me: NamedDependency[UserView]) -> Template:
    return Template("pages/info.html", context={"me": me, "socket_url": None})


async def _database_answers(services: Services) -> bool:
    try:
        async with services.sessions() as session:
            await session.execute(text("SELECT 1"))
    except Exception:
        return False
    return True


@get("/healthz", cache=False)
async def healthz(services: NamedDependency[Services]) -> Response:
    if not await _database_answers(services):
        return Response({"status": "unavailable"}, status_code=503)
    return Response({"status": "ok"})


@head("/healthz", media_type=MediaType.JSON)
async def healthz_head(services: NamedDependency[Services]) -> Response[None]:
    return Response(None, status_code=200 if await _database_answers(services) else 503)
