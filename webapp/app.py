"""create_app(settings): the services, routes and plugins; nothing else."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from litestar import Litestar, Request, Response
from litestar.config.allowed_hosts import AllowedHostsConfig
from litestar.datastructures import State
from litestar.enums import ScopeType
from litestar.di import Provide
from litestar.exceptions import ClientException, NotFoundException
from litestar.logging import LoggingConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig
from litestar_htmx import HTMXRequest

from webapp.api.connection import api_socket
from webapp.chat.errors import ChatError
from webapp.realtime.socket import lobby_socket, room_socket
from webapp.rendering import create_environment
from webapp.services import Services, running
from webapp.settings import Settings
from webapp.web.headers import give_nonce, security_headers
from webapp.web.identity import identity_middleware
from webapp.web.bots import bot_message, create_bot, revoke_bot
from webapp.web.me import rename_me
from webapp.web.moderate import become_moderator, moderate_page, mute, resign, unmute
from webapp.web.pages import board_svg, healthz, healthz_head, history, info, lobby, lobby_head, room_page, snapshot

STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    env = create_environment()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with running(settings, env) as services:
            app.state.services = services
            # The cycle collector stops delivery while it runs: a full collection
            # took 30-90 ms with a thousand sockets open, the p99 of a busy room.
            # What is loaded by now lives as long as the process, so it is frozen out
            # of the collector's sight, and collections run less often (bench/RESULTS.md).
            gc.collect()
            gc.freeze()
            gc.set_threshold(50_000, 20, 100)
            yield

    return Litestar(
        route_handlers=[
            lobby,
            lobby_head,
            room_page,
            history,
            board_svg,
            snapshot,
            info,
            rename_me,
            create_bot,
            revoke_bot,
            bot_message,
            moderate_page,
            become_moderator,
            resign,
            mute,
            unmute,
            healthz,
            healthz_head,
            lobby_socket,
            room_socket,
            api_socket,
            create_static_files_router(path="/static", directories=[STATIC], name="static", before_request=refuse_nul),
        ],
        lifespan=[lifespan],
        dependencies={"services": Provide(_services, sync_to_thread=False)},
        request_class=HTMXRequest,
        # Any other Host is refused (400) before routing: a DNS-rebinding page gets no
        # page and no cookie. The health check answers whatever name a platform's prober uses.
        # HTTP only: Litestar answers a websocket with an HTTP response, a 500; the
        # socket handler refuses a foreign Host itself (realtime/socket.py: host_allowed).
        allowed_hosts=AllowedHostsConfig(
            allowed_hosts=settings.hosts(), exclude=["^/healthz$"], scopes={ScopeType.HTTP}, www_redirect=False
        ),
        middleware=[identity_middleware(settings)],
        before_request=give_nonce,
        before_send=[security_headers],
        openapi_config=None,  # no /schema pages: nothing here is an API to browse
        template_config=TemplateConfig(engine=JinjaTemplateEngine.from_environment(env)),
        exception_handlers={NotFoundException: not_found, ChatError: chat_error},
        logging_config=LoggingConfig(
            log_exceptions="always",
            # Refusals are the client's mistake, not the server's: a line each, no traceback.
            disable_stack_trace={400, 404, 405, ChatError},
            root={"level": settings.log_level.upper(), "handlers": ["queue_listener"]},
        ),
        debug=False,
    )


def _services(state: State) -> Services:
    return state.services


async def refuse_nul(request: Request) -> None:
    """The file system answers a NUL in a path with a ValueError (a 500): it is the client's mistake."""
    if "\x00" in request.scope["path"]:
        raise ClientException("A path cannot hold a NUL character.")


def not_found(request: HTMXRequest, _exc: Exception) -> Response:
    if request.htmx:
        return Response("", status_code=404)
    return Template("pages/not_found.html", context={"me": None, "socket_url": None}, status_code=404)


def chat_error(request: HTMXRequest, error: ChatError) -> Response:
    """A refused request: a room that is not there is a 404, anything else a 400 saying why."""
    if error.code == "no_such_room":
        return not_found(request, error)
    return Response({"status_code": 400, "detail": error.detail, "code": error.code}, status_code=400)
