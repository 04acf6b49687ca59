"""A connection: its handler reads frames and runs them as commands; its
subscriber's task writes fragments."""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from contextlib import suppress
from urllib.parse import urlsplit

from litestar import WebSocket, websocket
from litestar.datastructures import State
from litestar.exceptions import WebSocketDisconnect
from litestar.params import FromPath

from webapp.chat import messages, presence, users
from webapp.chat.errors import ChatError
from webapp.chat.events import UserView
from webapp.chat.rooms import get_room
from webapp.realtime.actions import Caller, execute
from webapp.realtime.commands import parse
from webapp.realtime.fragments import LOBBY, render_error, render_missed, render_resync, render_users, room_channel, user_channel
from webapp.realtime.subscriber import SocketSubscriber

log = logging.getLogger(__name__)

# Close codes. htmx-ext-ws reconnects after 1006, 1011, 1012 and 1013 only.
TRY_AGAIN_LATER = 1013
FORBIDDEN = 4403
NOT_FOUND = 4404


def origin_allowed(socket: WebSocket, allowed: tuple[str, ...]) -> bool:
    """Only pages of this site (or the allowlist) may open sockets. Browsers always
    send Origin; a client that sends none is not a page of ours."""
    origin = socket.headers.get("origin")
    if origin is None:
        return False
    if origin.rstrip("/") in allowed:
        return True
    return urlsplit(origin).netloc == socket.headers.get("host")


@websocket("/ws")
async def lobby_socket(socket: WebSocket, state: State) -> None:
    await serve(socket, state, room_id=None)


@websocket("/rooms/{room_id:int}/ws")
async def room_socket(socket: WebSocket, state: State, room_id: FromPath[int]) -> None:
    await serve(socket, state, room_id=room_id)


async def serve(socket: WebSocket, state: State, room_id: int | None) -> None:
    if not origin_allowed(socket, state.settings.allowed_origins):
        await socket.close(code=FORBIDDEN, reason="foreign origin")
        return
    user, room_found = await _visitor(socket, state, room_id)
    if not room_found:
        await socket.close(code=NOT_FOUND, reason="no such room")
        return
    if user is None:
        await socket.close(code=FORBIDDEN, reason="no identity")
        return
    if not state.limiter.open_socket(user.id):
        await socket.close(code=FORBIDDEN, reason="too many sockets")
        return
    try:
        await _serve_accepted(socket, state, user, room_id)
    finally:
        state.limiter.close_socket(user.id)


async def _visitor(socket: WebSocket, state: State, room_id: int | None) -> tuple[UserView | None, bool]:
    """The socket's user, and whether its room exists. A function of its own, so
    that its database session is not held as long as the socket is open."""
    async with state.sessions() as session:
        user = await users.get_user(session, socket.session.get("uid", 0))
        try:
            if room_id is not None:
                await get_room(session, room_id)
        except ChatError:
            return user, False
    return user, True


async def _serve_accepted(socket: WebSocket, state: State, user: UserView, room_id: int | None) -> None:
    await socket.accept()
    caller = Caller(user.id, room_id)
    channels = [LOBBY, user_channel(user.id)] + ([room_channel(room_id)] if room_id is not None else [])
    async with state.channels.start_subscription(channels) as subscriber:
        # Subscribed first, caught up second: a message stored in between is both
        # live in the queue and in the replay, never in neither. The sender drops
        # the live copy.
        socket_id = uuid.uuid4().hex
        if room_id is not None:
            await _publish_in_transaction(state, presence.join, socket_id=socket_id, server_id=state.server_id, room_id=room_id, user_id=user.id)
        try:
            replayed_through = await _catch_up(socket, state, room_id) if room_id is not None else None
            async with subscriber.run_in_background(_sender(socket, replayed_through), join=False):
                # Frames are read in the handler's own task: two tasks per socket, this
                # one and the subscriber's sender.
                subscriber.on_overflow = lambda: _drop(socket, subscriber)
                await _read_frames(socket, state, caller, subscriber)
        except WebSocketDisconnect:
            pass  # gone during the catch-up
        finally:
            if room_id is not None:
                await _publish_in_transaction(state, presence.leave, socket_id)


