"""A connection: its handler reads frames and runs them as commands; the hub
writes what it is sent straight into its outlet.

    frame ─▶ commands.parse ─▶ limits ─▶ Writer.run(actions.execute): one commit for the jobs queued together
                                           └─▶ bus ─▶ Hub.deliver ─▶ every subscribed socket's outlet
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from contextlib import suppress
from collections.abc import Awaitable, Callable
from typing import NamedTuple
from urllib.parse import urlsplit

from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect
from litestar.di import NamedDependency
from litestar.params import FromPath

from webapp.chat import messages, presence, reads, rooms, users
from webapp.chat.errors import ChatError
from webapp.chat.events import UserView
from webapp.db.models import MAX_ID
from webapp.realtime.actions import Caller, execute
from webapp.realtime.commands import Cursor, Typing, parse
from webapp.realtime.fragments import LOBBY, room_channel, user_channel
from webapp.realtime.hub import Connection
from webapp.realtime.protocol import OUTLET, Outlet, text_frame
from webapp.realtime.typing import Throttle
from webapp.services import Services

log = logging.getLogger(__name__)

# htmx-ext-ws reconnects after 1006, 1011, 1012 and 1013 only.
TRY_AGAIN_LATER = 1013


DEFAULT_PORTS = {"http": 80, "https": 443}


def host_allowed(host: str | None, hosts: list[str]) -> bool:
    """The Host header against Settings.hosts(), as Litestar's allowed hosts match it for pages."""
    host = (host or "").lower()
    return any(
        allowed == "*" or host == allowed or (allowed.startswith("*.") and host.endswith(allowed[1:]))
        for allowed in hosts
    )


def _origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin, the default port filled in; None for what is not one."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or "@" in parts.netloc or parts.path not in {"", "/"} or parts.query or parts.fragment:
        return None
    return parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme]


def origin_allowed(origin: str | None, secure: bool, host: str | None, allowed: tuple[str, ...]) -> bool:
    """Only pages of this site (or the allowlist) may open sockets: the Origin's
    scheme, host and port are the page's own (ws: is http:, wss: is https:).
    Browsers always send Origin; a client that sends none is not a page of ours."""
    theirs = _origin(origin) if origin else None
    if theirs is None:
        return False
    own = _origin(f"{'https' if secure else 'http'}://{host}") if host else None
    return theirs == own or theirs in {_origin(url) for url in allowed}


class Since(NamedTuple):
    """What a reconnecting room socket says it holds: `?seq=` and, from older pages, `?after=`."""

    seq: int | None
    after: int | None


def _sequence(value: str | None) -> int | None:
    """A sequence number or message id from the query (None when absent): ASCII digits, 64-bit."""
    if value is None:
        return None
    if not (value.isascii() and value.isdigit() and len(value) <= 19 and int(value) <= MAX_ID):
        raise ValueError(f"seq and after are whole numbers from 0 to {MAX_ID}")
    return int(value)


@websocket("/ws")
async def lobby_socket(socket: WebSocket, services: NamedDependency[Services]) -> None:
    await serve(socket, services, room_id=None)


@websocket("/rooms/{room_id:int}/ws")
async def room_socket(socket: WebSocket, services: NamedDependency[Services], room_id: FromPath[int]) -> None:
    await serve(socket, services, room_id=room_id)


