"""/moderate: become a moderator with MODERATOR_KEY, resign, and find and mute a spammer.

Mutes from this page run the same commands as over a socket, through the same
writer; the moderator's other actions (deleting a message, closing a room) are
taken on the room's page."""

from __future__ import annotations

import hmac

import msgspec
from litestar import get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect, Template
from litestar_htmx import HTMXRequest

from webapp.chat import moderation, users
from webapp.chat.errors import ChatError
from webapp.chat.events import UserView
from webapp.db.models import utcnow
from webapp.realtime.actions import Caller, execute
from webapp.realtime.commands import parse
from webapp.services import Services
from webapp.web.forms import Form, require_own_page
from webapp.web.pages import identified

MUTE_CHOICES = [(60, "1 hour"), (24 * 60, "1 day"), (moderation.MUTE_MINUTES_MAX, "7 days")]


async def _page(services: Services, me: UserView, status_code: int = 200, refusal: ChatError | str | None = None) -> Template:
    context: dict = {
        "me": me, "socket_url": None, "enabled": bool(services.settings.moderator_key), "refusal": refusal, "now": utcnow(),
    }
    async with services.sessions() as session:
        context["standing"] = await moderation.standing(session, me.id, enabled=context["enabled"])
        if context["standing"].moderator:
            context["audit"] = await moderation.audit(session)
            context["active"] = await moderation.active_identities(session)
            context["mute_choices"] = MUTE_CHOICES
        context["moderators"] = await moderation.moderator_ids(session, enabled=context["enabled"])
    return Template("pages/moderate.html", context=context, status_code=status_code)


@get("/moderate", dependencies=identified)
async def moderate_page(services: NamedDependency[Services], me: NamedDependency[UserView]) -> Template:
    return await _page(services, me)


def _checked(request: HTMXRequest, services: Services, me: UserView) -> None:
    """What every post here needs: moderation on, an identity, a page of this site."""
    if not services.settings.moderator_key:
        raise NotFoundException("Moderation is off on this server.")
    if me.id == users.READER.id:
        raise PermissionDeniedException(users.READ_ONLY)
    require_own_page(request, services.settings, "Moderate from a page of this site.")


@post("/moderate", dependencies=identified)
async def become_moderator(
    request: HTMXRequest, services: NamedDependency[Services], me: NamedDependency[UserView], data: Form
) -> Redirect | Template:
    _checked(request, services, me)
    if not services.limiter.try_key(request.client.host if request.client else ""):
        return await _page(services, me, 429, "Too many tries at the moderator key from your address; try again later.")
    given, key = data.get("key", "").encode(), services.settings.moderator_key.encode()
    if not hmac.compare_digest(given, key):
        return await _page(services, me, 403, "That is not the moderator key.")
    await services.writer.run(lambda session: moderation.become_moderator(session, me.id))
    return Redirect("/moderate", status_code=303)


@post("/moderate/resign", dependencies=identified)
async def resign(request: HTMXRequest, services: NamedDependency[Services], me: NamedDependency[UserView]) -> Redirect:
    _checked(request, services, me)
    await services.writer.run(lambda session: moderation.resign(session, me.id))
    return Redirect("/moderate", status_code=303)


async def _command(request: HTMXRequest, services: Services, me: UserView, action: str, data: dict[str, str]) -> Redirect | Template:
    """A socket action posted from this page: parsed, limited and run as a socket's would be."""
    _checked(request, services, me)
    try:
        command = parse(msgspec.json.encode({**data, "action": action}))
        services.limiter.admit(me.id, command)
        await services.writer.run(lambda session: execute(session, Caller(me.id, None), command, services.settings))
    except ChatError as error:
        return await _page(services, me, 403 if error.code == "not_allowed" else 400, error)
    return Redirect("/moderate", status_code=303)


@post("/moderate/mute", dependencies=identified)
async def mute(request: HTMXRequest, services: NamedDependency[Services], me: NamedDependency[UserView], data: Form) -> Redirect | Template:
    return await _command(request, services, me, "mute_user", data)


@post("/moderate/unmute", dependencies=identified)
async def unmute(request: HTMXRequest, services: NamedDependency[Services], me: NamedDependency[UserView], data: Form) -> Redirect | Template:
    return await _command(request, services, me, "unmute_user", data)
