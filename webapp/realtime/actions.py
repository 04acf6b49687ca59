"""Run a parsed command against the services, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from webapp.chat import drawing, message_actions, messages, moderation, reads, rooms, snapshots, users
from webapp.chat.errors import ChatError
from webapp.chat.events import Event, StrokeView, UserTyping
from webapp.settings import Settings
from webapp.realtime.commands import (
    AnyCommand, CreateRoom, DeleteMessage, DeleteRoom, Draw, EditMessage, MarkRead, MuteUser, React, RecolorRoom, RedoStroke,
    RenameRoom, RenameUser, ResetDrawing, RestoreRoom, SendMessage, SetNotify, ShareBoard, Typing, UndoStroke, UnmuteUser,
)


@dataclass(frozen=True)
class Caller:
    user_id: int
    room_id: int | None


async def execute(
    session: AsyncSession, caller: Caller, command: AnyCommand, settings: Settings,
    render_board: Callable[[list[StrokeView]], str] | None = None,
) -> Event | list[Event]:
    """`render_board`: the standalone SVG of a board, for a snapshot (socket callers give it)."""
    # Read in the command's own transaction: a mute or a moderator's role counts
    # from the next action on, on every socket and process.
    # A send reads its author's mute with its other reads (messages.send_message).
    if isinstance(command, SendMessage):
        standing = moderation.NOBODY
    else:
        standing = await moderation.standing(session, caller.user_id, enabled=bool(settings.moderator_key))
    moderation.refuse_if_muted(standing)
    match command:
        case CreateRoom(name=name, color=color):
            return await rooms.create_room(
                session, creator_id=caller.user_id, name=name, color=color, per_hour=settings.rooms_per_hour
            )
        case RenameRoom(room=room_id, name=name):
            return await rooms.rename_room(session, room_id, name, by=caller.user_id)
        case RecolorRoom(room=room_id, color=color):
            return await rooms.recolor_room(session, room_id, color, by=caller.user_id)
        case DeleteRoom(room=room_id):
            if standing.moderator:
                return await moderation.close_room(session, moderator_id=caller.user_id, room_id=room_id)
            return await rooms.delete_room(session, room_id, by=caller.user_id)
        case RestoreRoom(room=room_id):
            return await rooms.restore_room(session, room_id, by=caller.user_id)
        case RenameUser(name=name):
            return await users.rename_user(session, caller.user_id, name)
        case SendMessage(body=body, client_id=client_id, reply_to=reply_to):
            if caller.room_id is None:
                raise ChatError("no_such_room", "Messages are sent from a room's page.")
            return await messages.send_message(
                session, room_id=caller.room_id, author_id=caller.user_id, body=body, client_id=client_id,
                reply_to=reply_to,
            )
        case EditMessage(message=message_id, body=body):
            return await message_actions.edit_message(
                session, room_id=_room(caller), user_id=caller.user_id, message_id=message_id, body=body
            )
        case DeleteMessage(message=message_id):
            if standing.moderator:
                return await moderation.delete_message(
                    session, moderator_id=caller.user_id, room_id=_room(caller), message_id=message_id
                )
            return await message_actions.delete_message(
                session, room_id=_room(caller), user_id=caller.user_id, message_id=message_id
            )
        case React(message=message_id, emoji=emoji):
            return await message_actions.react(
                session, room_id=_room(caller), user_id=caller.user_id, message_id=message_id, emoji=emoji
            )
        case MuteUser(user=user_id, minutes=minutes):
            moderation.require_moderator(standing)
            return await moderation.mute_user(
                session, moderator_id=caller.user_id, room_id=caller.room_id, user_id=user_id, minutes=minutes
            )
        case UnmuteUser(user=user_id):
            moderation.require_moderator(standing)
            return await moderation.unmute_user(session, moderator_id=caller.user_id, room_id=caller.room_id, user_id=user_id)
        case Draw():
            return await drawing.draw(
                session, room_id=_room(caller), author_id=caller.user_id, stroke_id=str(command.stroke),
                points=command.points, color=command.color, tool=command.tool, width=command.width, done=command.done,
                text=command.text,
            )
        case UndoStroke():
            return await drawing.undo(session, room_id=_room(caller), author_id=caller.user_id)
        case RedoStroke():
            return await drawing.redo(session, room_id=_room(caller), author_id=caller.user_id)
        case ShareBoard() if render_board is not None:
            return await snapshots.share_board(session, room_id=_room(caller), author_id=caller.user_id, render=render_board)
        case ResetDrawing():
            return await drawing.reset(session, room_id=_room(caller))
        case MarkRead(room=room_id, message=message_id):
            return await reads.mark_read(session, user_id=caller.user_id, room_id=room_id, message_id=message_id)
        case SetNotify(room=room_id, level=level):
            return await reads.set_notify(session, user_id=caller.user_id, room_id=room_id, level=level)
        case Typing():
            # Nothing stored: an event for the others in the room, through the bus like the rest.
            return UserTyping(_room(caller), await users.get_user(session, caller.user_id))
    raise AssertionError(f"unhandled command {command!r}")


def _room(caller: Caller) -> int:
    """The board and the history are the socket's room's; the lobby socket has none."""
    if caller.room_id is None:
        raise ChatError("no_such_room", "That happens in a room.")
    return caller.room_id
