"""Bot keys over HTTP: made and revoked from the room page, and a program's
one-line way to post: `POST /rooms/{id}/messages` with `Authorization: Bearer {key}`."""

from __future__ import annotations

from litestar import Request, Response, post
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar_htmx import HTMXRequest
from sqlalchemy.ext.asyncio import AsyncSession

from webapp.api import encoding
from webapp.chat import bots, messages, moderation, presence, rooms, users
from webapp.chat.errors import ChatError
from webapp.chat.events import UserView
from webapp.db.models import BODY_MAX
from webapp.services import Services
from webapp.settings import Settings
from webapp.web.forms import Form, require_own_page
from webapp.web.pages import identified

# A body's characters as UTF-8, at most; more is refused (413) before it is read whole.
MAX_BODY_BYTES = 4 * BODY_MAX
STATUS = {"no_such_room": 404, "data_too_long": 413, "rate_limited": 429}


def _from_a_page_of_this_site(request: HTMXRequest, services: Services, me: UserView) -> None:
    if me.id == users.READER.id:
        raise PermissionDeniedException(users.READ_ONLY)
    require_own_page(request, services.settings, "Bots are made and revoked from a page of this site.")


@post("/rooms/{room_id:int}/bot", dependencies=identified, status_code=201)
async def create_bot(
    request: HTMXRequest, services: NamedDependency[Services], me: NamedDependency[UserView], room_id: FromPath[int], data: Form
) -> Template:
    """A bot for this room, by someone in it; its key is on the answer, and nowhere else ever."""
    _from_a_page_of_this_site(request, services, me)
    services.limiter.spend(me.id, "rooms")  # a bot is an identity, as dear as a room
    async with services.transaction() as session:
        room = await rooms.get_room(session, room_id)
        if not await presence.present(session, room_id, me.id):
            raise PermissionDeniedException("Bots are made by someone in the room, from its page.")
        key, bot = await bots.create_bot(session, room_id=room_id, creator_id=me.id, name=data.get("name", ""))
    return Template(
        "pages/bot_key.html", context={"me": me, "socket_url": None, "room": room, "bot": bot, "key": key}, status_code=201
    )


@post("/rooms/{room_id:int}/bots/{key_id:int}/revoke", dependencies=identified)
async def revoke_bot(
    request: HTMXRequest, services: NamedDependency[Services], me: NamedDependency[UserView], room_id: FromPath[int], key_id: FromPath[int]
) -> Redirect:
    _from_a_page_of_this_site(request, services, me)
    async with services.transaction() as session:
        try:
            await bots.revoke(session, room_id=room_id, key_id=key_id, by=me.id)
        except ChatError as error:
            raise PermissionDeniedException(error.detail) from None
    return Redirect(f"/rooms/{room_id}", status_code=303)


@post("/rooms/{room_id:int}/messages", request_max_body_size=MAX_BODY_BYTES)
async def bot_message(request: Request, services: NamedDependency[Services], room_id: FromPath[int]) -> Response:
    """The request's body, as text, posted to the room by the key's bot: 201 and the message as JSON."""
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    async with services.sessions() as session:
        bot = await bots.authenticate(session, key.strip()) if scheme.lower() == "bearer" else None
    if bot is None:
        raise NotAuthorizedException("A bot's key is needed: Authorization: Bearer {key}.", headers={"WWW-Authenticate": "Bearer"})
    if bot.room_id != room_id:
        return _refusal("no_such_room", "This key's bot posts to another room.")
    try:
        body = (await request.body()).decode()
        services.limiter.spend(bot.user.id, "messages")
        created = await services.writer.run(lambda session: _post(session, services.settings, bot.user.id, room_id, body))
    except UnicodeDecodeError:
        return _refusal("bad_data", "The body is text, in UTF-8.")
    except ChatError as error:
        return _refusal(error.code, error.detail)
    return Response(encoding.message(created.message, bot.room_uuid), status_code=201)


async def _post(session: AsyncSession, settings: Settings, bot_id: int, room_id: int, body: str):
    # A moderator's "Mute author" on a bot's message silences the bot too.
    await moderation.refuse_muted(session, bot_id, enabled=bool(settings.moderator_key))
    return await messages.send_message(session, room_id=room_id, author_id=bot_id, body=body)


def _refusal(code: str, detail: str) -> Response:
    status = STATUS.get(code, 400)
    return Response({"status_code": status, "code": code, "detail": detail}, status_code=status)
