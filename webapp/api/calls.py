"""The statement protocol's calls: each a typed value decoded from a frame
(its `message` names it), run against Chatboard's services.

What a call changes reaches its audience through the bus and the hub, as any
change does (encoding.py, rooms_changed.py); what only the caller gets is sent
here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, ClassVar, Literal
from uuid import UUID

import msgspec

from webapp.api import encoding
from webapp.chat import drawing, messages, moderation, presence, rooms, users
from webapp.chat.drawing import MAX_POINTS
from webapp.chat.errors import ChatError
from webapp.realtime.commands import Budget, Short, decode
from webapp.services import Services

if TYPE_CHECKING:
    from webapp.api.connection import Client


class Call(msgspec.Struct, tag_field="message", frozen=True):
    budget: ClassVar[Budget] = None


class CreateRoom(Call, tag="create_room"):
    budget = "rooms"
    name: Short | None = None
    color: Short | None = None


class DeleteRoom(Call, tag="delete_room"):
    budget = "edits"
    uuid: Short


class ListRooms(Call, tag="list_rooms"):
    pass


class EnterRoom(Call, tag="enter_room"):
    uuid: Short


class LeaveRoom(Call, tag="leave_room"):
    pass


class ChangeName(Call, tag="change_name"):
    """The room's name."""

    budget = "edits"
    uuid: Short
    name: Short


class ChangeColor(Call, tag="change_color"):
    budget = "edits"
    uuid: Short
    color: Short


class ChangeUserName(Call, tag="change_user_name"):
    budget = "edits"
    name: Short


class CreateMessage(Call, tag="create_message"):
    budget = "messages"
    body: str  # bounded by the domain (messages.clean_body) and the frame


class ListMessages(Call, tag="list_messages"):
    before: Short | None = None  # a message's uuid: the page older than it


class ChangeDrawLine(Call, tag="change_draw_line"):
    budget = "draws"
    uuid: UUID
    points: Annotated[list[float], msgspec.Meta(max_length=2 * MAX_POINTS)]
    color: Short
    tool: Short


class GetDrawing(Call, tag="get_drawing"):
    pass


class ResetDrawing(Call, tag="reset_drawing"):
    budget = "edits"


AnyCall = (
    CreateRoom | DeleteRoom | ListRooms | EnterRoom | LeaveRoom | ChangeName | ChangeColor | ChangeUserName | CreateMessage
    | ListMessages | ChangeDrawLine | GetDrawing | ResetDrawing
)


class Statement(msgspec.Struct, frozen=True):
    type: Literal["call"]
    payload: AnyCall


_decoder = msgspec.json.Decoder(Statement)
# The longest statement the old protocol takes.
MAX_CHARACTERS = 100_000


def parse(frame: str) -> AnyCall:
    if len(frame) > MAX_CHARACTERS:
        raise ChatError("data_too_long", f"A statement is at most {MAX_CHARACTERS:,} characters.")
    return decode(_decoder, frame).payload


async def rooms_listed(services: Services) -> str:
    async with services.sessions() as session:
        views, _ = await rooms.list_rooms(session)
        people = await presence.users_in_rooms(session, [view.id for view in views])
    services.api.remember(views)
    return encoding.result("rooms_listed", list=[encoding.room(view, people.get(view.id, [])) for view in views])


async def _room(services: Services, uuid: str) -> rooms.RoomView:
    async with services.sessions() as session:
        return await rooms.by_uuid(session, uuid)


async def run(client: Client, call: AnyCall) -> None:
    services, me = client.services, client.user.id
    settings = services.settings

    async def write(act):
        # A muted identity reads and cannot write, here as on the page sockets.
        async def unless_muted(session):
            await moderation.refuse_muted(session, me, enabled=bool(settings.moderator_key))
            return await act(session)

        return await services.writer.run(unless_muted)

    match call:
        case ListRooms():
            client.send(await rooms_listed(services))
        case CreateRoom(name=name, color=color):
            await write(
                lambda session: rooms.create_room(session, creator_id=me, name=name, color=color, per_hour=settings.rooms_per_hour)
            )
        case DeleteRoom(uuid=uuid):
            room = await _room(services, uuid)
            await write(lambda session: rooms.delete_room(session, room.id, by=me))
        case EnterRoom(uuid=uuid):
            await client.enter(await _room(services, uuid))
        case LeaveRoom():
            client.in_room()
            await client.leave()
            client.send(encoding.result("room_left"))
        case ChangeName(uuid=uuid, name=name):
            room = await _room(services, uuid)
            await write(lambda session: rooms.rename_room(session, room.id, name, by=me))
        case ChangeColor(uuid=uuid, color=color):
            room = await _room(services, uuid)
            await write(lambda session: rooms.recolor_room(session, room.id, color, by=me))
        case ChangeUserName(name=name):
            renamed = await write(lambda session: users.rename_user(session, me, name))
            client.user = renamed.user
            client.send(encoding.result("user_changed", object=client.identity()))
        case CreateMessage(body=body):
            room = client.in_room()
            await write(lambda session: messages.send_message(session, room_id=room.id, author_id=me, body=body))
        case ListMessages(before=before):
            client.send(await messages_listed(services, client.in_room(), before))
        case GetDrawing():
            client.send(await drawing_got(services, client.in_room()))
        case ChangeDrawLine(uuid=uuid, points=points, color=color, tool=tool):
            room = client.in_room()
            await write(
                lambda session: drawing.draw(
                    session, room_id=room.id, author_id=me, stroke_id=str(uuid), points=encoding.to_board(points),
                    color=encoding.pen_color(color), tool=tool, width=encoding.board_width(tool), done=True,
                )
            )
        case ResetDrawing():
            room = client.in_room()
            await write(lambda session: drawing.reset(session, room_id=room.id))


async def messages_listed(services: Services, room: rooms.RoomView, before: str | None = None) -> str:
    """A page of the room's history, oldest first: the newest, or the one older than `before`."""
    async with services.sessions() as session:
        before_id = await messages.id_by_uuid(session, room.id, before) if before else None
        page = await messages.page_before(session, room.id, before_id)
    return encoding.result("messages_listed", list=encoding.messages(page.messages, room.uuid))


async def drawing_got(services: Services, room: rooms.RoomView) -> str:
    async with services.sessions() as session:
        strokes = await drawing.board(session, room.id)
    return encoding.result("drawing_got", object=encoding.drawing(room.uuid, strokes))