async def serve(socket: WebSocket, services: Services, room_id: int | None) -> None:
    # Refused before the handshake: the client sees an HTTP 403 (or 400, 404).
    headers = socket.headers
    if not host_allowed(headers.get("host"), services.settings.hosts()):
        await refuse(socket, 400, "invalid host header")
        return
    if not origin_allowed(headers.get("origin"), socket.scope["scheme"] == "wss", headers.get("host"), services.settings.allowed_origins):
        await socket.close()
        return
    try:
        since = Since(_sequence(socket.query_params.get("seq")), _sequence(socket.query_params.get("after")))
    except ValueError as error:
        await refuse(socket, 400, str(error))
        return
    user, room_found = await _visitor(socket, services, room_id)
    if not room_found:
        await refuse(socket, 404, "no such room")
        return
    if services.limiter.full():
        # Accepted to be closed at once with 1013: htmx-ext-ws tries again later, with back-off.
        await socket.accept()
        await close(socket, TRY_AGAIN_LATER, "the server is full")
        return
    # A read-only visitor's sockets are counted by address: they have no identity.
    if user is None and socket.session.get("reader"):
        user, key = users.READER, f"reader {socket.client.host if socket.client else ''}"
    else:
        key = user.id if user else 0
    if user is None or not services.limiter.open_socket(key):
        await socket.close()
        return
    try:
        await _serve_accepted(socket, services, user, room_id, since)
    finally:
        services.limiter.close_socket(key)


async def refuse(socket: WebSocket, status: int, reason: str) -> None:
    """An HTTP answer to the handshake (the ASGI websocket denial response)."""
    await socket.send({"type": "websocket.http.response.start", "status": status, "headers": [(b"content-type", b"text/plain")]})
    await socket.send({"type": "websocket.http.response.body", "body": reason.encode()})


async def _visitor(socket: WebSocket, services: Services, room_id: int | None) -> tuple[UserView | None, bool]:
    """The socket's user, and whether its room exists. A function of its own, so
    that its database session is not held as long as the socket is open."""
    async with services.sessions() as session:
        user = await users.get_user(session, socket.session.get("uid", 0))
        found = room_id is None or await rooms.exists(session, room_id)
    return user, found


async def _serve_accepted(socket: WebSocket, services: Services, user: UserView, room_id: int | None, since: Since) -> None:
    outlet: Outlet = socket.scope["extensions"][OUTLET]
    outlet.limit = services.settings.socket_queue_size
    outlet.on_overflow = lambda: drop(socket)
    await socket.accept()
    connection = Connection(outlet)
    channels = [LOBBY, user_channel(user.id)] + ([room_channel(room_id)] if room_id is not None else [])
    # Subscribed first, caught up second: a change stored in between is both
    # held for the socket and in the catch-up, never in neither. The connection
    # drops the held copy.
    services.hub.subscribe(connection, channels)
    services.unread.connected(user.id)
    socket_id = uuid.uuid4().hex
    if room_id is not None and user is not users.READER:
        services.cursors.entered(room_id, user)

    async def join(session):
        # Among the room's people from now on: it counts their unread messages, its messages can name them.
        await reads.enter(session, user.id, room_id)
        return await presence.join(session, socket_id=socket_id, server_id=services.server_id, room_id=room_id, user_id=user.id)

    try:
        if room_id is not None:
            if user is not users.READER:  # a reader reads, unlisted
                await services.writer.run(join)
            connection.caught_up(await _catch_up(services, outlet, room_id, user, since))
        else:
            connection.caught_up(0)
        await _read_frames(socket, services, Caller(user.id, room_id), outlet)
    finally:
        services.hub.unsubscribe(connection, channels)
        services.unread.disconnected(user.id)
        if room_id is not None and user is not users.READER:
            services.cursors.left(room_id, user.id)
        if room_id is not None:
            with suppress(Exception):
                await services.writer.run(lambda session: presence.leave(session, socket_id))


