"""Renaming oneself from a page without a socket (/info): the header's form posts here.

On pages with a socket the same form is sent over it (ws-send); without one the
browser submits it, and this runs the same command through the same writer, so
everyone sees the rename as if it came over a socket."""

from __future__ import annotations

from litestar import post
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException
from litestar.response import Redirect, Template
from litestar_htmx import HTMXRequest

from webapp.chat import users
from webapp.chat.errors import ChatError
from webapp.chat.events import UserView
from webapp.realtime.actions import Caller, execute
from webapp.realtime.commands import RenameUser
from webapp.services import Services
from webapp.web.forms import Form, require_own_page
from webapp.web.pages import identified


@post("/me", dependencies=identified)
async def rename_me(request: HTMXRequest, services: NamedDependency[Services], me: NamedDependency[UserView], data: Form) -> Redirect | Template:
    settings = services.settings
    if me.id == users.READER.id:
        raise PermissionDeniedException(users.READ_ONLY)
    require_own_page(request, settings, "Rename yourself from a page of this site.")
    command = RenameUser(name=data.get("name", ""))
    try:
        services.limiter.admit(me.id, command)
        await services.writer.run(lambda session: execute(session, Caller(me.id, None), command, settings))
    except ChatError as error:
        # The page again, the current name in the field and why the new one was refused.
        return Template("pages/info.html", context={"me": me, "socket_url": None, "refusal": error}, status_code=400)
    return Redirect("/info", status_code=303)
