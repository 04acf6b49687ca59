"""`/api`: one connection of the statement protocol, its identity and its room.

Who it is: a connection with an `Origin` (a page) passes the Origin check the
other sockets pass, and is the page's identity when its cookie holds one. A
program (no Origin) is a fresh identity per connection, as with the old
server, or the bot of the key it sends (`Authorization: Bearer …`). New
identities count against the address's IDENTITIES_PER_HOUR, as pages do.

A bad call gets an error statement and the connection stays open."""

from __future__ import annotations

import uuid
from contextlib import suppress

from litestar import WebSocket, websocket
from litestar.di import NamedDependency

from webapp.api import calls, encoding
from webapp.chat import bots, drawing, messages, presence, users
from webapp.chat.errors import ChatError
from webapp.chat.events import RoomView, UserView
from webapp.realtime.hub import Connection
from webapp.realtime.protocol import OUTLET, Outlet, text_frame
from webapp.realtime.socket import TRY_AGAIN_LATER, close, drop, host_allowed, origin_allowed, read_frames, refuse
from webapp.services import Services

# Chatboard's error codes, as the protocol names the same refusals; the others
# (rate_limited, not_allowed, no_such_message) keep Chatboard's code.
PROTOCOL_CODES = {
    "no_such_room": "no_specified_room", "room_not_empty": "not_empty_room", "name_too_long": "data_too_long", "name_taken": "bad_data",
}
POLICY_VIOLATION = 1008


@websocket("/api")
async def api_socket(socket: WebSocket, services: NamedDependency[Services]) -> None:
    headers = socket.headers
    if not host_allowed(headers.get("host"), services.settings.hosts()):
        await refuse(socket, 400, "invalid host header")
        return
    origin = headers.get("origin")
    if origin is not None and not origin_allowed(origin, socket.scope["scheme"] == "wss", headers.get("host"), services.settings.allowed_origins):
        await refuse(socket, 403, "this origin may not open sockets here")
        return
    try:
        user, bot_room = await _identity(socket, services, origin is not None)
    except PermissionError as refusal:
        await refuse(socket, 401, str(refusal))
        return
    if services.limiter.full():
        await socket.accept()
        await close(socket, TRY_AGAIN_LATER, "the server is full")
        return
    if user is None:
        # Past the address's new identities for the hour: told why, in the protocol's terms.
        await socket.accept()
        await socket.send_text(encoding.error("rate_limited", users.READ_ONLY))
        await close(socket, POLICY_VIOLATION, "too many new identities from this address")
        return
    if not services.limiter.open_socket(user.id):
        await refuse(socket, 403, "too many sockets for one identity")
        return
    try:
        await Client(socket, services, user, bot_room).serve()
    finally:
        services.limiter.close_socket(user.id)


async def _identity(socket: WebSocket, services: Services, from_page: bool) -> tuple[UserView | None, int | None]:
    """The connection's user (None when the address may make no new identity now),
    and for a bot the one room its key is for."""
    authorization = socket.headers.get("authorization")
    async with services.transaction() as session:
        if authorization is not None:
            scheme, _, key = authorization.partition(" ")
            bot = await bots.authenticate(session, key.strip()) if scheme.lower() == "bearer" else None
            if bot is None:
                raise PermissionError("that is not a bot key, or it was revoked")
            return bot.user, bot.room_id
        if from_page and (user := await users.get_user(session, socket.session.get("uid", 0))) is not None:
            return user, None
        if not services.limiter.identities.admit(socket.client.host if socket.client else ""):
            return None, None
        return await users.create_user(session), None


class Client:
    """One /api connection: who it is, the room it is in, and its subscriptions.
    The room has a hub connection of its own, made anew at each entrance: it
    holds live statements until the history it was sent has been read."""

    def __init__(self, socket: WebSocket, services: Services, user: UserView, bot_room: int | None = None) -> None:
        self.socket = socket
        self.services = services
        self.user = user
        self.bot_room = bot_room  # a bot enters only the room its key is for
        self.room: RoomView | None = None
        self.outlet: Outlet = socket.scope["extensions"][OUTLET]
        self.lobby = Connection(self.outlet)
        self.in_it: Connection | None = None  # subscribed to the room's channel
        self.socket_id = uuid.uuid4().hex  # its presence row, while in a room

    def send(self, statement: str) -> None:
        self.outlet.write(text_frame(statement.encode()))

    def identity(self) -> dict:
        return encoding.user(self.user, self.room.uuid if self.room else None)

    def in_room(self) -> RoomView:
        if self.room is None:
            raise ChatError("no_selected_room", "Enter a room first.")
        return self.room

    async def serve(self) -> None:
        services = self.services
        self.outlet.limit = services.settings.socket_queue_size
        self.outlet.on_overflow = lambda: drop(self.socket)
        await self.socket.accept()
        services.hub.subscribe(self.lobby, [encoding.LOBBY])
        try:
            self.lobby.caught_up(0)
            self.send(encoding.result("user_created", object=self.identity()))
            self.send(await calls.rooms_listed(services))
            await read_frames(self.socket, services, self._run, self._refuse)
        finally:
            services.hub.unsubscribe(self.lobby, [encoding.LOBBY])
            if self.room is not None:
                with suppress(Exception):
                    await self.leave()

    async def enter(self, room: RoomView) -> None:
        services = self.services
        if self.bot_room is not None and room.id != self.bot_room:
            raise ChatError("not_allowed", "A bot's key is for one room.")

        async def move(session):
            left = await presence.leave(session, self.socket_id)
            joined = await presence.join(
                session, socket_id=self.socket_id, server_id=services.server_id, room_id=room.id, user_id=self.user.id
            )
            return [event for event in (left, joined) if event is not None]

        await services.writer.run(move)
        self._unsubscribe()
        services.api.remember([room])
        self.room, self.in_it = room, Connection(self.outlet)
        # Subscribed before the history is read: what is sent in between is held,
        # and dropped if the history already holds it (as room sockets do).
        services.hub.subscribe(self.in_it, [encoding.room_channel(room.id)])
        async with services.sessions() as session:
            through = await messages.last_seq(session, room.id)
            page = await messages.page_before(session, room.id)
            strokes = await drawing.board(session, room.id)
        self.send(encoding.result("room_entered"))
        self.send(encoding.result("messages_listed", list=encoding.messages(page.messages, room.uuid)))
        self.send(encoding.result("drawing_got", object=encoding.drawing(room.uuid, strokes)))
        self.in_it.caught_up(max([through] + [message.seq for message in page.messages]))

    async def leave(self) -> None:
        await self.services.writer.run(lambda session: presence.leave(session, self.socket_id))
        self._unsubscribe()
        self.room = None

    def _unsubscribe(self) -> None:
        if self.in_it is not None and self.room is not None:
            self.services.hub.unsubscribe(self.in_it, [encoding.room_channel(self.room.id)])
        self.in_it = None

    async def _run(self, frame: str) -> None:
        call = calls.parse(frame)
        self.services.limiter.admit(self.user.id, call)
        await calls.run(self, call)

    def _refuse(self, error: ChatError) -> None:
        self.send(encoding.error(PROTOCOL_CODES.get(error.code, error.code), error.detail))
