"""Settings that would run several processes wrongly are refused at start."""

from __future__ import annotations

import pytest

from webapp.realtime.backends import asyncpg_dsn
from webapp.settings import Settings, SettingsError


def test_several_workers_need_a_shared_channels_backend() -> None:
    with pytest.raises(SettingsError, match="WEB_CONCURRENCY"):
        Settings.from_env({"SECRET_KEY": "k", "WEB_CONCURRENCY": "2"})
    settings = Settings.from_env({"SECRET_KEY": "k", "WEB_CONCURRENCY": "2", "CHANNELS_BACKEND": "redis"})
    assert settings.web_concurrency == 2


def test_the_postgres_backend_needs_a_postgres_database() -> None:
    with pytest.raises(SettingsError, match="PostgreSQL"):
        Settings.from_env({"SECRET_KEY": "k", "CHANNELS_BACKEND": "postgres"})
    settings = Settings.from_env(
        {"SECRET_KEY": "k", "CHANNELS_BACKEND": "postgres", "DATABASE_URL": "postgres://u:p%40ss@db:5432/chat"}
    )
    assert settings.channels_backend == "postgres"


def test_the_listener_gets_a_plain_asyncpg_dsn_from_any_postgres_url() -> None:
    for url in ("postgres://u:p%40ss@db:5432/chat", "postgresql+asyncpg://u:p%40ss@db:5432/chat"):
        assert asyncpg_dsn(url) == "postgresql://u:p%40ss@db:5432/chat"