async def _catch_up(services: Services, outlet: Outlet, room_id: int, user: UserView, since: Since) -> int:
    """A (re)connected room socket gets what it may have missed while it was not
    subscribed: the whole users list and board (state), and the room's changes after the
    last its page holds (the log: `?seq=`; or, from a page that does not know
    sequence numbers, every message after `?after=`). Missed more than the
    replay limit: the history panel starts over at the newest page.

    Returns the sequence number caught up to, the newest that the read saw:
    changes take their numbers in commit order, so what the read did not see
    comes later, live. The connection drops held changes up to it."""
    fragments, limit = services.fragments, services.settings.replay_limit
    seq, after = since
    async with services.sessions() as session:
        if seq is not None:
            missed = await messages.changes_after(session, room_id, seq, limit)
            through = seq
            if after is None:
                # Which missed messages the page holds (replaced) and which are new to it (appended).
                after = await messages.last_id_through(session, room_id, seq)
        elif after is not None:
            missed = await messages.replay_after(session, room_id, after, limit)
            through = await messages.seq_of(session, room_id, after)
        else:
            missed, through = [], await messages.last_seq(session, room_id)
        page = await messages.page_before(session, room_id) if missed is None else None
    users_lists = services.coalescer.users_lists
    people = await users_lists.get(room_id)
    if user is not users.READER and not users_lists.lists(room_id, user.id):
        # Its own entrance waits for the coalescer's next flush; the page sees itself now.
        people += fragments.presence([(user, True)])
    outlet.write(text_frame((people + await services.boards.get(room_id)).encode()))
    if page is not None:
        through = max((message.seq for message in page.messages), default=through)
        outlet.write(text_frame(fragments.resync(room_id, page, through).encode()))
    elif missed:
        through = max(through, missed[-1].seq)
        outlet.write(text_frame(fragments.missed(missed, after or 0).encode()))
    return through


def drop(socket: WebSocket) -> None:
    """Close a socket that fell too far behind with 1013; its reader hears the
    disconnect next. A reader that has stopped reading is cut off without the
    close frame (realtime/protocol.py)."""
    log.info("dropping a socket that fell %d fragments behind", socket.scope["extensions"][OUTLET].limit)
    task = asyncio.create_task(close(socket, TRY_AGAIN_LATER, "too far behind"))
    _closing.add(task)
    task.add_done_callback(_closing.discard)


# asyncio holds only weak references to tasks.
_closing: set[asyncio.Task] = set()


async def close(socket: WebSocket, code: int, reason: str) -> None:
    with suppress(WebSocketDisconnect, OSError):
        await socket.close(code=code, reason=reason)


async def _read_frames(socket: WebSocket, services: Services, caller: Caller, outlet: Outlet) -> None:
    typing = Throttle()

    async def run(frame: str) -> None:
        if caller.user_id == users.READER.id:
            raise ChatError("rate_limited", users.READ_ONLY)
        command = parse(frame)
        if isinstance(command, Typing) and not typing.allow():
            return  # typing more often than shown: nothing to say
        services.limiter.admit(caller.user_id, command)
        if isinstance(command, Cursor):
            if caller.room_id is None:
                raise ChatError("no_such_room", "Cursors move over a room's board.")
            services.cursors.moved(caller.room_id, caller.user_id, command.x, command.y)
            return
        # Answered after the commit; the hub has delivered the change by then.
        await services.writer.run(lambda session: execute(session, caller, command, services.settings, services.fragments.board_svg))

    def refuse(error: ChatError) -> None:
        outlet.write(text_frame(services.fragments.error(error.code, error.detail).encode()))

    await read_frames(socket, services, run, refuse)


async def read_frames(socket: WebSocket, services: Services, run: Callable[[str], Awaitable[None]], refuse: Callable[[ChatError], None]) -> None:
    """Run each text frame until the socket closes, each spending from the socket's
    frame budget first. What is refused, or fails, is answered by `refuse`; the socket stays."""
    frames = services.limiter.socket_bucket()
    while True:
        message = await socket.receive()
        if message["type"] == "websocket.disconnect":
            return
        frame = message.get("text")
        try:
            if not frames.take():
                raise ChatError("rate_limited")
            if frame is None:
                raise ChatError("bad_data", "A frame is text: one JSON object.")
            await run(frame)
        except ChatError as error:
            refuse(error)
        except Exception:
            log.exception("frame failed: %.200r", frame or message.get("bytes"))
            refuse(ChatError("bad_data", "That could not be done."))