APPENDED = re.compile(rb'<div id="messages" hx-swap-oob="beforeend">')
MESSAGE_ID = re.compile(rb'id="message-(\d+)"')


def _sender(socket: WebSocket, replayed_through: int | None):
    skip_through = replayed_through

    async def send(data: bytes) -> None:
        nonlocal skip_through
        if skip_through is not None and APPENDED.search(data):
            ids = [int(found) for found in MESSAGE_ID.findall(data)]
            if ids and max(ids) <= skip_through:
                return  # already sent in the catch-up
            skip_through = None  # past the catch-up: every later message is new
        # Fragments still queued when the browser goes away have nobody to reach.
        # (uvicorn raises an OSError for a socket it closed itself, on shutdown.)
        try:
            await socket.send_text(data)
        except (WebSocketDisconnect, OSError):
            pass

    return send


async def _publish_in_transaction(state: State, service, *args, **kwargs) -> None:
    async with state.write() as session:
        event = await service(session, *args, **kwargs)
    if event is not None:
        state.fanout.publish(event)


async def _catch_up(socket: WebSocket, state: State, room_id: int) -> int | None:
    """A (re)connected room socket gets what it may have missed while it was not
    subscribed: the whole users list (state), and every message stored after
    `?after=` (the log; the last message its page shows). Missed more than the
    replay limit: the history panel starts over at the newest page. Sent before
    anything live; returns the newest message id sent, for the live duplicates."""
    after = socket.query_params.get("after", "")
    async with state.sessions() as session:
        people = await presence.users_in_room(session, room_id)
        missed = await messages.replay_after(session, room_id, int(after), state.settings.replay_limit) if after.isdigit() else []
        page = await messages.page_before(session, room_id) if missed is None else None
    await socket.send_text(render_users(state.templates, people))
    if page is not None:
        await socket.send_text(render_resync(state.templates, room_id, page))
        return page.messages[-1].id if page.messages else None
    if missed:
        await socket.send_text(render_missed(state.templates, missed))
        return missed[-1].id
    return int(after) if after.isdigit() else None


def _drop(socket: WebSocket, subscriber: SocketSubscriber) -> None:
    """Close a socket whose queue is full with 1013; its reader hears the disconnect
    next. A reader that has stopped reading is cut off without the close frame
    (realtime/protocol.py)."""
    log.info("dropping a socket that fell %d fragments behind", subscriber.qsize)
    task = asyncio.create_task(_close(socket, TRY_AGAIN_LATER, "too far behind"))
    _closing.add(task)
    task.add_done_callback(_closing.discard)


# asyncio holds only weak references to tasks.
_closing: set[asyncio.Task] = set()


async def _close(socket: WebSocket, code: int, reason: str) -> None:
    with suppress(WebSocketDisconnect, OSError):
        await socket.close(code=code, reason=reason)


async def _read_frames(socket: WebSocket, state: State, caller: Caller, subscriber: SocketSubscriber) -> None:
    frames = state.limiter.socket_bucket()
    while True:
        message = await socket.receive()
        if message["type"] == "websocket.disconnect":
            return
        frame = message.get("text") or message.get("bytes") or b""
        try:
            if not frames.take():
                raise ChatError("rate_limited")
            command = parse(frame)
            state.limiter.admit(caller.user_id, command)
            async with state.write() as session:
                await state.limiter.within_caps(session, caller.user_id, command)
                event = await execute(session, caller, command)
            # Published only now, after the commit: what anyone sees is stored.
            state.fanout.publish(event)
        except ChatError as error:
            subscriber.put_nowait(render_error(state.templates, error.code, error.detail).encode())
        except Exception:
            log.exception("frame failed: %.200r", frame)
            subscriber.put_nowait(render_error(state.templates, "bad_data", "That could not be done.").encode())
