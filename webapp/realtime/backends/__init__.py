"""The cross-process channels backend that CHANNELS_BACKEND names."""

from __future__ import annotations

from litestar.channels import ChannelsBackend
from litestar.channels.backends.memory import MemoryChannelsBackend
from sqlalchemy.engine import make_url

from webapp.db.engine import normalize_url
from webapp.settings import Settings


def asyncpg_dsn(database_url: str) -> str:
    """The DSN asyncpg takes, from the SQLAlchemy URL the app is configured with."""
    url = make_url(normalize_url(database_url)).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def create_backend(settings: Settings) -> ChannelsBackend:
    match settings.channels_backend:
        case "postgres":
            from webapp.realtime.backends.postgres import PostgresChannelsBackend

            return PostgresChannelsBackend(asyncpg_dsn(settings.database_url))
        case "redis":
            from webapp.realtime.backends.redis import RedisStreamBackend

            return RedisStreamBackend(settings.redis_url)
        case _:
            return MemoryChannelsBackend()
