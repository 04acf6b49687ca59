"""Client frames → typed commands. One JSON object per frame, as htmx-ext-ws
sends a form: its fields plus HEADERS, with `action` naming the command."""

from __future__ import annotations

import uuid
from typing import Annotated, ClassVar, Literal

import msgspec

from webapp.chat.drawing import HEIGHT, MAX_POINTS, WIDTH
from webapp.chat.errors import ChatError
from webapp.chat.moderation import MUTE_MINUTES_MAX

# Bounds on fields whose domain rule does not already bound them.
Short = Annotated[str, msgspec.Meta(max_length=1024)]
ClientId = Annotated[str, msgspec.Meta(max_length=64)]
DETAIL_MAX = 200


# The identity's rate budget an action spends (webapp/realtime/limits.py); None: only the socket's frame budget.
Budget = Literal["messages", "rooms", "edits", "draws", "cursors", "reactions", "reads"] | None


class Command(msgspec.Struct, tag_field="action", frozen=True):
    budget: ClassVar[Budget] = None


class CreateRoom(Command, tag="create_room"):
    budget = "rooms"
    name: Short = ""
    color: Short = ""


class RenameRoom(Command, tag="rename_room"):
    budget = "edits"
    room: int
    name: Short


class RecolorRoom(Command, tag="recolor_room"):
    budget = "edits"
    room: int
    color: Short


class DeleteRoom(Command, tag="delete_room"):
    budget = "edits"
    room: int


class RestoreRoom(Command, tag="restore_room"):
    budget = "edits"
    room: int


class RenameUser(Command, tag="rename_user"):
    budget = "edits"
    name: Short


class Draw(Command, tag="draw"):
    budget = "draws"
    stroke: uuid.UUID
    points: Annotated[list[float], msgspec.Meta(max_length=2 * MAX_POINTS)]
    width: int
    color: Short = "#000000"
    tool: Short = "pen"
    done: bool = False
    text: Short = ""  # a label's (tool "text")


class UndoStroke(Command, tag="undo_stroke"):
    budget = "draws"


class RedoStroke(Command, tag="redo_stroke"):
    budget = "draws"


class Cursor(Command, tag="cursor"):
    """Where the caller's pointer is over the board: shown to the others, never stored."""

    budget = "cursors"

    x: Annotated[float, msgspec.Meta(ge=0, le=WIDTH)]
    y: Annotated[float, msgspec.Meta(ge=0, le=HEIGHT)]


class ShareBoard(Command, tag="share_board"):
    budget = "messages"  # a snapshot is a message


class ResetDrawing(Command, tag="reset_drawing"):
    budget = "edits"


class SendMessage(Command, tag="send_message"):
    budget = "messages"
    # The body's length is the domain's rule (messages.clean_body); the frame bounds it too.
    body: str
    client_id: ClientId = ""
    reply_to: int | None = None


class EditMessage(Command, tag="edit_message"):
    budget = "edits"
    message: int
    body: str


class DeleteMessage(Command, tag="delete_message"):
    budget = "edits"
    message: int


class React(Command, tag="react"):
    budget = "reactions"
    message: int
    emoji: Short


class MuteUser(Command, tag="mute_user"):
    """A moderator's: the user reads, and every action they send is refused, for `minutes`."""

    budget = "edits"
    user: int
    minutes: Annotated[int, msgspec.Meta(ge=1, le=MUTE_MINUTES_MAX)]


class UnmuteUser(Command, tag="unmute_user"):
    budget = "edits"
    user: int


class MarkRead(Command, tag="mark_read"):
    budget = "reads"
    room: int
    message: int


class SetNotify(Command, tag="set_notify"):
    budget = "edits"
    room: int
    level: Short


class Typing(Command, tag="typing"):
    """Honoured at most once per 2 s per socket (realtime/typing.py), without a budget of its own."""


AnyCommand = (
    CreateRoom | RenameRoom | RecolorRoom | DeleteRoom | RestoreRoom | RenameUser | Draw | UndoStroke | RedoStroke | Cursor | ShareBoard
    | ResetDrawing | SendMessage | EditMessage | DeleteMessage | React | MuteUser | UnmuteUser | MarkRead | SetNotify | Typing
)

_decoder = msgspec.json.Decoder(AnyCommand, strict=False)


def parse(frame: str | bytes) -> AnyCommand:
    """Decode one frame or raise the ChatError its client should see."""
    return decode(_decoder, frame)


def decode(decoder: msgspec.json.Decoder, frame: str | bytes):
    """A frame through this decoder, or the ChatError that says what is wrong with it."""
    try:
        return decoder.decode(frame)
    except msgspec.ValidationError as error:
        # Bounded: the message may quote the client's own (long) value back.
        message = str(error)[:DETAIL_MAX]
        if message.startswith("Object missing required field"):
            raise ChatError("not_sufficient_data", message) from None
        if "of length <=" in message:
            raise ChatError("data_too_long", message) from None
        raise ChatError("bad_data", message) from None
    except msgspec.DecodeError:
        raise ChatError("bad_data", "A frame must be one JSON object.") from None
    except RecursionError:
        raise ChatError("bad_data", "A frame must not nest that deeply.") from None
