"""Run a parsed command against the services, inside the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from webapp.chat import messages, rooms, users
from webapp.chat.errors import ChatError
from webapp.chat.events import Event
from webapp.realtime.commands import AnyCommand, CreateRoom, DeleteRoom, RecolorRoom, RenameRoom, RenameUser, SendMessage


@dataclass(frozen=True)
class Caller:
    user_id: int
    room_id: int | None


async def execute(session: AsyncSession, caller: Caller, command: AnyCommand) -> Event:
    match command:
        case CreateRoom(name=name, color=color):
            return await rooms.create_room(session, creator_id=caller.user_id, name=name, color=color)
        case RenameRoom(room=room_id, name=name):
            return await rooms.rename_room(session, room_id, name)
        case RecolorRoom(room=room_id, color=color):
            return await rooms.recolor_room(session, room_id, color)
        case DeleteRoom(room=room_id):
            return await rooms.delete_room(session, room_id)
        case RenameUser(name=name):
            return await users.rename_user(session, caller.user_id, name)
        case SendMessage(body=body, client_id=client_id):
            if caller.room_id is None:
                raise ChatError("no_such_room", "Messages are sent from a room's page.")
            return await messages.send_message(
                session, room_id=caller.room_id, author_id=caller.user_id, body=body, client_id=client_id
            )
    raise AssertionError(f"unhandled command {command!r}")
