"""What people do to messages already sent: edit, delete, react.

Each is a change to the room's history: it takes the room's next sequence
number, and the message's `seq` becomes it, so a page that reconnects gets the
message as it is now, once (messages.changes_after)."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from webapp.chat import mentions
from webapp.chat.errors import ChatError
from webapp.chat.events import MessageChanged, ReactionsChanged
from webapp.chat.messages import clean_body, next_seq, reactions_of, views
from webapp.db.models import Mention, Message, Reaction, Snapshot, utcnow

# The reactions offered: a small set, so a reaction is a click, never a picker.
EMOJI = ("👍", "❤️", "😂", "🎉", "😮", "😢", "🙏", "👀")


async def _author(session: AsyncSession, room_id: int, message_id: int) -> int:
    """The author of one of the room's messages still standing, else no_such_message.
    A line about the room (a rename) is the room's record: nobody changes it."""
    query = select(Message.author_id, Message.deleted_at, Message.kind).where(Message.id == message_id, Message.room_id == room_id)
    row = (await session.execute(query)).first()
    if row is None:
        raise ChatError("no_such_message")
    if row.kind == "system":
        raise ChatError("not_allowed", "A line about the room cannot be changed.")
    if row.deleted_at is not None:
        raise ChatError("no_such_message", "That message was deleted.")
    return row.author_id


async def _own(session: AsyncSession, room_id: int, message_id: int, user_id: int) -> None:
    if await _author(session, room_id, message_id) != user_id:
        raise ChatError("not_allowed")


async def edit_message(session: AsyncSession, *, room_id: int, user_id: int, message_id: int, body: str) -> MessageChanged:
    body = clean_body(body)
    await _own(session, room_id, message_id, user_id)
    if await session.scalar(select(Message.kind).where(Message.id == message_id)) == "snapshot":
        raise ChatError("not_allowed", "A snapshot is a picture of the board: share the board anew instead.")
    seq, _count = await next_seq(session, room_id)
    await session.execute(update(Message).where(Message.id == message_id).values(body=body, edited_at=utcnow(), seq=seq))
    # Who it names now: a mention added by the edit counts, one taken out no longer does.
    await session.execute(delete(Mention).where(Mention.message_id == message_id))
    await mentions.record(await session.connection(), room_id, message_id, body)
    return MessageChanged((await views(session, [message_id]))[0])


async def delete_message(
    session: AsyncSession, *, room_id: int, user_id: int, message_id: int, any_author: bool = False
) -> MessageChanged:
    """The row stays as a tombstone (its place in the history, replies' quotes);
    its body and reactions go. `any_author`: a moderator's, whoever wrote it."""
    if any_author:
        await _author(session, room_id, message_id)
    else:
        await _own(session, room_id, message_id, user_id)
    seq, _count = await next_seq(session, room_id)
    await session.execute(update(Message).where(Message.id == message_id).values(body="", deleted_at=utcnow(), seq=seq))
    await session.execute(delete(Reaction).where(Reaction.message_id == message_id))
    await session.execute(delete(Mention).where(Mention.message_id == message_id))
    await session.execute(delete(Snapshot).where(Snapshot.message_id == message_id))
    return MessageChanged((await views(session, [message_id]))[0])


async def react(session: AsyncSession, *, room_id: int, user_id: int, message_id: int, emoji: str) -> ReactionsChanged:
    """Toggles the user's reaction: on if it was off, off if it was on."""
    if emoji not in EMOJI:
        raise ChatError("bad_data", "Reactions are one of " + " ".join(EMOJI) + ".")
    await _author(session, room_id, message_id)
    seq, _count = await next_seq(session, room_id)
    key = (Reaction.message_id == message_id, Reaction.user_id == user_id, Reaction.emoji == emoji)
    removed = (await session.execute(delete(Reaction).where(*key))).rowcount
    if not removed:
        session.add(Reaction(message_id=message_id, user_id=user_id, emoji=emoji, created_at=utcnow()))
        await session.flush()
    await session.execute(update(Message).where(Message.id == message_id).values(seq=seq))
    reactions = (await reactions_of(session, [message_id])).get(message_id, [])
    return ReactionsChanged(room_id, message_id, seq, reactions)
