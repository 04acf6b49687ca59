"""Snapshots: the board as it is now, shared into the chat as a message.

A snapshot is a message (it counts against the sender's messages, stands in
the history, is deleted like one) of kind "snapshot" with no body, so a search
of bodies finds nothing in it; its picture is the SVG rendered when it was
taken, stored beside it and never changed."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from webapp.chat import drawing, messages
from webapp.chat.errors import ChatError
from webapp.chat.events import MessageCreated, StrokeView
from webapp.db.models import Message, Snapshot


async def share_board(
    session: AsyncSession, *, room_id: int, author_id: int, render: Callable[[list[StrokeView]], str]
) -> MessageCreated:
    """`render` makes the standalone SVG of strokes (the services hold no templates)."""
    created = await messages.send_message(session, room_id=room_id, author_id=author_id, body="", kind="snapshot")
    svg = render(await drawing.board(session, room_id))
    session.add(Snapshot(message_id=created.message.id, room_id=room_id, svg=svg))
    await session.flush()
    return created


async def snapshot_svg(session: AsyncSession, room_id: int, message_id: int) -> str:
    """The stored picture of a snapshot still standing in this room."""
    svg = await session.scalar(
        select(Snapshot.svg)
        .join(Message, Message.id == Snapshot.message_id)
        .where(Snapshot.message_id == message_id, Snapshot.room_id == room_id, Message.deleted_at.is_(None))
    )
    if svg is None:
        raise ChatError("no_such_message", "No such snapshot in this room.")
    return svg
