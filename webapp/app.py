"""create_app(settings): plugins, routes; nothing else."""

from __future__ import annotations

import asyncio
import gc
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path

from litestar import Litestar
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.logging import LoggingConfig
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

from webapp.chat import presence
from webapp.db.engine import create_engine, session_factory, writer
from webapp.realtime.backends import create_backend
from webapp.realtime.fanout import EVENTS, Fanout
from webapp.realtime.limits import Limiter
from webapp.realtime.socket import lobby_socket, room_socket
from webapp.realtime.subscriber import SocketSubscriber
from webapp.rendering import create_environment
from webapp.settings import Settings
from webapp.web.headers import security_headers
from webapp.web.identity import cookie_config
from webapp.web.pages import board_svg, healthz, history, info, lobby, not_found, room_page

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
HEARTBEAT_SECONDS = 10


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    env = create_environment()
    channels = ChannelsPlugin(
        backend=MemoryChannelsBackend(),
        arbitrary_channels_allowed=True,
        subscriber_class=SocketSubscriber,
        subscriber_max_backlog=settings.socket_queue_size,
        subscriber_backlog_strategy="backoff",
    )

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        state = app.state
        state.sessions = session_factory(engine)
        state.write = writer(settings.database_url, state.sessions)
        state.server_id = str(uuid.uuid4())
        bus = create_backend(settings)
        await bus.on_startup()
        await bus.subscribe([EVENTS])
        async with channels:
            state.fanout = Fanout(channels, env, bus, state.sessions)
            tasks = [
                asyncio.create_task(state.fanout.run_publisher()),
                asyncio.create_task(state.fanout.run_relay()),
                asyncio.create_task(state.fanout.run_coalesced()),
            ]
            await _beat(state)
            tasks.append(asyncio.create_task(_heartbeat(state)))
            # The cycle collector stops delivery while it runs: a full collection
            # took 30-90 ms with a thousand sockets open, the p99 of a busy room.
            # What is loaded by now lives as long as the process, so it is frozen out
            # of the collector's sight, and collections run less often (bench/RESULTS.md).
            gc.collect()
            gc.freeze()
            gc.set_threshold(50_000, 20, 100)
            try:
                yield
            finally:
                try:
                    async with state.write() as session:
                        events = await presence.retire(session, state.server_id)
                    for event in events:
                        state.fanout.publish(event)
                    with suppress(TimeoutError):
                        await asyncio.wait_for(state.fanout.drain(), 5)
                finally:
                    for task in tasks:
                        task.cancel()
                        with suppress(asyncio.CancelledError):
                            await task
                    await bus.on_shutdown()
        await engine.dispose()

    return Litestar(
        route_handlers=[
            lobby,
            room_page,
            history,
            board_svg,
            info,
            healthz,
            lobby_socket,
            room_socket,
            create_static_files_router(path="/static", directories=[STATIC], name="static"),
        ],
        lifespan=[lifespan],
        middleware=[security_headers, cookie_config(settings).middleware],
        template_config=TemplateConfig(engine=JinjaTemplateEngine.from_environment(env)),
        exception_handlers={NotFoundException: not_found},
        state=State({"settings": settings, "templates": env, "channels": channels, "limiter": Limiter(settings)}),
        logging_config=LoggingConfig(
            log_exceptions="always",
            disable_stack_trace={404},
            root={"level": settings.log_level.upper(), "handlers": ["queue_listener"]},
        ),
        debug=False,
    )


async def _beat(state: State) -> None:
    """Keep this process's presence alive; let presence of dead processes go."""
    async with state.write() as session:
        events = await presence.heartbeat(session, state.server_id)
    for event in events:
        state.fanout.publish(event)


async def _heartbeat(state: State) -> None:
    while True:
        await asyncio.sleep(HEARTBEAT_SECONDS)
        try:
            await _beat(state)
        except Exception:
            log.exception("presence heartbeat failed")
